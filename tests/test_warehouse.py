import pandas as pd
import pytest

from governance.warehouse import Warehouse, check_partition_key, to_bool


def frame(n: int, tag: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "contact_id": [f"C{i}" for i in range(n)],
            "name": [f"{tag} Müller {i}" for i in range(n)],
            "line": list(range(n)),
            "ready": [i % 2 == 0 for i in range(n)],
            "score": [i / 3 for i in range(n)],
        }
    )


def test_replace_partition_is_idempotent_and_isolated(warehouse_url):
    wh = Warehouse(warehouse_url)
    wh.replace_partition("contacts", "2026-11-01", frame(5, "a"))
    wh.replace_partition("contacts", "2026-11-02", frame(3, "b"))
    wh.replace_partition("contacts", "2026-11-02", frame(4, "c"))  # re-run of the night
    first = wh.read_partition("contacts", "2026-11-01")
    second = wh.read_partition("contacts", "2026-11-02")
    assert len(first) == 5 and len(second) == 4
    assert set(second["name"].str.split().str[0]) == {"c"}
    assert first.sort_values("line")["name"].iloc[1] == "a Müller 1"
    assert to_bool(second["ready"]).tolist() == [True, False, True, False]
    assert "partition_date" not in second.columns
    wh.dispose()


def test_failed_write_keeps_previous_rows(warehouse_url):
    wh = Warehouse(warehouse_url)
    wh.replace_partition("contacts", "2026-11-01", frame(3, "a"))
    bad = frame(2, "b")
    bad["name"] = ["fine", object()]  # not storable: the insert fails inside the transaction
    with pytest.raises(Exception):  # noqa: B017 - driver-specific error class
        wh.replace_partition("contacts", "2026-11-01", bad)
    assert len(wh.read_partition("contacts", "2026-11-01")) == 3
    wh.dispose()


def test_new_columns_are_added(warehouse_url):
    wh = Warehouse(warehouse_url)
    wh.replace_partition("contacts", "2026-11-01", frame(2, "a"))
    wider = frame(2, "b").assign(extra="z")
    wh.replace_partition("contacts", "2026-11-02", wider)
    assert wh.read_partition("contacts", "2026-11-02")["extra"].tolist() == ["z", "z"]
    wh.dispose()


def test_retention_drops_old_partitions(warehouse_url):
    wh = Warehouse(warehouse_url)
    for day in ("2026-10-01", "2026-10-20", "2026-11-01"):
        wh.replace_partition("contacts", day, frame(1, "a"))
    wh.delete_partitions_before(["contacts", "missing_table"], "2026-10-15")
    assert wh.scalar("SELECT COUNT(*) FROM contacts") == 2
    wh.dispose()


@pytest.mark.parametrize("bad", ["2026-13-01", "yesterday", "2026-11-01'; DROP TABLE x; --", ""])
def test_partition_keys_are_dates(bad):
    with pytest.raises(ValueError, match="ISO date"):
        check_partition_key(bad)


def test_display_url_hides_password():
    wh = Warehouse("postgresql+psycopg://user:secret@127.0.0.1:5432/db")
    assert "secret" not in wh.display_url


def test_handoff_round_trip_and_a_failed_handoff_write_keeps_the_partition(tmp_path):
    wh = Warehouse(f"sqlite:///{tmp_path / 'w.sqlite'}", handoff_dir=tmp_path / "handoff")
    wh.replace_partition("contacts", "2026-11-01", frame(4, "a"), handoff=True)
    handed = wh.read_handoff("contacts", "2026-11-01")
    pd.testing.assert_frame_equal(handed, wh.read_partition("contacts", "2026-11-01"))
    assert wh.read_handoff("contacts", "2026-11-01", columns=["line"]).columns.tolist() == ["line"]
    # The next night replaces the file (only the latest partition keeps one).
    wh.replace_partition("contacts", "2026-11-02", frame(2, "b"), handoff=True)
    assert [p.name for p in (tmp_path / "handoff" / "contacts").iterdir()] == ["2026-11-02.arrow"]
    assert wh.read_handoff("contacts", "2026-11-01") is None

    blocked = Warehouse(wh.url, handoff_dir=tmp_path / "not_a_folder")
    (tmp_path / "not_a_folder").write_text("a file where the hand-off folder should be")
    blocked.replace_partition("contacts", "2026-11-03", frame(3, "c"), handoff=True)  # no error
    assert blocked.read_handoff("contacts", "2026-11-03") is None
    assert len(blocked.read_partition("contacts", "2026-11-03")) == 3
    wh.dispose()
    blocked.dispose()


def _chunks(df: pd.DataFrame, size: int):
    for start in range(0, len(df), size):
        yield df.iloc[start : start + size]


def test_a_chunked_write_stores_what_one_write_stores_with_its_handoff(warehouse_url, tmp_path):
    """Below the bulk threshold (and always outside SQLite) the chunks go in one by one, in one
    transaction, and the hand-off file is written alongside instead of from a gathered frame."""
    df = frame(9, "a").assign(late=[None] * 4 + [f"t{i}" for i in range(5)])  # NULLs, then text
    once = Warehouse(warehouse_url, handoff_dir=tmp_path / "h1")
    once.replace_partition("contacts", "2026-11-01", df, handoff=True)
    expected = once.read_partition("contacts", "2026-11-01")
    chunked = Warehouse(warehouse_url, handoff_dir=tmp_path / "h2")
    assert (
        chunked.replace_partition_chunks("contacts", "2026-11-02", _chunks(df, 4), rows=9, handoff=True) == 9
    )
    stored = chunked.read_partition("contacts", "2026-11-02")
    pd.testing.assert_frame_equal(stored, expected)
    pd.testing.assert_frame_equal(chunked.read_handoff("contacts", "2026-11-02"), stored)
    assert [p.name for p in (tmp_path / "h2" / "contacts").iterdir()] == ["2026-11-02.arrow"]  # no spool
    once.dispose()
    chunked.dispose()


def test_a_chunked_write_that_fails_keeps_the_old_partition_and_a_lost_handoff_keeps_the_rows(
    warehouse_url, tmp_path
):
    wh = Warehouse(warehouse_url, handoff_dir=tmp_path / "handoff")
    wh.replace_partition("contacts", "2026-11-01", frame(3, "old"), handoff=True)

    def failing():
        yield frame(4, "new")
        raise RuntimeError("parser crashed on chunk 2")

    with pytest.raises(RuntimeError, match="chunk 2"):
        wh.replace_partition_chunks("contacts", "2026-11-01", failing(), rows=8, handoff=True)
    kept = wh.read_partition("contacts", "2026-11-01")
    assert sorted(kept["name"].str.split().str[0]) == ["old"] * 3
    pd.testing.assert_frame_equal(wh.read_handoff("contacts", "2026-11-01"), kept)
    assert [p.name for p in (tmp_path / "handoff" / "contacts").iterdir()] == ["2026-11-01.arrow"]

    (tmp_path / "not_a_folder").write_text("a file where the hand-off folder should be")
    blocked = Warehouse(warehouse_url, handoff_dir=tmp_path / "not_a_folder")
    assert (
        blocked.replace_partition_chunks(
            "contacts", "2026-11-01", _chunks(frame(6, "new"), 4), rows=6, handoff=True
        )
        == 6
    )
    assert blocked.read_handoff("contacts", "2026-11-01") is None  # left out: readers use the database
    assert len(blocked.read_partition("contacts", "2026-11-01")) == 6
    wh.dispose()
    blocked.dispose()


def test_a_serial_write_that_fails_at_commit_leaves_no_file_of_its_own(warehouse_url, tmp_path, monkeypatch):
    """The hand-off file is put in place inside the transaction; when the transaction then fails, the
    file (whose token never committed) is removed and the old rows stay."""
    wh = Warehouse(warehouse_url, handoff_dir=tmp_path / "handoff")
    wh.replace_partition("contacts", "2026-11-01", frame(3, "old"), handoff=True)

    def failing(*args, **kwargs):
        raise RuntimeError("connection lost before the commit")

    monkeypatch.setattr(Warehouse, "_replace_handoff_token", failing)
    with pytest.raises(RuntimeError, match="before the commit"):
        wh.replace_partition_chunks(
            "contacts", "2026-11-01", _chunks(frame(6, "new"), 4), rows=6, handoff=True
        )
    monkeypatch.undo()
    assert sorted(wh.read_partition("contacts", "2026-11-01")["name"].str.split().str[0]) == ["old"] * 3
    assert (
        list((tmp_path / "handoff" / "contacts").iterdir()) == []
    )  # the old file was replaced, then dropped
    assert wh.read_handoff("contacts", "2026-11-01") is None
    wh.dispose()
