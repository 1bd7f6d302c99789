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
