"""Writings with a dot too many, as CRM users type them, and professor titles written without spaces:
recognised as their title (flagged as a variant), never left as a stray "." in the address block.
Checked through parse_contact and through parse_contacts alike."""

from __future__ import annotations

import pandas as pd
import pytest

from governance.titles import parse_contact, parse_contacts

# (salutation, title) -> (address block for "Hans/Eva Müller", issues)
CASES = [
    (("Herr", "HR. Dr."), ("Herrn Hofrat\nDr. Hans Müller", "TITLE_NONCANONICAL")),
    (("Herr", "KommR.Ing."), ("Herrn Kommerzialrat\nIng. Hans Müller", "TITLE_NONCANONICAL")),
    (("Herr", "OSR."), ("Herrn Oberschulrat\nHans Müller", "TITLE_NONCANONICAL")),
    (("Herr", "Dr.."), ("Herrn\nDr. Hans Müller", "TITLE_NONCANONICAL")),
    (("Herr", "Prof..Dr."), ("Herrn Professor\nDr. Hans Müller", "TITLE_NONCANONICAL")),
    (("Frau", "Mag.a."), ("Frau\nMag.a Eva Müller", "TITLE_NONCANONICAL")),
    (("Frau", "KommR.in"), ("Frau Kommerzialrätin\nEva Müller", "TITLE_NONCANONICAL")),
    (("Frau", "HR.in Mag.a"), ("Frau Hofrätin\nMag.a Eva Müller", "TITLE_NONCANONICAL")),
    (("Herr", "Ao.Univ.Prof.Dr."), ("Herrn Professor\nDr. Hans Müller", "TITLE_NONCANONICAL")),
    (("Herr", "o.Univ.Prof.Dr."), ("Herrn Professor\nDr. Hans Müller", "TITLE_NONCANONICAL")),
    (("Herr", "Dr. ."), ("Herrn\nDr. Hans Müller", "TITLE_NONCANONICAL")),  # a dot after a space, too
    (("Herr", ". Dr."), ("Herrn\nDr. . Hans Müller", "TITLE_UNKNOWN")),  # nothing before it: kept, flagged
]


def _first(salutation: str) -> str:
    return "Eva" if salutation == "Frau" else "Hans"


@pytest.mark.parametrize(("fields", "expected"), CASES, ids=[c[0][1] for c in CASES])
def test_single_record(fields, expected):
    salutation, title = fields
    parsed = parse_contact(salutation, title, _first(salutation), "Müller", "", "AT")
    assert (parsed.address_block, parsed.issues) == expected
    assert "." not in parsed.titles_prenominal.split(" ") or expected[1] == "TITLE_UNKNOWN"


def test_frame_path_agrees():
    frame = pd.DataFrame(
        [(s, t, _first(s), "Müller", "", "AT") for (s, t), _ in CASES],
        columns=["salutation", "title", "first_name", "last_name", "position", "country"],
    )
    parsed = parse_contacts(frame)
    assert list(zip(parsed["address_block"], parsed["issues"], strict=True)) == [e for _, e in CASES]
