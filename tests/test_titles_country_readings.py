"""Country-specific readings of titles.csv (column ``countries``): in Switzerland and Liechtenstein a
"Regierungsrat" is a member of the cantonal government, an office (Herr Regierungsrat); in Austria it
is the Berufstitel RegR. Both parse paths read each contact with its own country's vocabulary."""

from __future__ import annotations

import pandas as pd
import pytest

from governance.titles import load_vocabulary, parse_contact, parse_contacts
from governance.titles.vocabulary import build_vocabulary, rows_for_style
from tests.title_helpers import COLS, assert_frame_path_agrees


@pytest.mark.parametrize("country", ["CH", "LI", "Schweiz"])
@pytest.mark.parametrize(
    ("salutation", "title", "position", "line", "block"),
    [
        ("Herr", "", "Regierungsrat", "Sehr geehrter Herr Regierungsrat", "Herr Regierungsrat\nUrs Muster"),
        (
            "Frau",
            "",
            "Regierungsrätin",
            "Sehr geehrte Frau Regierungsrätin",
            "Frau Regierungsrätin\nUrs Muster",
        ),
        ("Herr", "Regierungsrat", "", "Sehr geehrter Herr Regierungsrat", "Herr Regierungsrat\nUrs Muster"),
        ("Herr", "Dr.", "RR", "Sehr geehrter Herr Regierungsrat", "Herr Regierungsrat\nDr. Urs Muster"),
        (
            "Herr",
            "",
            "Regierungsrat des Kantons Zürich",
            "Sehr geehrter Herr Regierungsrat",
            "Herr Regierungsrat des Kantons Zürich\nUrs Muster",
        ),
    ],
)
def test_swiss_regierungsrat_is_an_office(country, salutation, title, position, line, block):
    parsed = parse_contact(salutation, title, "Urs", "Muster", position, country)
    assert parsed.position_kind == "office"
    assert parsed.salutation_line == line
    assert parsed.address_block == block
    assert "TITLE_IN_POSITION_FIELD" not in parsed.issue_codes
    assert "RegR" not in parsed.titles_prenominal


@pytest.mark.parametrize("position", ["Regierungsrat", "Regierungsrätin"])
def test_austrian_regierungsrat_stays_the_berufstitel(position):
    salutation = "Frau" if position.endswith("in") else "Herr"
    parsed = parse_contact(salutation, "", "Anna", "Huber", position, "AT")
    assert parsed.titles_prenominal in ("RegR", "RegRin")
    assert "TITLE_IN_POSITION_FIELD" in parsed.issue_codes
    assert (
        parsed.salutation_line
        == f"Sehr geehrte{'' if salutation == 'Frau' else 'r'} {salutation} {position} Huber,"
    )


def test_rr_in_an_austrian_title_field_is_still_regr():
    assert parse_contact("Herr", "RR", "Karl", "Berger", "", "AT").titles_prenominal == "RegR"


@pytest.mark.parametrize(
    ("position", "line"),
    [
        ("Grossrat", "Sehr geehrter Herr Grossrat"),
        ("Großrat", "Sehr geehrter Herr Grossrat"),
        ("Regierungspräsident", "Sehr geehrter Herr Regierungspräsident"),
    ],
)
def test_cantonal_offices(position, line):
    parsed = parse_contact("Herr", "", "Urs", "Muster", position, "CH")
    assert parsed.position_kind == "office"
    assert parsed.salutation_line == line


def test_frame_path_reads_each_row_with_its_countrys_vocabulary():
    rows = [
        ("Herr", "", "Urs", "Muster", "Regierungsrat", "CH"),
        ("Herr", "", "Karl", "Berger", "Regierungsrat", "AT"),
        ("Frau", "", "Eva", "Keller", "Regierungsrätin", "LI"),
        ("Herr", "RR", "Max", "Moser", "", "AT"),
        ("Herr", "RR", "Beat", "Frei", "", "CH"),
        ("Frau", "Mag.a", "Anna", "Huber", "Geschäftsführerin", "DE"),
        ("Herr", "Regierungsrat", "Jan", "Roth", "", "CH"),
    ]
    rows = [(*row, "") for row in rows]  # no company
    # every parsed column as parse_contact gives it, row by row
    by_row = assert_frame_path_agrees(rows)
    frame = pd.DataFrame(rows, columns=COLS, index=[7, 3, 3, 9, 1, 0, 5])  # duplicate, unordered index
    out = parse_contacts(frame)
    assert list(out.index) == list(frame.index)
    pd.testing.assert_frame_equal(out.reset_index(drop=True), by_row.reset_index(drop=True))
    assert out.iloc[0]["salutation_line"] == "Sehr geehrter Herr Regierungsrat"
    assert out.iloc[1]["salutation_line"] == "Sehr geehrter Herr Regierungsrat Berger,"


def test_a_style_without_own_rows_shares_the_general_vocabulary():
    assert load_vocabulary(style="AT") is load_vocabulary()
    assert load_vocabulary(style="DE") is load_vocabulary()
    assert load_vocabulary(style="CH") is not load_vocabulary()
    assert "Regierungsrat" in load_vocabulary(style="CH").entries
    assert "Regierungsrat" not in load_vocabulary().entries


def _row(abbr: str, variants: str = "", countries: str = "") -> dict[str, str]:
    return {
        "abbr": abbr, "variants": variants, "position": "pre", "female": "", "diverse": "",
        "kind": "berufstitel", "long_m": "", "long_f": "", "sal_AT": "yes", "sal_DE": "no", "sal_CH": "no",
        "sal_form": "{T} {S}", "rank": "60", "verified": "G", "note": "", "countries": countries,
    }  # fmt: skip


def test_a_countrys_own_row_takes_its_writings_from_the_general_rows():
    rows = [_row("XR", "Xrat|Ix"), _row("Xrat", "", "CH")]
    general = build_vocabulary(rows_for_style(rows, "AT"))
    swiss = build_vocabulary(rows_for_style(rows, "CH"))
    assert "Xrat" not in general.entries
    assert general.entries["XR"].variants == ("Xrat", "Ix")
    assert swiss.entries["XR"].variants == ("Ix",)


def test_a_bad_countries_cell_names_the_row_and_the_column():
    with pytest.raises(ValueError, match=r"row 'Xrat': column countries holds 'Schweiz'"):
        rows_for_style([_row("Xrat", "", "Schweiz")], "CH")
