"""The parallel SQLite read gives exactly what the serial read gives, and cleans up after itself."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance import sqlite_bulk
from governance.warehouse import Warehouse, _frame_from_cursor

TRICKY = ["", " ", "O'Brien", 'say "hi"', "a;b,c", "line\nbreak", "cr\r", "ä ß Œ 😀", "NULL", "=1+1", "\t"]


def tricky_frame(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "contact_id": [f"C{i:06d}" for i in range(n)],
            "text": [TRICKY[i % len(TRICKY)] + str(i) for i in range(n)],
            "maybe": [None if i % 3 == 0 else f"v{i}" for i in range(n)],
            "line": np.arange(n, dtype="int64"),
            "flag": [i % 2 == 0 for i in range(n)],
            "score": [np.nan if i % 5 == 0 else i / 7 for i in range(n)],
            "empty": [None] * n,
            "arrow_text": pd.Series([f"s{i}" for i in range(n)], dtype="str"),
        }
    )


@pytest.fixture
def small_threshold(monkeypatch):
    """Take the parallel path for test-sized frames."""
    monkeypatch.setattr(sqlite_bulk, "MIN_PARALLEL_ROWS", 10)


def _warehouses(tmp_path, workers: int) -> tuple[Warehouse, Warehouse]:
    serial = Warehouse(f"sqlite:///{tmp_path / 'serial.db'}", bulk_workers=1)
    parallel = Warehouse(f"sqlite:///{tmp_path / 'parallel.db'}", bulk_workers=workers)
    return serial, parallel


@pytest.mark.parametrize("workers", [2, 3])
def test_parallel_read_equals_serial_read(tmp_path, small_threshold, workers):
    serial, parallel = _warehouses(tmp_path, workers)
    df = tricky_frame(1_001)
    for wh in (serial, parallel):
        wh.replace_partition("t", "2026-11-01", df.head(50))  # another night, must not leak in
        wh.replace_partition("t", "2026-11-02", df)
    expected = serial.read_partition("t", "2026-11-02")
    got = parallel.read_partition("t", "2026-11-02")
    pd.testing.assert_frame_equal(got, expected)
    assert got["contact_id"].tolist() == df["contact_id"].tolist()  # row order kept
    assert got["text"].tolist() == df["text"].tolist()
    assert got["empty"].tolist() == [None] * len(df)
    assert len(parallel.read_partition("t", "2026-11-01")) == 50
    assert not list(tmp_path.glob(".bulk-*"))  # the slices' scratch folder is gone
    # ... and the rows really came through the workers, not through a silent serial fallback.
    sliced = sqlite_bulk.parallel_read(
        tmp_path / "parallel.db", 'SELECT * FROM "t" WHERE partition_date = :p', {"p": "2026-11-02"}, workers
    )
    assert sliced is not None and sliced.num_rows == len(df)
    serial.dispose()
    parallel.dispose()


def test_parallel_read_of_a_view_with_columns(tmp_path, small_threshold):
    serial, parallel = _warehouses(tmp_path, 2)
    for wh in (serial, parallel):
        wh.replace_partition("t", "2026-11-02", tricky_frame(300))
        with wh.engine.begin() as conn:
            conn.exec_driver_sql(
                "CREATE VIEW v AS SELECT partition_date, upper(text) AS text, line * 2 AS line FROM t"
            )
    pd.testing.assert_frame_equal(
        parallel.read_partition("v", "2026-11-02", columns=["line", "text"]),
        serial.read_partition("v", "2026-11-02", columns=["line", "text"]),
    )
    serial.dispose()
    parallel.dispose()


def test_slices_of_different_types_fall_back_to_the_serial_read(tmp_path, small_threshold):
    """Integers in one slice and text in the other: pandas infers the column, as serially."""
    serial, parallel = _warehouses(tmp_path, 2)
    df = tricky_frame(40).assign(mixed=[i if i < 20 else f"t{i}" for i in range(40)])
    for wh in (serial, parallel):
        wh.replace_partition("t", "2026-11-02", df)
    pd.testing.assert_frame_equal(
        parallel.read_partition("t", "2026-11-02"), serial.read_partition("t", "2026-11-02")
    )
    serial.dispose()
    parallel.dispose()


def test_small_partitions_stay_serial(tmp_path):
    """Below MIN_PARALLEL_ROWS no worker starts (they would cost more than they save)."""
    database = tmp_path / "w.db"
    Warehouse(f"sqlite:///{database}", bulk_workers=2).replace_partition("t", "2026-11-02", tricky_frame(20))
    assert sqlite_bulk.parallel_read(database, "SELECT * FROM t", {}, workers=2) is None
    assert sqlite_bulk.parallel_read(database, "SELECT * FROM t", {}, workers=1) is None


def test_worker_failure_names_the_operation(tmp_path):
    with pytest.raises(RuntimeError, match="read worker exited"):
        sqlite_bulk._run_workers(
            [
                {
                    "op": "read",
                    "database": str(tmp_path / "missing.db"),
                    "sql": "SELECT 1",
                    "params": {},
                    "offset": 0,
                    "limit": 1,
                    "out": str(tmp_path / "x.arrow"),
                }
            ]
        )


# Rows as a database driver returns them: per column one storage class, or a mix of them.
_values = st.one_of(
    st.none(),
    st.integers(min_value=-(2**62), max_value=2**62),
    st.floats(allow_nan=False),
    st.text(max_size=8),
)


@settings(max_examples=150, deadline=None)
@given(
    columns=st.lists(
        st.sampled_from(["text", "int", "float", "mixed"]),
        min_size=1,
        max_size=4,
    ),
    n=st.integers(min_value=1, max_value=40),
    chunk=st.integers(min_value=1, max_value=7),
    data=st.data(),
)
def test_chunked_arrow_rows_match_from_records(columns, n, chunk, data):
    """The struct fast path and the per-column path build what DataFrame.from_records builds."""
    kinds = {
        "text": st.one_of(st.none(), st.text(max_size=8)),
        "int": st.one_of(st.none(), st.integers(min_value=-(2**62), max_value=2**62)),
        "float": st.one_of(st.none(), st.floats(allow_nan=False)),
        "mixed": _values,
    }
    rows = [tuple(data.draw(kinds[c]) for c in columns) for _ in range(n)]
    names = [f"c{i}" for i in range(len(columns))]
    position = 0

    def fetchmany(size: int) -> list[tuple]:
        nonlocal position
        out = rows[position : position + size]
        position += size
        return out

    got = _frame_from_cursor(names, fetchmany, chunk=chunk)
    expected = pd.DataFrame.from_records(rows, columns=names)
    assert got.shape == expected.shape
    for name in names:
        g, e = got[name].tolist(), expected[name].tolist()
        assert [None if pd.isna(v) else v for v in g] == [None if pd.isna(v) else v for v in e], name


def test_a_commit_between_the_slices_discards_them(tmp_path, small_threshold, monkeypatch):
    """Workers read separate snapshots: a write that lands meanwhile means a serial read instead."""
    database = tmp_path / "w.db"
    wh = Warehouse(f"sqlite:///{database}", bulk_workers=2)
    wh.replace_partition("t", "2026-11-02", tricky_frame(100))
    original = sqlite_bulk._read_slices

    def read_then_rewrite(*args, **kwargs):
        table = original(*args, **kwargs)
        wh.replace_partition("t", "2026-11-02", tricky_frame(60))  # a re-run of the night commits
        return table

    monkeypatch.setattr(sqlite_bulk, "_read_slices", read_then_rewrite)
    query = 'SELECT * FROM "t" WHERE partition_date = :p'
    assert sqlite_bulk.parallel_read(database, query, {"p": "2026-11-02"}, 2) is None
    monkeypatch.setattr(sqlite_bulk, "_read_slices", original)
    assert len(wh.read_partition("t", "2026-11-02")) == 60
    wh.dispose()


def test_a_failed_worker_means_a_serial_read(tmp_path, small_threshold, monkeypatch):
    wh = Warehouse(f"sqlite:///{tmp_path / 'w.db'}", bulk_workers=2)
    wh.replace_partition("t", "2026-11-02", tricky_frame(100))

    def fail(jobs):
        raise sqlite_bulk.WorkerError("read worker exited with 1: disk full")

    monkeypatch.setattr(sqlite_bulk, "_run_workers", fail)
    got = wh.read_partition("t", "2026-11-02")
    assert got["contact_id"].tolist() == tricky_frame(100)["contact_id"].tolist()
    wh.dispose()


def test_stale_scratch_folders_are_swept_and_fresh_ones_kept(tmp_path, small_threshold):
    import os
    import time

    database = tmp_path / "w.db"
    wh = Warehouse(f"sqlite:///{database}", bulk_workers=2)
    wh.replace_partition("t", "2026-11-02", tricky_frame(100))
    stale, fresh = tmp_path / ".bulk-killed", tmp_path / ".bulk-running"
    for folder in (stale, fresh):
        folder.mkdir()
        (folder / "slice0.arrow").write_bytes(b"x")
    day_ago = time.time() - 24 * 3600
    os.utime(stale, (day_ago, day_ago))
    assert len(wh.read_partition("t", "2026-11-02")) == 100
    assert not stale.exists() and fresh.exists()
    wh.dispose()


# ------------------------------------------------------------------------------------------- writes


@pytest.fixture
def bulk_writes(monkeypatch) -> list[str]:
    """Take the bulk-write path for test-sized frames; the list records each table a worker wrote."""
    monkeypatch.setattr(sqlite_bulk, "MIN_BULK_WRITE_ROWS", 10)
    written: list[str] = []
    original = sqlite_bulk.write_rows

    def spy(database, table, *args, **kwargs):
        rows = original(database, table, *args, **kwargs)
        written.append(table)
        return rows

    monkeypatch.setattr(sqlite_bulk, "write_rows", spy)
    return written


def _stored(database, table: str) -> list[tuple]:
    """Every value with its SQLite storage class, in rowid order: what a reader of the file sees."""
    import sqlite3

    con = sqlite3.connect(database)
    try:
        columns = [row[1] for row in con.execute(f'PRAGMA table_info("{table}")')]
        select = ", ".join(f'"{c}", typeof("{c}")' for c in columns)
        return [tuple(columns)] + con.execute(f'SELECT {select} FROM "{table}" ORDER BY rowid').fetchall()
    finally:
        con.close()


def test_bulk_write_stores_exactly_what_executemany_stores(tmp_path, bulk_writes):
    df = tricky_frame(500).assign(
        object_text=pd.Series([None if i % 4 == 0 else f"o{i}" for i in range(500)], dtype=object),
        small=pd.array([None if i % 6 == 0 else i for i in range(500)], dtype="Int64"),
    )
    serial = Warehouse(f"sqlite:///{tmp_path / 'serial.db'}")
    bulk = Warehouse(f"sqlite:///{tmp_path / 'bulk.db'}")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sqlite_bulk, "MIN_BULK_WRITE_ROWS", 10**9)
        serial.replace_partition("t", "2026-11-02", df)
    assert bulk_writes == []
    bulk.replace_partition("t", "2026-11-02", df)
    assert bulk_writes == ["t"]  # the rows really went through the worker
    assert _stored(tmp_path / "bulk.db", "t") == _stored(tmp_path / "serial.db", "t")
    pd.testing.assert_frame_equal(
        bulk.read_partition("t", "2026-11-02"), serial.read_partition("t", "2026-11-02")
    )
    import sys

    assert "adbc_driver_sqlite" not in sys.modules  # its own SQLite copy must never load next to sqlite3
    serial.dispose()
    bulk.dispose()


def test_bulk_write_replaces_only_its_partition_and_follows_the_table(tmp_path, bulk_writes):
    wh = Warehouse(f"sqlite:///{tmp_path / 'w.db'}")
    df = tricky_frame(100)
    wh.replace_partition("t", "2026-11-01", df)
    wh.replace_partition("t", "2026-11-02", df)
    wh.replace_partition("t", "2026-11-02", df.head(40).drop(columns=["score"]).assign(extra="x"))
    assert len(wh.read_partition("t", "2026-11-01")) == 100
    night = wh.read_partition("t", "2026-11-02")
    assert len(night) == 40
    assert night["extra"].eq("x").all()  # a new column widens the table
    assert night["score"].isna().all()  # a column the frame lacks is NULL
    assert bulk_writes == ["t", "t", "t"]
    wh.dispose()


def test_bulk_write_with_handoff_reads_back_like_the_database(tmp_path, bulk_writes):
    wh = Warehouse(f"sqlite:///{tmp_path / 'w.db'}")
    wh.replace_partition("t", "2026-11-02", tricky_frame(300), handoff=True)
    handed = wh.read_handoff("t", "2026-11-02")
    assert handed is not None
    pd.testing.assert_frame_equal(handed, wh.read_partition("t", "2026-11-02"))
    wh.replace_partition("t", "2026-11-02", tricky_frame(30))  # a later write drops the token
    assert wh.read_handoff("t", "2026-11-02") is None
    assert bulk_writes == ["t", "t"]
    assert not list(tmp_path.glob(".bulk-*"))
    wh.dispose()


def test_a_failing_write_worker_rolls_back_everything(tmp_path):
    """The old partition's delete and the appended rows are one transaction with the statements after."""
    database = tmp_path / "w.db"
    wh = Warehouse(f"sqlite:///{database}")
    wh.replace_partition("t", "2026-11-02", tricky_frame(50))
    before = _stored(database, "t")
    source = tmp_path / "rows.arrow"
    from governance.warehouse import write_arrow_file

    write_arrow_file(wh._stored_arrow(tricky_frame(20), ["contact_id", "text"]), source)
    with pytest.raises(sqlite_bulk.WorkerError, match="write worker exited .*no such table: missing"):
        sqlite_bulk.write_rows(
            database,
            "t",
            source,
            {"partition_date": "2026-11-02"},
            before=[('DELETE FROM "t" WHERE partition_date = ?', ["2026-11-02"])],
            after=[("INSERT INTO missing VALUES (?)", [1])],
        )
    assert _stored(database, "t") == before
    rows = sqlite_bulk.write_rows(database, "t", source, {"partition_date": "2026-11-03"})
    assert rows == 20
    assert wh.read_partition("t", "2026-11-03")["text"].tolist() == tricky_frame(20)["text"].tolist()
    wh.dispose()


def test_the_write_worker_leaves_the_checkpoint_to_a_thread_of_the_caller(tmp_path, bulk_writes, monkeypatch):
    """Before the hand-off file is read, the worker commits into the WAL only and the caller's thread
    copies the pages into the database file; disposing of the warehouse waits for it."""
    database = tmp_path / "w.db"
    sizes: list[int] = []
    original = sqlite_bulk._checkpoint_in_background

    def spy(db, keeper):
        sizes.append(database.stat().st_size)  # before the checkpoint: the rows are in the WAL only
        original(db, keeper)

    monkeypatch.setattr(sqlite_bulk, "_checkpoint_in_background", spy)
    wh = Warehouse(f"sqlite:///{database}", handoff_dir=tmp_path / "handoff")
    wh.replace_partition("plain", "2026-11-02", tricky_frame(3000))  # read from the database next
    assert bulk_writes == ["plain"] and sizes == []  # the worker checkpointed
    wh.replace_partition("t", "2026-11-02", tricky_frame(3000), handoff=True)  # from the file next
    assert bulk_writes == ["plain", "t"] and len(sizes) == 1
    assert wh.read_partition("t", "2026-11-02")["text"].tolist() == tricky_frame(3000)["text"].tolist()
    wh.dispose()
    assert str(database.resolve()) not in sqlite_bulk._CHECKPOINTS
    assert database.stat().st_size > sizes[0] + 100_000  # the checkpoint copied the rows' pages
    assert len(_stored(database, "t")) == 3001


def test_a_database_not_in_wal_mode_is_checkpointed_by_the_worker_as_before(tmp_path, monkeypatch):
    import sqlite3

    from governance.warehouse import write_arrow_file

    database = tmp_path / "rollback.db"
    con = sqlite3.connect(database)
    con.execute("CREATE TABLE t (contact_id TEXT, text TEXT, partition_date TEXT)")
    con.commit()
    con.close()
    jobs: list[dict] = []
    original = sqlite_bulk._run_workers
    monkeypatch.setattr(sqlite_bulk, "_run_workers", lambda js, *rest: jobs.extend(js) or original(js, *rest))
    source = tmp_path / "rows.arrow"
    write_arrow_file(Warehouse("sqlite://")._stored_arrow(tricky_frame(20), ["contact_id", "text"]), source)
    rows = sqlite_bulk.write_rows(
        database, "t", source, {"partition_date": "2026-11-03"}, defer_checkpoint=True
    )
    assert rows == 20
    assert [j["defer_checkpoint"] for j in jobs] == [False]
    assert (
        str(database) not in sqlite_bulk._CHECKPOINTS
        and str(database.resolve()) not in sqlite_bulk._CHECKPOINTS
    )
    assert len(_stored(database, "t")) == 21


def test_a_failed_bulk_write_is_written_serially(tmp_path, bulk_writes, monkeypatch, caplog):
    def fail(*args, **kwargs):
        raise sqlite_bulk.WorkerError("write worker exited with 1: disk I/O error")

    monkeypatch.setattr(sqlite_bulk, "write_rows", fail)
    wh = Warehouse(f"sqlite:///{tmp_path / 'w.db'}")
    wh.replace_partition("t", "2026-11-02", tricky_frame(100), handoff=True)
    assert (
        wh.read_partition("t", "2026-11-02")["contact_id"].tolist()
        == tricky_frame(100)["contact_id"].tolist()
    )
    assert wh.read_handoff("t", "2026-11-02") is not None  # the serial write left a valid hand-off
    assert "bulk write of t failed, writing it serially: write worker exited" in caplog.text
    wh.dispose()


def test_frames_of_other_objects_stay_serial(tmp_path, bulk_writes):
    """Only text, numbers and booleans take the bulk path; other objects are bound by sqlite3 as before."""
    from datetime import date

    wh = Warehouse(f"sqlite:///{tmp_path / 'w.db'}")
    days = [date(2026, 11, 1 + i % 28) for i in range(50)]
    wh.replace_partition("t", "2026-11-02", tricky_frame(50).assign(day=days))
    assert bulk_writes == []
    assert wh.read_partition("t", "2026-11-02")["day"].tolist() == [d.isoformat() for d in days]
    wh.dispose()


def test_read_workers_use_the_adbc_driver_and_fall_back_to_sqlite3(tmp_path):
    database = tmp_path / "w.db"
    wh = Warehouse(f"sqlite:///{database}")
    wh.replace_partition("t", "2026-11-02", tricky_frame(100))
    with wh.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE blobs (partition_date TEXT, b BLOB)")
        conn.exec_driver_sql("INSERT INTO blobs VALUES ('2026-11-02', x'00ff')")
    wh.dispose()

    def job(sql: str, n: int) -> dict:
        return {
            "op": "read",
            "database": str(database),
            "sql": sql,
            "params": {"p": "2026-11-02"},
            "offset": 0,
            "limit": 1000,
            "out": str(tmp_path / f"slice{n}.arrow"),
        }

    (fast,) = sqlite_bulk._run_workers([job('SELECT * FROM "t" WHERE partition_date = :p', 0)])
    assert fast["reader"] == "adbc"
    # A BLOB is not one of the types the pandas conversion gives: the sqlite3 reader takes over.
    assert sqlite_bulk._run_workers([job("SELECT * FROM blobs WHERE partition_date = :p", 1)]) == [None]
    (literal,) = sqlite_bulk._run_workers([job("SELECT *, 'a:p' AS x FROM t WHERE partition_date = :p", 2)])
    assert literal["reader"] == "sqlite3"  # a colon in a literal: not renumbered, read by sqlite3


def test_numbered_parameters():
    assert sqlite_bulk.numbered_parameters(
        "SELECT * FROM t WHERE a = :p OR b = :q OR c = :p LIMIT :n", {"p": "x", "q": 1, "n": 5, "unused": 0}
    ) == ("SELECT * FROM t WHERE a = ?1 OR b = ?2 OR c = ?1 LIMIT ?3", ["x", 1, 5])
    assert sqlite_bulk.numbered_parameters("SELECT ':p' FROM t WHERE a = :p", {"p": 1}) is None
    assert sqlite_bulk.numbered_parameters('SELECT "a:b" FROM t', {}) is None
    assert sqlite_bulk.numbered_parameters("SELECT * FROM t WHERE a = :missing", {}) is None


def test_a_large_partition_reads_a_column_of_numbers_and_text_as_text(tmp_path, small_threshold):
    """The documented difference of the parallel read (see governance.sqlite_bulk)."""
    database = tmp_path / "w.db"
    wh = Warehouse(f"sqlite:///{database}", bulk_workers=2)
    wh.replace_partition("t", "2026-11-02", tricky_frame(40))
    with wh.engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE VIEW v AS SELECT partition_date, "
            "CASE WHEN line % 2 = 0 THEN line ELSE text END AS m FROM t"
        )
    got = wh.read_partition("v", "2026-11-02")["m"].tolist()
    df = tricky_frame(40)
    assert got == [
        str(line) if line % 2 == 0 else text for line, text in zip(df["line"], df["text"], strict=True)
    ]
    wh.dispose()


# ----------------------------------------------------------------------------------- streamed writes


def _chunks(df: pd.DataFrame, size: int):
    for start in range(0, len(df), size):
        yield df.iloc[start : start + size]


def test_a_streamed_write_stores_exactly_what_one_write_stores(tmp_path, bulk_writes):
    """Chunks with a column that is NULL in the first chunk only, and a hand-off file written alongside."""
    df = tricky_frame(400)
    df["late_text"] = [None] * 150 + [f"t{i}" for i in range(250)]
    at_once = Warehouse(f"sqlite:///{tmp_path / 'once.db'}", handoff_dir=tmp_path / "h1")
    streamed = Warehouse(f"sqlite:///{tmp_path / 'streamed.db'}", handoff_dir=tmp_path / "h2")
    at_once.replace_partition("t", "2026-11-02", df, handoff=True)
    bulk_writes.clear()
    written = streamed.replace_partition_chunks(
        "t", "2026-11-02", _chunks(df, 150), rows=len(df), handoff=True
    )
    assert bulk_writes == []  # no one-shot write: the rows went through the stream
    assert written == len(df)
    assert _stored(tmp_path / "streamed.db", "t") == _stored(tmp_path / "once.db", "t")
    handed = streamed.read_handoff("t", "2026-11-02")
    assert handed is not None
    pd.testing.assert_frame_equal(handed, at_once.read_handoff("t", "2026-11-02"))
    pd.testing.assert_frame_equal(handed, streamed.read_partition("t", "2026-11-02"))
    assert [p.name for p in (tmp_path / "h2").iterdir()] == [p.name for p in (tmp_path / "h1").iterdir()]
    at_once.dispose()
    streamed.dispose()


@pytest.mark.parametrize("error", [RuntimeError, ValueError, OSError])
def test_a_chunk_that_fails_to_compute_leaves_the_old_partition_and_its_handoff(tmp_path, bulk_writes, error):
    """Whatever the chunk raises (also the errors a failing stream raises) ends the write: nothing of
    the partition is written, not even the chunks computed before."""
    database = tmp_path / "w.db"
    wh = Warehouse(f"sqlite:///{database}", handoff_dir=tmp_path / "handoff")
    wh.replace_partition("t", "2026-11-02", tricky_frame(60), handoff=True)
    before = _stored(database, "t")

    def chunks():
        yield tricky_frame(200).iloc[:100]
        raise error("parser crashed on chunk 2")

    with pytest.raises(error, match="chunk 2"):
        wh.replace_partition_chunks("t", "2026-11-02", chunks(), rows=200, handoff=True)
    assert _stored(database, "t") == before  # the worker's transaction never committed
    assert len(wh.read_partition("t", "2026-11-02")) == 60
    # the old hand-off file still matches the old committed rows
    pd.testing.assert_frame_equal(wh.read_handoff("t", "2026-11-02"), wh.read_partition("t", "2026-11-02"))
    assert [p.name for p in (tmp_path / "handoff").iterdir() if p.name.endswith(".tmp")] == []
    wh.dispose()


def test_a_stream_worker_that_fails_means_one_write_of_the_whole_frame(tmp_path, bulk_writes, caplog):
    """The worker dies in its transaction (a statement after the rows fails): nothing of it commits, and
    the caller writes the whole frame once the chunks are done."""
    wh = Warehouse(f"sqlite:///{tmp_path / 'w.db'}", handoff_dir=tmp_path / "handoff")
    df = tricky_frame(300)
    original = sqlite_bulk.StreamWriter.__init__

    def failing_after(self, database, table, schema, constants=None, before=(), after=(), **kwargs):
        original(self, database, table, schema, constants, before, [("INSERT INTO missing VALUES (1)", [])])

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sqlite_bulk.StreamWriter, "__init__", failing_after)
        written = wh.replace_partition_chunks("t", "2026-11-02", _chunks(df, 100), rows=300, handoff=True)
    assert "streamed write of t failed, writing it at once" in caplog.text
    assert "no such table: missing" in caplog.text
    assert bulk_writes == ["t"]  # the fallback: one bulk write of the whole frame
    assert written == 300
    stored = wh.read_partition("t", "2026-11-02")
    assert stored["contact_id"].tolist() == df["contact_id"].tolist()
    pd.testing.assert_frame_equal(wh.read_handoff("t", "2026-11-02"), stored)
    assert [p.name for p in (tmp_path / "handoff" / "t").iterdir()] == ["2026-11-02.arrow"]  # no spool left
    wh.dispose()


@pytest.mark.parametrize("fail_at", ["write", "finish"])
def test_without_a_handoff_the_fallback_takes_the_rows_from_a_scratch_spool(
    tmp_path, bulk_writes, caplog, monkeypatch, fail_at
):
    """No chunk stays in memory: when the worker fails, the rows already sent come back from the
    scratch spool next to the database, which is gone afterwards."""
    wh = Warehouse(f"sqlite:///{tmp_path / 'w.db'}")  # no hand-off folder
    df = tricky_frame(300)

    def broken(self, *args, **kwargs):
        raise sqlite_bulk.WorkerError(f"worker gone at {fail_at}")

    monkeypatch.setattr(sqlite_bulk.StreamWriter, fail_at, broken)
    written = wh.replace_partition_chunks("t", "2026-11-02", _chunks(df, 100), rows=300)
    assert f"worker gone at {fail_at}" in caplog.text
    assert written == 300 and bulk_writes == ["t"]
    assert wh.read_partition("t", "2026-11-02")["contact_id"].tolist() == df["contact_id"].tolist()
    assert list(tmp_path.glob(".bulk-*")) == []
    wh.dispose()


def test_a_worker_killed_mid_stream_is_reported_and_rolled_back(tmp_path):
    database = tmp_path / "w.db"
    wh = Warehouse(f"sqlite:///{database}")
    wh.replace_partition("t", "2026-11-02", tricky_frame(50))
    before = _stored(database, "t")
    arrow = wh._stored_arrow(tricky_frame(100), [c for c in wh.table_columns("t") if c != "partition_date"])
    stream = sqlite_bulk.StreamWriter(
        database,
        "t",
        arrow.schema,
        {"partition_date": "2026-11-02"},
        before=[('DELETE FROM "t" WHERE partition_date = ?', ["2026-11-02"])],
    )
    stream.write(arrow)
    stream._proc.kill()
    with pytest.raises(sqlite_bulk.WorkerError, match="stream worker"):
        for _ in range(50):  # the sender notices the dead pipe on a later table at the latest
            stream.write(arrow)
        stream.finish()
    assert _stored(database, "t") == before
    wh.dispose()


def test_small_chunked_writes_take_the_plain_path(tmp_path, bulk_writes, monkeypatch):
    started = []
    monkeypatch.setattr(sqlite_bulk.StreamWriter, "__init__", lambda *a, **k: started.append(a))
    wh = Warehouse(f"sqlite:///{tmp_path / 'w.db'}")
    written = wh.replace_partition_chunks("t", "2026-11-02", _chunks(tricky_frame(9), 4), rows=9)
    assert started == [] and bulk_writes == []  # 9 rows: below the bulk threshold (10 here)
    assert written == 9 and len(wh.read_partition("t", "2026-11-02")) == 9
    wh.dispose()


@pytest.mark.parametrize("trailer", [b"", b"COMM"])
def test_a_stream_cut_off_at_a_batch_boundary_never_commits(tmp_path, trailer):
    """A caller that dies mid-stream closes the pipe between two batches, which an Arrow stream reader
    takes for a normal end: the worker commits only after the caller's explicit commit trailer."""
    import subprocess

    import pyarrow.ipc as ipc

    database = tmp_path / "w.db"
    wh = Warehouse(f"sqlite:///{database}")
    wh.replace_partition("t", "2026-11-02", tricky_frame(50))
    before = _stored(database, "t")
    arrow = wh._stored_arrow(tricky_frame(100), [c for c in wh.table_columns("t") if c != "partition_date"])
    job = {
        "op": "write_stream",
        "database": str(database),
        "table": "t",
        "constants": {"partition_date": "2026-11-02"},
        "before": [['DELETE FROM "t" WHERE partition_date = ?', ["2026-11-02"]]],
        "after": [],
    }

    def run(tail: bytes) -> subprocess.CompletedProcess:
        proc = sqlite_bulk._start_worker(job, stdin=subprocess.PIPE)
        with ipc.new_stream(proc.stdin, arrow.schema) as writer:
            writer.write_table(arrow)
        proc.stdin.write(tail)
        proc.stdin.close()
        proc.stdin = None  # closed: communicate() must not flush it
        out, err = proc.communicate()
        return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)

    cut = run(trailer)
    assert cut.returncode != 0
    assert b"without the caller's commit" in cut.stderr
    assert _stored(database, "t") == before
    whole = run(sqlite_bulk.COMMIT_TRAILER)  # the same stream with the trailer commits
    assert whole.returncode == 0, whole.stderr
    assert len(wh.read_partition("t", "2026-11-02")) == 100
    wh.dispose()


def test_a_chunk_arrow_cannot_cast_to_the_first_ones_types_is_written_with_the_rest(
    tmp_path, bulk_writes, caplog
):
    wh = Warehouse(f"sqlite:///{tmp_path / 'w.db'}", handoff_dir=tmp_path / "handoff")
    first = tricky_frame(100)
    second = tricky_frame(100).assign(line=[f"L{i}" for i in range(100)])  # numbers, then text
    written = wh.replace_partition_chunks("t", "2026-11-02", iter([first, second]), rows=200, handoff=True)
    assert "streamed write of t failed, writing it at once" in caplog.text
    stored = wh.read_partition("t", "2026-11-02")
    assert written == len(stored) == 200
    assert stored["line"].astype(str).tolist()[-2:] == ["L98", "L99"]
    wh.dispose()


def test_a_handoff_folder_that_cannot_be_written_leaves_the_file_out_not_the_stream(
    tmp_path, bulk_writes, caplog
):
    (tmp_path / "not_a_folder").write_text("a file where the hand-off folder should be")
    wh = Warehouse(f"sqlite:///{tmp_path / 'w.db'}", handoff_dir=tmp_path / "not_a_folder")
    df = tricky_frame(300)
    assert wh.replace_partition_chunks("t", "2026-11-02", _chunks(df, 100), rows=300, handoff=True) == 300
    assert "hand-off file of t left out" in caplog.text
    assert "could not start" not in caplog.text and bulk_writes == []  # still streamed, by the worker
    assert wh.read_handoff("t", "2026-11-02") is None
    assert wh.read_partition("t", "2026-11-02")["contact_id"].tolist() == df["contact_id"].tolist()
    assert list(tmp_path.glob(".bulk-*")) == []
    wh.dispose()


def test_a_killed_nights_spool_is_removed_once_stale(tmp_path, bulk_writes):
    """A night killed while staging (the memory peak) leaves its spool; the next night's hand-off
    removes it once no night can still be writing it."""
    import os
    import time

    folder = tmp_path / "handoff" / "t"
    folder.mkdir(parents=True)
    old = folder / "2026-11-01.arrow.deadbeef.tmp"
    fresh = folder / "2026-11-01.arrow.cafe.tmp"  # perhaps another partition's night, still running
    for path in (old, fresh):
        path.write_bytes(b"partial")
    long_ago = time.time() - 7 * 3600
    os.utime(old, (long_ago, long_ago))
    wh = Warehouse(f"sqlite:///{tmp_path / 'w.db'}", handoff_dir=tmp_path / "handoff")
    wh.replace_partition_chunks("t", "2026-11-02", _chunks(tricky_frame(200), 100), rows=200, handoff=True)
    assert sorted(p.name for p in folder.iterdir()) == ["2026-11-01.arrow.cafe.tmp", "2026-11-02.arrow"]
    wh.dispose()
