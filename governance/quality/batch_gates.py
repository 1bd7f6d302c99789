"""Batch-level gates over one nightly extract (SALUTATION_RULES.md section 5).

Each gate returns a GateResult; the thresholds are parameters (configuration passes them in). Shares are
fractions in [0, 1]; ``title_coverage`` history values too. A value exactly at the threshold passes.
``example_ids`` carry contact ids only, never personal data.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from governance.quality.rules import (
    FLAG_SEPARATOR,
    RULE_CODES,
    _bool,
    flag_mask,
    position_missing_mask,
    resolve_severities,
)

_EPS = 1e-9
_GATE_SEVERITIES = ("ERROR", "WARN")
MAX_EXAMPLES = 5


@dataclass(frozen=True)
class GateResult:
    name: str
    passed: bool
    severity: str  # "ERROR" | "WARN"
    observed: float
    threshold: float
    description: str
    example_ids: tuple[str, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)


def _severity(severity: str) -> str:
    sev = str(severity).upper()
    if sev not in _GATE_SEVERITIES:
        raise ValueError(f"gate severity must be 'ERROR' or 'WARN', got {severity!r}")
    return sev


def _examples(df: pd.DataFrame, mask, id_column: str = "contact_id") -> tuple[str, ...]:
    if id_column not in df.columns:
        return ()
    ids = df[id_column][np.asarray(mask, dtype=bool)]
    out: list[str] = []
    for v in ids.head(50):
        if isinstance(v, str) and v.strip() and v not in out:
            out.append(v)
            if len(out) == MAX_EXAMPLES:
                break
    return tuple(out)


def position_completeness(
    staged: pd.DataFrame, threshold: float = 0.95, severity: str = "ERROR"
) -> GateResult:
    """Share of company contacts with a non-empty position must be >= threshold."""
    sev = _severity(severity)
    company = _bool(staged, "is_company_contact")
    missing = position_missing_mask(staged)
    n_company = int(company.sum())
    n_missing = int(missing.sum())
    details: dict[str, Any] = {"company_contacts": n_company, "without_position": n_missing}
    if n_company == 0:
        observed = 1.0
        details["note"] = "no company contacts in the extract"
    else:
        observed = (n_company - n_missing) / n_company
    return GateResult(
        name="position_completeness",
        passed=observed + _EPS >= threshold,
        severity=sev,
        observed=observed,
        threshold=float(threshold),
        description=f"share of company contacts with a position must be at least {threshold:.1%}",
        example_ids=_examples(staged, missing),
        details=details,
    )


def title_coverage(
    staged: pd.DataFrame,
    history_coverages: Sequence[float],
    max_drop_pp: float = 5.0,
    window: int = 7,
    severity: str = "ERROR",
) -> GateResult:
    """Share of contacts with any title must not fall more than ``max_drop_pp`` percentage points below
    the median of the last ``window`` accepted extracts (``history_coverages`` oldest first, as fractions)."""
    sev = _severity(severity)
    history = [float(v) for v in history_coverages if v is not None and not np.isnan(v)]
    if any(v < 0 or v > 1 for v in history):
        raise ValueError("history_coverages are shares in [0, 1], not percentages")
    n = len(staged)
    has_title = _bool(staged, "has_title")
    observed = float(has_title.mean()) if n else 0.0
    recent = history[-window:] if window > 0 else []
    details: dict[str, Any] = {"rows": n, "with_title": int(has_title.sum()), "history_used": recent}
    if not recent:
        details["note"] = "no accepted history yet: gate passes, coverage recorded as the first baseline"
        return GateResult(
            name="title_coverage",
            passed=True,
            severity=sev,
            observed=observed,
            threshold=0.0,
            description="title coverage vs. median of accepted extracts (no history yet)",
            details=details,
        )
    median = float(statistics.median(recent))
    threshold = median - max_drop_pp / 100.0
    drop_pp = (median - observed) * 100.0
    details.update({"median": median, "drop_pp": drop_pp})
    return GateResult(
        name="title_coverage",
        passed=drop_pp <= max_drop_pp + _EPS,
        severity=sev,
        observed=observed,
        threshold=threshold,
        description=(
            f"share of contacts with a title must not fall more than {max_drop_pp:g} pp below the median "
            f"of the last {len(recent)} accepted extracts ({median:.1%})"
        ),
        details=details,
    )


def _loss_gate(
    name: str,
    code: str,
    flagged: pd.DataFrame,
    previous_count: int,
    max_share: float,
    severity: str,
    what: str,
) -> GateResult:
    sev = _severity(severity)
    if "quality_flags" not in flagged.columns:
        raise KeyError(f"{name} needs the quality_flags column (run apply_record_rules first)")
    mask = flag_mask(flagged["quality_flags"], code).to_numpy(dtype=bool)
    count = int(mask.sum())
    details: dict[str, Any] = {"dropped": count, "previous_count": int(previous_count or 0)}
    if not previous_count:
        observed = 0.0 if count == 0 else 1.0
        details["note"] = f"no {what} in the previous accepted extract"
    else:
        observed = count / previous_count
    return GateResult(
        name=name,
        passed=observed <= max_share + _EPS,
        severity=sev,
        observed=observed,
        threshold=float(max_share),
        description=(
            f"share of the previous extract's contacts with a {what} that lost it ({code}) must be at most "
            f"{max_share:.1%}"
        ),
        example_ids=_examples(flagged, mask),
        details=details,
    )


def title_loss(
    staged_with_flags: pd.DataFrame, previous_count: int, max_share: float = 0.01, severity: str = "ERROR"
) -> GateResult:
    """``previous_count``: titled contacts in the last accepted extract."""
    return _loss_gate(
        "title_loss", "TITLE_DROPPED", staged_with_flags, previous_count, max_share, severity, "title"
    )


def position_loss(
    staged_with_flags: pd.DataFrame, previous_count: int, max_share: float = 0.01, severity: str = "ERROR"
) -> GateResult:
    """``previous_count``: contacts with a position in the last accepted extract."""
    return _loss_gate(
        "position_loss",
        "POSITION_DROPPED",
        staged_with_flags,
        previous_count,
        max_share,
        severity,
        "position",
    )


def volume(
    row_count: int, previous_row_count: int | None, tolerance: float = 0.20, severity: str = "ERROR"
) -> GateResult:
    """Row count within +/- tolerance of the last accepted extract; observed is the relative change."""
    sev = _severity(severity)
    details: dict[str, Any] = {"row_count": int(row_count), "previous_row_count": previous_row_count}
    if not previous_row_count:
        details["note"] = "no accepted previous extract: gate passes"
        return GateResult(
            name="volume",
            passed=True,
            severity=sev,
            observed=0.0,
            threshold=float(tolerance),
            description="row count vs. last accepted extract (none yet)",
            details=details,
        )
    change = row_count / previous_row_count - 1.0
    return GateResult(
        name="volume",
        passed=abs(change) <= tolerance + _EPS,
        severity=sev,
        observed=change,
        threshold=float(tolerance),
        description=f"row count must stay within +/-{tolerance:.0%} of the last accepted extract",
        details=details,
    )


def record_rule_gates(flagged: pd.DataFrame, severities: Mapping[str, str] | None = None) -> list[GateResult]:
    """One WARN gate per record rule: observed = number of flagged records (records are quarantined, the
    batch is not blocked by these; see quarantine_share)."""
    resolved = resolve_severities(severities)
    flags = flagged["quality_flags"].astype("str").fillna("")
    combos = flags.value_counts()  # few distinct combinations: count per combination, then per code
    counts = dict.fromkeys(RULE_CODES, 0)
    combos_with: dict[str, list[str]] = {c: [] for c in RULE_CODES}
    for combo, cnt in combos.items():
        if not combo:
            continue
        for code in combo.split(FLAG_SEPARATOR):
            if code in counts:
                counts[code] += int(cnt)
                combos_with[code].append(combo)
    n = len(flagged)
    results = []
    for code in RULE_CODES:
        cnt = counts[code]
        examples: tuple[str, ...] = ()
        if cnt:
            examples = _examples(flagged, flags.isin(combos_with[code]).to_numpy(dtype=bool))
        results.append(
            GateResult(
                name=f"rule_{code.lower()}",
                passed=cnt == 0,
                severity="WARN",
                observed=float(cnt),
                threshold=0.0,
                description=f"{code}: records flagged ({resolved[code]}; "
                + ("quarantined)" if resolved[code] == "error" else "reported only)"),
                example_ids=examples,
                details={"rule": code, "rule_severity": resolved[code], "share": cnt / n if n else 0.0},
            )
        )
    return results


def quarantine_share(
    flagged: pd.DataFrame, max_share: float = 0.10, severity: str = "ERROR", malformed: int = 0
) -> GateResult:
    """Share of input rows that are not ready; above ``max_share`` the night is blocked.

    ``malformed``: rows of the extract that never became records (they are quarantined too), so a
    night that loses a sixth of its rows to broken quoting does not pass as clean.
    """
    sev = _severity(severity)
    ready = flagged["is_ready"].to_numpy(dtype=bool, na_value=False)
    not_ready = ~ready
    n = len(ready) + int(malformed)
    quarantined = int(not_ready.sum()) + int(malformed)
    observed = quarantined / n if n else 0.0
    return GateResult(
        name="quarantine_share",
        passed=observed <= max_share + _EPS,
        severity=sev,
        observed=observed,
        threshold=float(max_share),
        description=f"share of records quarantined (not ready) must be at most {max_share:.0%}",
        example_ids=_examples(flagged, not_ready),
        details={"rows": n, "quarantined": quarantined, "malformed": int(malformed)},
    )
