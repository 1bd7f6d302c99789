"""Bulk reads and writes of large partitions in the embedded SQLite warehouse, in worker processes.

Python's sqlite3 moves about three million values a second, and nearly all of that time goes into
converting between Python objects and SQLite values with the GIL held: two threads are slower than one
(measured). Two ways around it, both in ``python -m governance.sqlite_bulk`` worker processes:

- **Reads**: each worker runs the same query on its own read-only connection with ``LIMIT``/``OFFSET``
  and hands its slice back as an Arrow IPC file; the slices are concatenated in query order. A worker
  reads through the ADBC SQLite driver, which builds the Arrow arrays in C, and through sqlite3 when
  the driver cannot type a column alike. On this 2-core machine a million staged rows (35 columns)
  read in 2.8 s, against 5.7 s with sqlite3 workers and 10.1 s serially. One difference from the
  serial read: a column that holds both numbers and text within one partition reads as text (the
  driver's reading) where the serial read gives Python objects. The warehouse's own tables never
  mix them (each column has one declared type), nor do the staging views over them.
- **Writes**: one worker binds the rows of an Arrow IPC file straight from their Arrow buffers with the
  ADBC SQLite driver, inside one transaction that also runs the caller's statements (deleting the old
  partition, say). A million rows of 20 text columns took 1.8 s instead of 7.3 s with
  ``executemany`` (8.6 s on a slow day, with real data). Rows still being computed can go as an Arrow
  IPC stream instead (:class:`StreamWriter`): the worker appends each chunk while the caller computes
  the next. Parallel writers gain nothing: SQLite has one writer, and copying rows that workers
  prepared in side databases (``INSERT ... SELECT`` from attached files) cost as much as it saved
  (8.5 s against 8.8 s).

The ADBC driver carries its own copy of the SQLite library. Two SQLite libraries in one process break
each other's POSIX locks on the same file (closing one's descriptor drops the other's locks) and
corrupt the WAL, so ``adbc_driver_sqlite`` is imported by the write worker only, never by the caller.

Workers import only this module, pyarrow and (writing) the driver. A read slice whose columns do not
each share one Arrow type returns None, and the caller reads serially; a failed write worker rolls its
transaction back and the caller writes serially.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.ipc as ipc

from governance.arrow_rows import collect, plain_arrow_type

# Below this many rows the worker start-up (about 0.3 s) costs more than it saves.
MIN_PARALLEL_ROWS = 200_000
MIN_BULK_WRITE_ROWS = 100_000
_CHUNK = 50_000
# Rows from which the ADBC driver infers a column's type (a column NULL in all of them would be typed
# as integers, and text after them would fail the read).
_INFER_ROWS = 65_536
# Rows per Arrow record batch in the files handed to a write worker: it holds one batch at a time.
WRITE_BATCH_ROWS = 65_536


def default_workers() -> int:
    """One worker per available core, at most four (beyond that the slices contend for the same file
    and each worker's Arrow copy costs memory for little gain)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4))


def _run_workers(jobs: list[dict], while_waiting: Callable[[], None] | None = None) -> list:
    """Run each job in its own ``python -m governance.sqlite_bulk`` process, all at once; their JSON
    answers in job order. A fresh interpreter, not multiprocessing: no re-import of the caller's
    ``__main__`` (a script without a main guard would start workers recursively) and no fork of a
    process with threads. ``while_waiting`` runs in this thread once the workers have started."""
    procs: list[subprocess.Popen] = []
    try:
        for job in jobs:  # the job travels on the command line, so every worker starts at once
            procs.append(_start_worker(job, stdin=subprocess.DEVNULL))
        if while_waiting is not None:
            while_waiting()
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


def _start_worker(job: dict, stdin: int) -> subprocess.Popen:
    package_root = str(Path(__file__).resolve().parent.parent)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")])),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "governance.sqlite_bulk", json.dumps(job)],
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=stdin != subprocess.PIPE,  # a streaming worker reads Arrow bytes from its stdin
    )


class WorkerError(RuntimeError):
    """A worker failed; the caller reads or writes serially instead."""


_SCRATCH_PREFIX = ".bulk-"
_STALE_SECONDS = 6 * 3600


def stale(path: Path) -> bool:
    """Left by a process that was killed: untouched for six hours (no night takes that long)."""
    return time.time() - path.stat().st_mtime > _STALE_SECONDS


@contextmanager
def scratch_dir(database: Path) -> Iterator[Path]:
    """A temporary folder next to the database (same disk; /tmp may be memory). Folders a killed
    process left behind (older than six hours) are removed on the way."""
    for old in database.parent.glob(f"{_SCRATCH_PREFIX}*"):
        with contextlib.suppress(OSError):
            if old.is_dir() and stale(old):
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


_PARAMETER = re.compile(r":([A-Za-z_]\w*)")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def numbered_parameters(sql: str, params: dict) -> tuple[str, list] | None:
    """``sql`` with its ``:name`` parameters as ``?1``, ``?2``, ... and their values in that order, for
    a driver that binds by position; None when a quoted part holds a colon (it could look like one)."""
    if any(":" in quoted for quoted in _QUOTED.findall(sql)):
        return None
    order: list[str] = []

    def number(match: re.Match) -> str:
        name = match.group(1)
        if name not in params:
            raise KeyError(name)
        if name not in order:
            order.append(name)
        return f"?{order.index(name) + 1}"

    try:
        return _PARAMETER.sub(number, sql), [params[name] for name in order]
    except KeyError:
        return None


def _adbc_slice(database: str, sql: str, params: dict) -> pa.Table | None:
    """The rows through the ADBC driver (Arrow arrays built in C, about twice as fast as sqlite3 and
    :mod:`governance.arrow_rows`), typed as that path types them; None when the driver cannot type a
    column alike (it infers each column's type from the first rows) or returns a type the pandas
    conversion would not give."""
    import adbc_driver_sqlite.dbapi as adbc  # this process only: see the module docstring

    numbered = numbered_parameters(sql, params)
    if numbered is None:
        return None
    conn = adbc.connect(f"file:{urllib.parse.quote(database)}?mode=ro")
    try:
        cursor = conn.cursor()
        cursor.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": str(_INFER_ROWS)})
        try:
            cursor.execute(*numbered)
            table = cursor.fetch_arrow_table()
        except adbc.Error:
            return None
        cursor.close()
    finally:
        conn.close()
    columns = []
    for column in table.columns:
        if column.null_count == len(column):
            column = pa.nulls(len(column))
        elif not plain_arrow_type(column.type):
            return None
        columns.append(column)
    return pa.table(columns, names=table.column_names)


def read_slice(database: str, sql: str, params: dict, offset: int, limit: int, out: str) -> dict | None:
    """Worker: rows ``offset .. offset+limit`` of ``sql`` as an Arrow IPC file, and which library read
    them (``{"path": ..., "reader": "adbc" | "sqlite3"}``); None if not typable."""
    sliced = f"SELECT * FROM ({sql}) LIMIT :bulk_limit OFFSET :bulk_offset"
    params = {**params, "bulk_limit": limit, "bulk_offset": offset}
    table = _adbc_slice(database, sliced, params) if adbc_available() else None
    reader = "adbc"
    if table is None:  # the driver's connection is closed by now: only one SQLite library holds the file
        reader = "sqlite3"
        con = _read_only(database)
        try:
            cursor = con.execute(sliced, params)
            names = [d[0] for d in cursor.description]
            table = collect(names, cursor.fetchmany, _CHUNK).table()
        finally:
            con.close()
    if table is None:
        return None
    with pa.OSFile(out, "wb") as sink, ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return {"path": out, "reader": reader}


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
        answers = _run_workers(jobs)
        if any(a is None for a in answers):
            return None
        tables = []
        for answer in answers:
            with pa.OSFile(answer["path"], "rb") as source:  # read into memory: the folder is removed next
                tables.append(ipc.open_file(source).read_all())
    return _unify(tables)


# ----------------------------------------------------------------------------------------------- write


def adbc_available() -> bool:
    """Whether the ADBC SQLite driver is installed (looked up without importing it: see the module
    docstring for why the caller must never import it). Without it, workers read through sqlite3 and
    writes stay serial."""
    import importlib.util

    return importlib.util.find_spec("adbc_driver_sqlite") is not None


Statement = tuple[str, Sequence]  # SQL with ``?`` placeholders, and its parameters


def write_rows(
    database: Path,
    table: str,
    source: Path,
    constants: dict[str, str] | None = None,
    before: Sequence[Statement] = (),
    after: Sequence[Statement] = (),
    defer_checkpoint: bool = False,
    while_waiting: Callable[[], None] | None = None,
) -> int:
    """Append the rows of the Arrow IPC file ``source`` to ``table`` in one worker transaction:
    ``before`` statements, the rows (each with the ``constants`` columns added), ``after`` statements,
    then COMMIT. Returns the rows written; raises :class:`WorkerError` when the worker failed, in which
    case its transaction was rolled back and nothing changed.

    ``defer_checkpoint``: leave the WAL checkpoint to a thread of the caller (see below). Worth it when
    what follows keeps one core busy without reading the database; before parallel reads it only
    competes with them for the two cores (measured: no gain). ``while_waiting``: work for this thread
    while the worker writes (it runs once the worker has started)."""
    keeper = _wal_keeper(database) if defer_checkpoint else None
    job = {
        "op": "write",
        "database": str(database),
        "table": table,
        "source": str(source),
        "constants": dict(constants or {}),
        "before": [[sql, list(params)] for sql, params in before],
        "after": [[sql, list(params)] for sql, params in after],
        "defer_checkpoint": keeper is not None,
    }
    try:
        (rows,) = _run_workers([job], while_waiting)
    except BaseException:
        if keeper is not None:
            keeper.close()
        raise
    if keeper is not None:
        _checkpoint_in_background(str(database), keeper)
    return int(rows)


class StreamWriter:
    """:func:`write_rows` for rows that are still being computed: the worker starts at once, runs the
    ``before`` statements, and appends each table given to :meth:`write` (sent as an Arrow IPC stream
    through its stdin) while the caller computes the next; :meth:`finish` lets it run the ``after``
    statements and commit. On this 2-core machine the night's staged rows are parsed in one process
    while the other writes.

    A thread of the caller feeds the pipe from a queue of ``depth`` tables, so :meth:`write` returns at
    once: written directly, it blocked until the worker had taken nearly the whole table (a pipe holds
    64 KB), and the worker then waited idle for the next. The thread does no imports and touches no
    database. Every table is cast to ``schema``. A worker that fails makes :meth:`write` or
    :meth:`finish` raise :class:`WorkerError`; :meth:`abort` kills the worker, and its transaction
    never commits. The caller must end every stream with one of the two."""

    def __init__(
        self,
        database: Path,
        table: str,
        schema: pa.Schema,
        constants: dict[str, str] | None = None,
        before: Sequence[Statement] = (),
        after: Sequence[Statement] = (),
        defer_checkpoint: bool = False,
        depth: int = 1,
    ) -> None:
        self.database = database
        self.schema = schema
        self._keeper = _wal_keeper(database) if defer_checkpoint else None
        job = {
            "op": "write_stream",
            "database": str(database),
            "table": table,
            "constants": dict(constants or {}),
            "before": [[sql, list(params)] for sql, params in before],
            "after": [[sql, list(params)] for sql, params in after],
            "defer_checkpoint": self._keeper is not None,
        }
        self._queue: queue.Queue[pa.Table | None] = queue.Queue(maxsize=max(1, depth))
        self._send_error: BaseException | None = None
        self._done = False
        try:
            self._proc = _start_worker(job, stdin=subprocess.PIPE)
        except BaseException:
            if self._keeper is not None:
                self._keeper.close()
            raise
        self._sender = threading.Thread(target=self._send, name="sqlite-stream sender", daemon=True)
        try:
            self._sender.start()
        except BaseException:  # no thread: the worker must not wait for a stream that never comes
            self._proc.kill()
            self._proc.wait()
            if self._keeper is not None:
                self._keeper.close()
            raise

    def _send(self) -> None:
        stdin = self._proc.stdin
        assert stdin is not None
        try:
            with ipc.new_stream(stdin, self.schema) as writer:
                while (table := self._queue.get()) is not None:
                    writer.write_table(table, max_chunksize=WRITE_BATCH_ROWS)
            stdin.write(COMMIT_TRAILER)
            stdin.close()
        except BaseException as exc:  # the worker is gone (broken pipe) or was killed: write() reports it
            self._send_error = exc

    def _put(self, item: pa.Table | None) -> None:
        while True:
            if self._send_error is not None or not self._sender.is_alive():
                raise self._failure(f"the worker stopped reading ({self._send_error})")
            try:
                self._queue.put(item, timeout=0.2)
                return
            except queue.Full:
                continue

    def write(self, table: pa.Table) -> None:
        """Queue ``table``'s rows for the worker; blocks only while ``depth`` tables wait already."""
        self._put(table.cast(self.schema))

    def finish(self) -> int:
        """End the stream; the worker commits. Returns the rows written."""
        self._put(None)
        self._sender.join()
        if self._send_error is not None:
            raise self._failure(f"the worker stopped reading ({self._send_error})")
        self._proc.stdin = None  # closed by the sender: communicate() must not flush it
        out, err = self._proc.communicate()
        if self._proc.returncode != 0:
            self.abort()
            message = " ".join(err.decode("utf-8", "replace").split())[-500:]
            raise WorkerError(f"SQLite stream worker exited with {self._proc.returncode}: {message}")
        self._done = True
        if self._keeper is not None:
            _checkpoint_in_background(str(self.database), self._keeper)
            self._keeper = None
        return int(json.loads(out))

    def abort(self) -> None:
        """Kill the worker: its transaction rolls back. The sender's next write then fails and it ends."""
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait()
        while self._sender.is_alive():  # it may wait for a table, or block on the dead pipe
            with contextlib.suppress(queue.Full):
                self._queue.put_nowait(None)
            self._sender.join(timeout=0.2)
        for pipe in (self._proc.stdin, self._proc.stdout, self._proc.stderr):
            if pipe is not None:
                with contextlib.suppress(OSError, ValueError):
                    pipe.close()
        if self._keeper is not None:
            self._keeper.close()
            self._keeper = None
        self._done = True

    def _failure(self, reason: str) -> WorkerError:
        """The worker's own error when it exited by itself, else ``reason``; the worker is gone after."""
        err = b""
        if self._proc.stderr is not None:
            try:
                self._proc.wait(timeout=5)
                err = self._proc.stderr.read() or b""
            except (subprocess.TimeoutExpired, ValueError, OSError):
                err = b""
        self.abort()
        message = " ".join(err.decode("utf-8", "replace").split())
        return WorkerError(f"SQLite stream worker failed: {(message or reason)[-500:]}")


# A write of a million rows leaves 400 MB in the WAL, and the COMMIT that ends it copies them into the
# database file (SQLite's automatic checkpoint): 3 s in which the caller waits on the worker. Asked
# to, the worker commits without that checkpoint, and a thread of the caller runs it on a connection
# of its own (sqlite3 releases the GIL while it works) while the night goes on. That connection is opened
# before the worker starts, so the worker is never the last one to close the database (which would
# checkpoint on close). A reader reads the WAL meanwhile; nothing changes for correctness, as SQLite
# lets one checkpoint run beside readers and a writer.
_CHECKPOINTS: dict[str, threading.Thread] = {}
_CHECKPOINTS_LOCK = threading.Lock()


def _wal_keeper(database: Path) -> sqlite3.Connection | None:
    """A connection holding the WAL open, or None when the database is not in WAL mode."""
    try:
        conn = sqlite3.connect(str(database), check_same_thread=False, isolation_level=None)
    except sqlite3.Error:  # the worker then checkpoints as usual
        return None
    try:
        conn.execute("PRAGMA busy_timeout=30000")
        if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
            return conn
    except sqlite3.Error:
        pass
    conn.close()
    return None


def _checkpoint_in_background(database: str, keeper: sqlite3.Connection) -> None:
    def run() -> None:
        try:  # PASSIVE: never waits for readers or writers; what it cannot copy, a later one does
            keeper.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error:
            pass
        finally:
            keeper.close()

    thread = threading.Thread(target=run, name=f"sqlite-checkpoint {Path(database).name}", daemon=True)
    with _CHECKPOINTS_LOCK:
        earlier = _CHECKPOINTS.get(database)
    if earlier is not None:
        earlier.join()  # one at a time per database: a second would only find the first's lock
    thread.start()
    with _CHECKPOINTS_LOCK:  # registered once started: wait_for_checkpoints may join it at once
        _CHECKPOINTS[database] = thread


def wait_for_checkpoints(database: str | Path | None = None) -> None:
    """Wait for the background checkpoints (of one database, or all): a run ends with its WAL copied."""
    with _CHECKPOINTS_LOCK:
        pending = [(key, t) for key, t in _CHECKPOINTS.items() if database is None or key == str(database)]
    for key, thread in pending:
        thread.join()
        with _CHECKPOINTS_LOCK:
            if _CHECKPOINTS.get(key) is thread:
                del _CHECKPOINTS[key]


def _with_constants(
    schema: pa.Schema, source: Iterator[pa.RecordBatch], constants: dict[str, str], counted: list[int]
) -> pa.RecordBatchReader:
    """The batches, one at a time, with the constant columns added; ``counted`` gets each batch's row
    count."""
    fields = [pa.field(name, pa.string()) for name in constants]
    schema = pa.schema(list(schema) + fields)

    def batches() -> Iterator[pa.RecordBatch]:
        for batch in source:
            extra = [pa.repeat(value, batch.num_rows).cast(pa.string()) for value in constants.values()]
            counted.append(batch.num_rows)
            yield pa.RecordBatch.from_arrays(list(batch.columns) + extra, schema=schema)

    return pa.RecordBatchReader.from_batches(schema, batches())


def ingest_file(
    database: str,
    table: str,
    source: str,
    constants: dict[str, str],
    before: list[list],
    after: list[list],
    defer_checkpoint: bool = False,
) -> int:
    """Worker: the transaction :func:`write_rows` describes. Columns are matched by name; the file is
    read one record batch at a time (not memory-mapped), so the worker holds one batch."""
    with pa.OSFile(source, "rb") as handle:
        reader = ipc.open_file(handle)
        batches = (reader.get_batch(i) for i in range(reader.num_record_batches))
        return _ingest(database, table, reader.schema, batches, constants, before, after, defer_checkpoint)


# Written after the stream's end marker: only then does a stream worker commit. A caller that dies
# mid-stream closes the pipe at a batch boundary, which an Arrow stream reader takes for a normal end.
COMMIT_TRAILER = b"COMMIT\n"


def ingest_stream(
    database: str,
    table: str,
    constants: dict[str, str],
    before: list[list],
    after: list[list],
    defer_checkpoint: bool = False,
) -> int:
    """Worker: the transaction :class:`StreamWriter` describes, its rows read from stdin as they come."""
    stdin = sys.stdin.buffer
    reader = ipc.open_stream(pa.PythonFile(stdin, mode="r"))

    def confirm() -> None:
        if stdin.read() != COMMIT_TRAILER:
            raise RuntimeError("the stream ended without the caller's commit: rolled back")

    return _ingest(
        database, table, reader.schema, iter(reader), constants, before, after, defer_checkpoint, confirm
    )


def _ingest(
    database: str,
    table: str,
    schema: pa.Schema,
    source: Iterator[pa.RecordBatch],
    constants: dict[str, str],
    before: list[list],
    after: list[list],
    defer_checkpoint: bool,
    confirm: Callable[[], None] | None = None,
) -> int:
    import adbc_driver_sqlite.dbapi as adbc  # this process only: see the module docstring

    conn = adbc.connect(database, autocommit=True)  # the transaction is explicit, below
    try:
        cursor = conn.cursor()
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        if defer_checkpoint:  # the caller checkpoints (see _checkpoint_in_background)
            cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.execute("BEGIN IMMEDIATE")
        try:
            for sql, params in before:
                cursor.execute(sql, tuple(params))
            counted: list[int] = []
            cursor.adbc_ingest(table, _with_constants(schema, source, constants, counted), mode="append")
            if confirm is not None:
                confirm()
            for sql, params in after:
                cursor.execute(sql, tuple(params))
            cursor.execute("COMMIT")
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
        cursor.close()
    finally:
        conn.close()
    return sum(counted)


__all__: Sequence[str] = (
    "MIN_BULK_WRITE_ROWS",
    "MIN_PARALLEL_ROWS",
    "WRITE_BATCH_ROWS",
    "StreamWriter",
    "WorkerError",
    "adbc_available",
    "default_workers",
    "parallel_read",
    "wait_for_checkpoints",
    "write_rows",
)


def _worker_main() -> None:
    job = json.loads(sys.argv[1])
    op = job.pop("op")
    try:
        if op == "read":
            answer = read_slice(**job)
        elif op == "write":
            answer = ingest_file(**job)
        elif op == "write_stream":
            answer = ingest_stream(**job)
        else:
            raise ValueError(f"unknown operation {op!r}")
    except Exception as exc:  # one line for the caller's error, not a traceback's tail
        sys.stderr.write(f"{type(exc).__name__}: {' '.join(str(exc).split())}")
        raise SystemExit(1) from None
    sys.stdout.write(json.dumps(answer))


if __name__ == "__main__":
    _worker_main()
