"""Late and re-delivered extracts: the schedule runs each night once, at its hour; when the CRM's file
lands after that run (the run failed for want of it) or is delivered again corrected, this sensor runs
the night again, with no one watching the folder."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg

from governance import nightly
from governance.config import GovernanceConfig

SENSOR_NAME = "late_extract_sensor"
LOOKBACK_NIGHTS = 7
# The schedule's tick and this sensor's may fall in the same minute; the sensor leaves the night to
# the schedule for this long after its run time.
GRACE = timedelta(minutes=10)
SIGNATURE_KEY = "extract_signature"
_ACTIVE = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


def ingested_signature(instance: dg.DagsterInstance, night: str) -> str | None:
    """The extract signature the night's last ingestion recorded ("" before signatures were recorded;
    None when the night was never ingested)."""
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dg.AssetKey(nightly.RAW_TABLE), asset_partitions=[night]), limit=1
    ).records
    if not records or records[0].asset_materialization is None:
        return None
    value = records[0].asset_materialization.metadata.get(SIGNATURE_KEY)
    return "" if value is None else str(value.value)


def build_late_extract_sensor(
    cfg: GovernanceConfig, root: Path, job: dg.UnresolvedAssetJobDefinition, partitions_def
) -> dg.SensorDefinition:
    @dg.sensor(
        name=SENSOR_NAME,
        job=job,
        minimum_interval_seconds=120,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=f"Runs a night of the last {LOOKBACK_NIGHTS} again when its extract landed after "
        "the scheduled run or was delivered again (new size or modification time). One night at a "
        "time, oldest first, never while a night is running.",
    )
    def late_extract_sensor(context: dg.SensorEvaluationContext):
        now = datetime.now(ZoneInfo(cfg.timezone))
        if context.instance.get_runs(dg.RunsFilter(job_name=job.name, statuses=_ACTIVE), limit=1):
            return dg.SkipReason("a night is running")
        nights = partitions_def.get_partition_keys(current_time=now)[-LOOKBACK_NIGHTS:]
        due = nightly.late_extracts(
            cfg, root, nights, now - GRACE, lambda night: ingested_signature(context.instance, night)
        )
        if not due:
            return dg.SkipReason(f"no late or re-delivered extract in the last {LOOKBACK_NIGHTS} nights")
        # Oldest first: a night's gates compare it with the nights before it.
        night, signature = due[0]
        context.log.info(f"extract for {night} is new since its last ingestion: {signature}")
        return dg.RunRequest(
            partition_key=night,
            run_key=f"{night}:{signature}",  # one run per delivered file, even if that run fails
            tags={"governance/trigger": SENSOR_NAME},
        )

    return late_extract_sensor
