"""Batch gates at, just above and just below their thresholds."""

from __future__ import annotations

import pandas as pd
import pytest

from governance.quality import (
    RULE_CODES,
    GateResult,
    position_completeness,
    position_loss,
    quarantine_share,
    record_rule_gates,
    title_coverage,
    title_loss,
    volume,
)


def company_frame(n_company: int, n_missing: int, n_private: int = 5) -> pd.DataFrame:
    ids = [f"C{i}" for i in range(n_company + n_private)]
    position = ["" if i < n_missing else "CEO" for i in range(n_company)] + [""] * n_private
    company = [True] * n_company + [False] * n_private
    return pd.DataFrame({"contact_id": ids, "position": position, "is_company_contact": company})


@pytest.mark.parametrize(("missing", "passed"), [(5, True), (4, True), (6, False)])
def test_position_completeness_threshold(missing, passed):
    # 100 company contacts: 5 missing is exactly 95 %
    res = position_completeness(company_frame(100, missing), threshold=0.95)
    assert isinstance(res, GateResult)
    assert res.passed is passed
    assert res.observed == pytest.approx((100 - missing) / 100)
    assert res.threshold == 0.95 and res.severity == "ERROR"
    assert res.example_ids == tuple(f"C{i}" for i in range(min(missing, 5)))
    assert res.details["company_contacts"] == 100  # private contacts without position do not count


def test_position_completeness_whitespace_counts_as_missing_and_severity_param():
    df = company_frame(10, 0)
    df.loc[0, "position"] = "   "
    res = position_completeness(df, threshold=0.95, severity="WARN")
    assert res.observed == pytest.approx(0.9) and not res.passed and res.severity == "WARN"


def test_position_completeness_without_company_contacts():
    res = position_completeness(company_frame(0, 0, n_private=3))
    assert res.passed and res.observed == 1.0 and "note" in res.details


def titled(n: int, with_title: int) -> pd.DataFrame:
    return pd.DataFrame(
        {"contact_id": [f"C{i}" for i in range(n)], "has_title": [i < with_title for i in range(n)]}
    )


@pytest.mark.parametrize(("with_title", "passed"), [(35, True), (36, True), (34, False)])
def test_title_coverage_threshold(with_title, passed):
    # median of the last 7 = 0.40; 5 pp below = 0.35
    history = [0.10, 0.10, 0.39, 0.40, 0.41, 0.40, 0.38, 0.45]  # the first one falls out of the window
    res = title_coverage(titled(100, with_title), history, max_drop_pp=5.0, window=7)
    assert res.passed is passed
    assert res.observed == pytest.approx(with_title / 100)
    assert res.threshold == pytest.approx(0.35)
    assert res.details["median"] == pytest.approx(0.40)


def test_title_coverage_window_matters():
    # with the two old low values inside the window the median drops and 0.34 passes
    history = [0.10, 0.10, 0.10, 0.10, 0.39, 0.40, 0.41]
    assert title_coverage(titled(100, 34), history, window=7).passed
    assert not title_coverage(titled(100, 34), history, window=3).passed


def test_title_coverage_without_history_passes_with_note():
    res = title_coverage(titled(100, 0), [])
    assert res.passed and "note" in res.details


def test_title_coverage_rejects_percent_history():
    with pytest.raises(ValueError):
        title_coverage(titled(10, 5), [40.0, 41.0])


def flagged_frame(n: int, flagged_rows: int, code: str) -> pd.DataFrame:
    flags = [code if i < flagged_rows else ("OWNER_MISSING" if i % 2 else "") for i in range(n)]
    return pd.DataFrame(
        {"contact_id": [f"C{i}" for i in range(n)], "quality_flags": flags, "is_ready": [True] * n}
    )


@pytest.mark.parametrize(
    ("gate", "code"), [(title_loss, "TITLE_DROPPED"), (position_loss, "POSITION_DROPPED")]
)
@pytest.mark.parametrize(("dropped", "passed"), [(10, True), (9, True), (11, False)])
def test_loss_gates_threshold(gate, code, dropped, passed):
    # previous extract had 1000 titled (positioned) contacts: 10 dropped = exactly 1 %
    res = gate(flagged_frame(2000, dropped, code), previous_count=1000, max_share=0.01)
    assert res.passed is passed
    assert res.observed == pytest.approx(dropped / 1000)
    assert res.details["dropped"] == dropped
    assert len(res.example_ids) == 5 and res.example_ids[0] == "C0"


def test_loss_gate_counts_only_its_code():
    df = flagged_frame(100, 50, "POSITION_DROPPED")
    assert title_loss(df, previous_count=100).observed == 0.0
    df.loc[0, "quality_flags"] = "POSITION_MISSING;TITLE_DROPPED;POSITION_DROPPED"
    assert title_loss(df, previous_count=100).details["dropped"] == 1


def test_loss_gate_without_previous():
    assert title_loss(flagged_frame(10, 0, "TITLE_DROPPED"), previous_count=0).passed


@pytest.mark.parametrize(
    ("rows", "passed"), [(1200, True), (800, True), (1201, False), (799, False), (1000, True)]
)
def test_volume_threshold(rows, passed):
    res = volume(rows, 1000, tolerance=0.20)
    assert res.passed is passed
    assert res.observed == pytest.approx(rows / 1000 - 1)


def test_volume_without_previous_and_severity():
    assert volume(5, None).passed
    assert volume(5, 0).passed
    assert volume(2000, 1000, severity="WARN").severity == "WARN"
    with pytest.raises(ValueError):
        volume(1, 1, severity="CRITICAL")


def ready_frame(n: int, not_ready: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "contact_id": [f"C{i}" for i in range(n)],
            "quality_flags": ["TITLE_UNKNOWN" if i < not_ready else "" for i in range(n)],
            "quarantine_reasons": ["TITLE_UNKNOWN" if i < not_ready else "" for i in range(n)],
            "is_ready": [i >= not_ready for i in range(n)],
        }
    )


@pytest.mark.parametrize(("not_ready", "passed"), [(100, True), (99, True), (101, False)])
def test_quarantine_share_threshold(not_ready, passed):
    res = quarantine_share(ready_frame(1000, not_ready), max_share=0.10)
    assert res.passed is passed and res.severity == "ERROR"
    assert res.observed == pytest.approx(not_ready / 1000)


def test_record_rule_gates_counts_every_rule_as_warn():
    df = pd.DataFrame(
        {
            "contact_id": ["C1", "C2", "C3", "C4"],
            "quality_flags": [
                "TITLE_UNKNOWN;OWNER_MISSING",
                "OWNER_MISSING",
                "",
                "TITLE_UNKNOWN;NEW_ENGINE_CODE",
            ],
            "is_ready": [False, True, True, False],
        }
    )
    gates = record_rule_gates(df, {"OWNER_MISSING": "error"})
    assert [g.details["rule"] for g in gates] == list(RULE_CODES)
    by = {g.details["rule"]: g for g in gates}
    assert by["TITLE_UNKNOWN"].observed == 2 and not by["TITLE_UNKNOWN"].passed
    assert by["TITLE_UNKNOWN"].example_ids == ("C1", "C4")
    assert by["OWNER_MISSING"].observed == 2 and by["OWNER_MISSING"].details["rule_severity"] == "error"
    assert by["EMAIL_INVALID"].observed == 0 and by["EMAIL_INVALID"].passed
    assert {g.severity for g in gates} == {"WARN"}


def test_gate_result_is_frozen():
    res = volume(10, 10)
    with pytest.raises(AttributeError):
        res.passed = False  # type: ignore[misc]
