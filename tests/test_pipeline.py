"""Whole nights through Dagster, on SQLite and on the real PostgreSQL."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from governance import nightly
from governance.sample_data import clean_contacts, next_night
from tests.pipeline_helpers import night_config, nights, run_night

CAMPAIGNS = {"campaign_list_newsletter_at", "campaign_list_customer_letter_dach"}


def test_definitions_load():
    import dagster as dg

    from governance.definitions import defs

    dg.Definitions.validate_loadable(defs)
    assert defs.resolve_job_def("nightly_contacts_job") is not None
    assert defs.resolve_schedule_def("nightly_contacts_schedule").execution_timezone == "Europe/Vienna"


def test_clean_night_passes_every_gate_and_builds_the_campaigns(tmp_path, warehouse_url):
    cfg = night_config(tmp_path, warehouse_url)
    extract = clean_contacts(1500, seed=7)
    night = run_night(cfg, tmp_path, "2026-11-20", extract)

    assert night.failed_checks == set(), night.failed_checks
    assert night.result.success
    assert night.materialized >= CAMPAIGNS
    campaign_checks = [
        e
        for e in night.result.get_asset_check_evaluations()
        if e.check_name == "only_ready_contacts_not_opted_out"
    ]
    assert len(campaign_checks) == len(CAMPAIGNS) and all(e.passed for e in campaign_checks)
    validated = night.count(nightly.VALIDATED_VIEW)
    quarantined = night.count(nightly.QUARANTINE_TABLE)
    assert validated + quarantined == len(extract)
    assert quarantined == 0
    export = tmp_path / "var" / "exports" / "newsletter_at" / "2026-11-20.csv"
    assert export.read_bytes().startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(export, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert len(frame) == night.count("campaign_list_newsletter_at") > 0
    assert frame["salutation_line"].str.len().min() > 0


def test_lost_title_column_blocks_the_campaigns(tmp_path, warehouse_url):
    cfg = night_config(tmp_path, warehouse_url)
    first, second = nights("2026-11-20", 2)
    base = clean_contacts(1500, seed=11)
    accepted = run_night(cfg, tmp_path, first, base)
    assert accepted.result.success and accepted.materialized >= CAMPAIGNS

    lost = next_night(base, seed=12, night=date.fromisoformat(second), drop_title_column=True)
    blocked = run_night(cfg, tmp_path, second, lost)

    assert {"title_coverage", "title_loss"} <= blocked.failed_checks
    for name in ("title_coverage", "title_loss"):
        assert blocked.checks[name].severity.value == "ERROR"
    assert not blocked.result.success
    assert not (CAMPAIGNS & blocked.materialized)
    # The night still accounts for every row and records why.
    assert nightly.QUARANTINE_TABLE in blocked.materialized
    assert blocked.count(nightly.VALIDATED_VIEW) + blocked.count(nightly.QUARANTINE_TABLE) == len(lost)
    assert blocked.count(nightly.QUARANTINE_TABLE) > 0  # the contacts whose title was dropped


def test_missing_required_column_fails_ingestion_and_writes_nothing(tmp_path):
    cfg = night_config(tmp_path, f"sqlite:///{tmp_path / 'wh.sqlite'}")
    extract = clean_contacts(50, seed=3).drop(columns=["last_name"])
    night = run_night(cfg, tmp_path, "2026-11-20", extract)

    assert not night.result.success
    message = night.step_failure_message()
    assert "contacts_2026-11-20.csv" in message and "last_name" in message
    assert night.materialized == set()
    wh = night.warehouse()
    assert not wh.has_table(nightly.RAW_TABLE) or night.count(nightly.RAW_TABLE) == 0


def test_missing_extract_names_the_file(tmp_path):
    cfg = night_config(tmp_path, f"sqlite:///{tmp_path / 'wh.sqlite'}")
    night = run_night(cfg, tmp_path, "2026-11-21", None)
    assert not night.result.success
    assert "contacts_2026-11-21.csv" in night.step_failure_message()


@pytest.mark.parametrize("rerun", [1, 2])
def test_rerunning_a_night_replaces_its_rows(tmp_path, rerun):
    cfg = night_config(tmp_path, f"sqlite:///{tmp_path / 'wh.sqlite'}")
    extract = clean_contacts(300, seed=5)
    for _ in range(rerun):
        night = run_night(cfg, tmp_path, "2026-11-20", extract)
    assert night.count(nightly.RAW_TABLE) == 300
    assert night.count(nightly.STAGED_TABLE) == 300


def test_export_without_the_title_column_is_blocked_not_refused(tmp_path):
    """The failure this product exists for: the CRM export silently lost its title column."""
    cfg = night_config(tmp_path, f"sqlite:///{tmp_path / 'wh.sqlite'}")
    first, second = nights("2026-11-20", 2)
    base = clean_contacts(1500, seed=13)
    assert run_night(cfg, tmp_path, first, base).result.success

    lost = next_night(base, seed=14, night=date.fromisoformat(second)).drop(columns=["title"])
    blocked = run_night(cfg, tmp_path, second, lost)

    raw = blocked.result.asset_materializations_for_node(nightly.RAW_TABLE)[0].metadata
    assert "title" in raw["warnings"].value  # the missing column is reported at ingestion
    assert {"title_coverage", "title_loss"} <= blocked.failed_checks
    assert not (CAMPAIGNS & blocked.materialized)


def test_country_normalisation_reuses_the_engine_reading():
    from governance.nightly import normalise_country

    values = pd.Series(
        ["Österreich", " at", "Deutschland", "", None, "Italien", "Liechtenstein", "schweiz", "Atlantis"]
    )
    assert normalise_country(values).tolist() == ["AT", "AT", "DE", "", "", "IT", "LI", "CH", "ATLANTIS"]


def test_validated_view_follows_new_staged_columns(warehouse_url):
    from governance.warehouse import Warehouse

    wh = Warehouse(warehouse_url)
    frame = pd.DataFrame({"contact_id": ["C1", "C2"], "is_ready": [True, False]})
    wh.replace_partition(nightly.STAGED_TABLE, "2026-11-20", frame)
    assert nightly.publish_validated(wh, "2026-11-20") == {"rows": 1}
    wh.replace_partition(nightly.STAGED_TABLE, "2026-11-21", frame.assign(salutation_line=["a", "b"]))
    nightly.publish_validated(wh, "2026-11-21")
    columns = wh.query(
        f'SELECT * FROM "{nightly.VALIDATED_VIEW}" WHERE partition_date = :p', {"p": "2026-11-21"}
    )
    assert "salutation_line" in columns.columns and columns["contact_id"].tolist() == ["C1"]
    wh.dispose()
