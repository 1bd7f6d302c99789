"""Real-world writings the title engine read wrong until 2026-11-29 (the open items of the earlier probes),
through parse_contact and parse_contacts alike."""

from __future__ import annotations

import pytest

from governance.titles import parse_contact
from tests.title_helpers import assert_frame_path_agrees

CASES = [
    # "Universitätsprofessor" written out is the professor title, in the title field ...
    (
        ("Herr", "Universitätsprofessor Dr.", "Hans", "Huber", "", "AT", ""),
        {
            "salutation_line": "Sehr geehrter Herr Professor Huber,",
            "titles_prenominal": "Univ.-Prof. Dr.",
            "issues": "TITLE_NONCANONICAL",
        },
    ),
    (
        ("Frau", "ao. Universitätsprofessorin", "Eva", "Berger", "", "AT", ""),
        {"titles_prenominal": "ao. Univ.-Prof.in"},
    ),
    # ... and in the position field, where "Professor" alone stays a job (a teacher's rank)
    (
        ("Frau", "Dr.in", "Eva", "Berger", "Universitätsprofessorin", "AT", ""),
        {
            "salutation_line": "Sehr geehrte Frau Professorin Berger,",
            "titles_prenominal": "Univ.-Prof.in Dr.in",
            "position_canonical": "",
            "issues": "TITLE_IN_POSITION_FIELD",
        },
    ),
    (
        ("Herr", "Dr.", "Hans", "Huber", "Professor", "AT", ""),
        {"salutation_line": "Sehr geehrter Herr Dr. Huber,", "position_canonical": "Professor"},
    ),
    (
        ("Herr", "Dr.", "Hans", "Huber", "Universitätsdozent", "AT", ""),
        {"titles_prenominal": "Univ.-Doz. Dr."},
    ),
    # a retirement suffix after an Amts- or Berufstitel, a professor title or a function: kept with it in the
    # address, dropped in the salutation, no unknown title
    (
        ("Herr", "HR i.R. Dr.", "Hans", "Huber", "", "AT", ""),
        {
            "salutation_line": "Sehr geehrter Herr Hofrat Dr. Huber,",
            "address_block": "Herrn Hofrat i.R.\nDr. Hans Huber",
            "titles_prenominal": "HR i.R. Dr.",
            "issues": "",
        },
    ),
    (
        ("Frau", "OStRin i. R. Mag.a", "Eva", "Berger", "", "AT", ""),
        {
            "salutation_line": "Sehr geehrte Frau Oberstudienrätin Mag.a Berger,",
            "address_block": "Frau Oberstudienrätin i.R.\nMag.a Eva Berger",
            "titles_prenominal": "OStRin i.R. Mag.a",
            "issues": "TITLE_NONCANONICAL",
        },
    ),
    (
        ("Herr", "Prof. a.D.", "Hans", "Huber", "", "DE", ""),
        {"address_block": "Herrn Professor a.D.\nHans Huber"},
    ),
    (("Herr", "KommR iR", "Hans", "Huber", "", "AT", ""), {"titles_prenominal": "KommR i.R."}),
    # a function in the title field takes its suffix along into the position
    (
        ("Herr", "Dir. i. R. Mag.", "Hans", "Huber", "", "AT", ""),
        {
            "salutation_line": "Sehr geehrter Herr Direktor Mag. Huber,",
            "address_block": "Herrn Direktor i.R.\nMag. Hans Huber",
            "position_canonical": "Direktor i.R.",
            "titles_prenominal": "Mag.",
        },
    ),
    (("Herr", "Dir.i.R.", "Hans", "Huber", "", "AT", ""), {"position_canonical": "Direktor i.R."}),
    # a degree does not retire: the suffix stays an unknown title for the owner to resolve
    (("Herr", "Dr. a.D.", "Hans", "Huber", "", "AT", ""), {"issues": "TITLE_UNKNOWN"}),
]


@pytest.mark.parametrize(("fields", "expected"), CASES)
def test_session_probe_case(fields, expected):
    parsed = parse_contact(*fields)
    got = {key: ";".join(parsed.issue_codes) if key == "issues" else getattr(parsed, key) for key in expected}
    assert got == expected


def test_session_probe_cases_agree_on_both_paths():
    assert_frame_path_agrees(
        [fields for fields, _ in CASES],
        [{k: v for k, v in expected.items() if k != "issues"} for _, expected in CASES],
    )
