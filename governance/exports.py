"""Campaign lists for mail merge: CSV that opens correctly in a German Excel.

UTF-8 with BOM (Excel then reads umlauts right), ``;`` as delimiter (the DACH list separator), and
cells that a spreadsheet would run as a formula neutralised with a leading apostrophe (OWASP's
advice against CSV injection).
"""

from __future__ import annotations

from dataclasses import dataclass
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
    import pyarrow as pa
    import pyarrow.csv as pacsv

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    safe = pd.DataFrame({col: neutralise_formulas(df[col]) for col in df.columns}, index=df.index)
    tmp = path.with_suffix(path.suffix + ".tmp")
    # pyarrow writes a million rows in a fraction of a second (pandas.to_csv: several seconds); it
    # quotes every text cell, which Excel reads the same. The header is written by hand, unquoted.
    with tmp.open("wb") as fh:
        fh.write(b"\xef\xbb\xbf" + ";".join(map(str, safe.columns)).encode("utf-8") + b"\r\n")
        pacsv.write_csv(
            pa.Table.from_pandas(safe, preserve_index=False),
            fh,
            pacsv.WriteOptions(include_header=False, delimiter=";", eol="\r\n"),
        )
    tmp.replace(path)
    return path


@dataclass(frozen=True)
class CampaignExport:
    rows: int  # rows written; 0 when the export was refused
    offenders: pd.DataFrame  # contact_id of rows that opted out or are not salutation-ready
    path: Path | None  # the file written, None when refused

    @property
    def refused(self) -> bool:
        return len(self.offenders) > 0


def export_campaign(warehouse, campaign_table: str, partition_date: str, path: str | Path) -> CampaignExport:
    """Export one night of a campaign list for mail merge.

    The list is checked before anything is written: a contact who opted out or is not
    salutation-ready refuses the whole export, and the offenders are returned for the asset check.
    """
    from governance.nightly import campaign_offenders

    frame = warehouse.read_partition(campaign_table, partition_date)  # read once: checked, then written
    offenders = campaign_offenders(warehouse, campaign_table, partition_date, listed=frame)
    if len(offenders):
        return CampaignExport(rows=0, offenders=offenders, path=None)
    return CampaignExport(rows=len(frame), offenders=offenders, path=write_mail_merge_csv(frame, path))
