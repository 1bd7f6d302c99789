"""One night's steps as plain functions over the warehouse (the functional core the Dagster assets call).

Each step reads what the previous step wrote for the same partition and replaces its own output for
that partition, so any step can be re-run alone. Nothing here imports Dagster.
"""

from __future__ import annotations

import importlib
import os
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from governance.config import GovernanceConfig, PathsConfig
from governance.contact_model import CANONICAL_COLUMNS, FIX_LIST_COLUMNS, LINEAGE_COLUMNS
from governance.quality.rules import MALFORMED_CODE, PreviousContacts, count_flags
from governance.warehouse import PARTITION_COLUMN, Warehouse, check_partition_key, to_bool

if TYPE_CHECKING:  # for annotations; the functions import pyarrow where they use it
    import pyarrow as pa

RAW_TABLE = "crm_contacts_raw"
REJECTS_TABLE = "crm_contacts_rejects"
STAGING_VIEW = "stg_crm_contacts"
STAGED_TABLE = "crm_contacts_staged"
VALIDATED_VIEW = "crm_contacts_validated"
QUARANTINE_TABLE = "crm_contacts_quarantine"
GATE_RESULTS_TABLE = "quality_gate_results"
HISTORY_TABLE = "quality_history"
GATES_ASSET = "crm_contacts_quality_gates"  # the step that records the night's verdict

# The Python assets SQL models may ref.
PYTHON_TABLES = (RAW_TABLE, STAGED_TABLE, VALIDATED_VIEW, QUARANTINE_TABLE)

# Columns kept in quarantine: enough for an owner to find and fix the record.
QUARANTINE_COLUMNS = FIX_LIST_COLUMNS

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


# --------------------------------------------------------------------------------------------- ingest


@dataclass(frozen=True)
class IngestOutcome:
    source: str
    profile: str
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    encoding: str = ""
    delimiter: str = ""
    warnings: tuple[str, ...] = ()
    signature: str = ""  # the extract file's extract_signature ("" for a SQL source)


def extract_path(cfg: GovernanceConfig, root: Path, partition_date: str) -> Path:
    landing = cfg.paths.resolve(root).landing
    return landing / cfg.extract.file_pattern.format(date=check_partition_key(partition_date))


def preload_gate_libraries() -> None:
    """Import pandera and Great Expectations and build the GX context now (a second call finds them done).

    The imports cost seconds (GX alone 5 s on a slow day of the benchmark machine). The night calls
    this while its worker process writes the raw rows, so the import fills a wait (the gates then find
    it done). In this thread, not a background one: imported beside the night's own SQLAlchemy calls,
    GX's import of sqlalchemy.orm was seen half-initialised ("partially initialized module
    'sqlalchemy.orm.exc'"). A failure is left for the gates to report; one library's does not keep
    the other from loading."""
    import logging

    for library in ("schemas", "gx_runner"):
        try:
            module = importlib.import_module(f"governance.quality.{library}")
            module.preload()
        except Exception:  # the gates import again and report it; the first traceback is kept here
            logging.getLogger(__name__).debug("preloading %s failed", library, exc_info=True)


def ingest_extract(
    cfg: GovernanceConfig, root: Path, warehouse: Warehouse, partition_date: str, progress: Progress = _quiet
) -> IngestOutcome:
    """Read the night's extract and write every row: loaded rows to raw, malformed ones to rejects.

    A missing required column, an unreadable or empty file raises ``ExtractError`` before anything
    is written for the partition.
    """
    from governance.ingest import read_csv_extract, read_sql_extract

    if cfg.extract.source == "sql":
        sql = cfg.extract.sql
        assert sql is not None  # validated by the config model
        signature = ""
        progress(f"querying the CRM database ({sql.profile})")
        extract = read_sql_extract(sql.url, sql.profile, query=sql.query, table=sql.table)
        source = extract.contacts["source_file"].iat[0] if len(extract.contacts) else sql.profile
    else:
        path = extract_path(cfg, root, partition_date)
        progress(f"reading {path}")
        signature = extract_signature(path) if path.is_file() else ""
        extract = read_csv_extract(path, cfg.extract.profile)
        source = str(path)
    contacts = extract.contacts[list(CANONICAL_COLUMNS) + list(LINEAGE_COLUMNS)]
    progress(f"writing {len(contacts):,} raw rows and {len(extract.rejects):,} rejects")
    warehouse.replace_partition(RAW_TABLE, partition_date, contacts, while_writing=preload_gate_libraries)
    rejects = extract.rejects[["source_file", "source_line", "reason", "raw_text"]]
    warehouse.replace_partition(REJECTS_TABLE, partition_date, rejects.astype({"source_line": "int64"}))
    return IngestOutcome(
        source=str(source),
        profile=extract.profile,
        rows_read=extract.rows_read,
        rows_loaded=len(contacts),
        rows_rejected=len(extract.rejects),
        encoding=extract.encoding,
        delimiter=extract.delimiter,
        warnings=tuple(extract.warnings),
        signature=signature,
    )


def extract_signature(path: Path) -> str:
    """Size and modification time of an extract file: a re-delivered file gets a new signature."""
    stat = path.stat()
    return f"{stat.st_size}-{stat.st_mtime_ns}"


def scheduled_run_utc(cfg: GovernanceConfig, night: str) -> datetime:
    """When the schedule runs ``night`` (the next day at schedule_hour:schedule_minute local time), in UTC.

    On the days the clocks change that local time is ambiguous or missing: the later instant is taken,
    so nothing counts as past the schedule before the schedule's own tick."""
    local = datetime.combine(
        date.fromisoformat(night) + timedelta(days=1),
        time_of_day(cfg.schedule_hour, cfg.schedule_minute),
        tzinfo=ZoneInfo(cfg.timezone),
    )
    return max(local.replace(fold=fold).astimezone(UTC) for fold in (0, 1))


def late_extracts(
    cfg: GovernanceConfig,
    root: Path,
    nights: Sequence[str],
    cutoff: datetime,
    completed_signature: Callable[[str], str | None],
) -> list[tuple[str, str]]:
    """(night, signature) of each of ``nights``, oldest first, whose extract lies in the landing folder
    but was not completed as it is now: it came after the night's scheduled run, or was delivered again.

    Only nights whose scheduled run is before ``cutoff`` (an aware datetime) count: until then the
    schedule takes the file. ``completed_signature(night)``: the signature of the extract the night's
    last completed run (one that got as far as the gates) ingested; None when no run completed; "" when
    the run is older than signatures (such a night is left alone: it was processed)."""
    due: list[tuple[str, str]] = []
    for night in sorted(nights):
        if scheduled_run_utc(cfg, night) > cutoff.astimezone(UTC):
            continue
        path = extract_path(cfg, root, night)
        try:
            signature = extract_signature(path)
        except FileNotFoundError:
            continue
        if completed_signature(night) not in ("", signature):
            due.append((night, signature))
    return due


# -------------------------------------------------------------------------------------------- staging


def normalise_country(series: pd.Series) -> pd.Series:
    """ISO alpha-2 for DACH names and codes (the title engine's reading); others upper-cased.

    An empty country stays empty: the engine addresses it the Austrian way, but the data does not
    pretend to know where the contact lives.
    """
    from governance.titles.parser import parse_country

    text = series.fillna("").astype(str).str.strip()
    codes = {value: parse_country(value)[0] if value else "" for value in pd.unique(text)}
    return text.map(codes)


@dataclass(frozen=True)
class PreviousNight:
    partition_date: str
    lookup: PreviousContacts  # its ids the loss rules look up, prepared once for every chunk


def last_accepted_partition(warehouse: Warehouse, before: str) -> str | None:
    if not warehouse.has_table(HISTORY_TABLE):
        return None
    return warehouse.scalar(
        f"SELECT MAX({PARTITION_COLUMN}) FROM {HISTORY_TABLE} "
        f"WHERE accepted_flag = 1 AND {PARTITION_COLUMN} < :p",
        {"p": check_partition_key(before)},
    )


def previous_accepted_night(warehouse: Warehouse, partition_date: str) -> PreviousNight | None:
    previous = last_accepted_partition(warehouse, partition_date)
    if previous is None or not warehouse.has_table(STAGED_TABLE):
        return None
    from governance.ingest.extract import no_value_marks

    columns = ["contact_id", "has_title", "position", "title"]
    frame = warehouse.read_handoff(STAGED_TABLE, previous, columns=columns)
    if frame is None:
        frame = warehouse.read_partition(STAGED_TABLE, previous, columns=columns)
    # A night staged before placeholders were read as empty holds "-" or "NULL" as written: read alike,
    # so that tonight's empty field is no title or position lost since then.
    for col in ("title", "position"):
        frame[col] = frame[col].fillna("").astype("str")
    frame["has_title"] = to_bool(frame["has_title"]) & ~no_value_marks(frame["title"], "title").to_numpy(bool)
    frame["position"] = _position_as_staged_now(
        frame["position"].mask(no_value_marks(frame["position"], "position"), "")
    )
    return PreviousNight(partition_date=previous, lookup=PreviousContacts.from_frame(frame))


def _position_as_staged_now(positions: pd.Series) -> pd.Series:
    """Last night's positions as tonight's staging leaves them: titles typed there ("Dr.", "Dr.
    Geschäftsführer") are titles now, so a night staged before they moved does not count "Dr." as a
    position lost since then."""
    from governance.titles.parser import titles_in_position
    from governance.titles.vocabulary import load_vocabulary

    vocab = load_vocabulary()
    moved = {p: found.rest for p in positions.unique() if (found := titles_in_position(p, vocab)) is not None}
    return positions.replace(moved) if moved else positions


# Rows staged per chunk: small enough that the first chunk is parsed quickly (the write waits for it),
# large enough that the per-chunk work of the title engine (its distinct values) stays small.
STAGE_CHUNK_ROWS = 125_000


@dataclass(frozen=True)
class StageOutcome:
    rows: int
    ready: int
    flag_counts: dict[str, int]
    previous_partition: str | None


def stage_frame(
    stg: pd.DataFrame,
    cfg: GovernanceConfig,
    previous: PreviousNight | None,
    duplicate_ids: np.ndarray | None = None,
) -> pd.DataFrame:
    """Typed, parsed and flagged contacts from the staging view's rows (pure function). ``duplicate_ids``:
    when ``stg`` is one chunk of the night, the ids the whole night holds twice (see apply_record_rules)."""
    from governance.quality import apply_record_rules
    from governance.titles import SalutationConfig, parse_contacts

    frame = stg.copy(deep=False)  # copy-on-write: the caller's frame is never changed
    for column in CANONICAL_COLUMNS:
        frame[column] = frame[column].fillna("").astype(str).str.strip()
    frame["source_line"] = pd.to_numeric(frame["source_line"]).astype("int64")
    frame["country"] = normalise_country(frame["country"])
    for column in ("email_opt_out", "do_not_contact"):
        frame[column] = to_bool(frame[column])
    frame["is_company_contact"] = (frame["account_id"] != "") | (frame["company"] != "")
    parsed = parse_contacts(
        frame,
        SalutationConfig(
            force_gendered_forms=cfg.salutation.force_gendered_forms, phd_as_dr=cfg.salutation.phd_as_dr
        ),
    )
    # An office typed into the title field became the position: the completeness rules and gates read
    # the position column, so the record carries it there too (raw keeps the row as delivered).
    moved = parsed["issues"].str.contains("POSITION_IN_TITLE_FIELD", regex=False).to_numpy(dtype=bool) & (
        frame["position"] == ""
    ).to_numpy(dtype=bool)
    if moved.any():
        frame["position"] = frame["position"].mask(moved, parsed["position_canonical"])
    # ... and titles typed into the position field became titles: the record keeps the job written beside
    # them, if any ("Dr. Geschäftsführer"); with none, a company contact needs one, as any other.
    to_titles = parsed["issues"].str.contains("TITLE_IN_POSITION_FIELD", regex=False).to_numpy(dtype=bool)
    if to_titles.any():
        frame["position"] = frame["position"].mask(to_titles, parsed["position_canonical"])
    staged = pd.concat([frame, parsed], axis=1)
    return apply_record_rules(
        staged,
        previous.lookup if previous is not None else None,
        severities=dict(cfg.rules),
        duplicate_ids=duplicate_ids,
    )


def _return_free_memory() -> None:
    """Give the memory earlier steps freed back to the system before the night's largest step. Arrow's
    pool (mimalloc) and glibc's malloc keep freed pages, and those count in the peak RSS. On the 1M
    benchmark the run's own peak was 1,642 to 1,698 MB after, 1,735 to 1,750 MB before; the sampled
    peak of the run and its workers together varies more from run to run (1,810 to 1,931 MB)."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: its pages stay with the process
        pass


def stage_contacts(
    cfg: GovernanceConfig, warehouse: Warehouse, partition_date: str, progress: Progress = _quiet
) -> StageOutcome:
    from governance.quality import duplicate_contact_ids

    # The last night first: the frame its ids are read from is freed and given back with the rest.
    previous = previous_accepted_night(warehouse, partition_date)
    _return_free_memory()
    stg = warehouse.read_partition(STAGING_VIEW, partition_date)
    progress(f"parsing titles and applying record rules to {len(stg):,} contacts")
    # In chunks, so that the database writes one chunk while the next is parsed; a duplicate id is
    # one across the whole night, not within a chunk.
    duplicates = duplicate_contact_ids(stg["contact_id"]) if len(stg) > STAGE_CHUNK_ROWS else None
    rows, pending = len(stg), [stg]
    del stg  # the chunks hold it: it is freed after the last one
    ready = 0
    flag_counts: Counter[str] = Counter()

    def chunks() -> Iterator[pd.DataFrame]:
        nonlocal ready
        view_rows = pending.pop()
        for start in range(0, max(rows, 1), STAGE_CHUNK_ROWS):
            staged = stage_frame(view_rows.iloc[start : start + STAGE_CHUNK_ROWS], cfg, previous, duplicates)
            ready += int(staged["is_ready"].sum())
            flag_counts.update(count_flags(staged["quality_flags"]))
            yield staged

    # The gates read these rows next: a hand-off file spares reading them back from the database.
    written = warehouse.replace_partition_chunks(
        STAGED_TABLE, partition_date, chunks(), rows=rows, handoff=True
    )
    return StageOutcome(
        rows=written,
        ready=ready,
        flag_counts=dict(sorted(flag_counts.items())),
        previous_partition=previous.partition_date if previous else None,
    )


def read_staged(warehouse: Warehouse, partition_date: str) -> pd.DataFrame:
    staged = warehouse.read_handoff(STAGED_TABLE, partition_date)
    if staged is None:
        staged = warehouse.read_partition(STAGED_TABLE, partition_date)
    for column in ("email_opt_out", "do_not_contact", "is_company_contact", "has_title", "is_ready"):
        staged[column] = to_bool(staged[column])
    staged["source_line"] = pd.to_numeric(staged["source_line"]).astype("int64")
    for column in staged.columns:
        if staged[column].dtype == object:
            staged[column] = staged[column].fillna("")
    return staged


# ----------------------------------------------------------------------------------------------- gates


@dataclass(frozen=True)
class GateOutcome:
    partition_date: str
    results: tuple  # tuple[GateResult, ...]
    accepted: bool
    rows: int
    ready: int
    title_coverage: float
    position_completeness: float
    summary_markdown: str = ""
    stage_seconds: dict[str, float] = field(default_factory=dict)
    data_docs: Path | None = None  # the GX Data Docs index, when this night's results were published
    warnings: tuple[str, ...] = ()

    @property
    def failed_errors(self) -> list:
        return [r for r in self.results if not r.passed and r.severity == "ERROR"]


def _history(warehouse: Warehouse, before: str, window: int) -> pd.DataFrame:
    if not warehouse.has_table(HISTORY_TABLE):
        return pd.DataFrame(columns=[PARTITION_COLUMN, "rows", "titled", "positioned", "title_coverage"])
    return warehouse.query(
        f"SELECT {PARTITION_COLUMN}, rows, titled, positioned, title_coverage FROM {HISTORY_TABLE} "
        f"WHERE accepted_flag = 1 AND {PARTITION_COLUMN} < :p "
        f"ORDER BY {PARTITION_COLUMN} DESC LIMIT {int(window)}",
        {"p": before},
    )


def evaluate_gates(
    cfg: GovernanceConfig,
    root: Path,
    warehouse: Warehouse,
    partition_date: str,
    progress: Progress = _quiet,
) -> GateOutcome:
    """Run every gate of the night (schemas, expectation suites, batch gates) and record the verdict."""
    import time

    from governance.quality import batch_gates, gx_runner, schemas
    from governance.quality.batch_gates import GateResult

    timings: dict[str, float] = {}
    started = time.perf_counter()
    staged = read_staged(warehouse, partition_date)
    # The ready rows are never copied whole: each check takes only the columns it reads (a copy of all
    # 35 columns of a million rows was the night's memory peak).
    ready = staged["is_ready"].to_numpy(dtype=bool)
    timings["gates_read"] = time.perf_counter() - started
    gates = cfg.gates
    results: list[GateResult] = []

    progress("pandera schemas")
    t0 = time.perf_counter()
    # The raw schema sees the columns as delivered (text), before staging typed the flags.
    as_delivered = staged[list(CANONICAL_COLUMNS)].astype({"email_opt_out": "str", "do_not_contact": "str"})
    raw_report = schemas.validate_with_schema(schemas.raw_contacts_schema, as_delivered)
    del as_delivered  # a copy of 18 columns: free it before the validated rows are checked
    results.append(_schema_gate("raw_schema", raw_report, gates.raw_schema.severity, "raw contacts schema"))
    validated_schema = schemas.build_validated_contacts_schema(dict(cfg.rules))
    checked = [c for c in validated_schema.columns if c in staged.columns]  # absent ones fail the schema
    val_report = schemas.validate_with_schema(validated_schema, staged.loc[ready, checked])
    results.append(
        _schema_gate(
            "validated_schema", val_report, gates.validated_schema.severity, "validated contacts schema"
        )
    )
    timings["pandera"] = time.perf_counter() - t0

    progress("Great Expectations suites")
    t0 = time.perf_counter()
    suites = gx_runner.load_suites(cfg_path(root, cfg.expectations_dir))
    validations = []
    for name, suite in sorted(suites.items()):
        suite_result = _run_suite(gx_runner, suite, warehouse, staged, ready, partition_date)
        results.append(_suite_gate(name, suite_result, gates.gx_suites.severity))
        validations.append((name, suite_result.validation))
    timings["gx"] = time.perf_counter() - t0

    progress("batch gates")
    t0 = time.perf_counter()
    history = _history(warehouse, partition_date, max(gates.title_coverage.window, 1))
    previous = history.iloc[0] if len(history) else None
    results.append(
        batch_gates.position_completeness(
            staged,
            threshold=gates.position_completeness.threshold,
            severity=gates.position_completeness.severity,
        )
    )
    results.append(
        batch_gates.title_coverage(
            staged,
            [float(v) for v in history["title_coverage"]],
            max_drop_pp=gates.title_coverage.max_drop_pp,
            window=gates.title_coverage.window,
            severity=gates.title_coverage.severity,
        )
    )
    results.append(
        batch_gates.title_loss(
            staged,
            int(previous["titled"]) if previous is not None else 0,
            max_share=gates.title_loss.max_share,
            severity=gates.title_loss.severity,
        )
    )
    results.append(
        batch_gates.position_loss(
            staged,
            int(previous["positioned"]) if previous is not None else 0,
            max_share=gates.position_loss.max_share,
            severity=gates.position_loss.severity,
        )
    )
    malformed = _malformed_count(warehouse, partition_date)
    results.append(
        batch_gates.volume(
            len(staged) + malformed,  # the extract's size: malformed rows were delivered too
            int(previous["rows"]) if previous is not None else None,
            tolerance=gates.volume.tolerance,
            severity=gates.volume.severity,
        )
    )
    results.append(
        batch_gates.quarantine_share(
            staged,
            max_share=gates.quarantine_share.max_share,
            severity=gates.quarantine_share.severity,
            malformed=malformed,
        )
    )
    results.extend(batch_gates.record_rule_gates(staged, dict(cfg.rules)))
    timings["batch_gates"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    accepted = not any(not r.passed and r.severity == "ERROR" for r in results)
    titled = int(staged["has_title"].sum())
    observed = {r.name: r.observed for r in results}
    outcome = GateOutcome(
        partition_date=partition_date,
        results=tuple(results),
        accepted=accepted,
        rows=len(staged) + malformed,
        ready=int(ready.sum()),
        title_coverage=observed["title_coverage"],
        position_completeness=observed["position_completeness"],
        stage_seconds=timings,
    )
    outcome = _with_summary(outcome, titled)
    _record_gate_results(warehouse, outcome, titled, int((staged["position"] != "").sum()))
    timings["record"] = time.perf_counter() - t0
    # The verdict is recorded: the docs, a view of it, come after and cannot hold it up.
    t0 = time.perf_counter()
    data_docs, docs_warning = _publish_data_docs(cfg, root, validations, partition_date)
    outcome = replace(outcome, data_docs=data_docs, warnings=(docs_warning,) if docs_warning else ())
    timings["gx_data_docs"] = time.perf_counter() - t0
    timings["total"] = time.perf_counter() - started
    return outcome


def _publish_data_docs(
    cfg: GovernanceConfig, root: Path, validations: list, partition_date: str
) -> tuple[Path | None, str | None]:
    """The night's suite results in GX Data Docs: (index page, None), or (None, warning). The docs are a
    view of results the gates already hold: a failure to render them is reported, the verdict stands."""
    from governance.reports.data_docs import publish_data_docs

    try:
        index = publish_data_docs(
            [(name, result) for name, result in validations if result is not None],
            cfg.paths.resolve(root).var,
            partition_date,
            VALIDATED_VIEW,
            keep_nights=cfg.retention_nights,
        )
    except Exception as exc:  # noqa: BLE001 - any GX rendering error; the gates stand without the docs
        return None, f"GX Data Docs not updated: {type(exc).__name__}: {exc}"
    return index, None


def _malformed_count(warehouse: Warehouse, partition_date: str) -> int:
    if not warehouse.has_table(REJECTS_TABLE):
        return 0
    return int(
        warehouse.scalar(
            f'SELECT COUNT(*) FROM "{REJECTS_TABLE}" WHERE {PARTITION_COLUMN} = :p', {"p": partition_date}
        )
    )


# Example ids of a failed expectation are looked for in the first rows before all of them: on pandas GX
# collects them with a loop over every unexpected row (4 s of a million-row night with 5 % failures).
EXAMPLE_SCAN_ROWS = 50_000


def _run_suite(
    gx_runner, suite, warehouse: Warehouse, staged: pd.DataFrame, ready: np.ndarray, partition_date: str
):
    """On PostgreSQL the suite runs as SQL inside the database; elsewhere on the DataFrame.

    Only the columns the suite refers to are checked: GX hashes the whole batch per expectation on
    pandas, and the other thirty columns of a million rows cost more than the checks themselves. Example
    ids cost a second pass, so they are collected afterwards for the failed expectations only.
    """
    columns = suite_columns(suite, list(staged.columns))
    first_try = None
    if warehouse.dialect == "postgresql":
        # The validated rows of the night: the same predicate the validated view applies.
        where = f"{PARTITION_COLUMN} = '{check_partition_key(partition_date)}' AND is_ready"

        def run(spec, with_example_ids: bool = False):
            return gx_runner.run_suite_on_sql(
                spec,
                warehouse.url,
                STAGED_TABLE,
                where=where,
                columns=columns,
                with_example_ids=with_example_ids,
            )

    else:
        frame = staged.loc[ready, columns] if columns is not None else staged.loc[ready]

        def run(spec, with_example_ids: bool = False):
            return gx_runner.run_suite_on_dataframe(spec, frame, with_example_ids=with_example_ids)

        if len(frame) > EXAMPLE_SCAN_ROWS:
            head = frame.iloc[:EXAMPLE_SCAN_ROWS]

            def first_try(spec):
                return gx_runner.run_suite_on_dataframe(spec, head, with_example_ids=True)

    return gx_runner.with_failure_examples(
        suite, run(suite), lambda failed: run(failed, with_example_ids=True), first_try
    )


def suite_columns(suite, available: list[str], id_column: str = "contact_id") -> list[str] | None:
    """The columns of ``available`` a suite's expectations refer to (kwargs and row conditions), in
    frame order with the id column; None (use every column) when an expectation is table-level or
    names no column."""
    import re

    known = set(available)
    wanted: set[str] = {id_column} & known

    def collect(value, key: str = "") -> bool:
        found = False
        if isinstance(value, dict):
            for k, v in value.items():
                found = collect(v, k) or found
        elif isinstance(value, list | tuple):
            for v in value:
                found = collect(v, key) or found
        elif isinstance(value, str):
            if value in known and ("column" in key or key == "name"):
                wanted.add(value)
                found = True
            elif key == "row_condition":
                for name in known:
                    if re.search(rf"\b{re.escape(name)}\b", value):
                        wanted.add(name)
        return found

    for expectation in suite.expectations:
        if expectation.type.startswith("expect_table_"):
            return None
        if not collect(dict(expectation.kwargs)):
            return None
    return [c for c in available if c in wanted]


def cfg_path(root: Path, path: Path) -> Path:
    return path if path.is_absolute() else root / path


def _schema_gate(name: str, report, severity: str, what: str):
    from governance.quality.batch_gates import GateResult

    return GateResult(
        name=name,
        passed=report.passed,
        severity=severity,
        observed=float(report.failure_count),
        threshold=0.0,
        description=f"pandera {what}: failing cells",
        example_ids=tuple(report.example_ids[:5]),
        details={"checks": sorted(set(report.failures["check"].astype(str)))[:10]}
        if not report.passed
        else {},
    )


def _suite_gate(name: str, outcome, default_severity: str):
    from governance.quality.batch_gates import GateResult

    # INFO expectations are reported, never failed on (e.g. "titles were normalised automatically").
    failing = [r for r in outcome.results if not r.success and r.severity in ("ERROR", "WARN")]
    informed = [r for r in outcome.results if not r.success and r.severity not in ("ERROR", "WARN")]
    # A suite fails the night at the severity of its worst failing expectation.
    severities = {r.severity for r in failing}
    severity = "ERROR" if "ERROR" in severities else ("WARN" if failing else default_severity)
    example_ids: list[str] = []
    for r in failing:
        example_ids.extend(r.example_ids)
    return GateResult(
        name=f"gx_{name}",
        passed=not failing,
        severity=severity,
        observed=float(len(failing)),
        threshold=0.0,
        description=f"Great Expectations suite {name}: failing expectations",
        example_ids=tuple(dict.fromkeys(example_ids))[:5],
        details={
            "failing": [f"{r.expectation_type}({r.column}): {r.unexpected_count}" for r in failing][:10],
            "info": [f"{r.expectation_type}({r.column}): {r.unexpected_count}" for r in informed][:10],
        },
    )


def _with_summary(outcome: GateOutcome, titled: int) -> GateOutcome:
    lines = [
        f"**Night {outcome.partition_date}: {'ACCEPTED' if outcome.accepted else 'BLOCKED'}**",
        "",
        f"{outcome.rows:,} contacts, {outcome.ready:,} salutation-ready, "
        f"{outcome.rows - outcome.ready:,} quarantined; title coverage {outcome.title_coverage:.1%}, "
        f"position completeness {outcome.position_completeness:.1%}.",
        "",
        "| gate | severity | result | observed | threshold |",
        "|---|---|---|---|---|",
    ]
    for r in outcome.results:
        verdict = "pass" if r.passed else "**FAIL**"
        lines.append(f"| {r.name} | {r.severity} | {verdict} | {r.observed:g} | {r.threshold:g} |")
    return GateOutcome(**{**outcome.__dict__, "summary_markdown": "\n".join(lines)})


def _record_gate_results(warehouse: Warehouse, outcome: GateOutcome, titled: int, positioned: int) -> None:
    import json

    evaluated_at = datetime.now().astimezone().isoformat(timespec="seconds")
    rows = pd.DataFrame(
        {
            "gate": [r.name for r in outcome.results],
            "passed_flag": [int(r.passed) for r in outcome.results],
            "severity": [r.severity for r in outcome.results],
            "observed": [float(r.observed) for r in outcome.results],
            "threshold": [float(r.threshold) for r in outcome.results],
            "description": [r.description for r in outcome.results],
            "example_ids": [";".join(r.example_ids) for r in outcome.results],
            "details": [json.dumps(r.details, default=str, ensure_ascii=False) for r in outcome.results],
            "evaluated_at": evaluated_at,
        }
    )
    history = pd.DataFrame(
        {
            "accepted_flag": [int(outcome.accepted)],
            "rows": [outcome.rows],
            "ready": [outcome.ready],
            "titled": [titled],
            "positioned": [positioned],
            "title_coverage": [outcome.title_coverage],
            "position_completeness": [outcome.position_completeness],
            "evaluated_at": [evaluated_at],
        }
    )
    warehouse.replace_partition(GATE_RESULTS_TABLE, outcome.partition_date, rows)
    warehouse.replace_partition(HISTORY_TABLE, outcome.partition_date, history)


def read_gate_results(warehouse: Warehouse, partition_date: str) -> pd.DataFrame:
    return warehouse.read_partition(GATE_RESULTS_TABLE, partition_date)


# ------------------------------------------------------------------------------ validated / quarantine


def publish_validated(warehouse: Warehouse, partition_date: str) -> dict[str, int]:
    """The validated contacts are a view over the staged table: ready records, never a copy."""
    # Re-created every night: PostgreSQL fixes the columns of SELECT * when a view is created, so a
    # column the staged table gained since would otherwise never reach the campaign models.
    with warehouse.begin() as conn:
        if warehouse.dialect == "postgresql":
            conn.exec_driver_sql(
                f'CREATE OR REPLACE VIEW "{VALIDATED_VIEW}" AS SELECT * FROM "{STAGED_TABLE}" WHERE is_ready'
            )
        else:
            if _has_view(warehouse, conn, VALIDATED_VIEW):
                conn.exec_driver_sql(f'DROP VIEW "{VALIDATED_VIEW}"')
            conn.exec_driver_sql(
                f'CREATE VIEW "{VALIDATED_VIEW}" AS SELECT * FROM "{STAGED_TABLE}" WHERE is_ready = 1'
            )
    rows = warehouse.scalar(
        f'SELECT COUNT(*) FROM "{VALIDATED_VIEW}" WHERE {PARTITION_COLUMN} = :p', {"p": partition_date}
    )
    return {"rows": int(rows)}


def _has_view(warehouse: Warehouse, conn, name: str) -> bool:
    import sqlalchemy as sa

    return name in sa.inspect(conn).get_view_names()


def write_quarantine(warehouse: Warehouse, partition_date: str) -> dict[str, int]:
    """Quarantine = staged records with error reasons + malformed rows that never parsed."""
    stored = set(warehouse.table_columns(STAGED_TABLE))
    staged = flagged_staged_rows(
        warehouse, partition_date, "quarantine_reasons", [c for c in QUARANTINE_COLUMNS if c in stored]
    )
    staged["raw_text"] = ""
    rejects = (
        warehouse.read_partition(REJECTS_TABLE, partition_date)
        if warehouse.has_table(REJECTS_TABLE)
        else pd.DataFrame(columns=["source_file", "source_line", "reason", "raw_text"])
    )
    rejects = rejects.rename(columns={"reason": "quarantine_reasons"})
    rejects["quality_flags"] = MALFORMED_CODE
    rejects["quarantine_reasons"] = f"{MALFORMED_CODE}: " + rejects["quarantine_reasons"].astype(str)
    frame = pd.concat([staged, rejects], ignore_index=True)
    for column in QUARANTINE_COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    frame = frame[list(QUARANTINE_COLUMNS)].copy()
    frame["source_line"] = pd.to_numeric(frame["source_line"]).astype("int64")
    for column in QUARANTINE_COLUMNS:
        if column != "source_line":
            frame[column] = frame[column].fillna("").astype(str)
    warehouse.replace_partition(QUARANTINE_TABLE, partition_date, frame)
    return {"rows": len(frame), "records": len(staged), "malformed": len(rejects)}


def retention(warehouse: Warehouse, partition_date: str, nights: int) -> None:
    """Keep ``nights`` partitions of the per-night tables (history and gate results are kept)."""
    from datetime import date, timedelta

    keep_from = (date.fromisoformat(partition_date) - timedelta(days=nights)).isoformat()
    # The last accepted night is the loss gates' baseline: it stays however old it is.
    baseline = last_accepted_partition(warehouse, partition_date)
    warehouse.delete_partitions_before(
        [RAW_TABLE, REJECTS_TABLE, STAGED_TABLE, QUARANTINE_TABLE], keep_from, keep=baseline
    )


# ------------------------------------------------------------------------------------------- campaigns


def _delete_night(warehouse: Warehouse, tables: list[str], partition_date: str) -> dict[str, int]:
    """Delete one night's rows from each of ``tables`` that exists, in one transaction: table -> rows."""
    import sqlalchemy as sa

    partition_date = check_partition_key(partition_date)
    deleted: dict[str, int] = {}
    with warehouse.begin() as conn:
        for table in tables:
            if sa.inspect(conn).has_table(table):
                deleted[table] = conn.execute(
                    sa.text(f'DELETE FROM "{table}" WHERE {PARTITION_COLUMN} = :p'), {"p": partition_date}
                ).rowcount
    return deleted


def withdraw_campaigns(
    warehouse: Warehouse, tables: list[str], partition_date: str, export_files: list[Path]
) -> list[str]:
    """Remove a blocked night's campaign rows and exports (left from an earlier, accepted run of the
    same night); returns what was removed."""
    removed = [
        f"{table}: {rows} rows"
        for table, rows in _delete_night(warehouse, tables, partition_date).items()
        if rows
    ]
    for path in export_files:
        if path.exists():
            path.unlink()
            removed.append(str(path))
    return removed


def forget_verdict(warehouse: Warehouse, partition_date: str) -> bool:
    """Drop a night's recorded gate results (the night is then NOT EVALUATED, so no campaign asset builds
    its lists) when they no longer describe its delivery: an extract re-delivered in a shape that cannot
    be read. The history row stays: the rows it describes were accepted and remain the loss baseline."""
    return bool(_delete_night(warehouse, [GATE_RESULTS_TABLE], partition_date).get(GATE_RESULTS_TABLE))


def campaign_offenders(
    warehouse: Warehouse, campaign_table: str, partition_date: str, listed: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Rows of a campaign list whose contact must not be contacted or is not ready, or, in a list that
    carries e-mail addresses (an e-mail campaign), opted out of marketing e-mail. A letter by post
    needs no e-mail consent. A contact id of the list that the night's staged rows lack is an offender,
    and so is one of which any staged row is. ``listed``: the list's rows when the caller has read them
    already (its ``contact_id`` column is used on SQLite; elsewhere the database joins)."""
    partition_date = check_partition_key(partition_date)
    by_email = "email" in warehouse.table_columns(campaign_table)
    if warehouse.dialect == "sqlite":
        staged = warehouse.read_handoff(STAGED_TABLE, partition_date, columns=list(_OFFENDER_FLAGS))
        found = (
            None
            if staged is None
            else _offenders_in_frame(warehouse, campaign_table, partition_date, staged, by_email, listed)
        )
        if found is not None:
            return found
    true = "TRUE" if warehouse.dialect == "postgresql" else "1"
    opted_out = f"email_opt_out = {true} OR " if by_email else ""
    # The night's staged rows are materialised first: joined directly, SQLite walks the partition
    # index once per campaign row (quadratic); materialised, it joins through an automatic index. One
    # row per id, bad when any of its staged rows is: a duplicate id must not name a listed row twice.
    return warehouse.query(
        f"WITH s AS MATERIALIZED (SELECT contact_id, "
        f"MAX(CASE WHEN {opted_out}do_not_contact = {true} OR is_ready <> {true} THEN 1 ELSE 0 END) AS bad "
        f'FROM "{STAGED_TABLE}" WHERE {PARTITION_COLUMN} = :p GROUP BY contact_id) '
        f'SELECT c.contact_id FROM "{campaign_table}" c '
        f"LEFT JOIN s ON s.contact_id = c.contact_id "
        f"WHERE c.{PARTITION_COLUMN} = :p AND (s.contact_id IS NULL OR s.bad = 1)",
        {"p": partition_date},
    )


_OFFENDER_FLAGS = ("contact_id", "email_opt_out", "do_not_contact", "is_ready")


def _offenders_in_frame(
    warehouse: Warehouse,
    campaign_table: str,
    partition_date: str,
    staged: pd.DataFrame,
    by_email: bool,
    listed: pd.DataFrame | None = None,
) -> pd.DataFrame | None:
    """The query of :func:`campaign_offenders` over the night's staged rows from their hand-off file,
    which holds exactly the committed rows (its token is written in the same transaction). SQLite has no
    hash join: the query cost 2.5 s per campaign on a million contacts, this costs a fraction.

    None when the list holds an id stored as a number: SQLite compares it with the staged text ids by
    value ('0123' = 123), which exact text matching would not, so the SQL query decides."""
    import pyarrow as pa
    import pyarrow.compute as pc

    bad = ~to_bool(staged["is_ready"]) | to_bool(staged["do_not_contact"])
    if by_email:
        bad |= to_bool(staged["email_opt_out"])
    ids = _text_ids(staged["contact_id"])
    bad_ids = ids.filter(pa.array(bad.to_numpy(dtype=bool)))
    if listed is None:
        listed = warehouse.query(
            f"SELECT contact_id, typeof(contact_id) IN ('text', 'null') AS is_text "
            f'FROM "{campaign_table}" WHERE {PARTITION_COLUMN} = :p',
            {"p": partition_date},
        )
        if not to_bool(listed["is_text"]).all():
            return None
    elif warehouse.scalar(  # the rows read already: only ask whether an id is stored as a number
        f'SELECT EXISTS (SELECT 1 FROM "{campaign_table}" WHERE {PARTITION_COLUMN} = :p '
        "AND typeof(contact_id) NOT IN ('text', 'null'))",
        {"p": partition_date},
    ):
        return None
    listed_ids = _text_ids(listed["contact_id"])

    def among(value_set: pa.Array) -> pa.Array:  # Arrow's hash lookup: pandas' isin took 1 s a list
        return pc.fill_null(pc.is_in(listed_ids, value_set=value_set, skip_nulls=True), False)

    # A NULL id joins nothing in SQL: it is an offender, like an id the night lacks.
    offending = pc.or_(pc.or_(pc.is_null(listed_ids), pc.invert(among(ids))), among(bad_ids))
    return listed.loc[offending.to_numpy(zero_copy_only=False), ["contact_id"]].reset_index(drop=True)


def _text_ids(ids: pd.Series) -> pa.Array:
    """Contact ids as an Arrow text array (NULL stays NULL), without a pass through Python objects."""
    import pyarrow as pa

    array = pa.array(ids, from_pandas=True)
    return array if array.type == pa.large_string() else array.cast(pa.large_string())


# ---------------------------------------------------------------------------------------- gate catalogue

BATCH_GATES = (
    "position_completeness",
    "title_coverage",
    "title_loss",
    "position_loss",
    "volume",
    "quarantine_share",
)
GATE_DESCRIPTIONS: dict[str, str] = {
    "raw_schema": "pandera schema of the raw contacts (columns, types, non-empty ids)",
    "validated_schema": "pandera schema of the validated contacts "
    "(ids, e-mail, country, owner, gender, flags)",
    "position_completeness": "share of company contacts with a position at or above the threshold",
    "title_coverage": "share of titled contacts not more than N points below the 7-night median",
    "title_loss": "share of previously titled contacts whose title disappeared",
    "position_loss": "share of previously positioned contacts whose position disappeared",
    "volume": "row count within the tolerance of the last accepted extract",
    "quarantine_share": "share of records that are not salutation-ready",
}


def record_gate_name(code: str) -> str:
    return f"rule_{code.lower()}"


def gate_names(suite_names: list[str]) -> list[str]:
    """Every gate a night evaluates, in report order (static: Dagster needs them at load time)."""
    from governance.quality.rules import RULE_CODES

    return (
        ["raw_schema", "validated_schema"]
        + [f"gx_{name}" for name in sorted(suite_names)]
        + list(BATCH_GATES)
        + [record_gate_name(code) for code in RULE_CODES]
    )


# ---------------------------------------------------------------------------------------------- alerts


def flagged_staged_rows(
    warehouse: Warehouse, partition_date: str, flag_column: str, columns: Sequence[str]
) -> pd.DataFrame:
    """``columns`` of the night's staged rows whose ``flag_column`` is not empty: from the hand-off file
    while it is valid (through the cursor, a million staged rows cost seconds), else by a query."""
    handed = warehouse.read_handoff(
        STAGED_TABLE, partition_date, columns=list(dict.fromkeys([*columns, flag_column]))
    )
    if handed is not None:
        flags = handed[flag_column]
        keep = (flags.notna() & (flags != "")).to_numpy(dtype=bool)
        return handed.loc[keep, list(columns)].reset_index(drop=True)
    if flag_column not in warehouse.table_columns(STAGED_TABLE):  # quoted, SQLite would read a literal
        raise KeyError(f"{STAGED_TABLE} has no column {flag_column!r}")
    selected = ", ".join(f'"{c}"' for c in columns)
    return warehouse.query(
        f'SELECT {selected} FROM "{STAGED_TABLE}" WHERE {PARTITION_COLUMN} = :p AND "{flag_column}" <> \'\'',
        {"p": partition_date},
    )


def fix_list(
    warehouse: Warehouse, partition_date: str, columns: Sequence[str] = QUARANTINE_COLUMNS
) -> pd.DataFrame:
    """Every record an owner should correct in the CRM: flagged records (quarantined or only warned)
    and the malformed rows of the extract. ``columns``: the subset of QUARANTINE_COLUMNS to read (the
    report needs three of the fifteen)."""
    partition_date = check_partition_key(partition_date)
    wanted = [c for c in QUARANTINE_COLUMNS if c in columns]
    quoted = [f'"{c}"' for c in wanted]
    flagged = flagged_staged_rows(
        warehouse, partition_date, "quality_flags", [c for c in wanted if c != "raw_text"]
    )
    if "raw_text" in wanted:
        flagged["raw_text"] = ""
    malformed = warehouse.query(
        f'SELECT {", ".join(quoted)} FROM "{QUARANTINE_TABLE}" '
        f"WHERE {PARTITION_COLUMN} = :p AND quality_flags = :malformed",
        {"p": partition_date, "malformed": MALFORMED_CODE},
    )
    return pd.concat([flagged, malformed], ignore_index=True).fillna("")


def night_counts(warehouse: Warehouse, partition_date: str) -> dict[str, int]:
    """Rows read, loaded, malformed, validated and quarantined: every row of the extract is in exactly
    one of validated or quarantined (malformed rows are quarantined too)."""
    p = {"p": check_partition_key(partition_date)}

    def count(table: str) -> int:  # the partition index answers this without reading the rows
        if not warehouse.has_table(table):
            return 0
        return int(warehouse.scalar(f'SELECT COUNT(*) FROM "{table}" WHERE {PARTITION_COLUMN} = :p', p))

    loaded, malformed = count(RAW_TABLE), count(REJECTS_TABLE)
    staged, validated = 0, 0
    if warehouse.has_table(STAGED_TABLE):
        row = warehouse.query(  # one pass over the night's staged rows
            f"SELECT COUNT(*) AS staged, SUM(CASE WHEN quarantine_reasons = '' THEN 1 ELSE 0 END) AS ready "
            f'FROM "{STAGED_TABLE}" WHERE {PARTITION_COLUMN} = :p',
            p,
        ).iloc[0]
        staged, validated = int(row["staged"]), int(0 if pd.isna(row["ready"]) else row["ready"])
    return {
        "rows_read": loaded + malformed,
        "loaded": loaded,
        "malformed": malformed,
        "validated": validated,
        "quarantined": staged - validated + malformed,
    }


def write_night_report(
    cfg: GovernanceConfig, root: Path, warehouse: Warehouse, partition_date: str, campaigns: list[str]
) -> Path:
    """The night's HTML quality report under ``var/reports/<date>/``; written on blocked nights too."""
    from governance.reports import build_quality_report, write_quality_report
    from governance.reports.quality_report import HISTORY_NIGHTS

    partition_date = check_partition_key(partition_date)
    verdict, failed = night_verdict(warehouse, partition_date)
    gate_results = (
        read_gate_results(warehouse, partition_date)
        if warehouse.has_table(GATE_RESULTS_TABLE)
        else pd.DataFrame()
    )
    history = (
        warehouse.query(
            f"SELECT {PARTITION_COLUMN}, rows, title_coverage, position_completeness, accepted_flag "
            f"FROM {HISTORY_TABLE} WHERE {PARTITION_COLUMN} <= :p "
            f"ORDER BY {PARTITION_COLUMN} DESC LIMIT {HISTORY_NIGHTS}",
            {"p": partition_date},
        )
        if warehouse.has_table(HISTORY_TABLE)
        else pd.DataFrame(columns=[PARTITION_COLUMN])
    )
    rejects = (
        warehouse.read_partition(
            REJECTS_TABLE, partition_date, columns=["source_file", "source_line", "reason"]
        )
        if warehouse.has_table(REJECTS_TABLE)
        else pd.DataFrame(columns=["source_file", "source_line", "reason"])
    )
    report = build_quality_report(
        partition_date,
        verdict=verdict,
        failed_gates=failed,
        gate_results=gate_results,
        history=history,
        fixes=(
            fix_list(warehouse, partition_date, columns=("owner", "quality_flags", "quarantine_reasons"))
            if warehouse.has_table(STAGED_TABLE)
            else pd.DataFrame()
        ),
        rejects=rejects,
        counts=night_counts(warehouse, partition_date),
        severities=dict(cfg.rules),
        campaigns=campaigns,
        warehouse=warehouse.display_url,
        data_docs=_data_docs_link(cfg.paths.resolve(root), partition_date),
    )
    return write_quality_report(report, cfg.paths.resolve(root).reports)


def _data_docs_link(paths: PathsConfig, partition_date: str) -> str:
    """The GX Data Docs index relative to the night's report folder ("" before any night published)."""
    from governance.reports.data_docs import data_docs_index
    from governance.reports.quality_report import report_path

    index = data_docs_index(paths.var)
    if not index.exists():
        return ""
    return Path(os.path.relpath(index, report_path(paths.reports, partition_date).parent)).as_posix()


def night_verdict(warehouse: Warehouse, partition_date: str) -> tuple[str, list[str]]:
    """("ACCEPTED" | "BLOCKED" | "NOT EVALUATED", failed ERROR gates) as the quality gates recorded them."""
    if not warehouse.has_table(GATE_RESULTS_TABLE):
        return "NOT EVALUATED", []
    results = read_gate_results(warehouse, partition_date)
    if results.empty:
        return "NOT EVALUATED", []
    failed = results[(results["passed_flag"] == 0) & (results["severity"] == "ERROR")]["gate"].tolist()
    return ("BLOCKED" if failed else "ACCEPTED"), failed


def send_owner_alerts(
    cfg: GovernanceConfig, root: Path, warehouse: Warehouse, partition_date: str, progress: Progress = _quiet
):
    """Build one digest per owner and send it through the configured channel (AlertOutcome)."""
    from governance.alerts import AlertOutcome, OutboxChannel, build_digests, send_digests, smtp_channel

    fixes = fix_list(warehouse, partition_date)
    verdict, failed = night_verdict(warehouse, partition_date)
    digests = build_digests(
        fixes,
        partition_date,
        verdict,
        failed,
        fallback_recipient=cfg.alerts.fallback_recipient,
        owner_emails=cfg.alerts.owners,
    )
    if cfg.alerts.channel == "none":
        return AlertOutcome(sent=0, skipped=[d.owner for d in digests], failures=[], delivered=[])
    if cfg.alerts.channel == "smtp":
        smtp = cfg.alerts.smtp
        channel = smtp_channel(smtp)
        sender = smtp.sender
    else:
        channel = OutboxChannel(cfg.paths.resolve(root).outbox)
        sender = cfg.alerts.smtp.sender
    progress(f"{len(digests)} owner digests for {len(fixes):,} records via {cfg.alerts.channel}")
    return send_digests(digests, channel, sender)
