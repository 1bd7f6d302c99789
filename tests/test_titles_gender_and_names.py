"""Gender only from what says it, names only when they are names, text in any Unicode composition:
both engine paths."""

from __future__ import annotations

import unicodedata

import pytest

from governance.titles import parse_contact
from tests.title_helpers import assert_frame_path_agrees


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# (salutation, title, first, last, position, country, company) -> expected fields
CASES = [
    # "Vorstandsvorsitzende", "Abgeordnete": der/die; the position tells no gender
    (
        ("", "", "Kim", "Berger", "Vorstandsvorsitzende", "AT", "ACME"),
        {
            "gender": "unknown",
            "salutation_line": "Guten Tag Kim Berger,",
            "position_canonical": "Vorstandsvorsitzende",
        },
    ),
    (
        ("", "Dr.", "Kim", "Berger", "Abgeordnete", "AT", ""),
        {"gender": "unknown", "salutation_line": "Guten Tag Dr. Kim Berger,"},
    ),
    (  # ... and is no conflict with Herr
        ("Herr", "Dr.", "Kim", "Berger", "Abgeordnete", "AT", ""),
        {"gender": "m", "issues": "", "salutation_line": "Sehr geehrter Herr Abgeordneter,"},
    ),
    (
        ("Herr", "", "Kim", "Berger", "Vorstandsvorsitzende", "AT", ""),
        {"issues": "", "position_canonical": "Vorstandsvorsitzender"},
    ),
    (  # a form only women hold still tells it
        ("", "", "Kim", "Berger", "Bürgermeisterin", "AT", ""),
        {"gender": "f", "salutation_line": "Sehr geehrte Frau Bürgermeisterin,"},
    ),
    (
        ("Herr", "", "Kim", "Berger", "Bürgermeisterin", "AT", ""),
        {"issues": "TITLE_GENDER_CONFLICT"},
    ),
    # a surname of no letters is no surname (rule 7)
    (
        ("Herr", "Dr.", "Kim", "-", "", "AT", ""),
        {
            "salutation_line": "Sehr geehrte Damen und Herren,",
            "issues": "NAME_MISSING",
            "last_name_clean": "",
        },
    ),
    (("Frau", "", "Eva", " ? ", "", "AT", ""), {"issues": "NAME_MISSING", "last_name_clean": ""}),
    (("Herr", "", ".", "Huber", "", "AT", ""), {"first_name_clean": "", "address_block": "Herrn\nHuber"}),
    (("Herr", "", "Kim", "O.", "", "AT", ""), {"issues": "", "last_name_clean": "O."}),
    # decomposed Unicode (macOS, web forms) reads as composed
    (
        ("Frau", "", "Eva", nfd("Müller"), nfd("Bürgermeisterin"), "AT", ""),
        {"salutation_line": "Sehr geehrte Frau Bürgermeisterin,", "last_name_clean": "Müller"},
    ),
    (  # "Österreich" decomposed is still Austria: the AT style keeps Mag.a (DE would drop it)
        ("Frau", "Mag.a", "Eva", "Huber", "", nfd("Österreich"), ""),
        {"salutation_line": "Sehr geehrte Frau Mag.a Huber,"},
    ),
    (
        ("Frau", nfd("Hofrätin Mag.a"), "Eva", "Huber", "", "AT", ""),
        {"issues": "TITLE_NONCANONICAL", "titles_prenominal": "HRin Mag.a"},
    ),
]


@pytest.mark.parametrize(("fields", "expected"), CASES, ids=[f"{c[0][3]}|{c[0][4]}" for c in CASES])
def test_single_record(fields, expected):
    parsed = parse_contact(*fields)
    assert {k: getattr(parsed, k) for k in expected} == expected


def test_frame_path_agrees():
    assert_frame_path_agrees([f for f, _ in CASES], [e for _, e in CASES])


FEMALE_ENDINGS = [
    ("RegR.in", "Sehr geehrte Frau Regierungsrätin Huber,", "Frau Regierungsrätin\nEva Huber"),
    ("OStR.in", "Sehr geehrte Frau Oberstudienrätin Huber,", "Frau Oberstudienrätin\nEva Huber"),
    ("Univ.Prof.in Dr.in", "Sehr geehrte Frau Professorin Huber,", "Frau Professorin\nDr.in Eva Huber"),
    ("Univ-Prof.in", "Sehr geehrte Frau Professorin Huber,", "Frau Professorin\nEva Huber"),
    ("Dipl. Ing.in", "Sehr geehrte Frau Dipl.-Ing.in Huber,", "Frau\nDipl.-Ing.in Eva Huber"),
    ("KRin", "Sehr geehrte Frau Kommerzialrätin Huber,", "Frau Kommerzialrätin\nEva Huber"),
]


@pytest.mark.parametrize(("title", "line", "block"), FEMALE_ENDINGS)
def test_female_ending_on_a_variant_spelling(title, line, block):
    """§1: other writings are recognised and normalised; the ending on a variant is one of them (it used
    to leave the male title plus an unknown "in", and "Frau Professorin / in Eva Huber")."""
    parsed = parse_contact("Frau", title, "Eva", "Huber", "", "AT")
    assert (parsed.salutation_line, parsed.address_block, parsed.issues) == (
        line,
        block,
        "TITLE_NONCANONICAL",
    )
    assert_frame_path_agrees([("Frau", title, "Eva", "Huber", "", "AT", "")])
