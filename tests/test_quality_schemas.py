"""pandera schemas: failures mapped to contact ids, empty and whitespace strings caught."""

from __future__ import annotations

import pandas as pd
import pytest

from governance.contact_model import CANONICAL_COLUMNS
from governance.quality import (
    SchemaReport,
    apply_record_rules,
    build_validated_contacts_schema,
    raw_contacts_schema,
    validate_with_schema,
    validated_contacts_schema,
)


def raw_row(**kw) -> dict:
    row = dict.fromkeys(CANONICAL_COLUMNS, "")
    row.update(contact_id="C1", last_name="Huber", email_opt_out="false", do_not_contact="false")
    row.update(kw)
    return row


def test_raw_schema_passes_and_catches_empty_and_whitespace_ids():
    ok = pd.DataFrame([raw_row(contact_id="C1"), raw_row(contact_id="C2")])
    assert validate_with_schema(raw_contacts_schema, ok).passed
    bad = pd.DataFrame([raw_row(contact_id="C1"), raw_row(contact_id=""), raw_row(contact_id="  \t")])
    rep = validate_with_schema(raw_contacts_schema, bad)
    assert not rep.passed
    assert rep.failure_count == 2
    assert rep.failures["column"].tolist() == ["contact_id", "contact_id"]
    assert rep.failures["failure_case"].tolist() == ["", "  \t"]


def test_raw_schema_missing_column_is_reported_without_id():
    df = pd.DataFrame([raw_row()]).drop(columns=["position"])
    rep = validate_with_schema(raw_contacts_schema, df)
    assert not rep.passed
    row = rep.failures[rep.failures["check"].str.contains("column_in_dataframe")]
    assert len(row) == 1 and row["contact_id"].iloc[0] is None
    assert rep.example_ids == []


def staged_row(**kw) -> dict:
    row = dict.fromkeys(CANONICAL_COLUMNS, "")
    row.update(
        contact_id="C1",
        last_name="Huber",
        last_name_clean="Huber",
        position="Geschäftsführerin",
        company="ACME",
        account_id="A1",
        email="a.huber@acme.at",
        country="AT",
        owner="u.mayr",
        email_opt_out=False,
        do_not_contact=False,
        gender="f",
        salutation_line="Sehr geehrte Frau Huber,",
        issues="",
        has_title=False,
        is_company_contact=True,
    )
    row.update(kw)
    return row


def validated(*rows: dict) -> pd.DataFrame:
    return apply_record_rules(pd.DataFrame(list(rows)), None)


def test_validated_schema_passes_clean_records():
    df = validated(staged_row(contact_id="C1"), staged_row(contact_id="C2", email="", country=""))
    rep = validate_with_schema(validated_contacts_schema, df)
    assert rep.passed, rep.failures
    assert isinstance(rep, SchemaReport) and rep.failure_count == 0 and rep.failures.empty


CASES = [
    ("email", {"email": "a.huber@"}, "email_format"),
    ("country", {"country": "AUT"}, "country_iso2"),
    ("owner", {"owner": ""}, "owner_present"),
    ("owner", {"owner": "   "}, "owner_present"),
    ("gender", {"gender": "unknown"}, "isin"),
    ("salutation_line", {"salutation_line": " "}, "salutation_line_present"),
    ("quality_flags", {"issues": "TITLE_AMBIGUOUS"}, "no_error_flags"),
    ("position", {"position": "  "}, "position_present_for_company_contacts"),  # dataframe-wide check
    ("contact_id", {"contact_id": " "}, "contact_id_present"),
]


@pytest.mark.parametrize(("column", "overrides", "check"), CASES)
def test_validated_schema_failure_mapped_to_contact_id(column, overrides, check):
    df = validated(
        staged_row(contact_id="OK1"),
        staged_row(**{"contact_id": "BAD7", **overrides}),
        staged_row(contact_id="OK2"),
    )
    df.index = [100, 100, 7]  # a non-unique, non-positional index must not confuse the id mapping
    rep = validate_with_schema(validated_contacts_schema, df)
    assert not rep.passed
    hits = rep.failures[(rep.failures["column"] == column) & rep.failures["check"].str.contains(check)]
    assert len(hits) == 1, rep.failures
    expected_id = overrides.get("contact_id", "BAD7")
    assert hits["contact_id"].iloc[0] == expected_id
    assert set(rep.failures.columns) == {"contact_id", "column", "check", "failure_case"}
    if expected_id.strip():
        assert expected_id in rep.example_ids


def test_duplicate_ids_reported_for_each_row():
    df = validated(staged_row(contact_id="C1"), staged_row(contact_id="C1"), staged_row(contact_id="C2"))
    rep = validate_with_schema(validated_contacts_schema, df)
    uniq = rep.failures[
        (rep.failures["column"] == "contact_id") & (rep.failures["check"] == "field_uniqueness")
    ]
    assert uniq["contact_id"].tolist() == ["C1", "C1"]


def test_private_contact_without_position_passes_dataframe_check():
    df = validated(
        staged_row(contact_id="P1", position="", company="", account_id="", is_company_contact=False)
    )
    assert validate_with_schema(validated_contacts_schema, df).passed


def test_dataframe_wide_failure_collapsed_to_one_row_per_record():
    df = validated(staged_row(contact_id="A", position=""), staged_row(contact_id="B", position=" "))
    rep = validate_with_schema(validated_contacts_schema, df)
    wide = rep.failures[rep.failures["check"] == "position_present_for_company_contacts"]
    assert wide["contact_id"].tolist() == ["A", "B"]
    assert set(wide["column"]) == {"position"}


def test_example_ids_limited_to_five():
    df = validated(*[staged_row(contact_id=f"C{i}", salutation_line="") for i in range(8)])
    rep = validate_with_schema(validated_contacts_schema, df)
    assert rep.failure_count == 8 and rep.example_ids == [f"C{i}" for i in range(5)]


def test_validated_schema_follows_severities():
    df = validated(staged_row(contact_id="C1", issues="TITLE_AMBIGUOUS"))
    assert not validate_with_schema(validated_contacts_schema, df).passed
    relaxed = build_validated_contacts_schema({"TITLE_AMBIGUOUS": "warn"})
    assert validate_with_schema(relaxed, df).passed
