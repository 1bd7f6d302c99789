"""The `governance` command: run a night, fix salutations in a CSV, write sample extracts."""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from governance.config import PROJECT_ROOT, ConfigError, GovernanceConfig, load_config


def last_completed_night(cfg: GovernanceConfig, now: datetime | None = None) -> str:
    """The partition the schedule would run now: yesterday in the configured time zone."""
    now = now or datetime.now(ZoneInfo(cfg.timezone))
    return (now.astimezone(ZoneInfo(cfg.timezone)).date() - timedelta(days=1)).isoformat()


def _print(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", flush=True)


def _progress_logger():
    """A Dagster logger that prints one short line per step and per message of our own code."""
    import dagster as dg

    class _Handler(logging.Handler):
        def __init__(self) -> None:
            super().__init__()
            self.failed: dict[str, bool] = {}  # failed step -> failed because a blocking gate failed

        def emit(self, record: logging.LogRecord) -> None:
            try:
                self._show(record)
            except Exception:  # noqa: BLE001 - progress output must never fail a step
                self.handleError(record)

        def _show(self, record: logging.LogRecord) -> None:
            meta = getattr(record, "dagster_meta", None) or {}
            event = meta.get("dagster_event")
            step = meta.get("step_key") or ""
            if event is None:
                message = str(meta.get("orig_message", record.getMessage()))
                if message.startswith("Dependencies for step"):
                    _print(f"{step}: skipped ({self._why_skipped(message)})")
                elif record.levelno >= logging.INFO and step:
                    _print(f"  {step}: {message}")
                return
            kind = event.event_type_value
            if kind == dg.DagsterEventType.RUN_START.value:
                self.failed.clear()  # the logger lives as long as the process, a run's failures do not
            elif kind == "STEP_START":
                _print(f"{step} ...")
            elif kind == "STEP_FAILURE":
                error = event.step_failure_data.error if event.step_failure_data else None
                gate = error is not None and error.cls_name == "DagsterAssetCheckFailedError"
                self.failed[step] = gate
                _print(f"{step} BLOCKED (a blocking gate failed)" if gate else f"{step} FAILED")
            elif kind == "ASSET_CHECK_EVALUATION":
                data = event.asset_check_evaluation_data
                if not data.passed:
                    _print(f"  check {data.check_name}: FAILED ({data.severity.value})")

        def _why_skipped(self, message: str) -> str:
            """The failed steps the message names (Dagster: "... failed: ['a', 'b']"), else this run's."""
            named = re.search(r"failed: \[([^\]]*)\]", message)
            steps = re.findall(r"'([^']+)'", named.group(1)) if named else list(self.failed)
            if any(self.failed.get(s) for s in steps) or (not named and any(self.failed.values())):
                return "a blocking gate failed"
            return f"{', '.join(steps) or 'an upstream step'} failed"

    @dg.logger
    def progress(_init_context):
        log = logging.getLogger("governance.progress")
        log.setLevel(logging.DEBUG)  # step events arrive at DEBUG; the handler picks what to show
        log.propagate = False
        if not log.handlers:
            log.addHandler(_Handler())
        return log

    return progress


DAGSTER_YAML = "# Local Dagster instance (SQLite storage under this folder).\ntelemetry:\n  enabled: false\n"


def ensure_dagster_home(home: Path) -> None:
    """A local instance with telemetry off: the pipeline's network traffic stays on this machine."""
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML, encoding="utf-8")


def ensure_sample_extract(cfg: GovernanceConfig, root: Path, partition: str, rows: int) -> Path:
    """Write a sample extract for the night unless one is already in the landing folder."""
    from governance import nightly

    path = nightly.extract_path(cfg, root, partition)
    if path.exists():
        _print(f"using the extract in {path}")
        return path
    from governance.sample_data import generate_contacts, write_extract

    _print(f"no extract for {partition}: writing a sample of {rows:,} contacts to {path}")
    write_extract(generate_contacts(rows, seed=42, night=date.fromisoformat(partition)), path)
    return path


def cmd_run(args: argparse.Namespace) -> int:
    cfg = load_config(args.config)
    root = PROJECT_ROOT
    var = cfg.paths.resolve(root).var
    os.environ.setdefault("DAGSTER_HOME", str(var / "dagster"))
    ensure_dagster_home(Path(os.environ["DAGSTER_HOME"]))
    partition = check_partition_date(cfg, args.date) if args.date else last_completed_night(cfg)
    if cfg.extract.source == "csv" and args.sample:
        ensure_sample_extract(cfg, root, partition, args.sample_rows)

    _print("loading definitions")
    import dagster as dg

    from governance.defs import NIGHTLY_JOB, build_definitions
    from governance.warehouse import Warehouse

    defs = build_definitions(cfg, root)
    job = defs.resolve_job_def(NIGHTLY_JOB).with_logger_defs({"progress": _progress_logger()})
    started = time.perf_counter()
    _print(f"running {NIGHTLY_JOB} for {partition}")
    result = job.execute_in_process(
        partition_key=partition,
        instance=dg.DagsterInstance.get(),
        raise_on_error=False,
        run_config={"loggers": {"progress": {}}},
    )
    elapsed = time.perf_counter() - started
    warehouse = Warehouse(cfg.resolved_warehouse_url(root))
    print(night_summary(result, warehouse, partition, elapsed, cfg, root))
    return 0 if _night_completed(result) else 1


def _error_text(error) -> str:
    """What went wrong, for a person: the innermost cause (Dagster wraps the step's own exception in
    "Error occurred while executing op ..."), without Dagster's class-path prefix of a ``Failure``."""
    while error.cause is not None:
        error = error.cause
    text = " ".join(error.message.split())
    if text.startswith("dagster.") and ": " in text:  # "dagster._core.definitions.events.Failure: ..."
        text = text.split(": ", 1)[1]
    return text[:500]


def _step_failures(result) -> list[tuple[str, str]]:
    """(step, message) of steps that failed themselves, not by a blocking check they ran."""
    failures = []
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE":
            error = event.event_specific_data.error
            if error is None or "DagsterAssetCheckFailedError" not in (error.cls_name or ""):
                failures.append((event.step_key, _error_text(error) if error else "unknown error"))
    return failures


def check_partition_date(cfg: GovernanceConfig, value: str) -> str:
    """``--date`` as a night the pipeline has: an ISO date from partitions_start up to the last
    completed night. Raises ConfigError (exit 2) naming the option."""
    try:
        night = date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"--date {value!r}: not a date (YYYY-MM-DD)") from None
    last = date.fromisoformat(last_completed_night(cfg))
    if not date.fromisoformat(cfg.partitions_start) <= night <= last:
        raise ConfigError(
            f"--date {value}: outside the nights the pipeline has, {cfg.partitions_start} "
            f"(partitions_start in the configuration) to {last.isoformat()} (the last night that has ended)"
        )
    return value


def _night_completed(result) -> bool:
    """A night whose gates blocked the campaign lists still completed its job: exit 0 then.

    Only a failure of a step itself (unreadable extract, database down) is a failed run.
    """
    return not _step_failures(result)


def _materialization_metadata(result, asset: str) -> dict | None:
    for event in result.get_asset_materialization_events():
        if event.asset_key.to_user_string() == asset:
            return event.materialization.metadata
    return None


def alert_lines(alerts: dict, cfg: GovernanceConfig, root: Path, partition: str) -> list[str]:
    """The summary's lines on the owner digests (from owner_alerts' metadata): sent, and what was not."""
    where = f" -> {cfg.paths.resolve(root).outbox / partition}" if cfg.alerts.channel == "outbox" else ""
    lines = [f"  owner digests:  {alerts['digests_sent'].value} via {cfg.alerts.channel}{where}"]
    failed = alerts["failed_recipients"].value if "failed_recipients" in alerts else 0
    if failed:
        lines.append(f"    NOT DELIVERED to {failed} recipient(s): see the run log of owner_alerts")
    skipped = alerts["skipped_owners"].value if "skipped_owners" in alerts else "none"
    if skipped != "none":
        count = alerts["unaddressed_records"].value if "unaddressed_records" in alerts else None
        ids = alerts["unaddressed_contact_ids"].value if "unaddressed_contact_ids" in alerts else ""
        records = f": {count} record(s) reach nobody, e.g. {ids}" if count else ""
        lines.append(f"    no recipient for: {skipped}{records} (set alerts.fallback_recipient)")
    return lines


def night_summary(
    result, warehouse, partition: str, elapsed: float, cfg: GovernanceConfig, root: Path
) -> str:
    from governance import nightly
    from governance.defs.sql_assets import CAMPAIGN_PREFIX

    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    checks = result.get_asset_check_evaluations()
    failed = [c for c in checks if not c.passed]
    lines = ["", f"Night {partition} ({elapsed:.1f} s)"]
    failures = _step_failures(result)
    raw = _materialization_metadata(result, nightly.RAW_TABLE)
    if raw is None:
        reason = failures[0][1] if failures else "not run"
        lines.append(f"  ingestion FAILED: {reason}")
        return "\n".join(lines)
    lines.append(f"  rows in:        {raw['rows_read'].value:,} ({raw['rows_rejected'].value:,} malformed)")
    if nightly.VALIDATED_VIEW in materialized and nightly.QUARANTINE_TABLE in materialized:
        validated = warehouse.scalar(
            f'SELECT COUNT(*) FROM "{nightly.VALIDATED_VIEW}" WHERE partition_date = :p', {"p": partition}
        )
        quarantined = warehouse.scalar(
            f'SELECT COUNT(*) FROM "{nightly.QUARANTINE_TABLE}" WHERE partition_date = :p', {"p": partition}
        )
        lines.append(f"  validated:      {validated:,}")
        lines.append(f"  quarantined:    {quarantined:,}")
    blocking = sum(1 for c in failed if c.severity.value == "ERROR")
    lines.append(
        f"  checks:         {len(checks) - len(failed)} passed, {len(failed)} failed "
        f"({blocking} blocking ERROR, {len(failed) - blocking} WARN)"
    )
    for c in sorted(failed, key=lambda c: (c.severity.value, c.check_name)):
        observed = c.metadata.get("observed")
        shown = f": observed {observed.value:g}" if observed is not None else ""
        lines.append(f"    - {c.check_name} ({c.severity.value}){shown}")
    for step, message in failures:
        lines.append(f"  step {step} FAILED: {message}")
    campaigns = [n for n in result.job_def.asset_layer.asset_graph.get_all_asset_keys()]
    for key in sorted(k.to_user_string() for k in campaigns):
        if not key.startswith(CAMPAIGN_PREFIX):
            continue
        name = key.removeprefix(CAMPAIGN_PREFIX)
        if key in materialized:
            # The file this run exported (an older one of the night may still lie there: not it).
            export = (_materialization_metadata(result, key) or {}).get("export")
            where = f" -> {export.value}" if export is not None else " (not exported)"
            lines.append(f"  campaign {name}: built{where}")
        elif failures:
            lines.append(f"  campaign {name}: NOT BUILT (a step failed)")
        else:
            lines.append(f"  campaign {name}: BLOCKED (a blocking gate failed)")
    alerts = _materialization_metadata(result, "owner_alerts")
    if alerts is not None:
        lines.extend(alert_lines(alerts, cfg, root, partition))
    report = _materialization_metadata(result, "crm_quality_report")
    if report is not None:
        lines.append(f"  quality report: {report['path'].value}")
    gates = _materialization_metadata(result, nightly.GATES_ASSET) or {}
    if "gx_data_docs" in gates:
        lines.append(f"  GX Data Docs:   {gates['gx_data_docs'].value}")
    lines.append(f"  warehouse:      {warehouse.display_url}")
    lines.append(f"  Dagster UI:     make ui  (DAGSTER_HOME={os.environ.get('DAGSTER_HOME')})")
    return "\n".join(lines)


def cmd_salutations(args: argparse.Namespace) -> int:
    from governance.titles import SalutationConfig, TitleInputError, salutations_csv

    config = SalutationConfig(force_gendered_forms=args.force_gendered_forms, phd_as_dr=args.phd_as_dr)
    try:
        rows = salutations_csv(args.input, args.output, config)
    except TitleInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{rows:,} contact{'' if rows == 1 else 's'} written to {args.output}")
    return 0


def cmd_sample(args: argparse.Namespace) -> int:
    from governance.sample_data import generate_contacts, write_extract

    night = date.fromisoformat(args.date) if args.date else None
    path = write_extract(generate_contacts(args.rows, seed=args.seed, night=night), args.output)
    print(f"{args.rows:,} sample contacts written to {path}")
    return 0


def _row_count(value: str) -> int:
    try:
        rows = int(value)
    except ValueError:
        rows = -1
    if rows < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive number of rows")
    return rows


def _iso_date(value: str) -> str:
    try:
        date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="governance", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the nightly pipeline for one night")
    run.add_argument("--date", help="partition (YYYY-MM-DD); default: yesterday in Europe/Vienna")
    run.add_argument("--config", help="configuration file (default: governance.yaml)")
    run.add_argument("--sample", action="store_true", help="write a sample extract if none is there")
    run.add_argument("--sample-rows", type=_row_count, default=5000)
    run.set_defaults(func=cmd_run)

    sal = sub.add_parser("salutations", help="add salutation lines and address blocks to a contacts CSV")
    sal.add_argument("input")
    sal.add_argument("-o", "--output", required=True)
    sal.add_argument("--force-gendered-forms", action="store_true")
    sal.add_argument("--phd-as-dr", action="store_true")
    sal.set_defaults(func=cmd_salutations)

    sample = sub.add_parser("sample", help="write a generated sample extract")
    sample.add_argument("output")
    sample.add_argument("--rows", type=_row_count, default=5000)
    sample.add_argument("--seed", type=int, default=42)
    sample.add_argument("--date", type=_iso_date, help="night of the extract (YYYY-MM-DD)")
    sample.set_defaults(func=cmd_sample)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
