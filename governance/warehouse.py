"""The warehouse: one SQLAlchemy engine, partition-replacing writes, partition reads.

SQLite (embedded default) and PostgreSQL (production) are both first-class. Writes replace one
partition's rows inside one transaction, so a re-run of a night is idempotent and a failed write
leaves the previous state. Bulk paths: ``COPY`` on PostgreSQL; on a SQLite file, large partitions
through a worker that binds Arrow columns in C (:mod:`governance.sqlite_bulk`); ``executemany``
otherwise; never ``DataFrame.to_sql`` row by row.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from datetime import date
from functools import cached_property
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

_log = logging.getLogger(__name__)

PARTITION_COLUMN = "partition_date"
_INSERT_CHUNK = 50_000
# Which partition of which table has a valid hand-off file (see Warehouse.replace_partition).
HANDOFF_TABLE = "governance_handoff"
HANDOFF_SUFFIX = ".arrow"


def check_partition_key(partition_date: str) -> str:
    """A partition key is an ISO date; anything else is refused (it is rendered into SQL)."""
    try:
        return date.fromisoformat(partition_date).isoformat()
    except (TypeError, ValueError) as exc:
        raise ValueError(f"partition key must be an ISO date YYYY-MM-DD, got {partition_date!r}") from exc


def _sql_type(series: pd.Series) -> sa.types.TypeEngine:
    kind = series.dtype.kind
    if kind == "b":
        return sa.Boolean()
    if kind in "iu":
        return sa.BigInteger()
    if kind == "f":
        return sa.Float()
    return sa.Text()


def _iter_python_rows(df: pd.DataFrame) -> Iterator[tuple]:
    columns = []
    for name in df.columns:
        col = df[name]
        if col.dtype.kind == "b":
            columns.append(col.to_numpy(dtype=object))
        elif col.dtype.kind in "iuf":
            values = col.to_numpy(dtype=object)
            values[col.isna().to_numpy()] = None
            columns.append(values)
        elif isinstance(col.dtype, pd.StringDtype):
            columns.append(col.to_numpy(dtype=object, na_value=None))  # one pass, None for missing
        else:
            values = col.astype(object).to_numpy()
            mask = pd.isna(values)
            if mask.any():
                values = values.copy()
                values[mask] = None
            columns.append(values)
    return zip(*columns, strict=True) if columns else iter(())


def write_arrow_file(arrow, path: Path) -> None:
    """``arrow`` as an uncompressed Arrow IPC file, in record batches a bulk-write worker can take one
    at a time."""
    import pyarrow as pa
    import pyarrow.ipc as ipc

    from governance.sqlite_bulk import WRITE_BATCH_ROWS

    with pa.OSFile(str(path), "wb") as sink, ipc.new_file(sink, arrow.schema) as writer:
        writer.write_table(arrow, max_chunksize=WRITE_BATCH_ROWS)


def _as_read(arrow) -> pd.DataFrame:
    """An Arrow table of stored rows as a read of the partition returns them: a column of only NULLs
    as None objects (a streamed hand-off file types it as text, which a later chunk may have held)."""
    frame = arrow.to_pandas()
    if arrow.num_rows:
        for name, column in zip(arrow.column_names, arrow.columns, strict=True):
            if column.null_count == arrow.num_rows and frame[name].dtype != object:
                frame[name] = pd.Series([None] * arrow.num_rows, dtype=object, index=frame.index)
    return frame


def _partition_statements(
    table: str, partition_date: str, has_handoff_table: bool, token: str | None
) -> tuple[list[tuple[str, list]], list[tuple[str, list]]]:
    """The statements a bulk-write worker runs before the rows (delete the old partition) and after
    them (replace the partition's hand-off token with ``token``, or just drop it)."""
    before = [(f'DELETE FROM "{table}" WHERE "{PARTITION_COLUMN}" = ?', [partition_date])]
    after: list[tuple[str, list]] = []
    if has_handoff_table:
        after.append(
            (
                f'DELETE FROM "{HANDOFF_TABLE}" WHERE table_name = ? AND "{PARTITION_COLUMN}" = ?',
                [table, partition_date],
            )
        )
    if token is not None:
        after.append(
            (
                f'INSERT INTO "{HANDOFF_TABLE}" (table_name, "{PARTITION_COLUMN}", token) VALUES (?, ?, ?)',
                [table, partition_date, token],
            )
        )
    return before, after


def _stream_errors() -> tuple[type[BaseException], ...]:
    from governance.sqlite_bulk import WorkerError

    # A worker that failed, a pipe or file that failed, a chunk Arrow cannot cast to the first one's types.
    return (WorkerError, OSError, ValueError, TypeError, RuntimeError)


class _PartitionStream:
    """One partition written by a :class:`~governance.sqlite_bulk.StreamWriter`, chunk by chunk, while
    every chunk also goes to a spool file (Arrow IPC) instead of staying in memory: a million staged
    rows held until the end cost 600 MB and more at the run's peak. With ``handoff`` the spool becomes
    the partition's hand-off file, renamed into place before the stream ends, so the token (in the
    worker's transaction from the start) never commits before its file exists; otherwise it is a
    scratch file next to the database, removed at the end.

    A worker that fails (or a chunk Arrow cannot cast to the first one's types) does not end the
    write: the chunks after it are kept as they are, and :meth:`finish` writes the spooled rows and
    those at once through :meth:`Warehouse.replace_partition`."""

    def __init__(
        self, warehouse: Warehouse, table: str, partition_date: str, sample: pd.DataFrame, handoff: bool
    ) -> None:
        import uuid

        from governance import sqlite_bulk

        assert warehouse.sqlite_file is not None
        self.warehouse = warehouse
        self.table = table
        self.partition_date = partition_date
        self.handoff = handoff
        with warehouse.begin() as conn:
            warehouse._ensure_table(conn, table, sample)
            self.columns = [c for c in warehouse.table_columns(table, conn) if c != PARTITION_COLUMN]
            has_handoff_table = warehouse._handoff_table(conn, create=handoff) is not None
        self.schema = _spool_schema(warehouse._stored_arrow(sample, self.columns))
        self.token = uuid.uuid4().hex if handoff else None
        self._scratch = ExitStack()
        self.spool_path: Path | None = None
        self.rows = 0
        self._late: list = []  # chunks after a failure, as stored: the spool's types may not fit them
        spool: _ArrowSpool | None = None
        try:
            self._spool = spool = self._open_spool()
            before, after = _partition_statements(table, partition_date, has_handoff_table, self.token)
            self._stream: sqlite_bulk.StreamWriter | None = sqlite_bulk.StreamWriter(
                warehouse.sqlite_file,
                table,
                self.schema,
                {PARTITION_COLUMN: partition_date},
                before,
                after,
                defer_checkpoint=self.token is not None,  # the next readers take the hand-off file
            )
        except BaseException:
            if spool is not None:
                spool.close()
            self._drop_spool()
            raise

    def _open_spool(self) -> _ArrowSpool:
        """The hand-off file's spool; a scratch file next to the database without one, or when the
        hand-off folder cannot be written (then the partition has no hand-off file, as a failed hand-off
        write always meant: its readers use the database)."""
        from governance import sqlite_bulk

        if self.token is not None:
            self.spool_path = self.warehouse._handoff_spool_path(self.table, self.partition_date, self.token)
            try:
                return _ArrowSpool(self.spool_path, self.schema, self.token)
            except OSError as exc:
                _log.warning("hand-off file of %s left out: %s", self.table, exc)
                self.token = None
        assert self.warehouse.sqlite_file is not None
        self.spool_path = self._scratch.enter_context(sqlite_bulk.scratch_dir(self.warehouse.sqlite_file))
        self.spool_path /= "rows.arrow"
        return _ArrowSpool(self.spool_path, self.schema, None)

    def write(self, chunk: pd.DataFrame) -> None:
        stored = self.warehouse._stored_arrow(chunk, self.columns)
        self.rows += stored.num_rows
        if self._stream is not None:
            try:
                stored = stored.cast(self.schema)
                self._stream.write(stored)
            except _stream_errors() as exc:
                self._fail(exc)
        if self._stream is None:
            self._late.append(stored)
            return
        self._spool.write(stored)  # a spool that fails (a full disk) ends the write: nothing commits

    def _fail(self, exc: BaseException) -> None:
        _log.warning("streamed write of %s failed, writing it at once: %s", self.table, exc)
        assert self._stream is not None
        self._stream.abort()
        self._stream = None

    def finish(self) -> int:
        """Put the hand-off file in place and let the worker commit; the rows written. After a failure,
        the rows are written at once instead."""
        self._spool.close()
        if self._stream is not None:
            if self.token is not None:
                try:
                    self.warehouse._install_handoff_file(self.table, self.partition_date, self.spool_path)
                except OSError as exc:  # its token commits without a file: the readers use the database
                    _log.warning("hand-off file of %s left out: %s", self.table, exc)
            try:
                written = self._stream.finish()
            except _stream_errors() as exc:
                self._fail(exc)
            else:
                if written == self.rows:
                    self._drop_spool()
                    return written
                # never seen; should it happen, the partition is written again
                _log.warning("streamed write of %s stored %d of %d rows", self.table, written, self.rows)
        whole = self._spooled_rows()
        self._drop_spool()
        return self.warehouse.replace_partition(self.table, self.partition_date, whole, handoff=self.handoff)

    def _spooled_rows(self) -> pd.DataFrame:
        """Every row of the partition, as stored: the spool's (or, installed already, the hand-off
        file's) and the chunks kept after a failure."""
        import pyarrow as pa
        import pyarrow.ipc as ipc

        path = self.spool_path
        assert path is not None
        if not path.exists() and self.token is not None:
            path = self.warehouse._handoff_path(self.table, self.partition_date)
        with pa.memory_map(str(path)) as source:
            parts = [ipc.open_file(source).read_all().to_pandas()]
        parts.extend(table.to_pandas() for table in self._late)
        self._late.clear()
        return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]

    def abort(self) -> None:
        if self._stream is not None:
            self._stream.abort()
            self._stream = None
        self._spool.close()
        self._drop_spool()
        if self.token is not None:  # an installed file whose token never committed is of no use
            self.warehouse._drop_handoff_file(self.table, self.partition_date, self.token)

    def _drop_spool(self) -> None:
        if self.spool_path is not None:
            with suppress(OSError):
                self.spool_path.unlink(missing_ok=True)
        self._scratch.close()


class _ArrowSpool:
    """Tables appended to an uncompressed Arrow IPC file (the format of the hand-off files), in record
    batches a bulk-write worker can take one at a time."""

    def __init__(self, path: Path, schema, token: str | None) -> None:
        import pyarrow as pa
        import pyarrow.ipc as ipc

        if token is not None:
            schema = schema.with_metadata({**(schema.metadata or {}), b"handoff_token": token.encode()})
        path.parent.mkdir(parents=True, exist_ok=True)
        self._sink = pa.OSFile(str(path), "wb")
        self._writer = ipc.new_file(self._sink, schema)
        self._open = True

    def write(self, table) -> None:
        from governance.sqlite_bulk import WRITE_BATCH_ROWS

        self._writer.write_table(table, max_chunksize=WRITE_BATCH_ROWS)

    def close(self) -> None:
        if self._open:
            self._open = False
            try:
                self._writer.close()
            finally:
                self._sink.close()


class _HandoffSpool:
    """A hand-off file written chunk by chunk beside a serial write. Unlike the stream's spool it may
    fail: a chunk it cannot take (other types than the first chunk's, a full disk) leaves the file out,
    and the readers use the database."""

    def __init__(self, path: Path, token: str) -> None:
        self.path = path
        self.token = token
        self._spool: _ArrowSpool | None = None
        self._schema = None
        self.failed = False

    def write(self, stored) -> None:
        if self.failed:
            return
        try:
            if self._spool is None:
                self._schema = _spool_schema(stored)
                self._spool = _ArrowSpool(self.path, self._schema, self.token)
            self._spool.write(stored.cast(self._schema))
        except _stream_errors() as exc:
            _log.warning("hand-off file %s left out: %s", self.path.name, exc)
            self.failed = True
            self.discard()

    def install(self, warehouse: Warehouse, table: str, partition_date: str) -> bool:
        """Put the file in place; whether it is there."""
        if self.failed or self._spool is None:
            return False
        try:
            self._spool.close()
            warehouse._install_handoff_file(table, partition_date, self.path)
        except OSError as exc:
            _log.warning("hand-off file %s left out: %s", self.path.name, exc)
            self.discard()
            return False
        return True

    def discard(self) -> None:
        if self._spool is not None:
            with suppress(OSError):
                self._spool.close()
        with suppress(OSError):
            self.path.unlink(missing_ok=True)


def _spool_schema(stored):
    """The Arrow schema of a partition's stored rows, from its first chunk: a column of NULLs there may
    hold text in a later one."""
    import pyarrow as pa

    return pa.schema(
        [pa.field(f.name, pa.string()) if pa.types.is_null(f.type) else f for f in stored.schema]
    )


class Warehouse:
    """Plain-Python access to the warehouse (the Dagster resource wraps this)."""

    def __init__(
        self, url: str, handoff_dir: str | Path | None = None, bulk_workers: int | None = None
    ) -> None:
        """``bulk_workers``: processes for large SQLite reads (default: one per core, at most four; 1 turns
        the parallel path off). Other databases ignore it."""
        from governance.sqlite_bulk import default_workers

        self.url = url
        self._handoff_dir = Path(handoff_dir) if handoff_dir is not None else None
        self.bulk_workers = default_workers() if bulk_workers is None else max(1, int(bulk_workers))
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)

    @property
    def handoff_dir(self) -> Path | None:
        """Where partition hand-off files live: the folder given (the pipeline passes var/handoff), or
        next to a SQLite file; None (no hand-off, reads go to the database) for a server database
        without a configured folder."""
        if self._handoff_dir is not None:
            return self._handoff_dir
        if self.url.startswith("sqlite:///") and ":memory:" not in self.url:
            return Path(self.url.removeprefix("sqlite:///").split("?")[0]).parent / "handoff"
        return None

    @property
    def sqlite_file(self) -> Path | None:
        """The database file of a file-based SQLite warehouse, else None."""
        if self.dialect != "sqlite":
            return None
        database = self.engine.url.database
        if not database or database == ":memory:" or database.startswith("file:"):
            return None
        return Path(database).resolve()

    @cached_property
    def engine(self) -> Engine:
        engine = sa.create_engine(self.url, future=True)
        if engine.dialect.name == "sqlite":

            @sa.event.listens_for(engine, "connect")
            def _sqlite_pragmas(dbapi_conn, _record) -> None:  # pragma: no cover - trivial
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.execute("PRAGMA busy_timeout=30000")
                cur.close()

        return engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def display_url(self) -> str:
        """The URL without a password, for logs and metadata."""
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    def has_table(self, name: str) -> bool:
        return sa.inspect(self.engine).has_table(name)

    def table_columns(self, name: str, conn: Connection | None = None) -> list[str]:
        inspector = sa.inspect(conn if conn is not None else self.engine)
        return [col["name"] for col in inspector.get_columns(name)]

    def _ensure_table(self, conn: Connection, name: str, df: pd.DataFrame) -> sa.Table:
        metadata = sa.MetaData()
        inspector = sa.inspect(conn)
        if not inspector.has_table(name):
            table = sa.Table(name, metadata, *(sa.Column(c, _sql_type(df[c])) for c in df.columns))
            table.create(conn)
            if PARTITION_COLUMN in df.columns:
                sa.Index(f"ix_{name}_{PARTITION_COLUMN}", table.c[PARTITION_COLUMN]).create(conn)
            return table
        existing = {col["name"] for col in inspector.get_columns(name)}
        for column in df.columns:
            if column not in existing:
                col_type = _sql_type(df[column]).compile(dialect=conn.dialect)
                conn.exec_driver_sql(f'ALTER TABLE "{name}" ADD COLUMN "{column}" {col_type}')
        return sa.Table(name, metadata, autoload_with=conn)

    def replace_partition(
        self,
        table: str,
        partition_date: str,
        df: pd.DataFrame,
        *,
        handoff: bool = False,
        while_writing: Callable[[], None] | None = None,
    ) -> int:
        """Replace one partition of ``table`` with ``df`` in a single transaction; returns rows written.

        ``handoff``: also leave the rows as an Arrow file that :meth:`read_handoff` returns instead of
        reading the partition back from the database (a SQLite read of a million wide rows costs more
        than everything else in the night). The file is valid only while the token committed with the
        partition matches it; any later write of the partition drops the token in its transaction.

        ``while_writing``: work for this thread while a bulk-write worker writes the rows (not called
        when the partition is written in this process).
        """
        from governance import sqlite_bulk

        partition_date = check_partition_key(partition_date)
        df = df.copy(deep=False)
        df[PARTITION_COLUMN] = partition_date
        if self._bulk_writable(df):
            try:
                self._replace_partition_bulk(
                    table, partition_date, df, handoff=handoff, while_writing=while_writing
                )
                return len(df)
            except (sqlite_bulk.WorkerError, OSError) as exc:  # rolled back: write the partition serially
                _log.warning("bulk write of %s failed, writing it serially: %s", table, exc)
        with self.begin() as conn:
            sa_table = self._ensure_table(conn, table, df)
            conn.execute(sa.delete(sa_table).where(sa_table.c[PARTITION_COLUMN] == partition_date))
            self._bulk_insert(conn, table, df)
            self._replace_handoff(conn, table, partition_date, df if handoff else None)
        return len(df)

    def replace_partition_chunks(
        self,
        table: str,
        partition_date: str,
        chunks: Iterable[pd.DataFrame],
        *,
        rows: int,
        handoff: bool = False,
    ) -> int:
        """:meth:`replace_partition` for rows computed chunk by chunk; returns the rows written.

        On a SQLite file a bulk-write worker appends each chunk while the caller computes the next, and
        no chunk stays in memory (see :class:`_PartitionStream`). Elsewhere, and for fewer ``rows`` (all
        chunks together) than a bulk write is worth or a first chunk the bulk writer cannot take, the
        chunks are gathered and written through :meth:`replace_partition`. ``chunks`` must yield at least
        one frame; all share one set of columns. Whatever fails ends the write: nothing commits."""
        from governance import sqlite_bulk

        partition_date = check_partition_key(partition_date)
        iterator = iter(chunks)
        first = next(iterator)
        stream = (
            self._start_stream(table, partition_date, first, handoff)
            if rows >= sqlite_bulk.MIN_BULK_WRITE_ROWS
            else None
        )
        if stream is None:
            return self._replace_partition_serially(table, partition_date, first, iterator, handoff)
        try:  # anything that fails ends everything: the worker is killed, nothing commits
            stream.write(first)
            del first
            for chunk in iterator:
                stream.write(chunk)
            return stream.finish()
        except BaseException:
            stream.abort()
            raise

    def _replace_partition_serially(
        self,
        table: str,
        partition_date: str,
        first: pd.DataFrame,
        rest: Iterator[pd.DataFrame],
        handoff: bool,
    ) -> int:
        """The chunks inserted one by one in one transaction (``COPY`` on PostgreSQL), the table typed
        by the first; the hand-off file is spooled alongside, so no chunk stays in memory."""
        import uuid

        token = uuid.uuid4().hex
        spool = (
            _HandoffSpool(self._handoff_spool_path(table, partition_date, token), token)
            if handoff and self.handoff_dir is not None
            else None
        )
        written = 0
        try:
            with self.begin() as conn:
                sa_table = self._ensure_table(conn, table, first.assign(**{PARTITION_COLUMN: partition_date}))
                conn.execute(sa.delete(sa_table).where(sa_table.c[PARTITION_COLUMN] == partition_date))
                columns = [c for c in self.table_columns(table, conn) if c != PARTITION_COLUMN]
                chunks = itertools.chain([first], rest)
                del first
                for chunk in chunks:
                    self._bulk_insert(conn, table, chunk.assign(**{PARTITION_COLUMN: partition_date}))
                    written += len(chunk)
                    if spool is not None:
                        spool.write(self._stored_arrow(chunk, columns))
                installed = spool is not None and spool.install(self, table, partition_date)
                self._replace_handoff_token(conn, table, partition_date, token if installed else None)
        except BaseException:
            if spool is not None:  # installed, perhaps, but its token never committed
                self._drop_handoff_file(table, partition_date, token)
            raise
        finally:
            if spool is not None:
                spool.discard()
        return written

    def _start_stream(
        self, table: str, partition_date: str, first: pd.DataFrame, handoff: bool
    ) -> _PartitionStream | None:
        """The streamed write of a partition, started from its first chunk; None where it does not apply."""
        sample = first.copy(deep=False)
        sample[PARTITION_COLUMN] = partition_date
        if self.sqlite_file is None or not self._bulk_writable(sample, min_rows=0):
            return None
        try:
            return _PartitionStream(
                self, table, partition_date, sample, handoff and self.handoff_dir is not None
            )
        except _stream_errors() as exc:  # no worker: the whole frame is written after the last chunk
            _log.warning("streamed write of %s could not start: %s", table, exc)
            return None

    def _bulk_writable(self, df: pd.DataFrame, min_rows: int | None = None) -> bool:
        """A large frame for a SQLite file, of types the bulk writer stores as ``executemany`` does."""
        from governance import sqlite_bulk

        least = sqlite_bulk.MIN_BULK_WRITE_ROWS if min_rows is None else min_rows
        if len(df) < least or self.sqlite_file is None:
            return False
        for name in df.columns:
            col = df[name]
            if col.dtype.kind in "biuf" or isinstance(col.dtype, pd.StringDtype):
                continue
            # object columns only when they hold text: other objects keep their executemany storage
            if col.dtype != object or pd.api.types.infer_dtype(col, skipna=True) not in ("string", "empty"):
                return False
        return sqlite_bulk.adbc_available()

    def _replace_partition_bulk(
        self,
        table: str,
        partition_date: str,
        df: pd.DataFrame,
        *,
        handoff: bool,
        while_writing: Callable[[], None] | None = None,
    ) -> None:
        """:meth:`replace_partition` through a bulk-write worker: the table is created or widened first
        (schema changes commit on their own), then one worker transaction deletes the old partition,
        appends the rows and replaces the hand-off token. The rows travel as an Arrow file: the hand-off
        file itself when one is wanted, else a scratch file next to the database."""
        from governance import sqlite_bulk

        database = self.sqlite_file
        assert database is not None
        want_handoff = handoff and self.handoff_dir is not None
        with self.begin() as conn:
            self._ensure_table(conn, table, df)
            columns = [c for c in self.table_columns(table, conn) if c != PARTITION_COLUMN]
            has_handoff_table = self._handoff_table(conn, create=want_handoff) is not None
        arrow = self._stored_arrow(df, columns)
        token = self._write_handoff_file(table, partition_date, arrow) if want_handoff else None
        before, after = _partition_statements(table, partition_date, has_handoff_table, token)
        constants = {PARTITION_COLUMN: partition_date}
        if token is not None:  # the hand-off file holds the rows already
            del arrow
            # The next readers take the hand-off file, so the checkpoint can run beside them.
            sqlite_bulk.write_rows(
                database,
                table,
                self._handoff_path(table, partition_date),
                constants,
                before,
                after,
                defer_checkpoint=True,
                while_waiting=while_writing,
            )
            return
        with sqlite_bulk.scratch_dir(database) as scratch:
            write_arrow_file(arrow, scratch / "rows.arrow")
            del arrow
            sqlite_bulk.write_rows(
                database, table, scratch / "rows.arrow", constants, before, after, while_waiting=while_writing
            )

    def _replace_handoff(
        self, conn: Connection, table: str, partition_date: str, df: pd.DataFrame | None
    ) -> None:
        """Drop the partition's hand-off token; with ``df``, write a new file and token."""
        want = df is not None and self.handoff_dir is not None
        token = self._write_handoff(conn, table, partition_date, df) if want else None
        self._replace_handoff_token(conn, table, partition_date, token, create=want)

    def _replace_handoff_token(
        self, conn: Connection, table: str, partition_date: str, token: str | None, create: bool = True
    ) -> None:
        """In ``conn``'s transaction: the partition's hand-off token becomes ``token`` (None: none)."""
        handoff_table = self._handoff_table(conn, create=create and token is not None)
        if handoff_table is None:
            return
        conn.execute(
            sa.delete(handoff_table).where(
                (handoff_table.c.table_name == table) & (handoff_table.c[PARTITION_COLUMN] == partition_date)
            )
        )
        if token is not None:
            conn.execute(
                sa.insert(handoff_table).values(
                    {"table_name": table, PARTITION_COLUMN: partition_date, "token": token}
                )
            )

    # -- hand-off files ---------------------------------------------------------------------------------
    def _handoff_table(self, conn: Connection, *, create: bool) -> sa.Table | None:
        table = sa.Table(
            HANDOFF_TABLE,
            sa.MetaData(),
            sa.Column("table_name", sa.Text()),
            sa.Column(PARTITION_COLUMN, sa.Text()),
            sa.Column("token", sa.Text()),
        )
        if sa.inspect(conn).has_table(HANDOFF_TABLE):
            return table
        if not create:
            return None
        table.create(conn)
        return table

    def _handoff_path(self, table: str, partition_date: str) -> Path:
        assert self.handoff_dir is not None
        return self.handoff_dir / table / f"{check_partition_key(partition_date)}{HANDOFF_SUFFIX}"

    def _write_handoff(
        self, conn: Connection, table: str, partition_date: str, df: pd.DataFrame
    ) -> str | None:
        columns = [c for c in self.table_columns(table, conn) if c != PARTITION_COLUMN]
        return self._write_handoff_file(table, partition_date, self._stored_arrow(df, columns))

    def _stored_arrow(self, df: pd.DataFrame, columns: list[str]):
        """The rows as a read of the partition returns them: the table's column order without the
        partition column, the database's types (booleans as 0/1 outside PostgreSQL, text as str), and a
        column the frame lacks as NULLs."""
        import pyarrow as pa

        stored: dict[str, pd.Series] = {}
        for name in columns:
            if name not in df.columns:
                stored[name] = pd.Series([None] * len(df), dtype=object, index=df.index)
                continue
            col = df[name]
            if col.dtype.kind == "b" and self.dialect != "postgresql":
                col = col.astype("int64")  # stored as 0/1, read back as integers
            elif col.dtype.kind not in "biuf":
                # text as str; a column of only NULLs stays None objects, as a read returns it
                col = (
                    col.astype("str")
                    if col.notna().any()
                    else pd.Series([None] * len(df), dtype=object, index=df.index)
                )
            stored[name] = col
        frame = pd.DataFrame(stored, columns=columns).reset_index(drop=True)
        return pa.Table.from_pandas(frame, preserve_index=False)

    def _write_handoff_file(
        self, table: str, partition_date: str, arrow, token: str | None = None
    ) -> str | None:
        """``arrow`` as the partition's uncompressed Arrow IPC hand-off file; returns its token. Written
        in 0.3 s and mapped back in 0.05 s for a million staged rows, where Parquet with lz4 took 1.2 s
        and 1.3 s (the file is ~600 MB instead of ~100 MB; only the latest partition keeps one). None
        when the file cannot be written (a full disk, say): the readers then use the database, and the
        write of the partition itself goes on."""
        import uuid

        token = token or uuid.uuid4().hex
        metadata = {**(arrow.schema.metadata or {}), b"handoff_token": token.encode()}
        arrow = arrow.replace_schema_metadata(metadata)
        tmp = self._handoff_spool_path(table, partition_date, token)
        try:
            tmp.parent.mkdir(parents=True, exist_ok=True)
            write_arrow_file(arrow, tmp)
            self._install_handoff_file(table, partition_date, tmp)
        except OSError:
            for leftover in (tmp, self._handoff_path(table, partition_date)):  # no stale file
                with suppress(OSError):
                    leftover.unlink(missing_ok=True)
            return None
        return token

    def _handoff_spool_path(self, table: str, partition_date: str, token: str) -> Path:
        """Where a hand-off file is written before it is put in place (same folder: a rename)."""
        path = self._handoff_path(table, partition_date)
        return path.with_name(f"{path.name}.{token}.tmp")

    def _install_handoff_file(self, table: str, partition_date: str, written: Path) -> None:
        """Put a written hand-off file in place. Only the latest written partition keeps its file; the
        others are read from the database."""
        from governance.sqlite_bulk import stale

        path = self._handoff_path(table, partition_date)
        for other in path.parent.iterdir():
            if other != path and other.suffix in (HANDOFF_SUFFIX, ".parquet"):
                other.unlink(missing_ok=True)
            elif other != written and other.suffix == ".tmp":  # a killed night's spool, if stale
                with suppress(OSError):
                    if stale(other):
                        other.unlink()
        written.replace(path)

    def _drop_handoff_file(self, table: str, partition_date: str, token: str) -> None:
        """Remove the partition's hand-off file if it carries ``token`` (a token that never committed)."""
        import pyarrow as pa
        import pyarrow.ipc as ipc

        path = self._handoff_path(table, partition_date)
        with suppress(OSError, ValueError, KeyError):
            with pa.memory_map(str(path)) as source:
                ours = (ipc.open_file(source).schema.metadata or {}).get(b"handoff_token") == token.encode()
            if ours:
                path.unlink(missing_ok=True)

    def read_handoff(
        self, table: str, partition_date: str, columns: Sequence[str] | None = None
    ) -> pd.DataFrame | None:
        """The partition from its hand-off file while that is valid, else None (read the database).

        The file is memory-mapped: the frame's text columns point into it (a later night's file
        replaces it by rename, so the mapped pages stay valid)."""
        partition_date = check_partition_key(partition_date)
        if self.handoff_dir is None:
            return None
        path = self._handoff_path(table, partition_date)
        if not path.exists():
            return None
        import pyarrow as pa
        import pyarrow.ipc as ipc

        with self.engine.connect() as conn:
            handoff_table = self._handoff_table(conn, create=False)
            if handoff_table is None:
                return None
            token = conn.execute(
                sa.select(handoff_table.c.token).where(
                    (handoff_table.c.table_name == table)
                    & (handoff_table.c[PARTITION_COLUMN] == partition_date)
                )
            ).scalar()
        if token is None:
            return None
        try:
            with pa.memory_map(str(path)) as source:
                reader = ipc.open_file(source)
                if (reader.schema.metadata or {}).get(b"handoff_token", b"").decode() != token:
                    return None
                arrow = reader.read_all()
            if columns:
                arrow = arrow.select(list(columns))
            return _as_read(arrow)
        except (OSError, ValueError, KeyError, pa.ArrowInvalid):
            return None

    def _bulk_insert(self, conn: Connection, table: str, df: pd.DataFrame) -> None:
        if df.empty:
            return
        columns = list(df.columns)
        if self.dialect == "postgresql":
            self._copy_postgres(conn, table, df)
            return
        quoted = ", ".join(f'"{c}"' if self.dialect != "mysql" else f"`{c}`" for c in columns)
        name = f'"{table}"' if self.dialect != "mysql" else f"`{table}`"
        marks = ", ".join(["?" if self.dialect == "sqlite" else "%s"] * len(columns))
        statement = f"INSERT INTO {name} ({quoted}) VALUES ({marks})"
        cursor = conn.connection.driver_connection.cursor()
        try:
            for start in range(0, len(df), _INSERT_CHUNK):
                cursor.executemany(statement, _iter_python_rows(df.iloc[start : start + _INSERT_CHUNK]))
        finally:
            cursor.close()

    @staticmethod
    def _copy_postgres(conn: Connection, table: str, df: pd.DataFrame) -> None:
        columns = ", ".join(f'"{c}"' for c in df.columns)
        raw = conn.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
            for start in range(0, len(df), _INSERT_CHUNK):  # chunks: Python rows of all 1M cost GBs
                for row in _iter_python_rows(df.iloc[start : start + _INSERT_CHUNK]):
                    copy.write_row(row)

    def read_partition(
        self, table: str, partition_date: str, columns: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """All rows of one partition (without the partition column); large SQLite partitions are read
        by worker processes (:func:`governance.sqlite_bulk.parallel_read`)."""
        from governance import sqlite_bulk

        partition_date = check_partition_key(partition_date)
        cols = ", ".join(f'"{c}"' for c in columns) if columns else "*"
        query = f'SELECT {cols} FROM "{table}" WHERE {PARTITION_COLUMN} = :p'
        frame = None
        database = self.sqlite_file
        if database is not None and self.bulk_workers > 1:
            arrow = sqlite_bulk.parallel_read(database, query, {"p": partition_date}, self.bulk_workers)
            if arrow is not None:
                frame = _frame_from_arrow(arrow)
        if frame is None:
            frame = self.query(query, {"p": partition_date})
        return frame.drop(columns=[PARTITION_COLUMN], errors="ignore")

    def query(self, sql: str, params: dict | None = None) -> pd.DataFrame:
        with self.engine.connect() as conn:
            if self.dialect == "sqlite" and "\\:" not in sql:
                # sqlite3 takes the same :name parameters; its own cursor skips SQLAlchemy's Row objects.
                cursor = conn.connection.driver_connection.cursor()
                try:
                    cursor.execute(sql, params or {})
                    names = [d[0] for d in cursor.description or ()]
                    return _frame_from_cursor(names, cursor.fetchmany)
                finally:
                    cursor.close()
            result = conn.execute(sa.text(sql), params or {})
            if not result.returns_rows:
                return pd.DataFrame()
            return _frame_from_cursor(list(result.keys()), result.fetchmany)

    def scalar(self, sql: str, params: dict | None = None):
        with self.engine.connect() as conn:
            return conn.execute(sa.text(sql), params or {}).scalar()

    def delete_partitions_before(
        self, tables: Sequence[str], keep_from: str, keep: str | None = None
    ) -> None:
        """Retention: drop partitions older than ``keep_from`` from the given tables, except ``keep``."""
        keep_from = check_partition_key(keep_from)
        spared = check_partition_key(keep) if keep else ""
        with self.begin() as conn:
            for table in tables:
                if sa.inspect(conn).has_table(table):
                    conn.execute(
                        sa.text(
                            f'DELETE FROM "{table}" '
                            f"WHERE {PARTITION_COLUMN} < :p AND {PARTITION_COLUMN} <> :k"
                        ),
                        {"p": keep_from, "k": spared},
                    )
            handoff_table = self._handoff_table(conn, create=False)
            if handoff_table is not None:
                conn.execute(
                    sa.delete(handoff_table).where(
                        handoff_table.c.table_name.in_(list(tables))
                        & (handoff_table.c[PARTITION_COLUMN] < keep_from)
                        & (handoff_table.c[PARTITION_COLUMN] != spared)
                    )
                )
        if self.handoff_dir is not None:
            for table in tables:
                folder = self.handoff_dir / table
                if folder.is_dir():
                    for path in folder.glob(f"*{HANDOFF_SUFFIX}"):
                        if path.stem < keep_from and path.stem != spared:
                            path.unlink(missing_ok=True)

    def dispose(self) -> None:
        """Close the connections; a SQLite warehouse first waits for its background checkpoints."""
        if "engine" not in self.__dict__:
            return
        if self.sqlite_file is not None:
            from governance.sqlite_bulk import wait_for_checkpoints

            wait_for_checkpoints(self.sqlite_file)
        self.engine.dispose()


def _frame_from_cursor(names: list[str], fetchmany, chunk: int = _INSERT_CHUNK) -> pd.DataFrame:
    """A result as a DataFrame, built column by column through Arrow, one chunk of rows at a time
    (the Python objects of a chunk are freed before the next is fetched).

    Same dtypes as ``DataFrame.from_records`` gives: text -> str (NaN for NULL), integers -> int64
    (float64 when NULLs), reals -> float64, booleans; a column Arrow cannot type alike (mixed SQLite
    storage classes, dates, decimals) falls back to pandas inference on its Python values.
    """
    from governance.arrow_rows import collect

    columns = collect(names, fetchmany, chunk)
    if columns.rows == 0:
        return pd.DataFrame.from_records([], columns=names)
    series: dict[str, pd.Series] = {}
    for i, name in enumerate(names):
        arrow = columns.arrow_column(i)
        if arrow is not None:
            series[name] = arrow.to_pandas()
        else:
            values = columns.fallback_values(i)
            series[name] = pd.DataFrame.from_records([(v,) for v in values], columns=[name])[name]
        columns.release(i)
    return pd.DataFrame(series, columns=names)


def _frame_from_arrow(table) -> pd.DataFrame:
    """The DataFrame :func:`_frame_from_cursor` builds for the same rows (a column of only NULLs is an
    object column of None, as ``DataFrame.from_records`` makes it)."""
    import pyarrow as pa

    series: dict[str, pd.Series] = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        if pa.types.is_null(column.type):
            series[name] = pd.Series([None] * len(column), dtype=object)
        else:
            series[name] = column.to_pandas()
    return pd.DataFrame(series, columns=table.column_names)


def to_bool(series: pd.Series) -> pd.Series:
    """Warehouse booleans come back as bool, 0/1 or strings depending on the database."""
    if series.dtype.kind == "b":
        return series
    text = series.astype(str).str.strip().str.lower()
    return text.isin(["1", "true", "t", "yes"]).astype(bool)


__all__ = ["PARTITION_COLUMN", "Warehouse", "check_partition_key", "to_bool"]
