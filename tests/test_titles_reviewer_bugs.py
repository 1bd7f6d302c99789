"""Reviewer bugs: "Dr. Dr. med." read as DDr. + MEd, short abbreviations matched in the wrong case,
degrees in all-capitals name fields, titles after a dot or separator in a name field, "Prim." twice in
the address block, "Ma." as a first name. Every case is checked through parse_contact and through
parse_contacts (the vectorised frame path) with the same expected values."""

from __future__ import annotations

import pytest

from governance.titles import load_vocabulary, parse_contact
from governance.titles.vocabulary import CAPS_NAME_DEGREES, case_variants, is_short
from tests.title_helpers import assert_frame_path_agrees

# (salutation, title, first, last, position, country) -> expected fields (only those given are checked)
CASES = [
    # 1. a faculty suffix belongs to the doctorate before it, it is no post-nominal MEd
    (
        ("Herr", "Dr. Dr. med.", "Hans", "Huber", "", "DE"),
        {
            "titles_prenominal": "Dr. Dr.med.",
            "titles_postnominal": "",
            "address_block": "Herrn\nDr. Dr.med. Hans Huber",
            "salutation_line": "Sehr geehrter Herr Dr. Huber,",
        },
    ),
    (
        ("Herr", "Dr.Dr. med.", "Hans", "Huber", "", "AT"),
        {"titles_prenominal": "Dr. Dr.med.", "titles_postnominal": ""},
    ),
    (
        ("Herr", "DR. DR. MED.", "Hans", "Huber", "", "AT"),
        {"titles_prenominal": "Dr. Dr.med.", "titles_postnominal": ""},
    ),
    (
        ("Herr", "Prof. Dr. Dr. med.", "Hans", "Huber", "", "AT"),
        {
            "titles_prenominal": "Prof. Dr. Dr.med.",
            "titles_postnominal": "",
            "address_block": "Herrn Professor\nDr. Dr.med. Hans Huber",
        },
    ),
    (
        ("Herr", "Dr. Dr. med. MBA", "Hans", "Huber", "", "AT"),
        {"titles_prenominal": "Dr. Dr.med.", "titles_postnominal": "MBA"},
    ),
    (("Herr", "Dr. Dr. phil.", "Hans", "Huber", "", "AT"), {"titles_prenominal": "Dr. Dr.phil."}),
    (("Herr", "Dr. Dr.", "Hans", "Huber", "", "AT"), {"titles_prenominal": "DDr."}),
    (("Herr", "Dr. Dr. MBA", "Hans", "Huber", "", "AT"), {"titles_prenominal": "DDr."}),
    # 2. short abbreviations only in their own case (or capitals, or "dr." for Dr.)
    (
        ("Frau", "Sr.", "Maria", "Huber", "", "AT"),
        {
            "titles_prenominal": "Sr.",
            "issues": "TITLE_UNKNOWN",
            "salutation_line": "Sehr geehrte Frau Huber,",
        },
    ),
    (
        ("Herr", "Hr. Dr.", "Hans", "Huber", "", "AT"),
        {"issues": "TITLE_UNKNOWN", "salutation_line": "Sehr geehrter Herr Dr. Huber,"},
    ),
    (  # "sc." is no SC (Sektionschef): Dr. sc. techn. is one Swiss doctorate (titles.csv Dr.sc.techn.)
        ("Herr", "Dr. sc. techn.", "Hans", "Huber", "", "AT"),
        {
            "titles_prenominal": "Dr.sc.techn.",
            "issues": "TITLE_NONCANONICAL",
            "salutation_line": "Sehr geehrter Herr Dr. Huber,",
        },
    ),
    (("Herr", "Tr.", "Hans", "Huber", "", "AT"), {"salutation_line": "Sehr geehrter Herr Huber,"}),
    (("Herr", "Ar.", "Hans", "Huber", "", "AT"), {"salutation_line": "Sehr geehrter Herr Huber,"}),
    (("Herr", "sc", "Hans", "Huber", "", "AT"), {"issues": "TITLE_UNKNOWN"}),
    (("Herr Hr.", "", "Hans", "Huber", "", "AT"), {"salutation_line": "Sehr geehrter Herr Huber,"}),
    # 3. degrees that cannot be names are moved out of a name field written in capitals
    (
        ("Herr", "", "HANS", "HUBER, MBA", "", "AT"),
        {
            "last_name_clean": "HUBER",
            "titles_postnominal": "MBA",
            "issues": "TITLE_IN_NAME_FIELD",
            "salutation_line": "Sehr geehrter Herr HUBER,",
            "address_block": "Herrn\nHANS HUBER, MBA",
        },
    ),
    (
        ("Herr", "", "HANS", "MÜLLER MBA", "", "AT"),
        {"last_name_clean": "MÜLLER", "titles_postnominal": "MBA", "issues": "TITLE_IN_NAME_FIELD"},
    ),
    (
        ("Herr", "", "HANS", "HUBER, BSC", "", "AT"),
        {
            "last_name_clean": "HUBER",
            "titles_postnominal": "BSc",
            "salutation_line": "Sehr geehrter Herr HUBER,",
        },
    ),
    (("Herr", "", "HANS", "HUBER MSC", "", "AT"), {"last_name_clean": "HUBER", "titles_postnominal": "MSc"}),
    (("Herr", "", "HANS", "HUBER, PHD", "", "AT"), {"last_name_clean": "HUBER", "titles_postnominal": "PhD"}),
    (
        ("Herr", "", "HANS", "HUBER LLM", "", "AT"),
        {"last_name_clean": "HUBER", "titles_postnominal": "LL.M."},
    ),
    (
        ("Herr", "", "DR HANS", "HUBER", "", "AT"),
        {
            "first_name_clean": "HANS",
            "titles_prenominal": "Dr.",
            "salutation_line": "Sehr geehrter Herr Dr. HUBER,",
            "address_block": "Herrn\nDr. HANS HUBER",
        },
    ),
    (("Herr", "", "DDR HANS", "HUBER", "", "AT"), {"first_name_clean": "HANS", "titles_prenominal": "DDr."}),
    (("Frau", "", "MAG EVA", "HUBER", "", "AT"), {"first_name_clean": "EVA", "titles_prenominal": "Mag."}),
    # ... but abbreviations that collide with names stay names
    (("Herr", "", "HANS", "DI MARCO", "", "AT"), {"last_name_clean": "DI MARCO", "issues": ""}),
    (("Herr", "", "MA HANS", "HUBER", "", "AT"), {"first_name_clean": "MA HANS", "issues": ""}),
    (("Herr", "", "HANS", "HUBER KR", "", "AT"), {"last_name_clean": "HUBER KR", "issues": ""}),
    (("Herr", "", "Hans", "Drechsler", "", "AT"), {"last_name_clean": "Drechsler", "issues": ""}),
    (("Herr", "", "HANS", "DRECHSLER", "", "AT"), {"last_name_clean": "DRECHSLER", "issues": ""}),
    (("Frau", "", "MAGDALENA", "HUBER", "", "AT"), {"first_name_clean": "MAGDALENA", "issues": ""}),
    # 4. a title after a dot-ended word or a separator in a name field
    (
        ("Herr", "", "Hans", "Huber PhD.", "", "AT"),
        {
            "last_name_clean": "Huber",
            "titles_postnominal": "PhD",
            "salutation_line": "Sehr geehrter Herr Huber,",
        },
    ),
    (
        ("Herr", "", "Hans", "Huber / MSc", "", "AT"),
        {"last_name_clean": "Huber", "titles_postnominal": "MSc", "issues": "TITLE_IN_NAME_FIELD"},
    ),
    (
        ("Herr", "", "Hans", "Huber;MSc", "", "AT"),
        {"last_name_clean": "Huber", "titles_postnominal": "MSc", "issues": "TITLE_IN_NAME_FIELD"},
    ),
    (
        ("Herr", "", "Hans", "Huber/MBA", "", "AT"),
        {"last_name_clean": "Huber", "titles_postnominal": "MBA", "issues": "TITLE_IN_NAME_FIELD"},
    ),
    (("Herr", "", "Hans", "HUBER PHD.", "", "AT"), {"last_name_clean": "HUBER", "titles_postnominal": "PhD"}),
    # titles in brackets or after a dash: the letter said "Herr Müller (Dr.)" and dropped the doctorate
    (
        ("Herr", "", "Hans", "Müller (Dr.)", "", "AT"),
        {
            "last_name_clean": "Müller",
            "titles_prenominal": "Dr.",
            "salutation_line": "Sehr geehrter Herr Dr. Müller,",
        },
    ),
    (
        ("Herr", "", "Hans (Dr.)", "Müller", "", "AT"),
        {"first_name_clean": "Hans", "titles_prenominal": "Dr.", "issues": "TITLE_IN_NAME_FIELD"},
    ),
    (
        ("Herr", "", "Hans", "Müller (MBA)", "", "AT"),
        {"last_name_clean": "Müller", "titles_postnominal": "MBA", "issues": "TITLE_IN_NAME_FIELD"},
    ),
    (
        ("Herr", "", "Hans", "Müller – MSc", "", "AT"),
        {
            "last_name_clean": "Müller",
            "titles_postnominal": "MSc",
            "salutation_line": "Sehr geehrter Herr Müller,",
        },
    ),
    # a nickname or birth name in brackets is no title, nor a department's two letters ("HR" is no Hofrätin)
    (("Herr", "", "Hans", "Müller (Hansi)", "", "AT"), {"last_name_clean": "Müller (Hansi)", "issues": ""}),
    (
        ("Frau", "", "Anna", "Huber (HR)", "", "AT"),
        {"last_name_clean": "Huber (HR)", "titles_prenominal": ""},
    ),
    (  # a title in brackets before a nickname stays for a person to read, not a school of the degree
        ("Herr", "", "Hans", "Müller (Dr.) (Hansi)", "", "AT"),
        {"last_name_clean": "Müller (Dr.) (Hansi)", "titles_prenominal": ""},
    ),
    # separators without a title are part of the name
    (("Herr", "", "Hans", "Huber/Maier", "", "AT"), {"last_name_clean": "Huber/Maier", "issues": ""}),
    (("Herr", "", "Hans", "Huber / Maier", "", "AT"), {"last_name_clean": "Huber / Maier", "issues": ""}),
    # 5. an address function both in the title and in the position field is written once
    (
        ("Herr", "Prim. Dr.", "Hans", "Huber", "Primar", "AT"),
        {
            "salutation_line": "Sehr geehrter Herr Primar Dr. Huber,",
            "address_block": "Herrn Primar\nDr. Hans Huber",
        },
    ),
    (
        ("Frau", "Prim.a Dr.in", "Eva", "Huber", "Primaria", "AT"),
        {"address_block": "Frau Primaria\nDr.in Eva Huber"},
    ),
    (
        ("Herr", "Prim. Dr.", "Hans", "Huber", "Generaldirektor", "AT"),
        {"address_block": "Herrn Generaldirektor\nPrim. Dr. Hans Huber"},
    ),
    # 6. "Ma." with mixed case is part of a first name
    (
        ("Frau", "", "Ma. Cristina", "Santos", "", "AT"),
        {
            "first_name_clean": "Ma. Cristina",
            "titles_postnominal": "",
            "issues": "",
            "address_block": "Frau\nMa. Cristina Santos",
        },
    ),
    (("Herr", "", "dr. hans", "huber", "", "AT"), {"first_name_clean": "hans", "titles_prenominal": "Dr."}),
    (("Herr", "", "Dr. Hans", "Huber", "", "AT"), {"first_name_clean": "Hans", "titles_prenominal": "Dr."}),
]

# Legitimate writings that must keep working in the title field (title, canonical prenominal)
LEGIT = [
    ("DI", "DI"),
    ("Dr.", "Dr."),
    ("DR.", "Dr."),
    ("dr.", "Dr."),
    ("dr", "Dr."),
    ("DR", "Dr."),
    ("Dr:", "Dr."),
    ("Mag.", "Mag."),
    ("MAG.", "Mag."),
    ("mag", "Mag."),
    ("Ing.", "Ing."),
    ("ING.", "Ing."),
    ("KR", "KommR"),
    ("KommR", "KommR"),
    ("HR", "HR"),
    ("HR.", "HR"),
    ("OSR", "OSR"),
    ("RegR", "RegR"),
    ("RR", "RegR"),
    ("SR", "SR"),
    ("TR", "TechnR"),
    ("SC", "SektChef"),
    ("Prof.", "Prof."),
    ("PROF.", "Prof."),
    ("Ks.", "Kammersänger"),
    ("D.I.", "DI"),
    ("DIPL.ING.", "Dipl.-Ing."),
]


def _ids() -> list[str]:
    return [" | ".join(args[:5]) for args, _ in CASES]


@pytest.mark.parametrize(("args", "expected"), CASES, ids=_ids())
def test_parse_contact(args, expected):
    sal, title, first, last, position, country = args
    r = parse_contact(sal, title, first, last, position, country)
    assert {k: getattr(r, k) for k in expected} == expected


def test_parse_contacts_agrees_and_gives_the_same_values():
    assert_frame_path_agrees([(*args, "") for args, _ in CASES], [e for _, e in CASES])


@pytest.mark.parametrize(("title", "canonical"), LEGIT)
def test_legitimate_writings_still_recognised(title, canonical):
    r = parse_contact("Herr", title, "Hans", "Huber", "", "AT")
    assert r.titles_prenominal == canonical
    assert "TITLE_UNKNOWN" not in r.issue_codes


def test_mr_stays_ambiguous_and_mr_dot_is_no_title():
    assert "TITLE_AMBIGUOUS" in parse_contact("Herr", "MR", "Hans", "Huber", "", "AT").issue_codes
    r = parse_contact("Herr", "Mr.", "Hans", "Huber", "", "AT")
    assert "TITLE_AMBIGUOUS" not in r.issue_codes and "TITLE_UNKNOWN" in r.issue_codes


def test_short_keys_are_not_folded():
    vocab = load_vocabulary()
    assert is_short("sr") and is_short("d.i.") and is_short("dr.") and not is_short("mag.")
    assert all(not is_short(k) for k in vocab.title_fold)
    assert "sr" not in vocab.title_fold and "SR" in vocab.title_exact and "Sr" not in vocab.title_exact
    assert {"dr.", "DR.", "dr", "DR"} <= set(vocab.title_exact)
    assert case_variants("Dr.") == ("Dr.", "DR.", "dr.")
    assert case_variants("SR") == ("SR",)
    # name fields: "Ma." is no MA., "dr." is Dr.
    assert "ma." not in vocab.name_fold and "Ma." not in vocab.name_exact and "dr." in vocab.name_exact


def test_caps_degrees_are_in_the_vocabulary():
    vocab = load_vocabulary()
    assert set(CAPS_NAME_DEGREES) == set(vocab.name_caps)
    assert not {"DI", "MA", "BA", "KR", "ING"} & set(vocab.name_caps)
    for name in ("DR HANS", "HUBER;MSc", "Huber/MBA", "MAG EVA"):
        assert vocab.name_prefilter.search(name), name
