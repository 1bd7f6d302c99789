"""Record-level quality rules: a registry and one vectorised pass that flags every record.

Each rule has a code, a description and a default severity: ``"error"`` quarantines the record (it is not
salutation-ready and does not go to campaigns), ``"warn"`` only reports it to the CRM owner. The title
engine's own flag codes (column ``issues``) are part of the registry so that one column,
``quality_flags``, carries every finding in a stable order (the registry order; engine codes the registry
does not know are appended at the end, kept but never quarantining).

With the default severities a record is ready (``is_ready``) exactly when it is salutation-ready as
SALUTATION_RULES.md section 5 defines (surname, known gender or Divers, no TITLE_UNKNOWN / TITLE_AMBIGUOUS /
TITLE_INVALID / TITLE_GENDER_CONFLICT, position for company contacts) AND it carries none of the other
error-class findings (missing or duplicated contact id, a title that disappeared since the last accepted
extract). Severities are configurable; downgrading a section-5 rule to "warn" lets such records through.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from governance.titles.countries import iso_alpha2_codes

ERROR = "error"
WARN = "warn"
_SEVERITIES = (ERROR, WARN)

FLAG_SEPARATOR = ";"
# The flag of a row of the extract that never became a record (quarantined with file, line and reason).
MALFORMED_CODE = "MALFORMED_ROW"


class UnknownRuleError(KeyError):
    """A rule code in a severity configuration that the registry does not know."""

    def __init__(self, code: str, known: tuple[str, ...]):
        self.code = code
        self.known = known
        super().__init__(code)

    def __str__(self) -> str:
        return f"unknown quality rule code {self.code!r}; known codes: {', '.join(self.known)}"


@dataclass(frozen=True)
class Rule:
    code: str
    description: str
    severity: str  # default severity: "error" | "warn"
    source: str  # "engine" (from the title engine's issues column) | "quality" (computed here)


_RULE_LIST: tuple[Rule, ...] = (
    # --- flags raised by the title engine ---------------------------------------------------------------
    Rule(
        "TITLE_NONCANONICAL", "title written in a variant spelling; normalised automatically", WARN, "engine"
    ),
    Rule("TITLE_IN_NAME_FIELD", "title found in first/last name field; moved automatically", WARN, "engine"),
    Rule("TITLE_UNKNOWN", "title token not in the vocabulary; kept as written", ERROR, "engine"),
    Rule("TITLE_AMBIGUOUS", "abbreviation with two meanings (e.g. MR, KS)", ERROR, "engine"),
    Rule("TITLE_MISPLACED", "pre-/post-nominal title on the wrong side; moved automatically", WARN, "engine"),
    Rule("TITLE_GENDER_CONFLICT", "female title form with a male salutation", ERROR, "engine"),
    Rule(
        "POSITION_IN_TITLE_FIELD",
        "office or address function in the title or salutation field (e.g. Bgm.); moved to the position",
        WARN,
        "engine",
    ),
    Rule(
        "TITLE_IN_POSITION_FIELD",
        "title written in the position field (e.g. Hofrat, Dr., Dr. Geschäftsführer); moved to the titles",
        WARN,
        "engine",
    ),
    Rule(
        "NAME_IN_ONE_FIELD",
        "whole name in the last-name field, first name empty (Huber, Hans); split automatically",
        WARN,
        "engine",
    ),
    Rule("TITLE_INVALID", "title form not legal in Austria (e.g. Dr. mult.)", ERROR, "engine"),
    Rule("NAME_MISSING", "no surname: the contact cannot be addressed personally", ERROR, "engine"),
    # --- rules computed by the quality stage ------------------------------------------------------------
    Rule("CONTACT_ID_MISSING", "contact_id empty or whitespace", ERROR, "quality"),
    Rule("DUPLICATE_CONTACT_ID", "contact_id occurs more than once in the extract", ERROR, "quality"),
    Rule("GENDER_UNKNOWN", "no known gender and not Divers: not salutation-ready", ERROR, "quality"),
    Rule("POSITION_MISSING", "company contact without a position", ERROR, "quality"),
    # Error, not warn: the validated schema (what campaigns receive) requires an owner and well-formed
    # e-mail and country; a record that could pass the rules but fail the schema would block the night.
    Rule("OWNER_MISSING", "no CRM owner responsible for the record", ERROR, "quality"),
    Rule("EMAIL_INVALID", "e-mail address present but malformed", ERROR, "quality"),
    Rule(
        "COUNTRY_INVALID",
        "country present but no ISO 3166 alpha-2 code after normalisation",
        ERROR,
        "quality",
    ),
    Rule(
        "TITLE_DROPPED", "contact had a title in the last accepted extract and has none now", ERROR, "quality"
    ),
    Rule(
        "POSITION_DROPPED",
        "contact had a position in the last accepted extract and has none now",
        WARN,
        "quality",
    ),
)

RULES: Mapping[str, Rule] = MappingProxyType({r.code: r for r in _RULE_LIST})
RULE_CODES: tuple[str, ...] = tuple(r.code for r in _RULE_LIST)
ENGINE_CODES: tuple[str, ...] = tuple(r.code for r in _RULE_LIST if r.source == "engine")
DEFAULT_SEVERITIES: Mapping[str, str] = MappingProxyType({r.code: r.severity for r in _RULE_LIST})

EMAIL_PATTERN = r"^[^@ \t\r\n]+@[^@ \t\r\n]+\.[^@ \t\r\n.]+$"
COUNTRY_PATTERN = r"^[A-Z]{2}$"
KNOWN_GENDERS = ("f", "m", "d")

STAGED_REQUIRED_COLUMNS: tuple[str, ...] = (
    "contact_id",
    "position",
    "email",
    "country",
    "owner",
    "gender",
    "issues",
    "has_title",
    "is_company_contact",
)

OUTPUT_COLUMNS: tuple[str, ...] = ("quality_flags", "quarantine_reasons", "is_ready")


def resolve_severities(severities: Mapping[str, str] | None = None) -> dict[str, str]:
    """Default severities overlaid with ``severities``; raises UnknownRuleError / ValueError."""
    resolved = dict(DEFAULT_SEVERITIES)
    for code, sev in (severities or {}).items():
        if code not in RULES:
            raise UnknownRuleError(code, RULE_CODES)
        norm = str(sev).strip().lower()
        norm = {"warning": WARN, "err": ERROR}.get(norm, norm)
        if norm not in _SEVERITIES:
            raise ValueError(f"severity for rule {code!r} must be 'error' or 'warn', got {sev!r}")
        resolved[code] = norm
    return resolved


def error_codes(severities: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """Rule codes that quarantine a record under ``severities`` (registry order)."""
    resolved = resolve_severities(severities)
    return tuple(c for c in RULE_CODES if resolved[c] == ERROR)


# --------------------------------------------------------------------------------------------------------
# vectorised helpers


def _text(df: pd.DataFrame, column: str) -> pd.Series:
    s = df[column]
    if not (pd.api.types.is_string_dtype(s.dtype) and not pd.api.types.is_object_dtype(s.dtype)):
        s = s.astype("str")
    return s


def _blank(s: pd.Series) -> np.ndarray:
    """True where the value is null, empty or whitespace only.

    ``str.strip`` runs in pyarrow; a ``\\S`` regex would fall back to a Python loop in pandas 3.
    """
    stripped = s.str.strip()
    return (stripped.isna() | (stripped == "")).to_numpy(dtype=bool, na_value=True)


def position_missing_mask(df: pd.DataFrame) -> np.ndarray:
    """Company contacts without a position (empty or whitespace): one definition for the record rule,
    the completeness gate and the validated schema."""
    return _bool(df, "is_company_contact") & _blank(_text(df, "position"))


def _isin(s: pd.Series, values) -> np.ndarray:
    """Vectorised membership test (pandas' ArrowStringArray.isin loops over the values in Python).
    ``values``: any list-like, or an Arrow array of text used as it is (`PreviousContacts`)."""
    if isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow":
        arr = pa.array(s)
        if isinstance(values, pa.Array):
            vals = values
        else:
            vals = pa.array(pd.Series(values, dtype="object").dropna().astype(str).unique(), type=pa.string())
        if len(vals) == 0:
            return np.zeros(len(s), dtype=bool)
        res = pc.is_in(arr, value_set=vals.cast(arr.type))
        return np.asarray(res.fill_null(False), dtype=bool)
    if isinstance(values, pa.Array):
        values = values.to_pylist()
    return s.isin(values).to_numpy(dtype=bool)


@dataclass(frozen=True)
class PreviousContacts:
    """The ids of the last accepted night the loss rules look up, as Arrow value sets. Prepared once a
    night: prepared per staged chunk, a million ids went through Python strings three times a chunk
    (seconds, and a few hundred MB at the night's memory peak)."""

    rows: int
    titled: pa.Array  # ids of records that had a title
    positioned: pa.Array  # ids of records that had a position
    shared: pa.Array  # ids more than one record held: no loss can be told for them

    @classmethod
    def from_frame(cls, previous: pd.DataFrame) -> PreviousContacts:
        """From the last accepted extract's columns contact_id, has_title and position."""
        missing = [c for c in ("contact_id", "has_title", "position") if c not in previous.columns]
        if missing:
            raise KeyError(f"previous frame lacks required columns: {', '.join(missing)}")
        ids = pa.array(_text(previous, "contact_id").str.strip())  # nulls stay null: they match nothing
        titled = pc.and_(pc.is_valid(ids), pa.array(_bool(previous, "has_title")))
        positioned = pc.and_(pc.is_valid(ids), pa.array(~_blank(_text(previous, "position"))))
        counts = pc.value_counts(pc.drop_null(ids))
        return cls(
            rows=len(previous),
            titled=pc.unique(ids.filter(titled)),
            positioned=pc.unique(ids.filter(positioned)),
            shared=counts.field("values").filter(pc.greater(counts.field("counts"), 1)),
        )


def _bool(df: pd.DataFrame, column: str) -> np.ndarray:
    s = df[column]
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.to_numpy(dtype=bool, na_value=False)
    # delivered as text ("true"/"false") or object: interpret strictly
    txt = s.astype("str").str.strip().str.lower()
    return _isin(txt, ["true", "1", "yes", "y", "t"])


def _flag_pattern(codes: tuple[str, ...]) -> str:
    alt = "|".join(re.escape(c) for c in codes)
    return rf"(?:^|;)(?:{alt})(?:;|$)"


def _engine_masks(issues: pd.Series) -> tuple[dict[str, np.ndarray], pd.Series]:
    """Per engine code a boolean mask, plus the engine codes the registry does not know (per row)."""
    n = len(issues)
    masks = {c: np.zeros(n, dtype=bool) for c in ENGINE_CODES}
    nonempty = ~_blank(issues)
    extra = pd.Series("", index=issues.index, dtype="str")
    if not nonempty.any():
        return masks, extra
    sub = issues[nonempty].str.replace(" ", "", regex=False)
    pos = np.flatnonzero(nonempty)
    for code in ENGINE_CODES:
        hit = sub.str.contains(_flag_pattern((code,)), regex=True, na=False).to_numpy(dtype=bool)
        masks[code][pos[hit]] = True
    # anything left after removing the known codes is an engine code we do not know: keep it visible
    alt = "|".join(re.escape(c) for c in ENGINE_CODES)
    padded = ";" + sub.str.replace(";", ";;", regex=False) + ";"
    rest = padded.str.replace(rf";(?:{alt});", "", regex=True).str.replace(r";+", ";", regex=True)
    rest = rest.str.strip(";")
    has_rest = rest.str.len().to_numpy() > 0
    if has_rest.any():
        extra.iloc[pos[has_rest]] = rest[has_rest].to_numpy()
    return masks, extra


def _combine(bits: np.ndarray, codes: tuple[str, ...]) -> np.ndarray:
    """Turn per-row bit sets into ';'-joined code strings via the (few) distinct combinations."""
    uniques, inverse = np.unique(bits, return_inverse=True)
    labels = np.array(
        [FLAG_SEPARATOR.join(c for i, c in enumerate(codes) if (int(u) >> i) & 1) for u in uniques],
        dtype=object,
    )
    return labels[inverse.reshape(-1)]


def duplicate_contact_ids(contact_ids: pd.Series) -> np.ndarray:
    """The non-blank contact ids (stripped) that more than one record holds."""
    key = contact_ids.fillna("").astype("str").str.strip()
    held = key[key.duplicated(keep=False).to_numpy(dtype=bool) & ~_blank(key)]
    return np.asarray(held.unique(), dtype=object)


def _compute(
    staged: pd.DataFrame,
    previous: pd.DataFrame | PreviousContacts | None,
    duplicate_ids: np.ndarray | None = None,
) -> tuple[dict[str, np.ndarray], pd.Series]:
    missing = [c for c in STAGED_REQUIRED_COLUMNS if c not in staged.columns]
    if missing:
        raise KeyError(f"staged frame lacks required columns: {', '.join(missing)}")
    n = len(staged)
    masks, extra = _engine_masks(_text(staged, "issues"))

    # Section 5: a surname. The engine flags NAME_MISSING; we also check the parsed surname ourselves.
    surname_col = "last_name_clean" if "last_name_clean" in staged.columns else "last_name"
    if surname_col in staged.columns:
        masks["NAME_MISSING"] = masks["NAME_MISSING"] | _blank(_text(staged, surname_col))

    cid = _text(staged, "contact_id")
    cid_blank = _blank(cid)
    masks["CONTACT_ID_MISSING"] = cid_blank
    cid_key = cid.str.strip()
    if duplicate_ids is None:
        masks["DUPLICATE_CONTACT_ID"] = cid_key.duplicated(keep=False).to_numpy(dtype=bool) & ~cid_blank
    else:
        masks["DUPLICATE_CONTACT_ID"] = _isin(cid_key, duplicate_ids) & ~cid_blank

    gender = _text(staged, "gender").str.strip()
    masks["GENDER_UNKNOWN"] = ~_isin(gender, KNOWN_GENDERS)

    position_blank = _blank(_text(staged, "position"))
    masks["POSITION_MISSING"] = position_missing_mask(staged)
    masks["OWNER_MISSING"] = _blank(_text(staged, "owner"))

    email = _text(staged, "email")
    email_blank = _blank(email)
    email_ok = email.str.strip().str.match(EMAIL_PATTERN, na=False).to_numpy(dtype=bool)
    masks["EMAIL_INVALID"] = ~email_blank & ~email_ok

    country = _text(staged, "country")
    # a code of the standard, not merely two letters: "XX" or "EU" names no country to write to
    country_ok = _isin(country.str.strip(), sorted(iso_alpha2_codes()))
    masks["COUNTRY_INVALID"] = ~_blank(country) & ~country_ok

    title_dropped = np.zeros(n, dtype=bool)
    position_dropped = np.zeros(n, dtype=bool)
    if isinstance(previous, pd.DataFrame):
        previous = PreviousContacts.from_frame(previous) if len(previous) else None
    if previous is not None and previous.rows:
        has_title = _bool(staged, "has_title")
        # An id held by two records, tonight or last time, cannot say whose title it was: the two
        # records are DUPLICATE_CONTACT_ID, and a loss read off them would be invented.
        comparable = ~cid_blank & ~masks["DUPLICATE_CONTACT_ID"] & ~_isin(cid_key, previous.shared)
        title_dropped = _isin(cid_key, previous.titled) & ~has_title & comparable
        position_dropped = _isin(cid_key, previous.positioned) & position_blank & comparable
    masks["TITLE_DROPPED"] = title_dropped
    masks["POSITION_DROPPED"] = position_dropped
    return {c: masks[c] for c in RULE_CODES}, extra


def apply_record_rules(
    staged: pd.DataFrame,
    previous: pd.DataFrame | PreviousContacts | None,
    severities: Mapping[str, str] | None = None,
    duplicate_ids: np.ndarray | None = None,
) -> pd.DataFrame:
    """Flag every record of ``staged``; returns a copy with quality_flags, quarantine_reasons, is_ready.

    ``previous`` is the last accepted extract (columns contact_id, has_title, position), the same
    prepared once as `PreviousContacts` (for a night staged in chunks), or None.
    ``severities`` overrides default rule severities ({"POSITION_DROPPED": "error"}).
    ``duplicate_ids``: when ``staged`` is one chunk of the night, the ids the whole night holds more
    than once (`duplicate_contact_ids`); by default the duplicates within ``staged``.
    """
    resolved = resolve_severities(severities)
    masks, extra = _compute(staged, previous, duplicate_ids)
    n = len(staged)
    bits = np.zeros(n, dtype=np.int64)
    error_bits = 0
    for i, code in enumerate(RULE_CODES):
        bits |= masks[code].astype(np.int64) << i
        if resolved[code] == ERROR:
            error_bits |= 1 << i
    quality = _combine(bits, RULE_CODES) if n else np.array([], dtype=object)
    reasons = _combine(bits & error_bits, RULE_CODES) if n else np.array([], dtype=object)

    quality_s = pd.Series(quality, index=staged.index, dtype="str")
    has_extra = extra.str.len().to_numpy() > 0
    if has_extra.any():
        q = quality_s[has_extra]
        joined = q.where(q == "", q + FLAG_SEPARATOR) + extra[has_extra]
        quality_s[has_extra] = joined

    out = staged.copy(deep=False)
    out["quality_flags"] = quality_s
    out["quarantine_reasons"] = pd.Series(reasons, index=staged.index, dtype="str")
    out["is_ready"] = (bits & error_bits) == 0
    return out


def count_flags(flags: pd.Series) -> dict[str, int]:
    """How many records carry each code of a ";"-joined flag column (codes sorted)."""
    text = flags.fillna("").astype(str)
    codes = text[text != ""].str.split(FLAG_SEPARATOR).explode().str.strip()
    counts = codes[codes != ""].value_counts().sort_index()
    return {str(code): int(n) for code, n in counts.items()}


def flag_mask(quality_flags: pd.Series, code: str) -> pd.Series:
    """Boolean Series: the record carries ``code`` in its ';'-joined flags."""
    return quality_flags.astype("str").str.contains(_flag_pattern((code,)), regex=True, na=False)
