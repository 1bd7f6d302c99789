"""Record rules: each rule tripped and not tripped, readiness per SALUTATION_RULES.md section 5."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from governance.contact_model import CANONICAL_COLUMNS
from governance.quality import (
    DEFAULT_SEVERITIES,
    RULE_CODES,
    UnknownRuleError,
    apply_record_rules,
    error_codes,
)


def contact(**overrides) -> dict:
    row = {c: "" for c in CANONICAL_COLUMNS}
    row.update(
        contact_id="C1",
        salutation="Frau",
        title="Mag.a",
        first_name="Anna",
        last_name="Huber",
        position="Geschäftsführerin",
        company="ACME GmbH",
        account_id="A1",
        email="anna.huber@acme.at",
        country="AT",
        owner="u.mayr",
        owner_email="u.mayr@example.at",
        email_opt_out=False,
        do_not_contact=False,
        source_file="x.csv",
        source_line=2,
        first_name_clean="Anna",
        last_name_clean="Huber",
        titles_prenominal="Mag.a",
        titles_postnominal="",
        position_canonical="Geschäftsführerin",
        position_kind="plain",
        gender="f",
        salutation_line="Sehr geehrte Frau Mag.a Huber,",
        address_block="ACME GmbH\nFrau\nMag.a Anna Huber\nGeschäftsführerin",
        issues="",
        has_title=True,
        is_company_contact=True,
        partition_date="2026-11-26",
    )
    row.update(overrides)
    return row


def frame(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


def flags_of(out: pd.DataFrame, i: int = 0) -> list[str]:
    v = out["quality_flags"].iloc[i]
    return v.split(";") if v else []


def test_clean_record_is_ready():
    out = apply_record_rules(frame(contact()), None)
    assert out["quality_flags"].iloc[0] == ""
    assert out["quarantine_reasons"].iloc[0] == ""
    assert bool(out["is_ready"].iloc[0]) is True
    assert out["is_ready"].dtype == bool


# (rule, overrides that trip it, expected ready)
TRIPS = [
    ("TITLE_NONCANONICAL", {"issues": "TITLE_NONCANONICAL"}, True),
    ("TITLE_IN_NAME_FIELD", {"issues": "TITLE_IN_NAME_FIELD"}, True),
    ("TITLE_MISPLACED", {"issues": "TITLE_MISPLACED"}, True),
    ("TITLE_UNKNOWN", {"issues": "TITLE_UNKNOWN"}, False),
    ("TITLE_AMBIGUOUS", {"issues": "TITLE_AMBIGUOUS"}, False),
    ("TITLE_INVALID", {"issues": "TITLE_INVALID"}, False),
    ("TITLE_GENDER_CONFLICT", {"issues": "TITLE_GENDER_CONFLICT"}, False),
    ("NAME_MISSING", {"issues": "NAME_MISSING", "last_name": "", "last_name_clean": ""}, False),
    ("NAME_MISSING", {"last_name_clean": "   "}, False),  # engine forgot the flag: still caught
    ("CONTACT_ID_MISSING", {"contact_id": ""}, False),
    ("CONTACT_ID_MISSING", {"contact_id": "  \t"}, False),
    ("GENDER_UNKNOWN", {"gender": "unknown"}, False),
    ("GENDER_UNKNOWN", {"gender": ""}, False),
    ("POSITION_MISSING", {"position": ""}, False),
    ("POSITION_MISSING", {"position": "   "}, False),
    ("OWNER_MISSING", {"owner": " "}, False),
    ("EMAIL_INVALID", {"email": "anna.huber@"}, False),
    ("EMAIL_INVALID", {"email": "anna huber@acme.at"}, False),
    ("COUNTRY_INVALID", {"country": "Österreich"}, False),
    ("COUNTRY_INVALID", {"country": "AUT"}, False),
    ("COUNTRY_INVALID", {"country": "XX"}, False),  # two letters, but no country
    ("COUNTRY_INVALID", {"country": "EU"}, False),
]


@pytest.mark.parametrize(("code", "overrides", "ready"), TRIPS)
def test_rule_trips(code, overrides, ready):
    out = apply_record_rules(frame(contact(**overrides)), None)
    assert flags_of(out) == [code]
    assert bool(out["is_ready"].iloc[0]) is ready
    assert out["quarantine_reasons"].iloc[0] == ("" if ready else code)


NOT_TRIPPED = [
    ("GENDER_UNKNOWN", {"gender": "d", "salutation": "Divers"}),
    ("GENDER_UNKNOWN", {"gender": "m", "salutation": "Herr"}),
    ("POSITION_MISSING", {"position": "", "company": "", "account_id": "", "is_company_contact": False}),
    ("EMAIL_INVALID", {"email": ""}),
    ("EMAIL_INVALID", {"email": "x.y@sub.example.co.at"}),
    ("COUNTRY_INVALID", {"country": "LI"}),
    ("COUNTRY_INVALID", {"country": "CZ"}),
    ("COUNTRY_INVALID", {"country": "XK"}),  # Kosovo's code, used though not in ISO 3166
    ("COUNTRY_INVALID", {"country": ""}),
    ("TITLE_UNKNOWN", {"issues": "TITLE_UNKNOWNISH"}),  # code match is exact, not a substring
]


@pytest.mark.parametrize(("code", "overrides"), NOT_TRIPPED)
def test_rule_not_tripped(code, overrides):
    out = apply_record_rules(frame(contact(**overrides)), None)
    assert code not in flags_of(out)


def test_unknown_engine_code_is_kept_but_does_not_quarantine():
    out = apply_record_rules(frame(contact(issues="TITLE_UNKNOWN;SOMETHING_NEW")), None)
    assert flags_of(out) == ["TITLE_UNKNOWN", "SOMETHING_NEW"]
    assert out["quarantine_reasons"].iloc[0] == "TITLE_UNKNOWN"


def test_duplicate_contact_id_flags_every_row_and_keeps_them():
    df = frame(
        contact(contact_id="C1"), contact(contact_id="C2"), contact(contact_id="C1"), contact(contact_id="")
    )
    df.loc[3, "contact_id"] = ""
    out = apply_record_rules(pd.concat([df, frame(contact(contact_id=""))], ignore_index=True), None)
    assert len(out) == 5
    dup = out["quality_flags"].str.contains("DUPLICATE_CONTACT_ID")
    assert dup.tolist() == [
        True,
        False,
        True,
        False,
        False,
    ]  # empty ids are CONTACT_ID_MISSING, not duplicates
    assert out["quality_flags"].iloc[3] == "CONTACT_ID_MISSING"
    assert out["is_ready"].tolist() == [False, True, False, False, False]


def test_flags_in_stable_registry_order_and_error_subset():
    out = apply_record_rules(
        frame(contact(issues="TITLE_UNKNOWN;TITLE_NONCANONICAL", owner="", gender="unknown", email="bad")),
        None,
    )
    assert (
        out["quality_flags"].iloc[0]
        == "TITLE_NONCANONICAL;TITLE_UNKNOWN;GENDER_UNKNOWN;OWNER_MISSING;EMAIL_INVALID"
    )
    assert out["quarantine_reasons"].iloc[0] == "TITLE_UNKNOWN;GENDER_UNKNOWN;OWNER_MISSING;EMAIL_INVALID"


def test_title_and_position_dropped_against_previous():
    staged = frame(
        contact(contact_id="C1", has_title=False, titles_prenominal="", position=""),
        contact(contact_id="C2", has_title=True),
        contact(contact_id="C3", has_title=False, position="CEO"),
        contact(
            contact_id="C4", has_title=False, position="", is_company_contact=False, company="", account_id=""
        ),
    )
    previous = pd.DataFrame(
        {
            "contact_id": ["C1", "C2", "C3", "C4"],
            "has_title": [True, True, False, False],
            "position": ["CEO", "x", "", "CTO"],
        }
    )
    out = apply_record_rules(staged, previous)
    assert flags_of(out, 0) == ["POSITION_MISSING", "TITLE_DROPPED", "POSITION_DROPPED"]
    assert flags_of(out, 1) == []
    assert flags_of(out, 2) == []
    assert flags_of(out, 3) == ["POSITION_DROPPED"]
    assert out["quarantine_reasons"].iloc[3] == ""  # POSITION_DROPPED warns by default
    assert bool(out["is_ready"].iloc[3]) is True
    # without previous extract nothing is "dropped"
    assert "TITLE_DROPPED" not in apply_record_rules(staged, None)["quality_flags"].iloc[0]


def test_severity_override_changes_quarantine():
    staged = frame(contact(contact_id="C4", position="", is_company_contact=False, company="", account_id=""))
    previous = pd.DataFrame({"contact_id": ["C4"], "has_title": [False], "position": ["CTO"]})
    out = apply_record_rules(staged, previous, {"POSITION_DROPPED": "error", "TITLE_UNKNOWN": "warn"})
    assert out["quarantine_reasons"].iloc[0] == "POSITION_DROPPED"
    assert not out["is_ready"].iloc[0]
    assert "TITLE_UNKNOWN" not in error_codes({"TITLE_UNKNOWN": "warn"})


def test_unknown_rule_in_severities_raises():
    with pytest.raises(UnknownRuleError) as ei:
        apply_record_rules(frame(contact()), None, {"TITLE_LOST": "error"})
    assert isinstance(ei.value, KeyError)
    msg = str(ei.value)
    assert "TITLE_LOST" in msg and "TITLE_DROPPED" in msg and "POSITION_MISSING" in msg


def test_invalid_severity_value_raises():
    with pytest.raises(ValueError, match="OWNER_MISSING"):
        apply_record_rules(frame(contact()), None, {"OWNER_MISSING": "fatal"})


def test_default_severities_match_brief():
    errors = {c for c, s in DEFAULT_SEVERITIES.items() if s == "error"}
    assert errors == {
        "TITLE_UNKNOWN", "TITLE_AMBIGUOUS", "TITLE_INVALID", "TITLE_GENDER_CONFLICT", "NAME_MISSING",
        "CONTACT_ID_MISSING", "DUPLICATE_CONTACT_ID", "GENDER_UNKNOWN", "POSITION_MISSING", "TITLE_DROPPED",
        "OWNER_MISSING", "EMAIL_INVALID", "COUNTRY_INVALID",
    }  # fmt: skip
    assert set(RULE_CODES) - errors == {
        "TITLE_NONCANONICAL", "TITLE_IN_NAME_FIELD", "TITLE_MISPLACED", "POSITION_IN_TITLE_FIELD",
        "TITLE_IN_POSITION_FIELD", "POSITION_DROPPED", "NAME_IN_ONE_FIELD",
    }  # fmt: skip


def test_ready_equals_section5_salutation_ready_with_defaults():
    """Cross-check is_ready against a literal row-by-row reading of section 5 on a mixed fixture."""
    rng = np.random.default_rng(7)
    rows = []
    for i in range(400):
        company = bool(rng.random() < 0.5)
        rows.append(
            contact(
                contact_id=f"C{i}",
                last_name_clean=str(rng.choice(["Huber", "", " "], p=[0.8, 0.1, 0.1])),
                gender=str(rng.choice(["f", "m", "d", "unknown"])),
                issues=str(
                    rng.choice(["", "TITLE_UNKNOWN", "TITLE_NONCANONICAL", "TITLE_AMBIGUOUS;TITLE_MISPLACED"])
                ),
                position=str(rng.choice(["CEO", "", "  "])),
                is_company_contact=company,
                company="ACME" if company else "",
                account_id="",
            )
        )
    df = frame(*rows)
    out = apply_record_rules(df, None)

    def section5(r) -> bool:
        issues = set(r["issues"].split(";")) if r["issues"] else set()
        return (
            r["last_name_clean"].strip() != ""
            and r["gender"] in ("f", "m", "d")
            and not issues & {"TITLE_UNKNOWN", "TITLE_AMBIGUOUS", "TITLE_INVALID", "TITLE_GENDER_CONFLICT"}
            and (not r["is_company_contact"] or r["position"].strip() != "")
        )

    expected = [section5(r) for r in rows]
    assert out["is_ready"].tolist() == expected
    assert 0 < sum(expected) < len(expected)


def test_missing_required_column_raises():
    with pytest.raises(KeyError, match="issues"):
        apply_record_rules(frame(contact()).drop(columns=["issues"]), None)


def test_does_not_mutate_input():
    df = frame(contact(owner=""))
    before = df.copy()
    apply_record_rules(df, None)
    pd.testing.assert_frame_equal(df, before)


def test_vectorised_on_200k_rows():
    n = 200_000
    base = frame(contact())
    df = base.loc[base.index.repeat(n)].reset_index(drop=True)
    df["contact_id"] = [f"C{i}" for i in range(n)]
    df.loc[::10, "issues"] = "TITLE_UNKNOWN"
    out = apply_record_rules(df, None)  # speed is measured by `make bench`, not asserted here
    assert int((~out["is_ready"]).sum()) == n // 10
    assert (out.loc[::10, "quarantine_reasons"] == "TITLE_UNKNOWN").all()


def test_empty_frame_and_nulls():
    empty = frame(contact()).iloc[0:0]
    out = apply_record_rules(empty, None)
    assert len(out) == 0 and {"quality_flags", "quarantine_reasons", "is_ready"} <= set(out.columns)
    df = frame(contact(owner=None, email=None, country=None, issues=None))
    out = apply_record_rules(df, None)
    assert out["quality_flags"].iloc[0] == "OWNER_MISSING"
    assert bool(out["is_ready"].iloc[0]) is False  # nobody to fix the record: quarantined


def test_gender_codes_are_case_sensitive_like_the_schema():
    out = apply_record_rules(frame(contact(gender="F")), None)
    assert flags_of(out) == ["GENDER_UNKNOWN"]


def test_package_import_is_light():
    import subprocess
    import sys

    code = (
        "import sys, governance.quality; "
        "print('great_expectations' in sys.modules, "
        "any(m == 'dagster' or m.startswith('dagster.') for m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["False", "False"]


def test_count_flags_counts_records_per_code():
    from governance.quality.rules import count_flags

    flags = pd.Series(["TITLE_UNKNOWN;OWNER_MISSING", "", None, "OWNER_MISSING", " OWNER_MISSING ;", "X"])
    assert count_flags(flags) == {"OWNER_MISSING": 3, "TITLE_UNKNOWN": 1, "X": 1}
    assert count_flags(pd.Series([], dtype=str)) == {}


def test_an_id_held_by_two_records_invents_no_title_loss():
    # Eva Huber (Mag.a) and Peter Novak (no title) share id 10111 in both nights' exports: Novak never
    # lost a title, and the loss gate must not count him.
    staged = frame(
        contact(contact_id="10111", has_title=True, position="GF"),
        contact(contact_id="10111", has_title=False, position="GF"),
        contact(contact_id="10112", has_title=False, position="GF"),
    )
    previous = pd.DataFrame(
        {"contact_id": ["10111", "10111", "10112"], "has_title": [True, False, True], "position": ["GF"] * 3}
    )
    out = apply_record_rules(staged, previous)
    assert [("TITLE_DROPPED" in flags_of(out, i)) for i in range(3)] == [False, False, True]
    assert "DUPLICATE_CONTACT_ID" in flags_of(out, 1)
    # An id duplicated only last night cannot say whose title it was either.
    once = apply_record_rules(frame(contact(contact_id="10111", has_title=False, position="GF")), previous)
    assert "TITLE_DROPPED" not in flags_of(once, 0)


def test_the_previous_night_prepared_once_flags_as_the_frame_does():
    """The night stages in chunks and prepares the last accepted night's ids once (`PreviousContacts`):
    every chunk must be flagged as with the frame itself (shared ids, blanks, spaces, no title)."""
    from governance.quality import PreviousContacts

    staged = frame(
        contact(contact_id="A1", has_title=False, position=""),  # lost both
        contact(contact_id=" A2 ", has_title=False, position="GF"),  # lost its title (id with spaces)
        contact(contact_id="A3", has_title=True, position=""),  # lost its position
        contact(contact_id="A4", has_title=False, position=""),  # shared last night: no loss told
        contact(contact_id="A5", has_title=False, position=""),  # new tonight
    )
    previous = pd.DataFrame(
        {
            "contact_id": ["A1", "A2 ", "A3", "A4", "A4", None, ""],
            "has_title": [True, True, False, True, True, True, True],
            "position": ["GF", "GF", "CTO", "GF", "GF", "GF", "GF"],
        }
    )
    prepared = PreviousContacts.from_frame(previous)
    assert sorted(prepared.shared.to_pylist()) == ["A4"]
    by_frame = apply_record_rules(staged, previous)
    for chunk in (staged, staged.iloc[:2], staged.iloc[2:]):
        by_lookup = apply_record_rules(chunk, prepared)
        assert by_lookup["quality_flags"].tolist() == by_frame.loc[chunk.index, "quality_flags"].tolist()
    drops = [("TITLE_DROPPED" in f, "POSITION_DROPPED" in f) for f in by_frame["quality_flags"]]
    assert drops == [(True, True), (True, False), (False, True), (False, False), (False, False)]


def test_the_previous_night_reads_its_placeholders_as_tonight_does(tmp_path):
    """A night staged before placeholders were read as empty holds "-" and "NULL": read as written, tonight's
    empty fields were titles and positions lost since then, and the first night after the upgrade was
    blocked by title_loss."""
    from governance import nightly
    from governance.warehouse import Warehouse

    wh = Warehouse(f"sqlite:///{tmp_path / 'w.sqlite'}")
    wh.replace_partition(nightly.HISTORY_TABLE, "2026-11-20", pd.DataFrame({"accepted_flag": [1]}))
    staged = pd.DataFrame(
        {
            "contact_id": ["C1", "C2", "C3"],
            "has_title": [True, True, False],
            "title": ["-", "Dr.", ""],
            "position": ["NULL", "CEO", "keine"],
        }
    )
    # ... and a title typed into the position field, which tonight's staging moves to the titles
    staged.loc[len(staged)] = ["C4", False, "", "Dr."]
    staged.loc[len(staged)] = ["C5", False, "", "Dr. Geschäftsführer"]
    wh.replace_partition(nightly.STAGED_TABLE, "2026-11-20", staged)
    previous = nightly.previous_accepted_night(wh, "2026-11-21")
    assert previous is not None and previous.partition_date == "2026-11-20"
    assert previous.lookup.titled.to_pylist() == ["C2"]
    assert previous.lookup.positioned.to_pylist() == ["C2", "C5"]
