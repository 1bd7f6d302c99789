"""An office or position typed into the title field ("Bgm.", "Generaldirektor") moves to the position,
through parse_contact and through parse_contacts alike."""

from __future__ import annotations

import pandas as pd
import pytest

from governance.contact_model import PARSED_COLUMNS
from governance.titles import parse_contact, parse_contacts

COLS = ["salutation", "title", "first_name", "last_name", "position", "country", "company"]

# (salutation, title, first, last, position, company) -> expected fields
CASES = [
    (
        ("Herr", "Bgm.", "Josef", "Hofer", "", "Gemeinde Hart"),
        {
            "salutation_line": "Sehr geehrter Herr Bürgermeister,",
            "titles_prenominal": "",
            "position_canonical": "Bürgermeister",
            "position_kind": "office",
            "address_block": "Gemeinde Hart\nHerrn Bürgermeister\nJosef Hofer",
            "issues": "TITLE_NONCANONICAL;POSITION_IN_TITLE_FIELD",
        },
    ),
    (  # the female abbreviation; the degree stays a title
        ("Frau", "Bgm.in Mag.a", "Eva", "Berger", "", ""),
        {
            "salutation_line": "Sehr geehrte Frau Bürgermeisterin,",
            "titles_prenominal": "Mag.a",
            "position_canonical": "Bürgermeisterin",
            "issues": "TITLE_NONCANONICAL;POSITION_IN_TITLE_FIELD",
        },
    ),
    (  # an address function: it enters the salutation with the degree
        ("Herr", "Dr. Generaldirektor", "Franz", "Müller", "", "ACME AG"),
        {
            "salutation_line": "Sehr geehrter Herr Generaldirektor Dr. Müller,",
            "titles_prenominal": "Dr.",
            "position_canonical": "Generaldirektor",
            "issues": "POSITION_IN_TITLE_FIELD",
        },
    ),
    (  # the position field already says so: the token is dropped from the titles, nothing doubles
        ("Herr", "Bgm. Mag.", "Josef", "Hofer", "Bürgermeister", ""),
        {
            "salutation_line": "Sehr geehrter Herr Bürgermeister,",
            "titles_prenominal": "Mag.",
            "position_canonical": "Bürgermeister",
            "issues": "POSITION_IN_TITLE_FIELD",
        },
    ),
    (  # another position in its own field wins; the token stays an unknown title for a person
        ("Herr", "Bgm. Mag.", "Josef", "Hofer", "Geschäftsführer", ""),
        {
            "salutation_line": "Sehr geehrter Herr Mag. Hofer,",
            "titles_prenominal": "Mag. Bgm.",
            "position_canonical": "Geschäftsführer",
            "issues": "TITLE_UNKNOWN",
        },
    ),
    (  # two offices in the title field: which one? left for a person
        ("Herr", "Bgm. LH", "Hans", "Berg", "", ""),
        {"salutation_line": "Sehr geehrter Herr Berg,", "position_canonical": "", "issues": "TITLE_UNKNOWN"},
    ),
    (  # an ordinary title field is untouched
        ("Herr", "Dipl.-Ing. Dr.", "Karl", "Gruber", "", ""),
        {"salutation_line": "Sehr geehrter Herr Dr. Gruber,", "position_canonical": "", "issues": ""},
    ),
]


@pytest.mark.parametrize(("fields", "expected"), CASES, ids=[c[0][1] + "|" + c[0][4] for c in CASES])
def test_single_record(fields, expected):
    salutation, title, first, last, position, company = fields
    parsed = parse_contact(salutation, title, first, last, position, "AT", company)
    assert {k: getattr(parsed, k) for k in expected} == expected


def test_frame_path_gives_the_same_as_the_single_record_path():
    rows = [(s, t, f, la, p, "AT", c) for (s, t, f, la, p, c), _ in CASES] * 3  # repeats share a decision
    frame = pd.DataFrame(rows, columns=COLS)
    parsed = parse_contacts(frame)
    for i, row in enumerate(rows):
        single = parse_contact(*row)
        assert parsed.iloc[i][list(PARSED_COLUMNS)].tolist() == [getattr(single, c) for c in PARSED_COLUMNS]
    for i, (_, expected) in enumerate(CASES):
        assert {k: parsed.iloc[i][k] for k in expected} == expected
