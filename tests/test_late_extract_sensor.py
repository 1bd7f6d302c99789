"""The late-extract sensor: a night runs again when its file lands after the schedule or is re-delivered."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg

from governance import nightly
from governance.defs import NIGHTLY_JOB, build_definitions
from governance.defs.sensors import RUN_KEY_TAG, SENSOR_NAME, SIGNATURE_KEY, completed_signature
from governance.sample_data import clean_contacts, write_extract
from tests.pipeline_helpers import night_config

VIENNA = ZoneInfo("Europe/Vienna")


def _nights_ago(days: int) -> str:
    return (datetime.now(VIENNA).date() - timedelta(days=days)).isoformat()


def _tick(defs: dg.Definitions, instance: dg.DagsterInstance):
    sensor = defs.resolve_sensor_def(SENSOR_NAME)
    return sensor.evaluate_tick(dg.build_sensor_context(instance=instance, definitions=defs))


def test_a_late_file_runs_its_night_once_and_a_redelivered_file_runs_it_again(tmp_path):
    cfg = night_config(tmp_path, f"sqlite:///{tmp_path / 'warehouse.sqlite'}")
    defs = build_definitions(cfg, tmp_path)
    night = _nights_ago(3)
    extract = Path(cfg.paths.landing) / f"contacts_{night}.csv"
    with dg.instance_for_test() as instance:
        first = _tick(defs, instance)
        assert first.run_requests == [] and "no late or re-delivered extract" in first.skip_message

        write_extract(clean_contacts(300, seed=3), extract)  # the scheduled run has long passed
        [request] = _tick(defs, instance).run_requests
        assert request.partition_key == night
        assert request.run_key == f"{night}:{nightly.extract_signature(extract)}"

        result = defs.resolve_job_def(NIGHTLY_JOB).execute_in_process(
            partition_key=night, instance=instance, raise_on_error=False
        )
        assert result.success
        assert _tick(defs, instance).run_requests == []  # ingested as it lies there

        write_extract(clean_contacts(310, seed=4), extract)  # the CRM delivers a corrected file
        stat = extract.stat()
        os.utime(extract, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        [again] = _tick(defs, instance).run_requests
        assert again.partition_key == night and again.run_key != request.run_key


def test_the_oldest_late_night_goes_first_and_nothing_runs_beside_a_running_night(tmp_path):
    cfg = night_config(tmp_path, f"sqlite:///{tmp_path / 'warehouse.sqlite'}")
    defs = build_definitions(cfg, tmp_path)
    for days in (2, 4):
        write_extract(
            clean_contacts(50, seed=days), Path(cfg.paths.landing) / f"contacts_{_nights_ago(days)}.csv"
        )
    with dg.instance_for_test() as instance:
        [request] = _tick(defs, instance).run_requests
        assert request.partition_key == _nights_ago(4)
        instance.add_run(
            dg.DagsterRun(job_name=NIGHTLY_JOB, run_id="a" * 36, status=dg.DagsterRunStatus.STARTED)
        )
        busy = _tick(defs, instance)
        assert busy.run_requests == [] and busy.skip_message == "a night is running"


def test_a_night_before_its_scheduled_run_is_left_to_the_schedule(tmp_path):
    cfg = night_config(tmp_path, "sqlite://")
    night = "2026-11-26"
    write_extract(clean_contacts(20, seed=1), Path(cfg.paths.landing) / f"contacts_{night}.csv")

    def never_completed(_night: str) -> None:
        return None

    at = datetime.combine(date(2026, 11, 27), datetime.min.time(), tzinfo=VIENNA)
    before = at.replace(hour=2, minute=29)
    after = at.replace(hour=2, minute=30)
    assert nightly.late_extracts(cfg, tmp_path, [night], before, never_completed) == []
    [(due, _signature)] = nightly.late_extracts(cfg, tmp_path, [night], after, never_completed)
    assert due == night
    # A night processed before signatures were recorded is left alone (no re-run on upgrade).
    assert nightly.late_extracts(cfg, tmp_path, [night], after, lambda _n: "") == []


def test_the_scheduled_time_on_the_nights_the_clocks_change_is_the_later_instant(tmp_path):
    cfg = night_config(tmp_path, "sqlite://")
    # 2026-10-25 02:30 happens twice in Vienna: the schedule's tick is the second one, 01:30 UTC.
    assert nightly.scheduled_run_utc(cfg, "2026-10-24") == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    # 2026-03-29 02:30 does not exist: the schedule ticks at 03:00 CEST (01:00 UTC); the later reading
    # of 02:30 (as CET, 01:30 UTC) is never before it.
    assert nightly.scheduled_run_utc(cfg, "2026-03-28") == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert nightly.scheduled_run_utc(cfg, "2026-11-26") == datetime(2026, 11, 27, 1, 30, tzinfo=UTC)


def test_a_night_counts_as_done_only_when_its_run_reached_the_gates():
    night = "2026-11-20"
    with dg.instance_for_test() as instance:
        assert completed_signature(instance, night) is None
        instance.report_runless_asset_event(
            dg.AssetMaterialization(nightly.RAW_TABLE, partition=night, metadata={SIGNATURE_KEY: "10-1"})
        )
        assert completed_signature(instance, night) is None  # ingested, then the run stopped
        instance.report_runless_asset_event(
            dg.AssetMaterialization("crm_contacts_quality_gates", partition=night)
        )
        assert completed_signature(instance, night) == "10-1"
        instance.report_runless_asset_event(dg.AssetMaterialization(nightly.RAW_TABLE, partition=night))
        assert completed_signature(instance, night) is None  # a newer ingestion, not yet gated


def test_a_file_whose_run_failed_does_not_hold_back_the_nights_after_it(tmp_path):
    cfg = night_config(tmp_path, f"sqlite:///{tmp_path / 'warehouse.sqlite'}")
    defs = build_definitions(cfg, tmp_path)
    older, newer = _nights_ago(4), _nights_ago(2)
    for night in (older, newer):
        write_extract(clean_contacts(30, seed=7), Path(cfg.paths.landing) / f"contacts_{night}.csv")
    with dg.instance_for_test() as instance:
        [first] = _tick(defs, instance).run_requests
        assert first.partition_key == older
        instance.add_run(
            dg.DagsterRun(
                job_name=NIGHTLY_JOB,
                run_id="b" * 36,
                status=dg.DagsterRunStatus.FAILURE,
                tags={RUN_KEY_TAG: first.run_key},
            )
        )
        [second] = _tick(defs, instance).run_requests
        assert second.partition_key == newer


def test_a_sql_source_has_no_landing_sensor(tmp_path):
    cfg = night_config(tmp_path, "sqlite://", extract={"source": "sql", "sql": {"url": "sqlite://"}})
    assert [s.name for s in build_definitions(cfg, tmp_path).sensors or []] == []
