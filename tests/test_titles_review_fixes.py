"""Review fixes: titles in upper-case name fields, titles in the salutation field, country spellings,
Dr. h.c. mult., vocabulary gaps and invisible characters. Every case is checked through parse_contact
and through parse_contacts (the vectorised frame path) with the same expected values."""

from __future__ import annotations

import pandas as pd
import pytest

from governance.contact_model import PARSED_COLUMNS
from governance.titles import load_vocabulary, parse_contact, parse_contacts
from governance.titles.parser import parse_salutation, parse_salutation_field

COLS = ["salutation", "title", "first_name", "last_name", "position", "country", "company"]

# (salutation, title, first, last, country) -> expected fields (only those given are checked)
CASES = [
    # 1. titles in name fields written in capitals: punctuated writings match without case
    (
        ("Herr", "", "DIPL.-ING. HANS", "HUBER", "AT"),
        {
            "titles_prenominal": "Dipl.-Ing.",
            "first_name_clean": "HANS",
            "last_name_clean": "HUBER",
            "issues": "TITLE_IN_NAME_FIELD;TITLE_NONCANONICAL",
            "salutation_line": "Sehr geehrter Herr Dipl.-Ing. HUBER,",
        },
    ),
    (
        ("Herr", "", "PROF. DR. HANS", "HUBER", "AT"),
        {
            "titles_prenominal": "Prof. Dr.",
            "first_name_clean": "HANS",
            "salutation_line": "Sehr geehrter Herr Professor HUBER,",
            "address_block": "Herrn Professor\nDr. HANS HUBER",
        },
    ),
    (
        ("Herr", "", "ING. HANS", "HUBER", "AT"),
        {"titles_prenominal": "Ing.", "salutation_line": "Sehr geehrter Herr Ing. HUBER,"},
    ),
    (
        ("Frau", "", "MAG. EVA", "HUBER", "AT"),
        {
            "titles_prenominal": "Mag.",
            "first_name_clean": "EVA",
            "salutation_line": "Sehr geehrte Frau Mag. HUBER,",
        },
    ),
    (
        ("Frau", "", "MAG.A EVA", "HUBER", "AT"),
        {"titles_prenominal": "Mag.a", "salutation_line": "Sehr geehrte Frau Mag.a HUBER,"},
    ),
    (
        ("Herr", "", "Hans", "MAG. HUBER", "AT"),
        {
            "titles_prenominal": "Mag.",
            "last_name_clean": "HUBER",
            "issues": "TITLE_IN_NAME_FIELD;TITLE_NONCANONICAL",
        },
    ),
    (
        ("Herr", "", "UNIV.-PROF. HANS", "HUBER", "AT"),
        {"titles_prenominal": "Univ.-Prof.", "salutation_line": "Sehr geehrter Herr Professor HUBER,"},
    ),
    (
        ("Herr", "", "dipl.-ing. hans", "huber", "AT"),
        {"titles_prenominal": "Dipl.-Ing.", "first_name_clean": "hans"},
    ),
    # dotless writings stay case-sensitive in name fields: names and particles
    (
        ("Herr", "", "HANS", "DI MARCO", "AT"),
        {"titles_prenominal": "", "last_name_clean": "DI MARCO", "issues": ""},
    ),
    (  # MA may be a name in capitals and stays; MBA cannot be one and is moved out
        ("Herr", "", "MA HANS", "HUBER MBA", "AT"),
        {
            "titles_prenominal": "",
            "titles_postnominal": "MBA",
            "first_name_clean": "MA HANS",
            "last_name_clean": "HUBER",
            "issues": "TITLE_IN_NAME_FIELD",
        },
    ),
    (("Herr", "", "Hans", "Di Marco", "AT"), {"last_name_clean": "Di Marco", "issues": ""}),
    (("Herr", "", "Hans", "Ma", "AT"), {"last_name_clean": "Ma", "issues": ""}),
    (("Herr", "", "Kr", "Huber", "AT"), {"first_name_clean": "Kr", "issues": ""}),
    # "Dr.med." in a name field is one title (no "med." = MEd.)
    (
        ("Herr", "", "Dr.med. Hans", "Huber", "AT"),
        {"titles_prenominal": "Dr.med.", "titles_postnominal": "", "first_name_clean": "Hans"},
    ),
    # 2. titles typed into the salutation field
    (
        ("Frau Mag.a", "", "Eva", "Huber", "AT"),
        {
            "gender": "f",
            "titles_prenominal": "Mag.a",
            "issues": "TITLE_IN_NAME_FIELD",
            "salutation_line": "Sehr geehrte Frau Mag.a Huber,",
        },
    ),
    (
        ("Frau Dr.", "", "Eva", "Huber", "AT"),
        {"gender": "f", "titles_prenominal": "Dr.", "salutation_line": "Sehr geehrte Frau Dr. Huber,"},
    ),
    (
        ("Herr Dipl.-Ing.", "", "Hans", "Huber", "AT"),
        {
            "gender": "m",
            "titles_prenominal": "Dipl.-Ing.",
            "salutation_line": "Sehr geehrter Herr Dipl.-Ing. Huber,",
        },
    ),
    (
        ("Herr Prof. Dr. h.c.", "", "Hans", "Huber", "AT"),
        {
            "titles_prenominal": "Prof. Dr. h.c.",
            "salutation_line": "Sehr geehrter Herr Professor Huber,",
            "issues": "TITLE_IN_NAME_FIELD",
        },
    ),
    (
        ("Herr KommR", "", "Hans", "Huber", "AT"),
        {"titles_prenominal": "KommR", "salutation_line": "Sehr geehrter Herr Kommerzialrat Huber,"},
    ),
    (
        ("Frau HRin Dr.", "", "Eva", "Huber", "AT"),
        {"titles_prenominal": "HRin Dr.", "salutation_line": "Sehr geehrte Frau Hofrätin Dr. Huber,"},
    ),
    (
        ("Dr.", "", "Kim", "Huber", "AT"),
        {
            "gender": "unknown",
            "titles_prenominal": "Dr.",
            "issues": "TITLE_IN_NAME_FIELD",
            "salutation_line": "Guten Tag Dr. Kim Huber,",
        },
    ),
    (  # no salutation word: gender from the gendered title form
        ("Dr.in", "", "Eva", "Huber", "AT"),
        {"gender": "f", "titles_prenominal": "Dr.in", "salutation_line": "Sehr geehrte Frau Dr.in Huber,"},
    ),
    (
        ("Herr Dr. med.", "", "Hans", "Huber", "AT"),
        {"titles_prenominal": "Dr.med.", "issues": "TITLE_IN_NAME_FIELD;TITLE_NONCANONICAL"},
    ),
    (
        ("HERR DR.", "", "Hans", "Huber", "AT"),
        {"gender": "m", "titles_prenominal": "Dr.", "salutation_line": "Sehr geehrter Herr Dr. Huber,"},
    ),
    (
        ("Mr. Dr.", "", "John", "Smith", "AT"),
        {"gender": "m", "titles_prenominal": "Dr.", "salutation_line": "Sehr geehrter Herr Dr. Smith,"},
    ),
    # salutation titles come before the title field's; the same title in both is one title
    (
        ("Herr Dr.", "Mag.", "Hans", "Huber", "AT"),
        {"titles_prenominal": "Mag. Dr.", "issues": "TITLE_IN_NAME_FIELD"},
    ),
    (
        ("Herr Dr.", "Dr.", "Hans", "Huber", "AT"),
        {"titles_prenominal": "Dr.", "issues": "TITLE_IN_NAME_FIELD"},
    ),
    (
        ("Frau Dr.in", "Dr.", "Eva", "Huber", "AT"),
        {"titles_prenominal": "Dr.", "gender": "f", "issues": "TITLE_IN_NAME_FIELD"},
    ),
    (
        ("Frau Mag.a", "Mag.a Dr.in", "Eva", "Huber", "AT"),
        {"titles_prenominal": "Mag.a Dr.in", "issues": "TITLE_IN_NAME_FIELD"},
    ),
    (
        ("Herr Mag.a", "", "Hans", "Huber", "AT"),
        {"gender": "m", "issues": "TITLE_IN_NAME_FIELD;TITLE_GENDER_CONFLICT"},
    ),
    # unknown words after the salutation word are kept and flagged
    (
        ("Herr Quatsch Dr.", "", "Hans", "Huber", "AT"),
        {"gender": "m", "titles_prenominal": "Dr. Quatsch", "issues": "TITLE_IN_NAME_FIELD;TITLE_UNKNOWN"},
    ),
    # plain salutations unchanged; a field without salutation word and without a title is no title
    (("Herr", "", "Hans", "Huber", "AT"), {"gender": "m", "issues": "", "titles_prenominal": ""}),
    (("Herrn", "", "Hans", "Huber", "AT"), {"gender": "m", "issues": ""}),
    (("mrs.", "", "Eva", "Huber", "AT"), {"gender": "f", "issues": ""}),
    (("Divers", "", "Kim", "Huber", "AT"), {"gender": "d", "issues": ""}),
    (
        ("Sehr geehrter Herr", "", "Hans", "Huber", "AT"),  # a letter's greeting holds the salutation word
        {
            "gender": "m",
            "issues": "",
            "titles_prenominal": "",
            "salutation_line": "Sehr geehrter Herr Huber,",
        },
    ),
    (("Sehr geehrte Frau Dr.", "", "Eva", "Huber", "AT"), {"gender": "f", "titles_prenominal": "Dr."}),
    (("Mme", "", "Eva", "Huber", "AT"), {"gender": "f"}),
    (("Frl.", "", "Eva", "Huber", "AT"), {"gender": "f"}),
    # Italian-speaking Switzerland, French and Iberian salutation words
    (("Signora", "", "Anna", "Rossi", "CH"), {"gender": "f", "salutation_line": "Sehr geehrte Frau Rossi"}),
    (("Signor", "", "Marco", "Rossi", "CH"), {"gender": "m", "salutation_line": "Sehr geehrter Herr Rossi"}),
    (("Mlle", "", "Claire", "Roux", "CH"), {"gender": "f", "issues": ""}),
    (("Señora", "", "Ana", "Pérez", "DE"), {"gender": "f", "salutation_line": "Sehr geehrte Frau Pérez,"}),
    (("Senhor", "", "João", "Silva", "DE"), {"gender": "m", "issues": ""}),
    # ... and their couples, as "Herr und Frau": no gender, no title
    (("Signor e Signora", "", "Anna", "Rossi", "CH"), {"gender": "unknown", "issues": ""}),
    (("Señor y Señora", "", "Ana", "Pérez", "DE"), {"gender": "unknown", "titles_prenominal": ""}),
    (("Monsieur et Madame", "", "Claire", "Roux", "CH"), {"gender": "unknown", "issues": ""}),
    # salutation titles in DE style
    (
        ("Frau Prof. Dr.", "", "Eva", "Huber", "DE"),
        {"salutation_line": "Sehr geehrte Frau Professorin Huber,"},
    ),
    # 4. Dr. h.c. mult. is valid (honorary); Dr. mult. stays invalid
    (
        ("Herr", "Dr. h.c. mult.", "Hans", "Huber", "AT"),
        {
            "titles_prenominal": "Dr. h.c. mult.",
            "issues": "",
            "salutation_line": "Sehr geehrter Herr Dr. Huber,",
        },
    ),
    (
        ("Herr", "Dr.h.c.mult.", "Hans", "Huber", "AT"),
        {"titles_prenominal": "Dr. h.c. mult.", "issues": "TITLE_NONCANONICAL"},
    ),
    (
        ("Frau", "Dr.in h.c. mult.", "Eva", "Huber", "AT"),
        {
            "titles_prenominal": "Dr.in h.c. mult.",
            "issues": "",
            "salutation_line": "Sehr geehrte Frau Dr.in Huber,",
        },
    ),
    (
        ("Herr", "Dr. h.c. mult.", "Hans", "Huber", "DE"),
        {"salutation_line": "Sehr geehrter Herr Dr. Huber,"},
    ),
    (
        ("Herr", "Dr. mult.", "Hans", "Huber", "AT"),
        {"titles_prenominal": "Dr. mult.", "issues": "TITLE_INVALID"},
    ),
    (("Herr", "Dr.mult.", "Hans", "Huber", "AT"), {"issues": "TITLE_INVALID;TITLE_NONCANONICAL"}),
    # 5. vocabulary gaps
    (
        ("Herr", "Prof. (FH) DI", "Hans", "Huber", "AT"),
        {
            "titles_prenominal": "FH-Prof. DI",
            "issues": "TITLE_NONCANONICAL",
            "salutation_line": "Sehr geehrter Herr Professor Huber,",
        },
    ),
    (("Herr", "Prof.(FH)", "Hans", "Huber", "AT"), {"titles_prenominal": "FH-Prof."}),
    (
        ("Herr", "Dipl.-Kfm.", "Hans", "Huber", "AT"),
        {
            "titles_prenominal": "Dipl.-Kfm.",
            "issues": "",
            "salutation_line": "Sehr geehrter Herr Dipl.-Kfm. Huber,",
        },
    ),
    (
        ("Frau", "Dipl.-Kffr.", "Eva", "Huber", "AT"),
        {
            "titles_prenominal": "Dipl.-Kffr.",
            "issues": "",
            "salutation_line": "Sehr geehrte Frau Dipl.-Kffr. Huber,",
        },
    ),
    (
        ("Herr", "Dipl.Kfm.", "Hans", "Huber", "AT"),
        {"titles_prenominal": "Dipl.-Kfm.", "issues": "TITLE_NONCANONICAL"},
    ),
    (("Herr", "Dipl.-Kfm.", "Hans", "Huber", "DE"), {"salutation_line": "Sehr geehrter Herr Huber,"}),
    (
        ("Herr", "Dr. med.", "Hans", "Huber", "AT"),
        {
            "titles_prenominal": "Dr.med.",
            "issues": "TITLE_NONCANONICAL",
            "salutation_line": "Sehr geehrter Herr Dr. Huber,",
        },
    ),
    (("Herr", "Dr.med.", "Hans", "Huber", "DE"), {"titles_prenominal": "Dr.med.", "issues": ""}),
    (("Herr", "Dr. med. univ.", "Hans", "Huber", "AT"), {"titles_prenominal": "Dr.med.univ."}),
    (("Herr", "Dr. med. dent.", "Hans", "Huber", "AT"), {"titles_prenominal": "Dr.med.dent."}),
    (
        ("Herr", "Dr.med. MBA", "Hans", "Huber", "AT"),
        {"titles_prenominal": "Dr.med.", "titles_postnominal": "MBA"},
    ),
    # invisible format characters are stripped before tokenising
    (
        ("Herr", "\ufeffDr.", "Hans", "Huber", "AT"),
        {"titles_prenominal": "Dr.", "issues": "", "address_block": "Herrn\nDr. Hans Huber"},
    ),
    (
        ("Herr", "Dr.\u200b", "Hans\u00ad", "Hu\u200bber", "AT"),
        {"titles_prenominal": "Dr.", "issues": "", "salutation_line": "Sehr geehrter Herr Dr. Huber,"},
    ),
    (
        ("Herr", "Dipl.-\u00adIng.", "Hans", "Huber", "AT"),
        {"titles_prenominal": "Dipl.-Ing.", "issues": ""},
    ),
    (
        ("\ufeffFrau\u200b Mag.a", "Dr.\u2060", "Eva", "Hu\u00adber", "AT"),
        {"gender": "f", "titles_prenominal": "Mag.a Dr.", "last_name_clean": "Huber"},
    ),
    (
        ("Herr", "", "Hans", "Huber", "A\u200b"),
        {"salutation_line": "Sehr geehrter Herr Huber,"},
    ),
]


def _ids() -> list[str]:
    return [" | ".join(args[:4]).encode("ascii", "backslashreplace").decode() for args, _ in CASES]


@pytest.mark.parametrize(("args", "expected"), CASES, ids=_ids())
def test_parse_contact(args, expected):
    sal, title, first, last, country = args
    r = parse_contact(sal, title, first, last, "", country)
    assert {k: getattr(r, k) for k in expected} == expected


def test_parse_contacts_agrees_and_gives_the_same_values():
    rows = [(s, t, f, la, "", c, "") for (s, t, f, la, c), _ in CASES]
    df = pd.DataFrame(rows, columns=COLS, index=[f"r{i}" for i in range(len(rows))])
    out = parse_contacts(df)
    for (idx, row), (args, expected) in zip(df.iterrows(), CASES, strict=True):
        p = parse_contact(*[row[c] for c in COLS])
        for col in PARSED_COLUMNS:
            assert out.at[idx, col] == getattr(p, col), (args, col)
        for col, value in expected.items():
            assert out.at[idx, col] == value, (args, col)


def test_parse_contacts_categorical_and_repeated_values():
    # many rows share distinct salutation values with and without titles
    rows = [(s, t, f, la, "", c, "") for (s, t, f, la, c), _ in CASES] * 3
    df = pd.DataFrame(rows, columns=COLS).astype("category")
    out = parse_contacts(df)
    for i, row in enumerate(rows):
        p = parse_contact(*row)
        for col in PARSED_COLUMNS:
            assert out.iloc[i][col] == getattr(p, col), (row, col)


def test_parse_salutation_reads_the_leading_word():
    assert parse_salutation("Frau Mag.a") == "f"
    assert parse_salutation("herr prof. dr.") == "m"
    assert parse_salutation("Mrs. Dr.") == "f"
    assert parse_salutation("Divers") == "d"
    assert parse_salutation("Dr.") == "unknown"
    vocab = load_vocabulary()
    sp = parse_salutation_field("Frau Mag.a Dr.in", vocab)
    assert sp.gender == "f"
    assert [t.canonical for t in sp.tokens] == ["Mag.a", "Dr.in"]
    assert {t.source for t in sp.tokens} == {"salutation"}
    assert parse_salutation_field("Sehr geehrter Herr", vocab).tokens == ()


def test_salutation_tokens_are_exposed():
    r = parse_contact("Frau Mag.a", "Dr.", "Eva", "Huber", "", "AT")
    assert [(t.canonical, t.source) for t in r.tokens] == [("Mag.a", "salutation"), ("Dr.", "title")]


@pytest.mark.parametrize(
    ("given", "code", "style"),
    [
        ("A", "AT", "AT"),
        ("a", "AT", "AT"),
        ("D", "DE", "DE"),
        ("SUI", "CH", "CH"),
        ("FL", "LI", "CH"),
        ("ÖSTERREICH", "AT", "AT"),
        ("Oesterreich", "AT", "AT"),
        ("CH-", "CH", "CH"),
        ("A-", "AT", "AT"),
        ("Deutschland", "DE", "DE"),
        ("", "AT", "AT"),
        ("-", "-", "DE"),
    ],
)
def test_country_spellings(given, code, style):
    r = parse_contact("Herr", "Dr.", "Hans", "Huber", "", given)
    assert (r.country, r.style) == (code, style)
    df = pd.DataFrame([("Herr", "Dr.", "Hans", "Huber", "", given, "")], columns=COLS)
    assert parse_contacts(df).iloc[0]["salutation_line"] == r.salutation_line


def test_country_spellings_in_the_salutation():
    assert (
        parse_contact("Herr", "Dr.", "Hans", "Huber", "", "FL").salutation_line == "Sehr geehrter Herr Huber"
    )
    assert parse_contact("Herr", "Mag.", "Hans", "Huber", "", "A").salutation_line == (
        "Sehr geehrter Herr Mag. Huber,"
    )
    assert (
        parse_contact("Herr", "Mag.", "Hans", "Huber", "", "D").salutation_line == "Sehr geehrter Herr Huber,"
    )
    assert (
        parse_contact("Herr", "Dr.", "Hans", "Huber", "", "SUI").salutation_line == "Sehr geehrter Herr Huber"
    )


def test_vocabulary_entries_added():
    vocab = load_vocabulary()
    e = vocab.entries["Dr. h.c. mult."]
    assert e.cls == "degree" and e.short == "Dr." and e.rank == vocab.entries["Dr. h.c."].rank
    assert e.female[0] == "Dr.in h.c. mult."
    assert vocab.entries["Dr. mult."].cls == "invalid"
    assert "Dr. h.c. mult." not in vocab.entries["Dr. mult."].variants
    assert vocab.entries["Dr.med."].rank == 50 and vocab.entries["Dr.med."].short == "Dr."
    assert "Dr. med." not in vocab.entries["Dr.med.univ."].variants
    kfm = vocab.entries["Dipl.-Kfm."]
    assert (kfm.rank, kfm.placement, kfm.kind, kfm.female[0]) == (38, "pre", "academic", "Dipl.-Kffr.")
    assert "Prof. (FH)" in vocab.entries["FH-Prof."].variants
    # punctuated writings are matched without case in name fields, dotless ones are not
    assert "dipl.-ing." in vocab.name_fold and "di" not in vocab.name_fold and "mba" not in vocab.name_fold
    for name in ("DIPL.-ING. HANS", "PROF. DR. HANS", "MAG. HUBER", "UNIV.-PROF. X"):
        assert vocab.name_prefilter.search(name), name
