"""Cases an adversarial probe of the title engine found wrong (2026-11-29), through parse_contact and
parse_contacts alike."""

from __future__ import annotations

import pytest

from governance.titles import parse_contact
from tests.title_helpers import assert_frame_path_agrees

CASES = [
    # "Hrn." is the usual abbreviation of "Herrn"
    (("Hrn.", "", "Kim", "Berger", "", "AT", ""), {"gender": "m", "address_block": "Herrn\nKim Berger"}),
    # a placeholder surname addresses nobody (§3 rule 7)
    (
        ("Herr", "", "Hans", "N.N.", "", "AT", ""),
        {"salutation_line": "Sehr geehrte Damen und Herren,", "issues": "NAME_MISSING"},
    ),
    (("Frau", "", "Eva", "unbekannt", "", "AT", ""), {"issues": "NAME_MISSING"}),
    # stray punctuation typed around a name is not printed
    (("Herr", "", "Hans", "Müller,", "", "AT", ""), {"salutation_line": "Sehr geehrter Herr Müller,"}),
    (("Herr", "", "Hans", "Müller.", "", "AT", ""), {"last_name_clean": "Müller"}),
    (("Herr", "", "Hans,", "Müller;", "", "AT", ""), {"address_block": "Herrn\nHans Müller"}),
    # ... while an initial or an abbreviation keeps its full stop
    (("Herr", "", "Hans J.", "Huber sen.", "", "AT", ""), {"address_block": "Herrn\nHans J. Huber sen."}),
    (("Herr", "", "John", "Smith Jr.", "", "AT", ""), {"last_name_clean": "Smith Jr."}),
    # Regierungsrat in the spellings KommRat and Techn. Rat already had
    (
        ("Herr", "Reg.Rat", "Josef", "Bauer", "", "AT", ""),
        {"salutation_line": "Sehr geehrter Herr Regierungsrat Bauer,", "issues": "TITLE_NONCANONICAL"},
    ),
    (("Herr", "Reg. Rat Ing.", "Josef", "Bauer", "", "AT", ""), {"titles_prenominal": "RegR Ing."}),
    # MAS, DAS and CAS followed by another degree are degrees, not a surname in capitals
    (
        ("Herr", "", "Hans", "Huber MAS MBA", "", "AT", ""),
        {
            "salutation_line": "Sehr geehrter Herr Huber,",
            "address_block": "Herrn\nHans Huber, MAS, MBA",
            "issues": "TITLE_IN_NAME_FIELD",
        },
    ),
    (("Frau", "", "Eva", "Huber CAS MSc", "", "CH", ""), {"salutation_line": "Sehr geehrte Frau Huber"}),
    (("Herr", "", "Raj", "Kumar DAS, MBA", "", "DE", ""), {"last_name_clean": "Kumar DAS"}),
    # a (FH) Diplom without the hyphen is the DI (FH), ranked below Dkfm. and Mag. (rule 4)
    (
        ("Herr", "Dkfm. Dipl. Ing. (FH)", "Hans", "Berger", "", "AT", ""),
        {"salutation_line": "Sehr geehrter Herr Dkfm. Berger,", "titles_prenominal": "Dipl.-Ing. (FH) Dkfm."},
    ),
    (
        ("Herr", "Mag. Dipl. Ing. (FH)", "Hans", "Berger", "", "AT", ""),
        {"salutation_line": "Sehr geehrter Herr Mag. Berger,"},
    ),
    (
        ("Herr", "Dkfm. Mag. FH", "Hans", "Berger", "", "AT", ""),
        {"salutation_line": "Sehr geehrter Herr Dkfm. Berger,", "issues": "TITLE_NONCANONICAL"},
    ),
    # offices written as one word
    (
        ("Frau", "Mag.a", "Maria", "Bauer", "Landtagsabgeordnete", "AT", ""),
        {
            "salutation_line": "Sehr geehrte Frau Landtagsabgeordnete,",
            "address_block": "Frau Landtagsabgeordnete\nMag.a Maria Bauer",
        },
    ),
    (
        ("Herr", "Dr.", "Hans", "Bauer", "Nationalratsabgeordneter", "AT", ""),
        {"address_block": "Herrn Nationalratsabgeordneten\nDr. Hans Bauer"},
    ),
    (
        ("Herr", "", "Hans", "Bauer", "Landtagspräsident", "AT", ""),
        {
            "salutation_line": "Sehr geehrter Herr Landtagspräsident,",
            "address_block": "Herrn Landtagspräsidenten\nHans Bauer",
        },
    ),
    (("Frau", "", "Eva", "Bauer", "Nationalratspräsidentin", "AT", ""), {"position_kind": "office"}),
    # Swiss abbreviations: NR is the Nationalrat, KR the Kantonsrat; in Austria still Abgeordneter, KommR
    (("Herr", "", "Urs", "Meier", "NR", "CH", ""), {"salutation_line": "Sehr geehrter Herr Nationalrat"}),
    (("Herr", "", "Hans", "Huber", "NR", "AT", ""), {"salutation_line": "Sehr geehrter Herr Abgeordneter,"}),
    (("Herr", "", "Urs", "Meier", "KR", "CH", ""), {"position_canonical": "Kantonsrat"}),
    (("Herr", "KR", "Hans", "Huber", "", "AT", ""), {"titles_prenominal": "KommR"}),
    # second probe round: a placeholder surname, one degree written three or two times
    (("Herr", "", "Karl", "N/A", "", "AT", ""), {"issues": "NAME_MISSING"}),
    (
        ("Herr", "Dr.", "Karl", "Nachname", "", "AT", ""),
        {"salutation_line": "Sehr geehrte Damen und Herren,"},
    ),
    (("Herr", "Dr. Dr. Dr.", "Karl", "Huber", "", "AT", ""), {"titles_prenominal": "DDDr."}),
    (
        ("Herr", "Dipl.-Ing. Dipl.-Ing.", "Karl", "Huber", "", "AT", ""),
        {"salutation_line": "Sehr geehrter Herr DDI Huber,", "issues": "TITLE_NONCANONICAL"},
    ),
    (("Frau", "Dipl.-Ing.in Dipl.-Ing.in", "Eva", "Huber", "", "AT", ""), {"titles_prenominal": "DDIin"}),
    # female forms of functions
    (
        ("Frau", "Dr.", "Eva", "Berger", "Generaldirektorin-Stellvertreterin", "AT", ""),
        {"salutation_line": "Sehr geehrte Frau Generaldirektor-Stellvertreterin Dr. Berger,"},
    ),
    (
        ("Frau", "Mag.a", "Eva", "Berger", "Vorständin", "AT", ""),
        {"salutation_line": "Sehr geehrte Frau Vorstandsdirektorin Mag.a Berger,"},
    ),
]


@pytest.mark.parametrize(("fields", "expected"), CASES)
def test_probe_case(fields, expected):
    parsed = parse_contact(*fields)
    assert {key: getattr(parsed, key) for key in expected} == expected


def test_probe_cases_agree_on_both_paths():
    assert_frame_path_agrees([fields for fields, _ in CASES], [expected for _, expected in CASES])
