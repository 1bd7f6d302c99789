"""Title-engine tests: the vectorised frame path must say what the single-record path says."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from governance.contact_model import PARSED_COLUMNS
from governance.titles import parse_contact, parse_contacts

COLS = ["salutation", "title", "first_name", "last_name", "position", "country", "company"]


def assert_frame_path_agrees(rows: Sequence[tuple], expected: Sequence[dict] | None = None) -> pd.DataFrame:
    """Parse ``rows`` (tuples in COLS order) both ways: every parsed column equal row by row, and each
    row's ``expected`` fields (if given) as stated. Returns the frame path's result."""
    frame = pd.DataFrame(list(rows), columns=COLS, index=[f"r{i}" for i in range(len(rows))])
    parsed = parse_contacts(frame)
    for i, row in enumerate(rows):
        single = parse_contact(*row)
        got = [parsed.iat[i, parsed.columns.get_loc(c)] for c in PARSED_COLUMNS]
        assert got == [getattr(single, c) for c in PARSED_COLUMNS], row
        if expected is not None:
            assert {k: parsed.iat[i, parsed.columns.get_loc(k)] for k in expected[i]} == expected[i], row
    return parsed
