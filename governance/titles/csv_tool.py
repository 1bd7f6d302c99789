"""`governance salutations INPUT.csv -o OUTPUT.csv`: salutations for a CSV of contacts."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from governance.ingest.sniff import SniffError, sniff_csv
from governance.titles.frame import parse_contacts
from governance.titles.salutation import SalutationConfig

INPUT_COLUMNS: tuple[str, ...] = ("salutation", "title", "first_name", "last_name", "position", "country")
# Used when present: the company line of the address block (rules §4).
OPTIONAL_COLUMNS: tuple[str, ...] = ("company",)
OUTPUT_COLUMNS: tuple[str, ...] = (
    "salutation_line",
    "address_block",
    "titles_prenominal",
    "titles_postnominal",
    "gender",
    "issues",
)


class TitleInputError(ValueError):
    """The input file cannot be read or lacks a required column; the message names the file."""


def _first_row_longer_than_header(src: Path, dialect) -> tuple[int, int, int] | None:
    """(line, fields, header fields) of the first record with more non-empty fields than the header, or
    None. pandas would read such a first record's surplus as an index and shift every column after it."""
    with src.open(encoding=dialect.encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=dialect.delimiter)
        header = next(reader, None)
        if header is None:
            return None
        width = len(header)
        for row in reader:
            if len(row) > width and any(v.strip() for v in row[width:]):
                return reader.line_num, len(row), width
    return None


def salutations_csv(
    input_path: str | Path, output_path: str | Path, config: SalutationConfig | None = None
) -> int:
    """Read contacts, write them back with the salutation columns added; returns the rows written.

    Extra input columns pass through unchanged and in order; the delimiter of the input is kept; the
    output is UTF-8, with a byte order mark when the input was cp1252 or had one (the mark is how Excel
    knows the file is UTF-8). An input column that has the name of an output column is replaced by it.
    """
    src = Path(input_path)
    try:
        dialect = sniff_csv(src)
        long_row = _first_row_longer_than_header(src, dialect)
        if long_row is not None:
            line, found, expected = long_row
            raise TitleInputError(
                f"{src}: line {line}: {found} fields, but the header has {expected} "
                "(a delimiter inside an unquoted value?)"
            )
        df = pd.read_csv(
            src,
            sep=dialect.delimiter,
            encoding=dialect.encoding,
            dtype=str,
            keep_default_na=False,
            quoting=csv.QUOTE_MINIMAL,
            index_col=False,  # never take surplus leading fields as an index: that shifts every column
        )
    except TitleInputError:
        raise
    except SniffError as exc:
        raise TitleInputError(f"{src}: cannot read the file: {exc}") from exc
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise TitleInputError(f"{src}: cannot read the file as CSV: {exc}") from exc
    # Headers as people type them: "Salutation", " Title " and "last_name" all count.
    by_key = {str(c).strip().casefold(): c for c in df.columns}
    missing = [c for c in INPUT_COLUMNS if c not in by_key]
    if missing:
        raise TitleInputError(
            f"{src}: missing required column(s): {', '.join(missing)} "
            f"(found: {', '.join(map(str, df.columns)) or 'none'})"
        )
    used = [c for c in (*INPUT_COLUMNS, *OPTIONAL_COLUMNS) if c in by_key]
    fields = pd.DataFrame({c: df[by_key[c]] for c in used}, index=df.index)
    parsed = parse_contacts(fields, config)
    out = df.drop(columns=[c for c in df.columns if str(c).strip().casefold() in OUTPUT_COLUMNS])
    for col in OUTPUT_COLUMNS:
        out[col] = parsed[col]
    target = Path(output_path)
    try:
        encoding = "utf-8" if dialect.encoding == "utf-8" else "utf-8-sig"
        out.to_csv(target, sep=dialect.delimiter, index=False, encoding=encoding, lineterminator="\n")
    except OSError as exc:
        raise TitleInputError(f"{target}: cannot write the output: {exc.strerror or exc}") from exc
    return len(out)
