"""DE and CH salutation styles and the address block for German, Swiss and Liechtenstein contacts
(SALUTATION_RULES.md §3 DE/CH, rule 6, rule 7, §4), probed with realistic records."""

from __future__ import annotations

import pytest

from governance.titles import SalutationConfig, parse_contact
from governance.titles.parser import parse_country
from tests.title_helpers import assert_frame_path_agrees

# --- DE: only doctorates and professors; everything else is left out of the salutation ------------------
DE_CASES = [
    # every doctorate writing is "Dr.", for women too
    (("Frau", "Dr.-Ing.", "Eva", "Krause", "", "DE", ""), "Sehr geehrte Frau Dr. Krause,"),
    (("Herr", "Dr. rer. nat.", "Jan", "Krause", "", "DE", ""), "Sehr geehrter Herr Dr. Krause,"),
    (("Frau", "Dr.in med.", "Eva", "Krause", "", "DE", ""), "Sehr geehrte Frau Dr. Krause,"),
    (("Herr", "Dr. h.c.", "Jan", "Krause", "", "DE", ""), "Sehr geehrter Herr Dr. Krause,"),
    (("Frau", "DDr.", "Eva", "Krause", "", "DE", ""), "Sehr geehrte Frau Dr. Krause,"),
    # every professor is "Professor"/"Professorin", the doctorate dropped
    (("Herr", "Hon.-Prof. Dr.", "Jan", "Krause", "", "DE", ""), "Sehr geehrter Herr Professor Krause,"),
    (("Frau", "FH-Prof. Dr.-Ing.", "Eva", "Krause", "", "DE", ""), "Sehr geehrte Frau Professorin Krause,"),
    (("Frau", "Univ.-Prof.in Dr.in", "Eva", "Krause", "", "DE", ""), "Sehr geehrte Frau Professorin Krause,"),
    # a lecturer is no professor: the doctorate
    (("Herr", "PD Dr. med.", "Jan", "Krause", "", "DE", ""), "Sehr geehrter Herr Dr. Krause,"),
    # Amts-/Berufstitel, address functions, Mag., DI, Ing. are not used
    (("Herr", "KommR Ing.", "Jan", "Krause", "", "DE", ""), "Sehr geehrter Herr Krause,"),
    (("Frau", "HRin Mag.a", "Eva", "Krause", "", "DE", ""), "Sehr geehrte Frau Krause,"),
    (("Herr", "Dr.", "Jan", "Krause", "Generaldirektor", "DE", ""), "Sehr geehrter Herr Dr. Krause,"),
    (("Herr", "Prim. Dr.", "Jan", "Krause", "", "DE", ""), "Sehr geehrter Herr Dr. Krause,"),
    # offices as in AT
    (
        ("Herr", "Prof. Dr.", "Jan", "Krause", "Bundesminister", "DE", ""),
        "Sehr geehrter Herr Bundesminister,",
    ),
    # other countries use DE; an empty country is AT (the default)
    (("Herr", "Mag. Dr.", "Luca", "Rossi", "", "IT", ""), "Sehr geehrter Herr Dr. Rossi,"),
    (("Herr", "KommR DI", "John", "Smith", "", "US", ""), "Sehr geehrter Herr Smith,"),
    (("Frau", "Prof.", "Eva", "Krause", "", "XX", ""), "Sehr geehrte Frau Professorin Krause,"),
    (("Herr", "KommR DI", "Jan", "Krause", "", "", ""), "Sehr geehrter Herr Kommerzialrat DI Krause,"),
]


@pytest.mark.parametrize(("fields", "line"), DE_CASES)
def test_de_style(fields, line):
    assert parse_contact(*fields).salutation_line == line


def test_de_style_phd_as_dr():
    cfg = SalutationConfig(phd_as_dr=True)
    assert parse_contact("Frau", "", "Eva", "Krause", "", "DE", config=cfg).salutation_line == (
        "Sehr geehrte Frau Krause,"
    )
    assert parse_contact("Frau", "MSc PhD", "Eva", "Krause", "", "DE", config=cfg).salutation_line == (
        "Sehr geehrte Frau Dr. Krause,"
    )
    assert parse_contact("Herr", "PhD", "Jan", "Krause", "", "CH", config=cfg).salutation_line == (
        "Sehr geehrter Herr Krause"
    )


# --- CH (and LI): no academic title, no professor, no Berufstitel, offices only, no comma ---------------
CH_CASES = [
    (("Herr", "Prof. Dr. h.c.", "Urs", "Meier", "", "CH", ""), "Sehr geehrter Herr Meier"),
    (("Frau", "KommRin Dr.in", "Ursula", "Meier", "Generaldirektorin", "CH", ""), "Sehr geehrte Frau Meier"),
    (("Frau", "Prof. Dr.", "Ursula", "Meier", "Bundesrätin", "CH", ""), "Sehr geehrte Frau Bundesrätin"),
    (("Herr", "Dr.", "Urs", "Meier", "Nationalrat", "CH", ""), "Sehr geehrter Herr Nationalrat"),
    (("Herr", "Dr.", "Urs", "Meier", "Bürgermeister", "LI", ""), "Sehr geehrter Herr Bürgermeister"),
    (("Frau", "Dr.", "Ursula", "", "", "LI", ""), "Sehr geehrte Damen und Herren"),
    # rule 6 in CH: no title, no comma
    (("Divers", "Dr.", "Kim", "Meier", "", "CH", ""), "Guten Tag Kim Meier"),
    (("", "Dr.", "", "Meier", "", "LI", ""), "Guten Tag Meier"),
]


@pytest.mark.parametrize(("fields", "line"), CH_CASES)
def test_ch_style(fields, line):
    assert parse_contact(*fields).salutation_line == line


# --- rule 6 in DE: Guten Tag + DE's doctorate choice + first name + surname ----------------------------
@pytest.mark.parametrize(
    ("fields", "line"),
    [
        (("Divers", "Dr.-Ing. Dipl.-Ing.", "Kim", "Krause", "", "DE", ""), "Guten Tag Dr. Kim Krause,"),
        (("", "Dr.x", "Kim", "Krause", "", "DE", ""), "Guten Tag Dr. Kim Krause,"),
        (("Divers", "KommR Mag.", "Kim", "Krause", "", "DE", ""), "Guten Tag Kim Krause,"),
        (("Divers", "Dr.", "Kim", "Krause", "Bundesminister", "DE", ""), "Guten Tag Dr. Kim Krause,"),
    ],
)
def test_rule_6_in_de(fields, line):
    assert parse_contact(*fields).salutation_line == line


# --- §4 address block for DE/CH contacts: company first, post-nominals after ", ", plain position below,
# offices on line 1 with their qualifier, no Herrn/Frau for d/unknown ------------------------------------
ADDRESS_CASES = [
    (
        ("Herr", "Prof. Dr.-Ing. MBA", "Jan", "Krause", "Geschäftsführer", "DE", "Krause Maschinenbau GmbH"),
        "Krause Maschinenbau GmbH\nHerrn Professor\nDr.-Ing. Jan Krause, MBA\nGeschäftsführer",
    ),
    (  # DE does not write an address function out: it stays the line under the name
        ("Frau", "Dr.", "Eva", "Krause", "Generaldirektorin", "DE", "Stadtwerke AG"),
        "Stadtwerke AG\nFrau\nDr. Eva Krause\nGeneraldirektorin",
    ),
    (
        ("Frau", "Dr.", "Eva", "Krause", "Bürgermeisterin der Stadt Kassel", "DE", ""),
        "Frau Bürgermeisterin der Stadt Kassel\nDr. Eva Krause",
    ),
    (
        ("Herr", "Prof. Dr. LL.M.", "Urs", "Meier", "Rektor", "CH", "ETH Zürich"),
        "ETH Zürich\nHerr Rektor\nProf. Dr. Urs Meier, LL.M.",
    ),
    (
        ("Divers", "Dr.", "Kim", "Meier", "Geschäftsführer", "CH", "Meier AG"),
        "Meier AG\nDr. Kim Meier\nGeschäftsführer",
    ),
    (("", "Prof. Dr.", "Kim", "Krause", "", "DE", ""), "Prof. Dr. Kim Krause"),
]


@pytest.mark.parametrize(("fields", "block"), ADDRESS_CASES)
def test_address_block_de_ch(fields, block):
    assert parse_contact(*fields).address_block == block


# The address names the person in the accusative in AT and DE ("Herrn"); Swiss usage writes "Herr".
# An office written as an adjective declines after "Herrn"; the salutation line keeps the nominative.
ADDRESSEE_CASES = [
    (("Herr", "Dr.", "Urs", "Meier", "Nationalrat", "CH", ""), "Herr Nationalrat\nDr. Urs Meier"),
    (("Herr", "", "Urs", "Meier", "", "LI", "Bank AG"), "Bank AG\nHerr\nUrs Meier"),
    (("Frau", "Dr.", "Ursula", "Meier", "", "CH", ""), "Frau\nDr. Ursula Meier"),
    (("Herr", "Dr.", "Hans", "Krause", "", "DE", ""), "Herrn\nDr. Hans Krause"),
    (
        ("Herr", "Dr.", "Hans", "Huber", "Abgeordneter zum Nationalrat", "AT", ""),
        "Herrn Abgeordneten zum Nationalrat\nDr. Hans Huber",
    ),
    (("Herr", "Dr.", "Hans", "Krause", "MdB", "DE", ""), "Herrn Abgeordneten\nDr. Hans Krause"),
    (("Frau", "", "Eva", "Huber", "Abgeordnete", "AT", ""), "Frau Abgeordnete\nEva Huber"),
    (("Herr", "TechnR Ing.", "Hans", "Huber", "", "AT", ""), "Herrn Technischen Rat\nIng. Hans Huber"),
    # only the office declines, not the free-text qualifier after it (a genitive plural here)
    (
        ("Herr", "", "Hans", "Huber", "Präsident des Verbandes Technischer Überwachungs-Vereine", "AT", ""),
        "Herrn Präsidenten des Verbandes Technischer Überwachungs-Vereine\nHans Huber",
    ),
    (
        ("Herr", "", "Hans", "Huber", "Präsident der Vereinigung ehemaliger Abgeordneter", "AT", ""),
        "Herrn Präsidenten der Vereinigung ehemaliger Abgeordneter\nHans Huber",
    ),
    # a weak noun takes -en after "Herrn" (AT and DE), not in Swiss usage nor in the feminine
    (
        ("Herr", "Dr.", "Hans", "Huber", "Bundespräsident", "AT", ""),
        "Herrn Bundespräsidenten\nDr. Hans Huber",
    ),
    (("Herr", "", "Olaf", "Krause", "Ministerpräsident", "DE", ""), "Herrn Ministerpräsidenten\nOlaf Krause"),
    (("Herr", "", "Urs", "Meier", "Stadtpräsident", "CH", ""), "Herr Stadtpräsident\nUrs Meier"),
    (("Frau", "", "Eva", "Huber", "Präsidentin", "AT", ""), "Frau Präsidentin\nEva Huber"),
]


@pytest.mark.parametrize(("fields", "block"), ADDRESSEE_CASES)
def test_addressee_word_and_declined_office(fields, block):
    contact = parse_contact(*fields)
    assert contact.address_block == block
    assert not any(word in contact.salutation_line for word in ("Abgeordneten", "Technischen", "präsidenten"))
    assert_frame_path_agrees([fields], [{"address_block": block}])


# --- fix: a country field that names one country twice ---------------------------------------------------
@pytest.mark.parametrize(
    ("given", "code", "style"),
    [
        ("Schweiz (CH)", "CH", "CH"),
        ("CH - Schweiz", "CH", "CH"),
        ("Schweiz / Suisse", "CH", "CH"),
        ("Liechtenstein (FL)", "LI", "CH"),
        ("Österreich (AT)", "AT", "AT"),
        ("A - Österreich", "AT", "AT"),
        ("Deutschland (DE)", "DE", "DE"),
        # two different countries, or a part that is no country: unknown, DE style
        ("Schweiz (DE)", "SCHWEIZ (DE)", "DE"),
        ("D-A-CH", "D-A-CH", "DE"),
        ("CH-8001", "CH-8001", "DE"),
        ("-", "-", "DE"),
    ],
)
def test_country_named_twice(given, code, style):
    assert parse_country(given) == (code, style)


# --- fix: the neighbours by name: "Tschechien" was quarantined as COUNTRY_INVALID ---------------------------
@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("Tschechien", "CZ"),
        ("Tschechische Republik", "CZ"),
        ("Czech Republic", "CZ"),
        ("CZE", "CZ"),
        ("Ungarn", "HU"),
        ("Slowakei", "SK"),
        ("Slowenien", "SI"),
        ("Italien", "IT"),
        ("Italia", "IT"),
        ("Allemagne", "DE"),  # French: the DACH table's own reading
        ("Frankreich", "FR"),
        ("Vereinigtes Königreich", "GB"),
        ("Großbritannien", "GB"),
        ("UK", "GB"),
        ("USA", "US"),
        ("Russland", "RU"),
        ("Bosnien-Herzegowina", "BA"),
        ("Kosovo", "XK"),
        ("Tschechien (CZ)", "CZ"),
        ("HU - Ungarn", "HU"),
        ("cz", "CZ"),
        ("CZ-", "CZ"),  # postal prefixes, as "A-" and "CH-" already were
        ("I-", "IT"),
        ("SLO", "SI"),
        ("Turkey", "TR"),
        ("The Netherlands", "NL"),
        ("Atlantis", "ATLANTIS"),  # unknown: kept, upper-cased, and flagged COUNTRY_INVALID later
    ],
)
def test_countries_beyond_dach_by_name(given, code):
    assert parse_country(given) == (code, "DE")


def test_country_named_twice_selects_the_style_on_both_paths():
    rows = [
        ("Herr", "Prof. Dr.", "Urs", "Meier", "", "Schweiz (CH)", ""),
        ("Frau", "Mag.a", "Eva", "Huber", "", "Österreich (AT)", ""),
        ("Frau", "Dr.", "Marie", "Frick", "", "FL - Liechtenstein", ""),
    ]
    assert_frame_path_agrees(
        rows,
        [
            {"salutation_line": "Sehr geehrter Herr Meier"},
            {"salutation_line": "Sehr geehrte Frau Mag.a Huber,"},
            {"salutation_line": "Sehr geehrte Frau Frick"},
        ],
    )


# --- fix: German and Swiss offices the vocabulary lacked -------------------------------------------------
OFFICE_ROWS = [
    ("Frau", "Dr.", "Eva", "Krause", "Oberbürgermeisterin", "DE", ""),
    ("Herr", "", "Jan", "Krause", "Oberbürgermeister der Stadt München", "DE", "Landeshauptstadt München"),
    ("Herr", "Prof. Dr.", "Jan", "Krause", "Ministerpräsident", "DE", ""),
    ("Frau", "", "Eva", "Krause", "Landrätin", "DE", ""),
    ("Herr", "Dr.", "Urs", "Meier", "Landammann", "CH", ""),
    ("Frau", "", "Ursula", "Meier", "Landammann", "CH", ""),
    ("Frau", "lic. iur.", "Ursula", "Meier", "Stadtpräsidentin", "CH", ""),
    ("Herr", "", "Urs", "Meier", "Gemeindepräsident", "CH", ""),
    ("", "", "Kim", "Meier", "Stadtpräsident", "CH", ""),
    ("", "", "Kim", "Meier", "Landammann", "CH", ""),
]
OFFICE_EXPECTED = [
    {
        "salutation_line": "Sehr geehrte Frau Oberbürgermeisterin,",
        "address_block": "Frau Oberbürgermeisterin\nDr. Eva Krause",
        "position_kind": "office",
    },
    {
        "salutation_line": "Sehr geehrter Herr Oberbürgermeister,",
        "address_block": "Landeshauptstadt München\nHerrn Oberbürgermeister der Stadt München\nJan Krause",
    },
    {"salutation_line": "Sehr geehrter Herr Ministerpräsident,"},
    {"salutation_line": "Sehr geehrte Frau Landrätin,", "address_block": "Frau Landrätin\nEva Krause"},
    {"salutation_line": "Sehr geehrter Herr Landammann", "address_block": "Herr Landammann\nDr. Urs Meier"},
    {"salutation_line": "Sehr geehrte Frau Landammann", "gender": "f"},
    {"salutation_line": "Sehr geehrte Frau Stadtpräsidentin"},
    {"salutation_line": "Sehr geehrter Herr Gemeindepräsident", "position_kind": "office"},
    # a male office word tells no gender (Landammann is also the word for a woman)
    {"gender": "unknown", "salutation_line": "Guten Tag Kim Meier"},
    {"gender": "unknown", "address_block": "Kim Meier\nLandammann"},
]


def test_german_and_swiss_offices():
    assert_frame_path_agrees(OFFICE_ROWS, OFFICE_EXPECTED)


def test_office_typed_into_the_title_field_de():
    r = parse_contact("Herr", "Oberbürgermeister Dr.", "Jan", "Krause", "", "DE")
    assert r.salutation_line == "Sehr geehrter Herr Oberbürgermeister,"
    assert r.issues == "POSITION_IN_TITLE_FIELD"


def test_landrat_is_not_landesrat():
    assert parse_contact("Herr", "", "Jan", "Krause", "Landrat", "DE").position_canonical == "Landrat"
    assert parse_contact("Herr", "", "Jan", "Krause", "LR", "AT").position_canonical == "Landesrat"


def test_dach_cases_agree_on_both_paths():
    rows = [f for f, _ in DE_CASES + CH_CASES + ADDRESS_CASES]
    assert_frame_path_agrees(rows)


# --- fixes found by hypothesis (test_idempotent): parsing the cleaned record must not change it ----------
def _reparsed(r):
    sal = {"m": "Herr", "f": "Frau", "d": "Divers"}.get(r.gender, "")
    title = " ".join(x for x in (r.titles_prenominal, r.titles_postnominal) if x)
    return parse_contact(sal, title, r.first_name_clean, r.last_name_clean, r.position_canonical, r.country)


def test_same_office_twice_in_the_title_field_is_moved_once():
    """ "Bgm. Dr. Bgm." kept both "Bgm." (two candidates for the position) and was cleaned to "Dr. Bgm.",
    whose one "Bgm." the next parse moved. The same office twice is one office; both copies go."""
    rows = [
        ("Herr", "Bgm. Dr. Bgm.", "Jan", "Krause", "", "DE", ""),
        ("Frau", "Bgm.in Dr.in Bürgermeisterin", "Eva", "Huber", "", "AT", ""),
        ("Herr", "Bgm. Dr. GD", "Jan", "Krause", "", "DE", ""),  # two different offices: left alone
    ]
    expected = [
        {"titles_prenominal": "Dr.", "salutation_line": "Sehr geehrter Herr Bürgermeister,"},
        {"titles_prenominal": "Dr.in", "position_canonical": "Bürgermeisterin"},
        {"titles_prenominal": "Dr. Bgm. GD", "position_canonical": ""},
    ]
    assert_frame_path_agrees(rows, expected)
    for row, exp in zip(rows, expected, strict=True):
        again = _reparsed(parse_contact(*row))
        assert {k: getattr(again, k) for k in exp} == exp


def test_short_office_abbreviation_in_lower_case_stays_in_the_title():
    """ "br h.c." (Baurat h.c. in lower case) had its "br" moved out as Bundesrat, which left "h.c."
    behind, written after the doctorate: "Dr.phil. Dr. h.c." then read back as Dr. h.c. A short
    office abbreviation is read in a title field only in the case forms the title vocabulary accepts;
    "br h.c." as a whole is the Berufstitel."""
    rows = [
        ("Herr", "br h.c. Dr. Phil.", "Dr. Hans", "Huber", "", "AT", ""),
        ("Herr", "gd Dr.", "Hans", "Huber", "", "AT", ""),
        ("Herr", "GD Dr.", "Hans", "Huber", "", "AT", ""),
        ("Herr", "bgm. Dr.", "Hans", "Huber", "", "AT", ""),  # not short: case does not matter
    ]
    expected = [
        {"titles_prenominal": "Baurat h.c. Dr.phil. Dr.", "position_canonical": ""},
        {"titles_prenominal": "Dr. gd", "position_canonical": ""},
        {"titles_prenominal": "Dr.", "position_canonical": "Generaldirektor"},
        {"titles_prenominal": "Dr.", "position_canonical": "Bürgermeister"},
    ]
    assert_frame_path_agrees(rows, expected)
    for row, exp in zip(rows, expected, strict=True):
        again = _reparsed(parse_contact(*row))
        assert {k: getattr(again, k) for k in exp} == exp
