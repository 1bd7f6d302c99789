"""pandera schemas for the raw extract and for the records released to campaigns, and a lazy validator
that maps every failure back to a contact id.

Note (pandera / pandas facts): ``nullable=False`` does not catch ``""`` or whitespace, so every "present"
check here is a strip-based ``str_length`` check. Checks are written with ``str.strip`` / pyarrow-backed
string methods: a ``\\S`` regex falls back to a Python loop over the rows in pandas 3.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pandera.pandas as pa

from governance.contact_model import CANONICAL_COLUMNS
from governance.quality.rules import (
    COUNTRY_PATTERN,
    EMAIL_PATTERN,
    KNOWN_GENDERS,
    _flag_pattern,
    error_codes,
    position_missing_mask,
)

FAILURE_COLUMNS: tuple[str, ...] = ("contact_id", "column", "check", "failure_case")

# Dataframe-wide checks report one failure row per column of the failing row; we collapse them to the
# one column the check is about.
_DATAFRAME_CHECK_COLUMNS: dict[str, str] = {"position_present_for_company_contacts": "position"}


def _present(s: pd.Series) -> pd.Series:
    """Element-wise: not null, not empty, not whitespace only."""
    return s.str.strip().str.len().fillna(0) > 0


def _present_check(name: str = "present") -> pa.Check:
    return pa.Check(_present, name=name)


def _empty_or_match(pattern: str, name: str) -> pa.Check:
    def check(s: pd.Series) -> pd.Series:
        stripped = s.fillna("").str.strip()
        return (stripped == "") | stripped.str.match(pattern, na=False)

    return pa.Check(check, name=name)


def _position_for_company(df: pd.DataFrame) -> pd.Series:
    return pd.Series(~position_missing_mask(df), index=df.index)


raw_contacts_schema = pa.DataFrameSchema(
    {
        col: pa.Column(
            str,
            nullable=(col != "contact_id"),
            checks=[_present_check("contact_id_present")] if col == "contact_id" else [],
        )
        for col in CANONICAL_COLUMNS
    },
    strict=False,
    name="raw_contacts",
    description="An extract after the source profile's mapping: every canonical column, as text.",
)


def build_validated_contacts_schema(severities: Mapping[str, str] | None = None) -> pa.DataFrameSchema:
    """Schema of the records that go to campaigns; the error-class flag set follows ``severities``."""
    errors = error_codes(severities)
    error_pattern = _flag_pattern(errors)

    def no_error_flags(s: pd.Series) -> pd.Series:
        return ~s.fillna("").str.contains(error_pattern, regex=True)

    return pa.DataFrameSchema(
        {
            "contact_id": pa.Column(
                str, nullable=False, unique=True, checks=[_present_check("contact_id_present")]
            ),
            "email": pa.Column(str, nullable=True, checks=[_empty_or_match(EMAIL_PATTERN, "email_format")]),
            "country": pa.Column(
                str, nullable=True, checks=[_empty_or_match(COUNTRY_PATTERN, "country_iso2")]
            ),
            "owner": pa.Column(str, nullable=False, checks=[_present_check("owner_present")]),
            "gender": pa.Column(
                str, nullable=False, checks=[pa.Check.isin(list(KNOWN_GENDERS), name="gender_known")]
            ),
            "quality_flags": pa.Column(
                str, nullable=True, checks=[pa.Check(no_error_flags, name="no_error_flags")]
            ),
            "salutation_line": pa.Column(
                str, nullable=False, checks=[_present_check("salutation_line_present")]
            ),
            "position": pa.Column(str, nullable=True),
            "is_company_contact": pa.Column(bool, nullable=False),
        },
        checks=[
            pa.Check(
                _position_for_company,
                name="position_present_for_company_contacts",
            )
        ],
        strict=False,
        name="validated_contacts",
        description="Salutation-ready records released to campaigns.",
    )


validated_contacts_schema = build_validated_contacts_schema()


def preload() -> None:
    """Register pandera's pandas backends now, which the first validation would do: it imports the
    backend modules (2.4 s on the benchmark machine), and the night does it while its raw rows are
    written."""
    pa.DataFrameSchema.register_default_backends(pd.DataFrame)


@dataclass(frozen=True)
class SchemaReport:
    passed: bool
    failure_count: int
    failures: pd.DataFrame = field(repr=False)  # columns: contact_id, column, check, failure_case
    example_ids: list[str]


def _empty_failures() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in FAILURE_COLUMNS})


def validate_with_schema(
    schema: pa.DataFrameSchema, df: pd.DataFrame, id_column: str = "contact_id"
) -> SchemaReport:
    """Lazy validation; every failure row carries the contact id of the failing record (None for
    failures that concern the whole frame, e.g. a missing column)."""
    frame = df.reset_index(drop=True)  # positions == index labels: safe mapping even for duplicate labels
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
    else:
        return SchemaReport(passed=True, failure_count=0, failures=_empty_failures(), example_ids=[])

    fc = fc.copy()
    # collapse dataframe-wide checks (one row per column of the failing record) to the column they concern
    wide = (fc["schema_context"] == "DataFrameSchema").to_numpy() & fc["index"].notna().to_numpy()
    if wide.any():
        target = fc["check"].map(_DATAFRAME_CHECK_COLUMNS)
        keep_wide = (
            wide
            & ((target.isna() & ~fc.duplicated(["check", "index"])) | (fc["column"] == target)).to_numpy()
        )
        fc = fc[~wide | keep_wide]
        fc = fc.drop_duplicates(subset=["schema_context", "check", "index", "column"])

    ids = np.full(len(fc), None, dtype=object)
    if id_column in frame.columns:
        idx = pd.to_numeric(fc["index"], errors="coerce")
        ok = (
            idx.notna().to_numpy()
            & (idx.fillna(-1).to_numpy() >= 0)
            & (idx.fillna(-1).to_numpy() < len(frame))
        )
        if ok.any():
            pos = idx[ok].astype("int64").to_numpy()
            vals = frame[id_column].astype("object").to_numpy()[pos]
            ids[ok] = [
                None if (v is None or (isinstance(v, float) and np.isnan(v))) else str(v) for v in vals
            ]
    failures = pd.DataFrame(
        {
            "contact_id": ids,
            "column": fc["column"].astype("object").to_numpy(),
            "check": fc["check"].astype("object").to_numpy(),
            "failure_case": fc["failure_case"].astype("object").to_numpy(),
        }
    )
    examples: list[str] = []
    for cid in failures["contact_id"]:
        if cid and str(cid).strip() and cid not in examples:
            examples.append(cid)
            if len(examples) == 5:
                break
    return SchemaReport(passed=False, failure_count=len(failures), failures=failures, example_ids=examples)
