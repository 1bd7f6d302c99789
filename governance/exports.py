"""Campaign lists for mail merge: CSV that opens correctly in a German Excel.

UTF-8 with BOM (Excel then reads umlauts right), ``;`` as delimiter (the DACH list separator), and
cells that a spreadsheet would run as a formula neutralised with a leading apostrophe (OWASP's
advice against CSV injection).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(series: pd.Series) -> pd.Series:
    """Prefix cells starting with a formula trigger with ``'`` so Excel shows them as text."""
    text = series.fillna("").astype(str)
    risky = text.str.startswith(_FORMULA_STARTS)
    if not risky.any():
        return text
    return text.where(~risky, "'" + text)


def write_mail_merge_csv(df: pd.DataFrame, path: str | Path) -> Path:
    """Write ``df`` as a mail-merge CSV; every column is neutralised and written as text."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    safe = pd.DataFrame({col: neutralise_formulas(df[col]) for col in df.columns}, index=df.index)
    tmp = path.with_suffix(path.suffix + ".tmp")
    safe.to_csv(tmp, sep=";", index=False, encoding="utf-8-sig", lineterminator="\r\n")
    tmp.replace(path)
    return path


class CampaignIntegrityError(RuntimeError):
    """A campaign list holds contacts it must not hold; nothing was exported."""


def export_campaign(warehouse, campaign_table: str, partition_date: str, path: str | Path) -> int:
    """Export one night of a campaign list for mail merge; returns the rows written.

    The list is checked before anything is written: a contact who opted out or is not
    salutation-ready stops the export (the asset check reports the same condition in Dagster).
    """
    from governance.nightly import campaign_offenders

    offenders = campaign_offenders(warehouse, campaign_table, partition_date)
    if len(offenders):
        examples = ", ".join(offenders["contact_id"].astype(str).head(5))
        raise CampaignIntegrityError(
            f"{campaign_table} {partition_date}: {len(offenders)} contact(s) opted out or not "
            f"salutation-ready (e.g. {examples}); not exported"
        )
    frame = warehouse.read_partition(campaign_table, partition_date)
    write_mail_merge_csv(frame, path)
    return len(frame)
