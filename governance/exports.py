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
