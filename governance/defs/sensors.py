"""Late and re-delivered extracts: the schedule runs each night once, at its hour; when the CRM's file
lands after that run (the run failed for want of it) or is delivered again corrected, this sensor runs
the night again, with no one watching the folder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg

from governance import nightly
from governance.config import GovernanceConfig

SENSOR_NAME = "late_extract_sensor"
LOOKBACK_NIGHTS = 7
# The schedule's tick and this sensor's may fall in the same minute; the sensor leaves the night to
# the schedule for this long after its run time.
GRACE = timedelta(minutes=10)
SIGNATURE_KEY = "extract_signature"
RUN_KEY_TAG = "dagster/run_key"
_IN_PROGRESS = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]


def _latest(instance: dg.DagsterInstance, asset: str, night: str):
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dg.AssetKey(asset), asset_partitions=[night]), limit=1
    ).records
    return records[0] if records else None


def completed_signature(instance: dg.DagsterInstance, night: str) -> str | None:
    """The extract signature of the night's last ingestion, if a run took it as far as the quality gates
    (which record the verdict, on blocked nights too); None otherwise. "" for a night ingested before
    signatures were recorded."""
    raw = _latest(instance, nightly.RAW_TABLE, night)
    gates = _latest(instance, nightly.GATES_ASSET, night)
    if raw is None or gates is None or gates.storage_id < raw.storage_id:
        return None  # never ingested, or that run stopped between ingestion and the gates
    materialization = raw.asset_materialization
    value = materialization.metadata.get(SIGNATURE_KEY) if materialization is not None else None
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
        "the scheduled run or was delivered again (new size or modification time), or when the run "
        "that read it stopped before the gates. One night at a time, oldest first, never beside a "
        "running night, and one run per delivered file.",
    )
    def late_extract_sensor(context: dg.SensorEvaluationContext):
        instance = context.instance
        if instance.get_runs(dg.RunsFilter(job_name=job.name, statuses=_IN_PROGRESS), limit=1):
            return dg.SkipReason("a night is running")
        now = datetime.now(UTC)
        nights = partitions_def.get_partition_keys(current_time=now)[-LOOKBACK_NIGHTS:]
        due = nightly.late_extracts(
            cfg, root, nights, now - GRACE, lambda night: completed_signature(instance, night)
        )
        # Oldest first (a night's gates compare it with the nights before it), but a file whose run
        # already happened and failed is not asked for again: it would hold back the nights after it.
        for night, signature in due:
            run_key = f"{night}:{signature}"
            if instance.get_runs(dg.RunsFilter(tags={RUN_KEY_TAG: run_key}), limit=1):
                context.log.info(
                    f"{night}: this extract already had its run, which did not complete; deliver it again"
                )
                continue
            context.log.info(f"extract for {night} is new since its last completed run: {signature}")
            return dg.RunRequest(
                partition_key=night, run_key=run_key, tags={"governance/trigger": SENSOR_NAME}
            )
        return dg.SkipReason(f"no late or re-delivered extract in the last {LOOKBACK_NIGHTS} nights")

    return late_extract_sensor
