"""The warehouse: one SQLAlchemy engine, partition-replacing writes, partition reads.

SQLite (embedded default) and PostgreSQL (production) are both first-class. Writes replace one
partition's rows inside one transaction, so a re-run of a night is idempotent and a failed write
leaves the previous state. Bulk paths: ``COPY`` on PostgreSQL, ``executemany`` on SQLite/MariaDB;
never ``DataFrame.to_sql`` row by row.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from functools import cached_property
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

PARTITION_COLUMN = "partition_date"
_INSERT_CHUNK = 50_000


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


def _python_rows(df: pd.DataFrame) -> list[tuple]:
    """Rows as plain Python values (None for missing) for DB-API executemany."""
    columns = []
    for name in df.columns:
        col = df[name]
        if col.dtype.kind == "b":
            columns.append(col.to_numpy(dtype=object))
        elif col.dtype.kind in "iuf":
            values = col.to_numpy(dtype=object)
            values[col.isna().to_numpy()] = None
            columns.append(values)
        else:
            values = col.astype(object).to_numpy()
            mask = pd.isna(values)
            if mask.any():
                values = values.copy()
                values[mask] = None
            columns.append(values)
    return list(zip(*columns, strict=True)) if columns else []


class Warehouse:
    """Plain-Python access to the warehouse (the Dagster resource wraps this)."""

    def __init__(self, url: str) -> None:
        self.url = url
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)

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

    def replace_partition(self, table: str, partition_date: str, df: pd.DataFrame) -> int:
        """Replace one partition of ``table`` with ``df`` in a single transaction; returns rows written."""
        partition_date = check_partition_key(partition_date)
        df = df.copy(deep=False)
        df[PARTITION_COLUMN] = partition_date
        with self.begin() as conn:
            sa_table = self._ensure_table(conn, table, df)
            conn.execute(sa.delete(sa_table).where(sa_table.c[PARTITION_COLUMN] == partition_date))
            self._bulk_insert(conn, table, df)
        return len(df)

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
                cursor.executemany(statement, _python_rows(df.iloc[start : start + _INSERT_CHUNK]))
        finally:
            cursor.close()

    @staticmethod
    def _copy_postgres(conn: Connection, table: str, df: pd.DataFrame) -> None:
        columns = ", ".join(f'"{c}"' for c in df.columns)
        raw = conn.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
            for row in _python_rows(df):
                copy.write_row(row)

    def read_partition(
        self, table: str, partition_date: str, columns: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """All rows of one partition (without the partition column)."""
        partition_date = check_partition_key(partition_date)
        cols = ", ".join(f'"{c}"' for c in columns) if columns else "*"
        query = f'SELECT {cols} FROM "{table}" WHERE {PARTITION_COLUMN} = :p'
        frame = self.query(query, {"p": partition_date})
        return frame.drop(columns=[PARTITION_COLUMN], errors="ignore")

    def query(self, sql: str, params: dict | None = None) -> pd.DataFrame:
        with self.engine.connect() as conn:
            result = conn.execute(sa.text(sql), params or {})
            rows = result.fetchall()
            return pd.DataFrame.from_records(rows, columns=list(result.keys()))

    def scalar(self, sql: str, params: dict | None = None):
        with self.engine.connect() as conn:
            return conn.execute(sa.text(sql), params or {}).scalar()

    def delete_partitions_before(self, tables: Sequence[str], keep_from: str) -> None:
        """Retention: drop partitions older than ``keep_from`` from the given tables."""
        keep_from = check_partition_key(keep_from)
        with self.begin() as conn:
            for table in tables:
                if sa.inspect(conn).has_table(table):
                    conn.execute(
                        sa.text(f'DELETE FROM "{table}" WHERE {PARTITION_COLUMN} < :p'), {"p": keep_from}
                    )

    def dispose(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()


def to_bool(series: pd.Series) -> pd.Series:
    """Warehouse booleans come back as bool, 0/1 or strings depending on the database."""
    if series.dtype.kind == "b":
        return series
    text = series.astype(str).str.strip().str.lower()
    return text.isin(["1", "true", "t", "yes"]).astype(bool)


__all__ = ["PARTITION_COLUMN", "Warehouse", "check_partition_key", "to_bool"]
