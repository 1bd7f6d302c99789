"""The quote scanner's vectorised check against a plain reading of the rule, on arbitrary bytes."""

from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from governance.ingest.csv_reader import _CR, _NL, _QUOTE, _first_misplaced_quote
from governance.ingest.sniff import is_utf8


def reference(data: bytes, pos: int, delim: int) -> int:
    """Quote k (from ``pos`` on) opens when k is even and closes when odd; an opening quote must stand at
    ``pos`` or after a delimiter, newline or quote, a closing one before a delimiter, newline, CR, quote
    or the end; an unpaired last quote is misplaced."""
    quotes = [i for i in range(pos, len(data)) if data[i] == _QUOTE]
    for k, offset in enumerate(quotes):
        if k % 2 == 0:
            ok = offset == pos or data[offset - 1] in (delim, _NL, _QUOTE)
        else:
            ok = offset == len(data) - 1 or data[offset + 1] in (delim, _NL, _CR, _QUOTE)
        if not ok:
            return k
    return len(quotes) - 1 if len(quotes) % 2 else -1


@settings(max_examples=400, deadline=None)
@given(
    data=st.lists(st.sampled_from(b'ab,;"\n\r '), min_size=1, max_size=60).map(bytes),
    delim=st.sampled_from([ord(","), ord(";")]),
    start=st.integers(min_value=0, max_value=59),
)
@example(data=b'a"b"', delim=ord(","), start=1)  # a record starting at a quote after other bytes
@example(data=b'"a"b,"c', delim=ord(","), start=0)  # a closing quote inside a field
def test_first_misplaced_quote_follows_the_rule(data, delim, start):
    pos = start % len(data)
    arr = np.frombuffer(data, dtype=np.uint8)
    q = np.flatnonzero(arr == _QUOTE)
    q = q[np.searchsorted(q, pos) :]
    open_ok = np.zeros(256, dtype=bool)
    open_ok[[delim, _NL, _QUOTE]] = True
    close_ok = np.zeros(256, dtype=bool)
    close_ok[[delim, _NL, _CR, _QUOTE]] = True
    got = _first_misplaced_quote(arr, q, pos, delim, open_ok, close_ok) if len(q) else -1
    assert got == reference(data, pos, delim)


@settings(max_examples=300, deadline=None)
@given(
    data=st.lists(st.sampled_from(b'ab,;"\n\r '), min_size=1, max_size=200).map(bytes),
    delim=st.sampled_from([ord(","), ord(";")]),
    window=st.sampled_from([2, 4, 6]),
)
def test_the_windowed_search_finds_what_one_pass_finds(data, delim, window):
    """The search looks in growing windows (a stray quote every few rows must not cost the rest of the
    file each time); tiny windows put their edges everywhere."""
    from unittest import mock

    from governance.ingest import csv_reader

    arr = np.frombuffer(data, dtype=np.uint8)
    q = np.flatnonzero(arr == _QUOTE)
    open_ok = np.zeros(256, dtype=bool)
    open_ok[[delim, _NL, _QUOTE]] = True
    close_ok = np.zeros(256, dtype=bool)
    close_ok[[delim, _NL, _CR, _QUOTE]] = True
    with mock.patch.object(csv_reader, "_QUOTE_WINDOW", window):
        got = _first_misplaced_quote(arr, q, 0, delim, open_ok, close_ok)
    assert got == reference(data, 0, delim)


def test_many_stray_quotes_are_searched_once_each(tmp_path, monkeypatch):
    """20 % of the rows with a stray quote in a fully quoted export: the quotes examined stay a small
    multiple of the quotes in the file (each search used to run to the end of the file: quadratic)."""
    from governance.ingest import csv_reader, read_csv_extract

    lines = ['"Id","FirstName","LastName","Title","Email"']
    for i in range(3000):
        last = 'O"Brien' if i % 5 == 0 else '"Huber"'
        lines.append(f'"C{i}","Hans",{last},"Dr.","h{i}@x.at"')
    path = tmp_path / "stray.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    examined: list[int] = []
    original = csv_reader._first_misplaced_in

    def counting(arr, q, *args, **kwargs):
        examined.append(len(q))
        return original(arr, q, *args, **kwargs)

    monkeypatch.setattr(csv_reader, "_first_misplaced_in", counting)
    extract = read_csv_extract(path, "salesforce")
    assert len(extract.contacts) == 3000 and extract.contacts["last_name"].iloc[0] == 'O"Brien'
    quotes = path.read_bytes().count(b'"')
    assert sum(examined) < 10 * quotes, (sum(examined), quotes)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(st.binary(max_size=64), st.text(max_size=32).map(lambda t: t.encode("utf-8", "surrogatepass")))
)
@example("Müller".encode()[:2])  # a character cut in two
@example(b"M\xfcller")  # cp1252
@example(b"")
def test_is_utf8_agrees_with_pythons_decoder(data):
    try:
        data.decode("utf-8")
        expected = True
    except UnicodeDecodeError:
        expected = False
    assert is_utf8(data) is expected
