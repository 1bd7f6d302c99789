"""Reading a delimited CRM extract file into the canonical contact model.

The happy path is vectorised: record boundaries and field counts come from a numpy scan of the bytes
(a newline or delimiter counts when an even number of quotes precedes it), the well-formed records are
parsed by pyarrow, and only the few suspicious records (quotes in odd places, undecodable bytes, wrong
field count) are re-examined with the ``csv`` module. That keeps the physical start line of every record
(for lineage) without a Python loop per row.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from governance.contact_model import CANONICAL_COLUMNS, LINEAGE_COLUMNS
from governance.ingest.errors import ExtractError, ProfileError
from governance.ingest.extract import Extract, check_required, make_rejects, to_canonical
from governance.ingest.profiles import Profile, best_profiles, load_profile, normalize_header
from governance.ingest.sniff import (
    PREAMBLE_LINES,
    SniffError,
    count_outside_quotes,
    detect_delimiter,
    detect_encoding,
    is_utf8,
)

_NL, _CR, _QUOTE = 10, 13, 34
# Rows that need the csv module (field checks, broken quoting) may hold long notes: its default limit of
# 131,072 characters per field would turn them into a crash. (The setting is process-wide.)
csv.field_size_limit(2**31 - 1)
# A file in an encoding read as a whole (UTF-16 from Excel's "Unicode text") with a bad code unit: the
# unit becomes NUL, which the reader rejects with the record it stands in, instead of failing the file.
_BAD_UNIT = "governance-bad-unit"
codecs.register_error(_BAD_UNIT, lambda exc: ("\x00", exc.end))
# Lines above the header that Excel and report tools write ("sep=;", a title row, rows of only
# delimiters) are skipped within this many lines (the delimiter sniffing looks as far).
_PREAMBLE_LINES = PREAMBLE_LINES
_CP1252_UNDEFINED = np.array([0x81, 0x8D, 0x8F, 0x90, 0x9D], dtype=np.uint8)
_RAW_TEXT_MAX = 2000
_QUOTE_WINDOW = 64  # first window of the misplaced-quote search (even; it grows fourfold)
# A quoted field opened in a region with misplaced quotes is followed over at most this many lines.
_MAX_RECORD_LINES = 1000
# Lines looked at from the end of the file for a report footer (Salesforce writes about ten).
_FOOTER_LINES = 50
# A footer row's first cell ("Total", "Grand Totals (12 records)", "Summe"): no contact id.
_FOOTER_WORD = re.compile(
    r"(?i)(?:grand\s+)?totals?\b|summe\b|gesamt|anzahl\b|count\b|copyright|generated|confidential|vertraulich"
)
# Columns that make a row with an id a person: a footer row fills none of them.
_PERSON_COLUMNS = ("salutation", "title", "first_name", "last_name", "email", "company", "position")


@dataclass
class _Scan:
    starts: np.ndarray  # byte offset of each clean record
    ends: np.ndarray  # end offset (exclusive, without the newline)
    nfields: np.ndarray
    suspects: list[tuple[int, int]] = field(default_factory=list)  # (start, end) byte ranges


def _first_misplaced_in(
    arr: np.ndarray, q: np.ndarray, pos: int, open_ok: np.ndarray, close_ok: np.ndarray, *, last: bool
) -> int:
    """Index in ``q`` (an even-length run of quote offsets, alternately opening and closing, unless
    ``last``) of the first quote that cannot open or close a field, or -1. An unpaired last quote of the
    file's last run is misplaced (unterminated).

    Opening and closing quotes are checked as two strided views with byte lookup tables: a quoted
    Salesforce export has 36 quotes per record, so this runs over tens of millions of offsets.
    """
    n = len(arr)
    opening, closing = q[0::2], q[1::2]
    before = arr[np.maximum(opening - 1, 0)]
    bad_open = ~open_ok[before] & (opening != pos)
    after = arr[np.minimum(closing + 1, n - 1)]
    bad_close = ~close_ok[after] & (closing != n - 1)
    candidates = []
    if bad_open.any():
        candidates.append(2 * int(np.argmax(bad_open)))
    if bad_close.any():
        candidates.append(2 * int(np.argmax(bad_close)) + 1)
    if last and len(q) % 2:
        candidates.append(len(q) - 1)
    return min(candidates) if candidates else -1


def _first_misplaced_quote(
    arr: np.ndarray, q: np.ndarray, pos: int, delim: int, open_ok: np.ndarray, close_ok: np.ndarray
) -> int:
    """Index in ``q`` (quote offsets from ``pos`` on) of the first misplaced quote, or -1.

    Looked for in growing windows of an even number of quotes (so each starts with an opening one): a
    file with a stray quote every few rows costs the distance to each, not the rest of the file each
    time (200,000 quoted rows with 20,000 stray quotes took 230 s when every search ran to the end).
    """
    start, window = 0, _QUOTE_WINDOW
    while start < len(q):
        stop = min(start + window, len(q))
        found = _first_misplaced_in(arr, q[start:stop], pos, open_ok, close_ok, last=stop == len(q))
        if found >= 0:
            return start + found
        start, window = stop, window * 4
    return -1


def _scan_records(
    arr: np.ndarray,
    delim: int,
    nl_all: np.ndarray,
    *,
    count_fields: bool,
    extend: Callable[[int, int], int] | None = None,
) -> _Scan:
    """Split ``arr`` into records by quote parity; regions with misplaced quotes become suspects.

    ``count_fields``: also count each record's fields (delimiters outside quotes + 1); without it
    ``nfields`` is -2 (unknown) and pyarrow's own field check is relied upon. ``extend(start, end)``: the
    end of a suspect region that starts at ``start`` and ends with the line of its first misplaced quote
    (at ``end``); it may lie further on when a quoted field opened on that line continues (the scan then
    goes on after it, not inside the quoted field).
    """
    n = len(arr)
    open_ok = np.zeros(256, dtype=bool)  # bytes that may stand before an opening quote
    open_ok[[delim, _NL, _QUOTE]] = True
    close_ok = np.zeros(256, dtype=bool)  # bytes that may follow a closing quote
    close_ok[[delim, _NL, _CR, _QUOTE]] = True
    q_all = np.flatnonzero(arr == _QUOTE)
    d_all = np.flatnonzero(arr == delim) if count_fields else None
    starts_l, ends_l, nf_l = [], [], []
    suspects: list[tuple[int, int]] = []
    pos = 0
    while pos < n:
        q = q_all[np.searchsorted(q_all, pos) :]
        stop = n
        next_pos = n
        if len(q):
            first_bad_index = _first_misplaced_quote(arr, q, pos, delim, open_ok, close_ok)
            if first_bad_index >= 0:
                first_bad = int(q[first_bad_index])
                q_before = q[:first_bad_index]  # slices, not masks: one suspect must not cost the file
                nl_seg = nl_all[np.searchsorted(nl_all, pos) : np.searchsorted(nl_all, first_bad)]
                even = (np.searchsorted(q_before, nl_seg) % 2) == 0
                bounds = nl_seg[even]
                stop = int(bounds[-1]) + 1 if len(bounds) else pos
                i = np.searchsorted(nl_all, first_bad)
                line_end = int(nl_all[i]) if i < len(nl_all) else n
                if extend is not None:
                    line_end = extend(stop, line_end)
                suspects.append((stop, line_end))
                next_pos = line_end + 1
                q = q_before
        nl_seg = nl_all[np.searchsorted(nl_all, pos) : np.searchsorted(nl_all, stop)]
        bounds = nl_seg[(np.searchsorted(q, nl_seg) % 2) == 0] if len(q) else nl_seg
        starts = np.concatenate(([pos], bounds + 1))
        ends = np.concatenate((bounds, [stop]))
        if d_all is not None:
            d_seg = d_all[np.searchsorted(d_all, pos) : np.searchsorted(d_all, stop)]
            d_out = d_seg[(np.searchsorted(q, d_seg) % 2) == 0] if len(q) else d_seg
            nf = np.searchsorted(d_out, ends) - np.searchsorted(d_out, starts) + 1
        else:
            nf = np.full(len(starts), -2, dtype=np.int64)
        # Trailing "\r" of CRLF files is not part of the record.
        has_cr = (ends > starts) & (arr[np.maximum(ends - 1, 0)] == _CR)
        ends = ends - has_cr
        keep = ends > starts  # blank lines are no records
        starts_l.append(starts[keep])
        ends_l.append(ends[keep])
        nf_l.append(nf[keep])
        pos = next_pos
    return _Scan(
        starts=np.concatenate(starts_l) if starts_l else np.zeros(0, np.int64),
        ends=np.concatenate(ends_l) if ends_l else np.zeros(0, np.int64),
        nfields=np.concatenate(nf_l) if nf_l else np.zeros(0, np.int64),
        suspects=suspects,
    )


def _bad_byte_offsets(buf: bytes, arr: np.ndarray, encoding: str) -> np.ndarray:
    """Offsets of the bytes ``encoding`` cannot decode (ASCII-compatible encodings only)."""
    if encoding == "cp1252":
        return np.flatnonzero(np.isin(arr, _CP1252_UNDEFINED))
    if encoding != "utf-8":
        return np.zeros(0, np.int64)
    try:
        buf.decode("utf-8")
        return np.zeros(0, np.int64)
    except UnicodeDecodeError:
        pass
    mv = memoryview(buf)
    bad: list[int] = []
    pos = 0
    while pos < len(buf):
        try:
            codecs.utf_8_decode(mv[pos:], "strict", True)
            break
        except UnicodeDecodeError as exc:
            bad.append(pos + exc.start)
            pos += exc.end
    return np.asarray(bad, dtype=np.int64)


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")
# A line of Windows (cp1252) text: ASCII, letters À-þ (not × ÷) and the punctuation such text holds.
_CP1252_TEXT = re.compile(
    rb"[\x00-\x7f\x80\x84\x85\x8a\x8c\x8e\x91-\x97\x9a\x9c\x9e\x9f\xa0-\xbf\xc0-\xd6\xd8-\xf6\xf8-\xfe]*"
)


def _utf8_with_cp1252_bytes(line: bytes) -> bytes | None:
    """A UTF-8 line with single cp1252 bytes in it ("René" typed in Windows into a UTF-8 list, the rest of
    the line "Österreich" in UTF-8) re-encoded as UTF-8, each part read in its own encoding; None when a
    bad byte is no cp1252 letter or punctuation, or is a UTF-8 lead byte (Ã, Â: a character cut in two
    is more likely than those letters). Decoded as cp1252 as a whole, its UTF-8 was garbled."""
    parts: list[str] = []
    pos = 0
    while True:
        try:
            parts.append(line[pos:].decode("utf-8"))
            return "".join(parts).encode("utf-8")
        except UnicodeDecodeError as err:
            bad = line[pos + err.start : pos + err.end]
            if bad[0] in (0xC2, 0xC3) or not _CP1252_TEXT.fullmatch(bad):
                return None
            parts.append(line[pos : pos + err.start].decode("utf-8"))
            parts.append(bad.decode("cp1252"))
            pos += err.end


def _lines_in_their_own_encoding(data: bytes) -> tuple[bytes, int, int, list[int]] | None:
    """A file (not valid UTF-8 as a whole) whose lines are partly UTF-8 and partly cp1252 (two exports
    joined, a UTF-8 name pasted into a Windows list), re-encoded as UTF-8 line by line, with the count of
    each kind; None for a file in one encoding. Decoded as a whole, one kind of line would be garbled
    ("JÃ¼rgen") or rejected.

    A line counts as UTF-8 when it decodes as UTF-8 and holds a multi-byte character; cp1252 text almost
    never forms valid UTF-8 (an umlaut byte is followed by a letter, not a continuation byte). A line
    counts as cp1252 only when its other bytes are letters or the punctuation Windows text holds (€ „ “
    ” – — § ° ´ ...), so a stray byte is not made into a character. Any other line stays as it was: the
    reader rejects it with the undecodable byte's position. Also returned: the lines (1-based) of the
    encoding fewer lines use.
    """
    if not _UTF8_MULTIBYTE.search(data):  # the caller knows the bytes are not all valid UTF-8
        return None
    out: list[bytes] = []
    utf8_lines: list[int] = []
    cp1252_lines: list[int] = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            out.append(line)
            continue
        try:
            line.decode("utf-8")
            utf8_lines.append(number)
            out.append(line)
            continue
        except UnicodeDecodeError:
            pass
        if _UTF8_MULTIBYTE.search(line):  # UTF-8 with a byte that is not
            mixed = _utf8_with_cp1252_bytes(line)
            if mixed is None:  # a character cut in two: left for the reader to reject with its byte
                out.append(line)
            else:
                out.append(mixed)
                cp1252_lines.append(number)
                utf8_lines.append(number)
        elif _CP1252_TEXT.fullmatch(line):
            out.append(line.decode("cp1252").encode("utf-8"))
            cp1252_lines.append(number)
        else:
            out.append(line)
    if not utf8_lines or not cp1252_lines:
        return None
    fewer = min(utf8_lines, cp1252_lines, key=len)
    return b"\n".join(out), len(utf8_lines), len(cp1252_lines), fewer


def _repaired_header_names(fields: list[str]) -> list[str]:
    """Header names garbled by an Excel round trip ("StraÃŸe", "(Nicht Ã¤ndern) Kontakt") repaired by
    ftfy, so that they name their columns; only names with the telltale Ã or Â are looked at."""
    if not any("Ã" in f or "Â" in f for f in fields):
        return fields
    import ftfy

    return [ftfy.fix_encoding(f) if "Ã" in f or "Â" in f else f for f in fields]


# "1,23457E+11", "1.23457E+11": a long number Excel shows, and saves, in scientific notation
_EXCEL_NUMBER_ID = r"[0-9](?:[.,][0-9]+)?[Ee]\+[0-9]{1,3}"


def _strip_bom(values: pd.Series) -> pd.Series:
    """Blanks and a byte order mark stripped (Excel "CSV UTF-8" files joined: a BOM before the header)."""
    return values.str.strip().str.lstrip("\ufeff").str.strip()


class _FieldCountMismatch(Exception):
    """pyarrow found rows with a wrong field count: rescan with field counting."""


class _Reader:
    def __init__(self, path: Path, profile: str | Profile | Path):
        self.path = path
        self.name = str(path)
        self.profile_arg = profile
        self.warnings: list[str] = []
        self.rejects: list[tuple[str, int, str, str]] = []
        self.slow_rows: list[tuple[int, list[str]]] = []
        # rows with fewer fields than the header's named columns, decided once all rows are read
        self.short_rows: list[tuple[int, list[str], str]] = []
        self.bad_units = False  # code units of a whole-file encoding that did not decode (now NUL)
        self._quotes: np.ndarray | None = None

    def fail(self, message: str, **kw) -> ExtractError:
        return ExtractError(message, file=self.name, **kw)

    # -- helpers on the raw bytes ---------------------------------------------------------------------
    def line_of(self, offset: int) -> int:
        return int(np.searchsorted(self.nl, offset)) + 1

    def line_span(self, line: int) -> tuple[int, int]:
        """(start, end) byte offsets of the 1-based ``line``, without its newline."""
        start = int(self.nl[line - 2]) + 1 if line > 1 else 0
        end = int(self.nl[line - 1]) if line - 1 < len(self.nl) else len(self.buf)
        return start, end

    def text_of(self, start: int, end: int) -> str:
        return self.buf[start:end].decode(self.encoding, errors="replace")[:_RAW_TEXT_MAX]

    def reject(self, start: int, end: int, reason: str) -> None:
        self.rejects.append((self.name, self.line_of(start), reason, self.text_of(start, end)))

    def undecodable_reason(self, off: int) -> str:
        line = self.line_of(off)
        line_start = self.line_span(line)[0]
        if self.buf[off] == 0 and self.bad_units:  # offsets are into the file re-encoded as UTF-8
            return (
                f"undecodable code unit (or a NUL) for encoding {self.encoding_label} "
                f"(line {line}, column {off - line_start + 1})"
            )
        if self.buf[off] == 0:
            return (
                f"NUL byte (0x00, no text) at byte offset {off + self.offset_base} "
                f"(line {line}, column {off - line_start + 1})"
            )
        return (
            f"undecodable byte 0x{self.buf[off]:02X} at byte offset {off + self.offset_base} "
            f"(line {line}, column {off - line_start + 1}) for encoding {self.encoding_label}"
        )

    def parse_fields(self, start: int, end: int) -> list[list[str]]:
        """The records in bytes [start, end) parsed strictly by the csv module (raises csv.Error)."""
        text = self.buf[start:end].decode(self.encoding)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter, strict=True)
        return [row for row in reader]

    def check_and_keep(self, line: int, row: list[str], raw: str) -> None:
        if not row or (len(row) == 1 and not row[0].strip() and self.ncols > 1):
            return  # a blank line
        if len(row) > self.ncols and not any(v.strip() for v in row[self.ncols :]):
            row = row[: self.ncols]  # a trailing delimiter (Excel): the extra fields are empty
        elif self.min_cols <= len(row) < self.ncols:
            row = row + [""] * (self.ncols - len(row))  # only unnamed trailing columns left out
        elif len(row) < self.min_cols:
            self.short_rows.append((line, row, raw))  # see resolve_short_rows
            return
        if len(row) != self.ncols:
            self.rejects.append(
                (self.name, line, f"wrong field count: expected {self.ncols}, found {len(row)}", raw)
            )
        else:
            self.slow_rows.append((line, row))

    def keep_checked(self, start: int, end: int, row: list[str]) -> None:
        """``check_and_keep`` for a record of bytes [start, end) read by the csv module: a NUL byte (valid
        UTF-8, but no text) rejects it, as in clean records."""
        nul = self.buf.find(b"\x00", start, end)
        if nul >= 0:
            self.reject(start, end, self.undecodable_reason(nul))
        else:
            self.check_and_keep(self.line_of(start), row, self.text_of(start, end))

    def quote_offsets(self) -> np.ndarray:
        if self._quotes is None:
            self._quotes = np.flatnonzero(np.frombuffer(self.buf, dtype=np.uint8) == _QUOTE)
        return self._quotes

    def csv_record_end(self, start: int, limit: int) -> int | None:
        """End (a newline offset, or ``limit``) of the record the csv module reads from ``start`` with its
        default, non-strict rules (a quote inside an unquoted field is data). None when it cannot tell: a
        csv error, or a quoted field still open after ``_MAX_RECORD_LINES`` lines."""
        buf, ends = self.buf, []

        def lines():
            pos = start
            while pos < limit and len(ends) < _MAX_RECORD_LINES:
                nl = buf.find(b"\n", pos, limit)
                end = limit if nl < 0 else nl
                ends.append(end)
                yield buf[pos : end + 1].decode(self.encoding, errors="replace")
                pos = end + 1

        reader = csv.reader(lines(), delimiter=self.delimiter, strict=False)
        try:
            next(reader)
        except (csv.Error, StopIteration):
            return None
        if len(ends) >= _MAX_RECORD_LINES and reader.line_num == len(ends):
            return None
        return ends[reader.line_num - 1]

    def misplaced_quote_in(self, start: int, end: int) -> bool:
        """Whether bytes [start, end), read as records of their own, have a quote out of place."""
        q = self.quote_offsets()
        q = q[np.searchsorted(q, start) : np.searchsorted(q, end)]
        if not len(q):
            return False
        delim = ord(self.delimiter)
        open_ok = np.zeros(256, dtype=bool)
        open_ok[[delim, _NL, _QUOTE]] = True
        close_ok = np.zeros(256, dtype=bool)
        close_ok[[delim, _NL, _CR, _QUOTE]] = True
        arr = np.frombuffer(self.buf, dtype=np.uint8)
        return _first_misplaced_quote(arr, q, start, delim, open_ok, close_ok) >= 0

    def strict_rows(self, start: int, end: int) -> list[list[str]] | str:
        """``parse_fields``, or the reason it fails."""
        try:
            return self.parse_fields(start, end)
        except csv.Error as exc:
            return f"broken quoting: {exc}"
        except UnicodeDecodeError as exc:
            return self.undecodable_reason(start + exc.start)

    def extend_suspect(self, start: int, end: int) -> int:
        """The end of a suspect region [start, end) (see ``_scan_records``): past ``end`` when the csv module
        reads a quoted field opened on the last line as going on, and the lines up to its end either parse
        strictly as one record or cannot stand alone either (a quote out of place in them). Otherwise the
        scan goes on after ``end`` (an unterminated quote must not swallow the records after it)."""
        q = self.quote_offsets()
        if end >= len(self.buf) or np.searchsorted(q, end) == len(q):
            return end  # no quote further on: nothing closes a quoted field opened here
        rec_end = self.csv_record_end(start, len(self.buf))
        if rec_end is None or rec_end <= end:
            return end
        rows = self.strict_rows(start, rec_end)
        if (not isinstance(rows, str) and len(rows) == 1) or self.misplaced_quote_in(end + 1, rec_end):
            return rec_end
        return end

    def examine_suspect(self, start: int, end: int) -> None:
        """Re-read a region with misplaced quotes: as one block, else record by record (see
        ``examine_record``)."""
        rows = self.strict_rows(start, end)
        if not isinstance(rows, str) and len(rows) == 1:
            self.keep_checked(start, end, rows[0])
            return
        pos = start
        while pos <= end and pos < len(self.buf):
            stop = self.buf.find(b"\n", pos, end)
            stop = end if stop < 0 else stop
            if self.text_of(pos, stop).strip():
                stop = self.examine_record(pos, stop, end)
            pos = stop + 1

    def examine_record(self, pos: int, stop: int, end: int) -> int:
        """Read the record starting at ``pos`` (a line ending at ``stop``) within a suspect region ending at
        ``end``; returns where it ends. The csv module decides where the record ends. When that is past the
        line (a quoted field goes on), the lines are one record if they parse strictly (kept or rejected by
        field count), or are rejected as one record when the later lines cannot stand alone (a quote out of
        place) and the whole has a plausible field count: a fragment of a quoted field never becomes a
        contact. Otherwise the line is read alone (an unterminated quote does not swallow the next
        records)."""
        rec_end = self.csv_record_end(pos, end)
        if rec_end is not None and rec_end > stop:
            rec_stop = rec_end - 1 if rec_end > pos and self.buf[rec_end - 1] == _CR else rec_end
            rows = self.strict_rows(pos, rec_stop)
            if not isinstance(rows, str) and len(rows) == 1:
                self.keep_checked(pos, rec_stop, rows[0])
                return rec_end
            if self.misplaced_quote_in(stop + 1, rec_end):
                text = self.buf[pos:rec_stop].decode(self.encoding, errors="replace")
                loose = list(csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter))
                if len(loose) == 1 and self.min_cols <= len(loose[0]) <= self.ncols:
                    reason = rows if isinstance(rows, str) else "broken quoting: no single record"
                    self.reject(
                        pos,
                        rec_stop,
                        f"{reason} (a quoted field runs from line {self.line_of(pos)} "
                        f"to line {self.line_of(rec_stop)})",
                    )
                    return rec_end
        line_end = stop - 1 if stop > pos and self.buf[stop - 1] == _CR else stop
        rows = self.strict_rows(pos, line_end)
        if isinstance(rows, str):
            self.reject(pos, line_end, rows)
        elif len(rows) == 1:
            self.keep_checked(pos, line_end, rows[0])
        else:
            self.reject(pos, line_end, "broken quoting: the line does not form one record")
        return stop

    # -- main ------------------------------------------------------------------------------------------
    def read(self) -> Extract:
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            raise self.fail(f"cannot read the file: {exc.strerror or exc}") from exc
        end = data.rstrip(b"\r\n")
        if end.endswith(b"\x1a"):  # DOS end-of-file mark (Ctrl-Z), written by old export tools: no data
            data = end.rstrip(b"\x1a") + data[len(end) :]
            self.warnings.append("a DOS end-of-file mark (Ctrl-Z, 0x1A) at the end of the file: ignored")
        if not re.search(rb"[^\s\xef\xbb\xbf]", data):
            raise self.fail("empty extract: the file has no header and no data rows")
        try:
            encoding = detect_encoding(data, self.name)
        except SniffError as exc:
            reason = str(exc).removeprefix(f"{self.name}: ")  # the error names the file once
            raise self.fail(f"not a readable text file: {reason}") from exc
        self.encoding_label = encoding
        self.offset_base = 0
        if encoding == "utf-8-sig":
            data = data[3:]
            self.offset_base = 3
            encoding = "utf-8"
            if not is_utf8(data) and detect_encoding(data, self.name) == "cp1252":
                # A tool wrote the BOM, then Windows text (a cp1252 list pasted into a "CSV UTF-8" file):
                # read as UTF-8, every line with an umlaut was rejected.
                encoding = self.encoding_label = "cp1252"
                self.warnings.append(
                    "a UTF-8 byte order mark before Windows (cp1252) text: the file is read as cp1252"
                )
        elif encoding not in ("utf-8", "cp1252"):
            try:
                data = data.decode(encoding).encode("utf-8")
            except UnicodeDecodeError:
                data = data.decode(encoding, errors=_BAD_UNIT).encode("utf-8")
                self.bad_units = True
                self.warnings.append(
                    f"undecodable code units for {encoding}: the records holding them are rejected"
                )
            encoding = "utf-8"
            if not data.strip():  # a UTF-16 file of only a BOM and blanks
                raise self.fail("empty extract: the file has no header and no data rows")
        # Whether the bytes are valid UTF-8: decided once here and used again when the reader looks for
        # undecodable bytes.
        self.valid_utf8: bool | None = None
        if encoding in ("utf-8", "cp1252") and not data.isascii():
            self.valid_utf8 = is_utf8(data)
        mixed = _lines_in_their_own_encoding(data) if self.valid_utf8 is False else None
        if mixed is not None:
            data, n_utf8, n_cp1252, fewer = mixed
            encoding = "utf-8"
            self.valid_utf8 = None  # lines that are neither encoding stay: look again
            self.encoding_label = "utf-8 + cp1252"
            kind = "UTF-8" if len(fewer) == n_utf8 else "cp1252"
            shown = ", ".join(map(str, fewer[:10])) + (" ..." if len(fewer) > 10 else "")
            self.warnings.append(
                f"mixed encodings: {n_utf8:,} line(s) in UTF-8 and {n_cp1252:,} in cp1252 (Windows); each "
                f"line was read in its own ({kind} on line {shown}; byte offsets in reasons refer to the "
                "file re-encoded as UTF-8)"
            )
        if b"\n" not in data and b"\r" in data:
            # Excel "CSV (Macintosh)": bare CR line endings. Same length, so offsets and lines hold.
            data = data.replace(b"\r", b"\n")
            self.warnings.append("line endings are bare CR (old Mac format): read as line feeds")
        self.encoding = encoding
        self.buf = data
        self.file_warnings = len(self.warnings)  # warnings about the whole file survive a re-read
        arr = np.frombuffer(data, dtype=np.uint8)
        self.nl = np.flatnonzero(arr == _NL)
        self.delimiter = detect_delimiter(data[: 256 * 1024].decode(encoding, errors="replace"), self.name)
        delim = ord(self.delimiter)
        # Mixed line endings: a bare CR (no LF after it) among LF/CRLF lines? Counted cheaply.
        n_cr = data.count(b"\r")
        bare_cr = bool(n_cr) and n_cr > np.count_nonzero(arr[self.nl[self.nl > 0] - 1] == _CR)
        scan = _scan_records(arr, delim, self.nl, count_fields=False, extend=self.extend_suspect)

        header, header_end = self.read_header(scan)
        self.set_width(header)
        if bare_cr:
            split = self.split_at_bare_cr(arr, delim, header_end)
            if split is not None:
                arr = split
                scan = _scan_records(arr, delim, self.nl, count_fields=False, extend=self.extend_suspect)
                header, header_end = self.read_header(scan)
                self.set_width(header)
        profile = self.resolve_profile(header)
        check_required(profile, header, self.name)
        self.profile = profile

        # Clean records after the header. Field counts are only computed when pyarrow finds invalid rows,
        # or when rows may leave out unnamed trailing columns.
        count_fields = self.min_cols < self.ncols
        if count_fields:
            scan = _scan_records(arr, delim, self.nl, count_fields=True, extend=self.extend_suspect)
            del self.warnings[self.file_warnings :]
            header, header_end = self.read_header(scan)
        try:
            return self.read_body(scan, header, header_end, profile, count_fields=count_fields)
        except _FieldCountMismatch:
            del self.warnings[self.file_warnings :]
            self.rejects.clear()
            self.slow_rows.clear()
            self.short_rows.clear()
            scan = _scan_records(arr, delim, self.nl, count_fields=True, extend=self.extend_suspect)
            header, header_end = self.read_header(scan)
            return self.read_body(scan, header, header_end, profile, count_fields=True)

    def set_width(self, header: list[str]) -> None:
        """The header's width, and the width rows may have when they leave out its unnamed trailing
        columns (a trailing delimiter in the header)."""
        self.ncols = self.min_cols = len(header)
        while self.min_cols > 0 and not header[self.min_cols - 1]:
            self.min_cols -= 1

    def split_at_bare_cr(self, arr: np.ndarray, delim: int, header_end: int) -> np.ndarray | None:
        """Bare CRs that end a record (outside quotes by the record scan, with a record of a plausible
        field count on either side) become line feeds: same length, so offsets hold, and each counts as a
        line. A bare CR inside a quoted field stays data; one that cuts a record stays too (the record is
        rejected). Returns the new bytes, or None when nothing changed."""
        n = len(arr)
        cr = np.flatnonzero(arr == _CR)
        bare = cr[(cr == n - 1) | (arr[np.minimum(cr + 1, n - 1)] != _NL)]
        bare = bare[bare >= header_end]
        if not len(bare):
            return None
        scan = _scan_records(arr, delim, np.union1d(self.nl, bare), count_fields=True)
        if not len(scan.starts):
            return None
        before = np.minimum(np.searchsorted(scan.ends, bare), len(scan.ends) - 1)
        after = np.minimum(np.searchsorted(scan.starts, bare + 1), len(scan.starts) - 1)

        def plausible(nf: np.ndarray) -> np.ndarray:
            return (nf >= self.min_cols) & (nf <= self.ncols)

        ending = bare[
            (scan.ends[before] == bare)
            & (scan.starts[after] == bare + 1)
            & plausible(scan.nfields[before])
            & plausible(scan.nfields[after])
        ]
        if not len(ending):
            return None
        fixed = arr.copy()
        fixed[ending] = _NL
        self.buf = fixed.tobytes()
        arr = np.frombuffer(self.buf, dtype=np.uint8)
        self.nl = np.flatnonzero(arr == _NL)
        lines = ", ".join(str(int(x)) for x in np.searchsorted(self.nl, ending[:10]) + 1)
        del self.warnings[self.file_warnings :]
        self.warnings.append(
            f"mixed line endings: {len(ending)} bare CR(s) read as line breaks "
            f"(at the end of line {lines}{' ...' if len(ending) > 10 else ''})"
        )
        self.file_warnings = len(self.warnings)
        return arr

    def read_body(
        self, scan: _Scan, header: list[str], header_end: int, profile: Profile, *, count_fields: bool
    ) -> Extract:
        data, arr, encoding = self.buf, np.frombuffer(self.buf, dtype=np.uint8), self.encoding
        self.add_hint_warnings(profile)
        body = scan.starts >= header_end
        starts, ends, nfields = scan.starts[body], scan.ends[body], scan.nfields[body]
        starts, ends, nfields = self.drop_empty_records(arr, starts, ends, nfields)
        if self.min_cols < len(header):
            header = self.fit_trailing_columns(header, nfields)
        good = (nfields == self.ncols) | (nfields == -2)
        # NUL is valid UTF-8 but no text: PostgreSQL refuses it, and no CRM name contains it.
        undecodable = (
            np.zeros(0, np.int64)
            if encoding == "utf-8" and (self.valid_utf8 or data.isascii())
            else _bad_byte_offsets(data, arr, encoding)
        )
        bad_bytes = np.union1d(undecodable, np.flatnonzero(arr == 0))
        if len(bad_bytes) and len(starts):
            rec = np.searchsorted(starts, bad_bytes, side="right") - 1
            inside = (rec >= 0) & (bad_bytes < ends[np.maximum(rec, 0)])
            for off, r in zip(bad_bytes[inside], rec[inside], strict=True):
                if nfields[r] == -1:
                    continue  # this record is already reported
                self.reject(int(starts[r]), int(ends[r]), self.undecodable_reason(int(off)))
                good[r] = False
                nfields[r] = -1
        for r in np.flatnonzero(~good & (nfields != -1)):
            s, e = int(starts[r]), int(ends[r])
            try:
                rows = self.parse_fields(s, e)
            except (csv.Error, UnicodeDecodeError):
                rows = None
            if rows is not None and len(rows) == 1:
                self.check_and_keep(self.line_of(s), rows[0], self.text_of(s, e))
            else:
                self.examine_suspect(s, e)
        for s, e in scan.suspects:
            if s >= header_end:
                self.examine_suspect(s, e)

        raw, lines = self.parse_clean(starts[good], ends[good], profile, header, strict=count_fields)
        self.resolve_short_rows(profile, header)
        if self.slow_rows:
            names = [f"c{i}" for i in range(self.ncols)]
            slow = pd.DataFrame([row for _, row in self.slow_rows], columns=names, dtype="str")
            raw = pd.concat([raw, slow[list(raw.columns)]], ignore_index=True)
            lines = np.concatenate([lines, np.asarray([ln for ln, _ in self.slow_rows], dtype=np.int64)])
            order = np.argsort(lines, kind="stable")
            raw = raw.iloc[order].reset_index(drop=True)
            lines = lines[order]
        raw, lines = self.reject_repeated_headers(raw, lines, header)
        raw, lines = self.skip_footer(raw, lines, header, header_end, profile)
        raw, lines = self.reject_excel_number_ids(raw, lines, header, profile)
        rejects = make_rejects(self.rejects)
        rows_read = len(raw) + len(rejects)
        if rows_read == 0:
            raise self.fail("empty extract: the file has a header but no data rows")
        contacts = to_canonical(raw, header, profile, self.name, lines, self.warnings)
        return Extract(
            contacts=contacts,
            rejects=rejects,
            profile=profile.name,
            encoding=self.encoding_label,
            delimiter=self.delimiter,
            warnings=self.warnings,
            rows_read=rows_read,
        )

    def fit_trailing_columns(self, header: list[str], nfields: np.ndarray) -> list[str]:
        """The header ends with unnamed columns (a trailing delimiter) and rows may leave them out: parse
        with the width most rows have (pyarrow needs one), the other rows go through ``check_and_keep``."""
        extra = len(header) - self.min_cols
        counts = np.bincount(nfields[nfields >= 0], minlength=len(header) + 1)
        counts = counts[self.min_cols : len(header) + 1]
        width = self.min_cols + (int(np.argmax(counts)) if counts.any() else extra)
        self.ncols = width
        self.warnings.append(
            f"the header ends with {extra} unnamed column(s) (a trailing delimiter): ignored, "
            "rows may leave them out"
        )
        return header[:width]

    def reject_repeated_headers(
        self, raw: pd.DataFrame, lines: np.ndarray, header: list[str]
    ) -> tuple[pd.DataFrame, np.ndarray]:
        """Rows that repeat the header (exports concatenated into one file) are no contacts: rejected as
        the header line again, compared as header names are (case and spaces aside). A repeat that
        orders the columns differently makes every row below it, up to the next header in the first
        order, a row read into the wrong columns: those rows are rejected too, naming that header."""
        if raw.empty:
            return raw, lines
        columns = list(raw.columns)
        wanted = [normalize_header(header[int(column[1:])]) for column in columns]
        names = set(wanted)
        # One column over all rows (a cheap comparison in lower case), the others only on the few rows
        # whose first cell is a header name.
        first = _strip_bom(raw[columns[0]]).str.strip().str.lower()
        rows = np.flatnonzero(first.isin({n.lower() for n in names} | {h.strip().lower() for h in header}))
        if not len(rows):
            return raw, lines
        cells = [[normalize_header(v) for v in _strip_bom(raw[c].iloc[rows])] for c in columns]
        is_header = np.array([all(col[r] in names for col in cells) for r in range(len(rows))], dtype=bool)
        same_order = np.array([[col[r] for col in cells] == wanted for r in range(len(rows))], dtype=bool)
        rows, same_order = rows[is_header], same_order[is_header]
        if not len(rows):
            return raw, lines
        rejected = np.zeros(len(raw), dtype=bool)
        rejected[rows] = True
        text = self.delimiter.join(header)[:_RAW_TEXT_MAX]
        for line in lines[rows]:
            self.rejects.append(
                (self.name, int(line), "the header line again (exports joined into one file)", text)
            )
        for i, row in enumerate(rows):
            if same_order[i]:
                continue
            section = next((int(rows[j]) for j in range(i + 1, len(rows)) if same_order[j]), len(raw))
            below = np.arange(row + 1, section)
            below = below[~rejected[below]]
            reason = (
                f"below the header repeated on line {int(lines[row])} with its columns in another order "
                "(exports joined into one file): it would be read into the wrong columns"
            )
            for k in below:
                start, end = self.line_span(int(lines[k]))
                self.rejects.append((self.name, int(lines[k]), reason, self.text_of(start, end)))
            rejected[below] = True
        keep = ~rejected
        return raw[keep].reset_index(drop=True), lines[keep]

    def reject_excel_number_ids(
        self, raw: pd.DataFrame, lines: np.ndarray, header: list[str], profile: Profile
    ) -> tuple[pd.DataFrame, np.ndarray]:
        """A contact id Excel turned into a number in scientific notation ("1,23457E+11") has lost its
        digits: it matches no contact of another night, and two contacts may share it. Such rows are
        rejected, the reason saying how to export the column (as text)."""
        columns = [f"c{i}" for i in profile.resolve(header).get("contact_id", [])]
        if raw.empty or not columns or not raw[columns[0]].str.contains("+", regex=False).any():
            return raw, lines  # one cheap pass over the ids in the usual case
        ids = _strip_bom(raw[columns[0]])
        number = ids.str.fullmatch(_EXCEL_NUMBER_ID).to_numpy(dtype=bool)
        if not number.any():
            return raw, lines
        for k in np.flatnonzero(number):
            self.rejects.append(
                (
                    self.name,
                    int(lines[k]),
                    f"contact id {ids.iat[k]!r} is a number in Excel's scientific notation: its digits are "
                    f"lost (format the id column {header[int(columns[0][1:])]!r} as text before saving)",
                    self.delimiter.join(raw.iloc[k].tolist())[:_RAW_TEXT_MAX],
                )
            )
        keep = ~number
        return raw[keep].reset_index(drop=True), lines[keep]

    def skip_footer(
        self, raw: pd.DataFrame, lines: np.ndarray, header: list[str], header_end: int, profile: Profile
    ) -> tuple[pd.DataFrame, np.ndarray]:
        """A report's footer is no data, like a title above the header: it is skipped with a warning
        naming its lines, never quarantined or sent to an owner. A report export (Salesforce) ends its
        data with a blank line and a footer: lines of one value ("Copyright ...", "Generated By: ...")
        and rows of the header's width ("Total",,,,). Below the last blank line of the file, a line
        without a delimiter outside quotes, or a row that lacks a value in a required column, is footer;
        the walk back from the end stops at the last complete row, at a line inside a quoted record, or
        after ``_FOOTER_LINES`` lines, so a contact is never footer and the clean path does no work per
        row.
        A malformed line with delimiters stays rejected."""
        if raw.empty and not self.rejects:
            return raw, lines
        resolved = profile.resolve(header)
        required = [(col, [f"c{i}" for i in resolved[col]]) for col in profile.required]
        ids = [f"c{i}" for i in resolved.get("contact_id", [])]
        named = [f"c{i}" for col in _PERSON_COLUMNS for i in resolved.get(col, [])]

        def a_contact(k: int) -> bool:
            """A row with an id and a name, e-mail or company, or without an id but with two of them, is
            a contact that lacks a value (quarantined for it), not a footer: "003;Frau;;Eva;;Prokuristin"
            and a new contact with no customer number yet below an empty row were skipped as footer. A
            footer word in the id or those columns makes it footer ("Total")."""
            contact_id = next((raw[c].iat[k].strip() for c in ids if raw[c].iat[k].strip()), "")
            filled = [v for v in (raw[c].iat[k].strip() for c in named) if v]
            if any(_FOOTER_WORD.match(v) for v in [contact_id, *filled] if v):
                return False
            return len(filled) >= (1 if contact_id else 2)

        header_line = self.line_of(header_end - 1)
        last_line = len(self.nl) + (0 if self.buf.endswith(b"\n") else 1)
        blank = f"{self.delimiter} \t\r".encode()
        reject_lines = {r[1] for r in self.rejects}
        k = len(lines) - 1
        blanks: list[int] = []
        rows: list[int] = []  # row indexes in raw lacking a required value
        texts: list[int] = []  # rejected lines of one value
        for line in range(last_line, header_line, -1):
            if last_line - line >= _FOOTER_LINES:
                return raw, lines  # no end of the data in sight: nothing is a footer
            start, end = self.line_span(line)
            if not self.buf[start:end].strip(blank):
                blanks.append(line)
            elif k >= 0 and lines[k] == line:
                if a_contact(k) or all(any(raw[c].iat[k].strip() for c in cs) for _col, cs in required):
                    break  # the last row of the data
                rows.append(k)
                k -= 1
            elif line in reject_lines:
                if not count_outside_quotes(self.text_of(start, end), self.delimiter):
                    texts.append(line)
            else:
                break  # a line inside a record (a quoted line break): data
        if not blanks:
            return raw, lines
        first_blank = min(blanks)
        rows = [i for i in rows if lines[i] > first_blank]
        texts = [line for line in texts if line > first_blank]
        if not rows and not texts:
            return raw, lines
        skipped = sorted([int(lines[i]) for i in rows] + texts)
        dropped = set(texts)
        self.rejects = [r for r in self.rejects if r[1] not in dropped]
        self.warnings.append(
            f"{len(skipped)} report footer line(s) skipped (line {', '.join(map(str, skipped))}): below the "
            f"blank line {first_blank} that ends the data, no contacts"
        )
        keep = np.ones(len(lines), dtype=bool)
        keep[rows] = False
        return raw[keep].reset_index(drop=True), lines[keep]

    def drop_empty_records(
        self, arr: np.ndarray, starts: np.ndarray, ends: np.ndarray, nfields: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Lines of nothing but delimiters, quotes and blanks (Excel writes them) carry no record."""
        if not len(starts):
            return starts, ends, nfields
        # One byte per byte of the file (a lookup table), reduced per record [start, end): no
        # cumulative sum over the whole file (8 bytes per byte: 1.8 GB for a 225 MB extract).
        blank = np.zeros(256, dtype=bool)
        blank[np.frombuffer(f'{self.delimiter}" \t\r'.encode(), dtype=np.uint8)] = True
        content = np.empty(len(arr) + 1, dtype=bool)
        np.logical_not(blank[arr], out=content[:-1])
        content[-1] = False
        bounds = np.empty(2 * len(starts), dtype=np.int64)
        bounds[0::2] = starts
        bounds[1::2] = ends
        empty = ~np.logical_or.reduceat(content, bounds)[0::2]
        if empty.any():
            lines = np.searchsorted(self.nl, starts[empty]) + 1
            shown = ", ".join(str(n) for n in lines[:10]) + (" ..." if len(lines) > 10 else "")
            self.warnings.append(
                f"{int(empty.sum())} empty row(s) of only delimiters skipped (lines {shown})"
            )
        return starts[~empty], ends[~empty], nfields[~empty]

    def locate_invalid(
        self, invalid: list[tuple[str, int, int]], starts: np.ndarray, ends: np.ndarray
    ) -> np.ndarray | None:
        """Find the records pyarrow skipped (by their text) and reject them; None when not found."""
        if len(invalid) > 100:
            return None
        keep = np.ones(len(starts), dtype=bool)
        before, slow_before, short_before = len(self.rejects), len(self.slow_rows), len(self.short_rows)
        for text, _expected, _actual in set(invalid):
            needle = text.encode(self.encoding)
            pos = self.buf.find(needle)
            while pos >= 0:
                i = int(np.searchsorted(starts, pos))
                if i < len(starts) and starts[i] == pos and ends[i] == pos + len(needle) and keep[i]:
                    keep[i] = False
                    # The csv module decides: kept (only empty extra fields) or rejected with its count.
                    self.check_and_keep(self.line_of(pos), self.parse_fields(pos, pos + len(needle))[0], text)
                pos = self.buf.find(needle, pos + 1)
        if int((~keep).sum()) != len(invalid):
            del self.rejects[before:]
            del self.slow_rows[slow_before:]
            del self.short_rows[short_before:]
            return None
        return keep

    def resolve_short_rows(self, profile: Profile, header: list[str]) -> None:
        """Rows with fewer fields than the header. Excel leaves out the delimiters of empty cells at the
        end of a row, for whole groups of rows (which ones depends on its buffer): such a row is read with
        the missing fields empty, when it reaches the profile's required columns and its e-mail column,
        if it reaches it, holds an address. A record cut by line breaks inside an unquoted field leaves
        neighbouring short rows whose fields add up to one record, the later ones holding no id where the
        id stands (an id has a digit and no space; Excel's rows each start with theirs): all of them are
        rejected, the reason naming their lines. A cut whose later piece holds something like an id where
        the id stands is not told from Excel's rows."""
        if not self.short_rows:
            return
        resolved = profile.resolve(header)
        need = max(min(resolved[column]) for column in profile.required) + 1
        id_at = min(resolved["contact_id"]) if resolved.get("contact_id") else None
        email_at = min(resolved["email"]) if resolved.get("email") else None

        def an_id(row: list[str]) -> bool:
            if id_at is None:
                return True  # no id column to tell a record's start by: no row is taken for a cut piece
            value = row[id_at] if id_at < len(row) else ""
            return any(ch.isdigit() for ch in value) and not any(ch.isspace() for ch in value)

        runs: list[list[tuple[int, list[str], str]]] = []
        for item in sorted(self.short_rows, key=lambda item: item[0]):
            if runs and item[0] == runs[-1][-1][0] + 1:
                runs[-1].append(item)
            else:
                runs.append([item])

        def cut_at(run: list[tuple[int, list[str], str]], ids: list[bool], i: int) -> int:
            """The last index of the cut record starting at ``i``, or ``i`` when none starts there."""
            fields = len(run[i][1])
            for j in range(i + 1, len(run)):
                if ids[j]:  # a row starting with an id starts a record: no later piece of this one
                    break
                fields += len(run[j][1]) - 1  # the cut field is counted on both sides
                if fields >= self.ncols:
                    return j if fields == self.ncols else i
            return i

        padded: list[int] = []
        for run in runs:
            ids = [an_id(row) for _, row, _ in run]
            cuts: dict[int, str] = {}
            i = 0
            while i < len(run):
                j = cut_at(run, ids, i)
                for k in range(i, j + 1) if j > i else ():
                    cuts[k] = f"lines {run[i][0]}-{run[j][0]}"
                i = j + 1
            for k, (line, row, raw) in enumerate(run):
                reason = f"wrong field count: expected {self.ncols}, found {len(row)}"
                if k in cuts:
                    reason += f" ({cuts[k]} make one record: a line break inside an unquoted field?)"
                elif len(row) >= need:
                    email = row[email_at].strip() if email_at is not None and email_at < len(row) else ""
                    if not email or "@" in email:
                        self.slow_rows.append((line, row + [""] * (self.ncols - len(row))))
                        padded.append(line)
                        continue
                    reason += f" (the e-mail column holds {email[:40]!r}: fields shifted?)"
                self.rejects.append((self.name, line, reason, raw))
        self.short_rows.clear()
        if padded:
            shown = ", ".join(map(str, padded[:10])) + (" ..." if len(padded) > 10 else "")
            self.warnings.append(
                f"{len(padded)} row(s) with fewer fields than the header (the delimiters of empty cells at "
                f"the end left out, as Excel writes them): the missing fields read as empty (line {shown})"
            )

    def add_hint_warnings(self, profile: Profile) -> None:
        if profile.delimiters and self.delimiter not in profile.delimiters:
            self.warnings.append(
                f"delimiter {self.delimiter!r} differs from profile {profile.name!r} "
                f"(expected {' or '.join(map(repr, profile.delimiters))})"
            )
        labels = self.encoding_label.split(" + ")  # "utf-8 + cp1252": a file of mixed lines
        if profile.encodings and not all(label in profile.encodings for label in labels):
            self.warnings.append(
                f"encoding {self.encoding_label} differs from profile {profile.name!r} "
                f"(expected {' or '.join(profile.encodings)})"
            )

    def read_header(self, scan: _Scan) -> tuple[list[str], int]:
        candidates = [
            (int(s), int(e))
            for s, e in zip(scan.starts[: _PREAMBLE_LINES + 1], scan.ends[: _PREAMBLE_LINES + 1], strict=True)
        ]
        candidates += [(s, e) for s, e in scan.suspects[:1]]
        candidates.sort()
        if not candidates:
            raise self.fail("empty extract: the file has no header")
        # The header is the first line naming at least two columns; unless most records after it do not
        # have its width while a later line's width is what they have: then that first line is a title
        # row naming two things ("Kundenliste;Stand 12/2024"). A line that does not parse ends the
        # search once a header was seen (it is a data row: the body reports it).
        named_lines: list[tuple[int, int, list[str]]] = []
        for s, e in candidates[: _PREAMBLE_LINES + 1]:
            try:
                rows = self.parse_fields(s, e)
                if len(rows) != 1:
                    raise csv.Error("the line does not form one record")
            except (csv.Error, UnicodeDecodeError) as exc:
                if named_lines:
                    break
                raise self.fail(f"cannot parse the header: {exc}", line=self.line_of(s)) from exc
            fields = _repaired_header_names([h.strip() for h in rows[0]])
            if sum(1 for f in fields if f) >= 2:  # not "sep=;", a one-cell title, a row of delimiters
                named_lines.append((s, e, fields))
        if not named_lines:
            raise self.fail(
                f"no header in the first {_PREAMBLE_LINES + 1} lines (a header names at least two columns)",
                line=self.line_of(candidates[0][0]),
            )
        s, e, fields = named_lines[0]
        # A title row above the header ("Kontakte Export;24.11.2024;;;;", Excel pads it to the table's
        # width) names two things but no profile's columns: the header is the first line that does.
        if not self.names_a_profile(fields):
            s, e, fields = next((x for x in named_lines[1:] if self.names_a_profile(x[2])), named_lines[0])
        share, _ = self.width_fit(scan, e, fields)
        if share < 0.5 and (s, e, fields) == named_lines[0]:
            for later in named_lines[1:]:
                later_share, later_rows = self.width_fit(scan, later[1], later[2])
                if later_share >= 0.8 and later_rows >= 3 and len(later[2]) > len(fields):
                    s, e, fields = later
                    break
        for skipped_s, skipped_e in candidates:
            if skipped_s >= s:
                break
            self.warnings.append(
                f"line {self.line_of(skipped_s)} skipped above the header: "
                f"{self.text_of(skipped_s, skipped_e)[:80]!r}"
            )
        if s in {a for a, _ in scan.suspects}:
            scan.suspects.remove(next(x for x in scan.suspects if x[0] == s))
        written = [h.strip() for h in self.parse_fields(s, e)[0]]
        repaired = [f"{a!r} as {b!r}" for a, b in zip(written, fields, strict=True) if a != b]
        if repaired:
            self.warnings.append(
                f"{len(repaired)} header name(s) repaired (UTF-8 read as cp1252 and saved again by an "
                f"earlier tool): {', '.join(repaired[:5])}{' ...' if len(repaired) > 5 else ''}"
            )
        return fields, e + 1

    def width_fit(
        self, scan: _Scan, header_end: int, fields: list[str], sample: int = 20
    ) -> tuple[float, int]:
        """(share, records) of the up to ``sample`` records after a header candidate that have its width:
        they may leave out its unnamed trailing columns or add empty fields (Excel)."""
        named = len(fields)
        while named > 0 and not fields[named - 1]:
            named -= 1
        after = int(np.searchsorted(scan.starts, header_end))
        fits = total = 0
        for s, e in zip(scan.starts[after : after + sample], scan.ends[after : after + sample], strict=True):
            try:
                rows = self.parse_fields(int(s), int(e))
            except (csv.Error, UnicodeDecodeError):
                continue
            if len(rows) != 1:
                continue
            row = rows[0]
            total += 1
            fits += named <= len(row) <= len(fields) or (
                len(row) > len(fields) and not any(v.strip() for v in row[len(fields) :])
            )
        return (fits / total if total else 1.0), total

    def names_a_profile(self, fields: list[str]) -> bool:
        """Whether a line can be the header: the profile asked for, or any with ``auto``, finds its
        required columns in it."""
        try:
            if isinstance(self.profile_arg, str) and self.profile_arg == "auto":
                best_profiles(fields)
                return True
            profile = load_profile(self.profile_arg)
        except ProfileError:
            return False
        resolved = profile.resolve(fields)
        return all(resolved[column] for column in profile.required)

    def resolve_profile(self, header: list[str]) -> Profile:
        try:
            if isinstance(self.profile_arg, str) and self.profile_arg == "auto":
                candidates = best_profiles(header)
                if len(candidates) > 1:
                    # About the whole file: it goes before the warnings a re-read repeats (skipped lines).
                    self.warnings.insert(
                        self.file_warnings,
                        f"the header fits the profiles {', '.join(candidates)} equally; read as "
                        f"{candidates[0]} (set extract.profile to choose)",
                    )
                    self.file_warnings += 1
                return load_profile(candidates[0])
            return load_profile(self.profile_arg)
        except ProfileError as exc:
            raise self.fail(str(exc)) from exc

    def parse_clean(
        self, starts: np.ndarray, ends: np.ndarray, profile: Profile, header: list[str], *, strict: bool
    ) -> tuple[pd.DataFrame, np.ndarray]:
        names = [f"c{i}" for i in range(self.ncols)]
        wanted = sorted({i for idx in profile.resolve(header).values() for i in idx})
        include = [names[i] for i in wanted]
        lines = np.searchsorted(self.nl, starts) + 1
        if not len(starts):
            return pd.DataFrame({c: pd.Series([], dtype="str") for c in include}), lines.astype(np.int64)
        # Consecutive good records form one contiguous byte range (only newlines or blank lines between
        # them) unless a rejected/suspect record sits in between: join those runs.
        gap_start = ends[:-1]
        gap_end = starts[1:]
        contiguous = np.ones(len(starts) - 1, dtype=bool)
        long_gap = np.flatnonzero(gap_end - gap_start > 2)
        for g in long_gap:
            chunk = self.buf[int(gap_start[g]) : int(gap_end[g])]
            if chunk.strip(b"\r\n"):
                contiguous[g] = False
        run_starts = np.concatenate(([0], np.flatnonzero(~contiguous) + 1))
        run_ends = np.concatenate((np.flatnonzero(~contiguous), [len(starts) - 1]))
        mv = memoryview(self.buf)
        payload: bytes | memoryview
        if len(run_starts) == 1 and self.encoding == "utf-8":
            # The usual night: one run of good records, read in place (a copy would cost the file's size).
            payload = mv[int(starts[0]) : int(ends[-1])]
        else:
            pieces = []
            for a, b in zip(run_starts, run_ends, strict=True):
                pieces.append(mv[int(starts[a]) : int(ends[b])])
                pieces.append(b"\n")
            payload = b"".join(pieces)
            if self.encoding != "utf-8":
                payload = payload.decode(self.encoding).encode("utf-8")
        invalid: list[tuple[str, int, int]] = []

        def on_invalid(row) -> str:
            invalid.append((row.text, row.expected_columns, row.actual_columns))
            return "skip"

        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(payload)),
            read_options=pacsv.ReadOptions(column_names=names, block_size=16 << 20),
            parse_options=pacsv.ParseOptions(
                delimiter=self.delimiter,
                quote_char='"',
                double_quote=True,
                newlines_in_values=True,
                ignore_empty_lines=True,
                invalid_row_handler=on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in names},
                include_columns=include,
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        if invalid and not strict:
            keep = self.locate_invalid(invalid, starts, ends)
            if keep is None or table.num_rows != int(keep.sum()):
                raise _FieldCountMismatch()
            frame = table.to_pandas()
            frame.columns = include
            return frame, lines[keep].astype(np.int64)
        if invalid or table.num_rows != len(starts):
            # The byte scan and pyarrow disagree (e.g. a bare CR line ending): parse record by record.
            self.warnings.append("fast CSV path disagreed with the record scan; parsed with the csv module")
            rows, kept_lines = [], []
            for s, e, line in zip(starts, ends, lines, strict=True):
                parsed = self.parse_fields(int(s), int(e))
                row = parsed[0] if len(parsed) == 1 else None
                if (
                    row is not None
                    and len(row) > self.ncols
                    and not any(v.strip() for v in row[self.ncols :])
                ):
                    row = row[: self.ncols]
                if row is None:
                    # e.g. a stray carriage return inside an unquoted field cut the record in two
                    self.reject(int(s), int(e), "line break inside an unquoted field: the record is cut")
                    continue
                if len(row) != self.ncols:  # kept, padded or rejected as on the other paths
                    self.check_and_keep(int(line), row, self.text_of(int(s), int(e)))
                    continue
                rows.append(row)
                kept_lines.append(int(line))
            frame = pd.DataFrame(rows, columns=names, dtype="str")[include]
            return frame, np.asarray(kept_lines, dtype=np.int64)
        frame = table.to_pandas()
        frame.columns = include
        return frame, lines.astype(np.int64)


def read_csv_extract(path: str | Path, profile: str | Path | Profile = "auto") -> Extract:
    """Read one CSV extract into the canonical model.

    ``profile``: "auto" (detected from the header), a built-in profile name, a profile YAML path or a
    :class:`Profile`. Raises :class:`ExtractError` for an unreadable or empty file, an unknown profile or a
    missing required column; malformed records go to ``Extract.rejects``.
    """
    reader = _Reader(Path(path), profile)
    extract = reader.read()
    assert list(extract.contacts.columns) == [*CANONICAL_COLUMNS, *LINEAGE_COLUMNS]
    return extract
