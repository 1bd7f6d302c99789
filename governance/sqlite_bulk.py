"""Parallel reads of large partitions from the embedded SQLite warehouse.

Python's sqlite3 returns about three million values a second, and nearly all of that time goes into
making Python objects with the GIL held: two threads are slower than one (measured). Worker processes
are not: each runs the same query on its own read-only connection with ``LIMIT``/``OFFSET`` and hands
its slice back as an Arrow IPC file; the slices are concatenated in query order. On this 2-core machine
a million staged rows (35 columns) read in 5.7 s instead of 10.1 s.

Writes stay serial: SQLite has one writer, and copying rows that workers prepared in side databases
(``INSERT ... SELECT`` from attached files) cost as much as it saved (measured: 8.5 s against 8.8 s).

Workers import only this module and pyarrow. A slice whose columns do not each share one Arrow type
returns None, and the caller reads serially.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.ipc as ipc

from governance.arrow_rows import collect

# Below this many rows the worker start-up (about 0.3 s) costs more than it saves.
MIN_PARALLEL_ROWS = 200_000
_CHUNK = 50_000


def default_workers() -> int:
    """One worker per available core, at most four (beyond that the slices contend for the same file
    and each worker's Arrow copy costs memory for little gain)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4))


def _run_workers(jobs: list[dict]) -> list:
    """Run each job in its own ``python -m governance.sqlite_bulk`` process, all at once; their JSON
    answers in job order. A fresh interpreter, not multiprocessing: no re-import of the caller's
    ``__main__`` (a script without a main guard would start workers recursively) and no fork of a
    process with threads."""
    package_root = str(Path(__file__).resolve().parent.parent)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")])),
    }
    procs: list[subprocess.Popen] = []
    try:
        for job in jobs:  # the job travels on the command line, so every worker starts at once
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "governance.sqlite_bulk", json.dumps(job)],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    env=env,
                    text=True,
                )
            )
        answers = []
        failures = []
        for proc, job in zip(procs, jobs, strict=True):
            out, err = proc.communicate()
            if proc.returncode != 0:
                failures.append(f"{job['op']} worker exited with {proc.returncode}: {err.strip()[-500:]}")
                continue
            answers.append(json.loads(out))
    finally:  # an interrupted caller (a terminated run) leaves no worker behind
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    if failures:
        raise WorkerError("SQLite bulk worker failed: " + " | ".join(failures))
    return answers


class WorkerError(RuntimeError):
    """A read worker failed; the caller reads serially instead."""


_SCRATCH_PREFIX = ".bulk-"
_STALE_SECONDS = 6 * 3600


@contextmanager
def scratch_dir(database: Path) -> Iterator[Path]:
    """A temporary folder next to the database (same disk; /tmp may be memory). Folders a killed
    process left behind (older than six hours) are removed on the way."""
    now = time.time()
    for old in database.parent.glob(f"{_SCRATCH_PREFIX}*"):
        with contextlib.suppress(OSError):
            if old.is_dir() and now - old.stat().st_mtime > _STALE_SECONDS:
                shutil.rmtree(old, ignore_errors=True)
    path = Path(tempfile.mkdtemp(prefix=_SCRATCH_PREFIX, dir=database.parent))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _read_only(database: Path | str) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{urllib.parse.quote(str(database))}?mode=ro", uri=True)


def _slices(rows: int, workers: int) -> list[tuple[int, int]]:
    size = -(-rows // workers)
    return [(start, min(size, rows - start)) for start in range(0, rows, size)]


# ------------------------------------------------------------------------------------------------ read


def read_slice(database: str, sql: str, params: dict, offset: int, limit: int, out: str) -> str | None:
    """Worker: rows ``offset .. offset+limit`` of ``sql`` as an Arrow IPC file; None if not typable."""
    con = _read_only(database)
    try:
        cursor = con.execute(
            f"SELECT * FROM ({sql}) LIMIT :bulk_limit OFFSET :bulk_offset",
            {**params, "bulk_limit": limit, "bulk_offset": offset},
        )
        names = [d[0] for d in cursor.description]
        table = collect(names, cursor.fetchmany, _CHUNK).table()
    finally:
        con.close()
    if table is None:
        return None
    with pa.OSFile(out, "wb") as sink, ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return out


def _unify(tables: list[pa.Table]) -> pa.Table | None:
    """The slices as one table; a column NULL in one slice takes the others' type."""
    columns = []
    for name in tables[0].column_names:
        parts = [t.column(name) for t in tables]
        kinds = {p.type for p in parts if not pa.types.is_null(p.type)}
        if len(kinds) > 1:
            return None
        kind = kinds.pop() if kinds else pa.null()
        chunks = [c.cast(kind) if c.type != kind else c for p in parts for c in p.chunks]
        columns.append(pa.chunked_array(chunks, type=kind))
    return pa.table(columns, names=tables[0].column_names)


def parallel_read(database: Path, sql: str, params: dict, workers: int) -> pa.Table | None:
    """The rows of ``sql`` (one SELECT with ``:name`` parameters) read by ``workers`` processes, in the
    order the serial query returns them; None when there are too few rows or the slices do not type
    alike (the caller reads serially).

    Each worker reads its own snapshot, so a commit to the database between the count and the last
    slice (seen through ``PRAGMA data_version``) discards the slices. A worker that fails also means a
    serial read; the workers never outlive the call.
    """
    if workers < 2:
        return None
    watch = _read_only(database)  # stays open: PRAGMA data_version tells whether anyone wrote meanwhile
    try:
        version = watch.execute("PRAGMA data_version").fetchone()[0]
        (rows,) = watch.execute(f"SELECT COUNT(*) FROM ({sql})", params).fetchone()
        if rows < MIN_PARALLEL_ROWS:
            return None
        try:
            table = _read_slices(database, sql, params, rows, workers)
        except (WorkerError, OSError):
            return None  # a slice could not be read or handed over: the serial read will say why, if at all
        if watch.execute("PRAGMA data_version").fetchone()[0] != version:
            return None  # a commit landed between the slices: they may mix two states
        return table
    finally:
        watch.close()


def _read_slices(database: Path, sql: str, params: dict, rows: int, workers: int) -> pa.Table | None:
    with scratch_dir(database) as scratch:
        jobs = [
            {
                "op": "read",
                "database": str(database),
                "sql": sql,
                "params": params,
                "offset": offset,
                "limit": limit,
                "out": str(scratch / f"slice{n}.arrow"),
            }
            for n, (offset, limit) in enumerate(_slices(rows, workers))
        ]
        paths = _run_workers(jobs)
        if any(p is None for p in paths):
            return None
        tables = []
        for path in paths:
            with pa.OSFile(path, "rb") as source:  # read into memory: the folder is removed next
                tables.append(ipc.open_file(source).read_all())
    return _unify(tables)


__all__: Sequence[str] = ("MIN_PARALLEL_ROWS", "default_workers", "parallel_read")


def _worker_main() -> None:
    job = json.loads(sys.argv[1])
    op = job.pop("op")
    if op == "read":
        answer = read_slice(**job)
    else:
        raise SystemExit(f"unknown operation {op!r}")
    sys.stdout.write(json.dumps(answer))


if __name__ == "__main__":
    _worker_main()
