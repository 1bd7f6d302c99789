"""parse_contacts: same answers as parse_contact, row by row, on a varied frame and a large one."""

from __future__ import annotations

import numpy as np
import pandas as pd

from governance.contact_model import PARSED_COLUMNS
from governance.titles import SalutationConfig, parse_contact, parse_contacts
from governance.titles.bench import make_contacts

ROWS = [
    ("Frau", "Mag.a", "Anna", "Maier", "Bundesministerin", "AT", "ACME GmbH"),
    ("Herr", "KommR Dr. MBA", "Franz", "Müller", "Generaldirektor", "AT", ""),
    ("", "Dr.", "Kim", "Berger", "", "", None),
    (None, "Dr.", None, "Berger", np.nan, "de", ""),
    ("Herr", "", "Dr. Hans", "Müller MBA", "Geschäftsführer", "CH", "X"),
    ("Herr", "", "Hans", "", "", "AT", ""),
    ("Frau", "Mag. a", "Eva", "Huber, MSc", "Bürgermeisterin der Stadt Graz", "Österreich", "  Stadt  Graz "),
    ("Herr", "MR Dr. Quatsch", "Hans", "Di Marco", "BM", "LI", ""),
    ("Divers", "Dr.x", "", "Berger", "HR", "IT", ""),
    ("Herr", "Mag.a", "Hans", "Huber", "Geschäftsführerin", "", ""),
    ("", "", "", "", "", "", ""),
    ("Mrs.", "Univ.-Prof. Dr.in", "Anna", "Berger", "Primaria", "at", "KH Nord"),
]
COLS = ["salutation", "title", "first_name", "last_name", "position", "country", "company"]


def _check_agreement(df: pd.DataFrame, config: SalutationConfig | None = None) -> None:
    out = parse_contacts(df, config)
    assert list(out.columns) == list(PARSED_COLUMNS)
    assert out.index.equals(df.index)
    for idx, row in df.iterrows():
        args = [row[c] if c in df.columns else "" for c in COLS]
        p = parse_contact(*args, config=config)
        for col in PARSED_COLUMNS:
            assert out.at[idx, col] == getattr(p, col), (idx, col)


def test_agrees_with_parse_contact_on_varied_rows():
    df = pd.DataFrame(ROWS, columns=COLS, index=[f"r{i}" for i in range(len(ROWS))])
    _check_agreement(df)
    _check_agreement(df, SalutationConfig(force_gendered_forms=True, phd_as_dr=True))


def test_agrees_on_a_generated_extract():
    df = make_contacts(4_000, seed=3, n_first=300, n_last=900)
    df.index = df.index * 7 + 5  # a non-default index is kept
    _check_agreement(df.sample(1500, random_state=2))


def test_missing_columns_and_object_dtype():
    df = pd.DataFrame({"last_name": ["Huber", None], "title": pd.Series(["Dr.", np.nan], dtype=object)})
    out = parse_contacts(df)
    assert out["salutation_line"].tolist() == ["Guten Tag Dr. Huber,", "Sehr geehrte Damen und Herren,"]
    assert out["issues"].tolist() == ["", "NAME_MISSING"]
    assert out["has_title"].tolist() == [True, False]
    assert out["has_title"].dtype == bool


def test_non_string_values_are_text():
    df = pd.DataFrame({"last_name": [123, "Huber"], "salutation": ["Herr", "Frau"]})
    out = parse_contacts(df)
    assert out["last_name_clean"].tolist() == ["123", "Huber"]


def test_empty_frame():
    out = parse_contacts(pd.DataFrame(columns=COLS))
    assert list(out.columns) == list(PARSED_COLUMNS) and len(out) == 0


def test_input_not_modified():
    df = pd.DataFrame(ROWS, columns=COLS)
    before = df.copy()
    parse_contacts(df)
    pd.testing.assert_frame_equal(df, before)


def test_a_large_frame_agrees_with_single_records():
    """200k rows through the vectorised path; speed is measured by `make bench`, not asserted here."""
    df = make_contacts(200_000, seed=5)
    out = parse_contacts(df)
    assert len(out) == 200_000
    for i in range(0, 200_000, 20_011):
        row = df.iloc[i]
        one = parse_contact(
            row["salutation"],
            row["title"],
            row["first_name"],
            row["last_name"],
            row["position"],
            row["country"],
        )
        assert out["salutation_line"].iloc[i] == one.salutation_line
        assert out["issues"].iloc[i] == one.issues


def test_nameless_address_block_has_no_trailing_spaces():
    import pandas as pd

    from governance.titles import parse_contact, parse_contacts

    row = ("Herr", "Dr.", "", "", "Geschäftsführer", "AT")
    single = parse_contact(*row).address_block
    frame = parse_contacts(
        pd.DataFrame([row], columns=["salutation", "title", "first_name", "last_name", "position", "country"])
    )["address_block"].iloc[0]
    assert single == frame == "Herrn\nDr.\nGeschäftsführer"
