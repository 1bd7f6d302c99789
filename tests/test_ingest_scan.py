"""The quote scanner's vectorised check against a plain reading of the rule, on arbitrary bytes."""

from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from governance.ingest.csv_reader import _CR, _NL, _QUOTE, _first_misplaced_quote


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
