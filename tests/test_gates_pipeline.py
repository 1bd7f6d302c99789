"""One partition per gate: the gate trips, its check has the configured severity, and the campaign
lists are blocked exactly when a blocking ERROR gate failed (SQLite; PostgreSQL is in test_pipeline)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from governance import nightly
from governance.sample_data import DefectRates, clean_contacts, generate_contacts, next_night
from tests.pipeline_helpers import Night, night_config, nights, run_night

CAMPAIGNS = {"campaign_list_newsletter_at", "campaign_list_customer_letter_dach"}
FIRST, SECOND = nights("2026-11-20", 2)
N = 2000


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'warehouse.sqlite'}"


def assert_accounted(night: Night, rows: int) -> None:
    assert night.count(nightly.VALIDATED_VIEW) + night.count(nightly.QUARANTINE_TABLE) == rows


def assert_blocked_by(night: Night, gate: str) -> None:
    check = night.checks[gate]
    assert not check.passed, f"{gate} should have failed"
    assert check.severity.value == "ERROR"
    assert not night.result.success
    assert not (CAMPAIGNS & night.materialized), "campaign lists must not be built"
    assert nightly.QUARANTINE_TABLE in night.materialized


def accepted_first_night(cfg, root, base: pd.DataFrame) -> Night:
    night = run_night(cfg, root, FIRST, base)
    assert night.result.success and night.materialized >= CAMPAIGNS
    return night


def test_position_completeness(tmp_path, sqlite_url):
    cfg = night_config(tmp_path, sqlite_url)
    extract = clean_contacts(N, seed=21)
    company = extract.index[extract["account_id"] != ""]
    emptied = company[: int(len(company) * 0.06)]  # 94 % < 95 %
    extract.loc[emptied, "position"] = ""
    night = run_night(cfg, tmp_path, FIRST, extract)

    assert_blocked_by(night, "position_completeness")
    observed = night.checks["position_completeness"].metadata["observed"].value
    assert observed == pytest.approx(1 - len(emptied) / len(company), abs=1e-6)
    assert night.count(nightly.QUARANTINE_TABLE) == len(emptied)  # POSITION_MISSING records
    assert_accounted(night, N)


def test_title_loss(tmp_path, sqlite_url):
    cfg = night_config(tmp_path, sqlite_url)
    base = clean_contacts(N, seed=22)
    accepted_first_night(cfg, tmp_path, base)
    second = next_night(base, seed=23, night=date.fromisoformat(SECOND), lose_titles=0.03)
    night = run_night(cfg, tmp_path, SECOND, second)

    assert_blocked_by(night, "title_loss")
    assert night.checks["title_coverage"].passed  # a 1-point drop is within the 5-point band
    assert night.checks["rule_title_dropped"].metadata["observed"].value > 0
    assert_accounted(night, len(second))


def test_position_loss(tmp_path, sqlite_url):
    cfg = night_config(tmp_path, sqlite_url)
    base = clean_contacts(N, seed=24)
    accepted_first_night(cfg, tmp_path, base)
    second = next_night(base, seed=25, night=date.fromisoformat(SECOND), lose_positions=0.03)
    night = run_night(cfg, tmp_path, SECOND, second)

    assert_blocked_by(night, "position_loss")
    assert night.checks["position_completeness"].passed
    assert_accounted(night, len(second))


def test_volume(tmp_path, sqlite_url):
    cfg = night_config(tmp_path, sqlite_url)
    base = clean_contacts(N, seed=26)
    accepted_first_night(cfg, tmp_path, base)
    shrunk = base.iloc[: int(N * 0.7)]  # the export lost 30 % of the contacts
    night = run_night(cfg, tmp_path, SECOND, shrunk)

    assert_blocked_by(night, "volume")
    assert night.checks["volume"].metadata["observed"].value == pytest.approx(-0.3, abs=0.01)
    assert_accounted(night, len(shrunk))


def test_volume_as_warning_does_not_block(tmp_path, sqlite_url):
    cfg = night_config(tmp_path, sqlite_url, gates={"volume": {"tolerance": 0.2, "severity": "WARN"}})
    base = clean_contacts(N, seed=27)
    accepted_first_night(cfg, tmp_path, base)
    night = run_night(cfg, tmp_path, SECOND, base.iloc[: int(N * 0.7)])

    assert not night.checks["volume"].passed
    assert night.checks["volume"].severity.value == "WARN"
    assert night.result.success
    assert night.materialized >= CAMPAIGNS


def test_quarantine_share(tmp_path, sqlite_url):
    cfg = night_config(tmp_path, sqlite_url)
    extract = generate_contacts(
        N,
        seed=28,
        defects=replace(DefectRates.none(), missing_salutation=0.15),
    )
    night = run_night(cfg, tmp_path, FIRST, extract)

    assert_blocked_by(night, "quarantine_share")
    assert night.checks["rule_gender_unknown"].severity.value == "WARN"
    assert night.checks["rule_gender_unknown"].metadata["observed"].value >= 0.1 * N
    assert_accounted(night, N)


def test_expectation_suite_blocks_what_a_relaxed_rule_lets_through(tmp_path, sqlite_url):
    """Rules downgraded in configuration let unknown titles into validated; the GX suite still stops them."""
    cfg = night_config(tmp_path, sqlite_url, rules={"TITLE_UNKNOWN": "warn"})
    extract = clean_contacts(N, seed=29)
    extract.loc[extract.index[:15], "title"] = "Dr.xyz"
    night = run_night(cfg, tmp_path, FIRST, extract)

    assert_blocked_by(night, "gx_crm_contacts_titles")
    assert night.checks["validated_schema"].passed  # the schema follows the configured severities
    assert night.count(nightly.QUARANTINE_TABLE) == 0


def test_a_realistic_night_reports_record_rules_and_builds_campaigns(tmp_path, sqlite_url):
    cfg = night_config(tmp_path, sqlite_url)
    extract = generate_contacts(N, seed=30)  # default defect rates
    night = run_night(cfg, tmp_path, FIRST, extract)

    errors = {n for n, c in night.checks.items() if not c.passed and c.severity.value == "ERROR"}
    assert errors == set()
    assert night.materialized >= CAMPAIGNS
    quarantined = night.count(nightly.QUARANTINE_TABLE)
    assert 0 < quarantined < 0.1 * N
    assert_accounted(night, N)
    unknown = night.checks["rule_title_unknown"]
    assert unknown.severity.value == "WARN" and not unknown.passed
    wh = night.warehouse()
    flagged = wh.scalar(
        "SELECT COUNT(*) FROM crm_contacts_quarantine WHERE partition_date = :p "
        "AND quarantine_reasons LIKE '%TITLE_UNKNOWN%'",
        {"p": FIRST},
    )
    assert unknown.metadata["observed"].value == flagged > 0


def test_malformed_rows_are_quarantined_with_file_and_line(tmp_path, sqlite_url):
    cfg = night_config(tmp_path, sqlite_url)
    extract = clean_contacts(200, seed=31)
    path = tmp_path / "landing" / f"contacts_{FIRST}.csv"
    path.parent.mkdir(parents=True)
    text = extract.to_csv(index=False)
    lines = text.splitlines()
    lines.insert(5, "C9999999,too,few,fields")  # physical line 6
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    night = run_night(cfg, tmp_path, FIRST, None)

    assert night.result.success
    wh = night.warehouse()
    malformed = wh.query(
        "SELECT source_file, source_line, quarantine_reasons FROM crm_contacts_quarantine "
        "WHERE quality_flags = 'MALFORMED_ROW'"
    )
    assert malformed["source_line"].tolist() == [6]
    assert malformed["source_file"].iloc[0].endswith(path.name)
    assert night.count(nightly.VALIDATED_VIEW) + night.count(nightly.QUARANTINE_TABLE) == 201


def test_a_blocked_rerun_withdraws_the_nights_campaign_lists(tmp_path, sqlite_url):
    cfg = night_config(tmp_path, sqlite_url)
    base = clean_contacts(N, seed=61)
    accepted_first_night(cfg, tmp_path, base)
    second = next_night(base, seed=62, night=date.fromisoformat(SECOND))
    assert run_night(cfg, tmp_path, SECOND, second).result.success
    export = tmp_path / "var" / "exports" / "newsletter_at" / f"{SECOND}.csv"
    assert export.exists()

    lost = next_night(base, seed=62, night=date.fromisoformat(SECOND), lose_titles=0.3)
    rerun = run_night(cfg, tmp_path, SECOND, lost)

    assert_blocked_by(rerun, "title_loss")
    assert not export.exists()
    assert rerun.count("campaign_list_newsletter_at") == 0
    assert rerun.count("campaign_list_customer_letter_dach") == 0


def test_a_rerun_with_an_unreadable_extract_withdraws_the_nights_campaign_lists(tmp_path, sqlite_url):
    cfg = night_config(tmp_path, sqlite_url)
    base = clean_contacts(N, seed=66)
    accepted_first_night(cfg, tmp_path, base)
    export = tmp_path / "var" / "exports" / "newsletter_at" / f"{FIRST}.csv"
    assert export.exists()

    # the night is re-delivered without its surname column: the extract cannot be read
    rerun = run_night(cfg, tmp_path, FIRST, base.drop(columns=["last_name"]))

    assert not rerun.result.success
    assert "last_name" in rerun.step_failure_message()
    assert not export.exists()
    assert rerun.count("campaign_list_newsletter_at") == 0
    assert rerun.count("campaign_list_customer_letter_dach") == 0
    # ... and the night's verdict no longer stands: a campaign built on its own does not bring them back
    assert nightly.night_verdict(rerun.warehouse(), FIRST)[0] == "NOT EVALUATED"
    import dagster as dg

    from governance.defs import build_definitions

    job = build_definitions(cfg, tmp_path).resolve_implicit_global_asset_job_def()
    alone = job.execute_in_process(
        partition_key=FIRST,
        asset_selection=[dg.AssetKey("campaign_list_newsletter_at")],
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    assert not alone.success and not export.exists()


def test_an_archived_extract_leaves_an_accepted_nights_lists_alone(tmp_path, sqlite_url):
    cfg = night_config(tmp_path, sqlite_url)
    night = accepted_first_night(cfg, tmp_path, clean_contacts(N, seed=67))
    listed = night.count("campaign_list_newsletter_at")
    (tmp_path / "landing" / f"contacts_{FIRST}.csv").unlink()  # moved to an archive after the night

    rerun = run_night(cfg, tmp_path, FIRST, None)

    assert not rerun.result.success
    assert (tmp_path / "var" / "exports" / "newsletter_at" / f"{FIRST}.csv").exists()
    assert rerun.count("campaign_list_newsletter_at") == listed > 0


def test_a_campaign_materialised_alone_refuses_a_blocked_night(tmp_path, sqlite_url):
    import dagster as dg

    from governance.defs import build_definitions

    cfg = night_config(tmp_path, sqlite_url)
    base = clean_contacts(N, seed=63)
    accepted_first_night(cfg, tmp_path, base)
    assert_blocked_by(run_night(cfg, tmp_path, SECOND, base.iloc[: int(N * 0.7)]), "volume")

    defs = build_definitions(cfg, tmp_path)
    job = defs.resolve_implicit_global_asset_job_def()
    result = job.execute_in_process(
        partition_key=SECOND,
        asset_selection=[dg.AssetKey("campaign_list_newsletter_at")],
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert "blocked (volume)" in failure.event_specific_data.error.message
    assert not (tmp_path / "var" / "exports" / "newsletter_at" / f"{SECOND}.csv").exists()


def test_retention_keeps_the_baseline_of_the_loss_gates(tmp_path, sqlite_url):
    cfg = night_config(tmp_path, sqlite_url, retention_nights=8)
    base = clean_contacts(N, seed=64)
    early, late = "2026-11-05", "2026-11-16"  # 11 nights apart, retention keeps 8
    assert run_night(cfg, tmp_path, early, base).result.success
    lost = next_night(base, seed=65, night=date.fromisoformat(late), lose_titles=0.1)
    night = run_night(cfg, tmp_path, late, lost)

    assert_blocked_by(night, "title_loss")
    assert night.checks["title_loss"].metadata["observed"].value > 0.05


def test_malformed_rows_count_in_quarantine_share_and_volume(tmp_path, sqlite_url):
    cfg = night_config(tmp_path, sqlite_url)
    extract = clean_contacts(600, seed=66)
    lines = extract.to_csv(index=False).splitlines()
    broken = [line + ",extra" if i % 6 == 0 else line for i, line in enumerate(lines[1:], start=1)]
    path = tmp_path / "landing" / f"contacts_{FIRST}.csv"
    path.parent.mkdir(parents=True)
    path.write_text("\n".join([lines[0], *broken]) + "\n", encoding="utf-8")
    night = run_night(cfg, tmp_path, FIRST, None)

    assert_blocked_by(night, "quarantine_share")
    assert night.checks["quarantine_share"].metadata["observed"].value == pytest.approx(100 / 600)
    assert night.count(nightly.VALIDATED_VIEW) + night.count(nightly.QUARANTINE_TABLE) == 600
