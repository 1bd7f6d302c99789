"""The late-extract sensor: a night runs again when its file lands after the schedule or is re-delivered."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg

from governance import nightly
from governance.defs import NIGHTLY_JOB, build_definitions
from governance.defs.sensors import SENSOR_NAME
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

    def never_ingested(_night: str) -> None:
        return None

    at = datetime.combine(date(2026, 11, 27), datetime.min.time(), tzinfo=VIENNA)
    before = at.replace(hour=2, minute=29)
    after = at.replace(hour=2, minute=30)
    assert nightly.late_extracts(cfg, tmp_path, [night], before, never_ingested) == []
    [(due, _signature)] = nightly.late_extracts(cfg, tmp_path, [night], after, never_ingested)
    assert due == night


def test_a_sql_source_has_no_landing_sensor(tmp_path):
    cfg = night_config(tmp_path, "sqlite://", extract={"source": "sql", "sql": {"url": "sqlite://"}})
    assert [s.name for s in build_definitions(cfg, tmp_path).sensors or []] == []
