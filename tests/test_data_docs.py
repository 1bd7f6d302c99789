"""GX Data Docs: the night's suite results rendered by GX itself, from pandas and from PostgreSQL runs."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from governance.config import GovernanceConfig
from governance.nightly import _publish_data_docs
from governance.quality import load_suites, run_suite_on_dataframe, run_suite_on_sql
from governance.reports.data_docs import data_docs_index, publish_data_docs

EXPECTATIONS_DIR = Path(__file__).resolve().parents[1] / "expectations"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SUITE = "crm_contacts_completeness"


def _frame(blank_surnames: int) -> pd.DataFrame:
    rows = 20
    return pd.DataFrame(
        {
            "contact_id": [f"C{i}" for i in range(rows)],
            "last_name": ["" if i < blank_surnames else "Huber" for i in range(rows)],
            "salutation_line": ["Sehr geehrte Frau Huber,"] * rows,
            "position": ["Geschäftsführerin"] * rows,
            "is_company_contact": [True] * rows,
            "gender": ["f"] * rows,
            "owner": ["u.mayr"] * rows,
            "email": ["a@b.at"] * rows,
            "country": ["AT"] * rows,
            "issues": [""] * rows,
            "has_title": [False] * rows,
            "titles_prenominal": [""] * rows,
            "titles_postnominal": [""] * rows,
        }
    )


def _text(page: Path) -> str:
    """The page's visible words, one space apart."""
    html = re.sub(r"<(script|style).*?</\1>", " ", page.read_text(encoding="utf-8"), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _pages(var: Path, suite: str) -> list[Path]:
    return sorted(
        (var / "gx" / "uncommitted" / "data_docs" / "local_site" / "validations" / suite).rglob("*.html")
    )


def test_each_night_gets_its_page_and_the_index_keeps_the_earlier_nights(tmp_path):
    suite = load_suites(EXPECTATIONS_DIR)[SUITE]
    var = tmp_path / "var"
    passed = run_suite_on_dataframe(suite, _frame(blank_surnames=0))
    index = publish_data_docs([(SUITE, passed.validation)], var, "2026-11-25", "crm_contacts_validated")
    failed = run_suite_on_dataframe(suite, _frame(blank_surnames=3))
    assert passed.success and not failed.success
    assert (
        publish_data_docs([(SUITE, failed.validation)], var, "2026-11-26", "crm_contacts_validated") == index
    )

    assert index == data_docs_index(var) and index.is_file()
    html = index.read_text(encoding="utf-8")
    for night in ("2026-11-25", "2026-11-26"):
        assert f"crm_contacts_validated-{night}.html" in html
    pages = _pages(var, SUITE)
    assert [p.parent.parent.name for p in pages] == ["2026-11-25", "2026-11-26"]
    first, second = (_text(p) for p in pages)
    assert "Status: Succeeded" in first and "Status: Failed" in second
    assert "Data asset: crm_contacts_validated" in second  # not GX's in-memory frame
    assert "Run Name 2026-11-26" in second
    # The suite page each validation page links to is there too.
    assert (index.parent / "expectations" / f"{SUITE}.html").is_file()


def test_a_postgres_suite_result_is_published_too(tmp_path):
    suite = load_suites(EXPECTATIONS_DIR)[SUITE]
    table = f"dd_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(PG_URL)
    try:
        _frame(blank_surnames=2).to_sql(table, engine, index=False)
        outcome = run_suite_on_sql(suite, PG_URL, table, with_example_ids=False)
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{table}"')
        engine.dispose()
    assert not outcome.success
    publish_data_docs([(SUITE, outcome.validation)], tmp_path, "2026-11-26", "crm_contacts_validated")
    [page] = _pages(tmp_path, SUITE)
    assert "Status: Failed" in _text(page)


def test_docs_that_cannot_be_written_give_a_warning_not_a_failed_night(tmp_path):
    suite = load_suites(EXPECTATIONS_DIR)[SUITE]
    var = tmp_path / "var"
    var.mkdir()
    (var / "gx").write_text("a file where GX wants its folder")
    cfg = GovernanceConfig.model_validate({"paths": {"landing": str(tmp_path), "var": str(var)}})
    result = run_suite_on_dataframe(suite, _frame(blank_surnames=0))
    index, warning = _publish_data_docs(cfg, tmp_path, [(SUITE, result.validation)], "2026-11-26")
    assert index is None
    assert warning is not None and warning.startswith("GX Data Docs not updated:")


def test_the_validation_result_does_not_change_how_results_compare():
    suite = load_suites(EXPECTATIONS_DIR)[SUITE]
    first, second = run_suite_on_dataframe(suite, _frame(0)), run_suite_on_dataframe(suite, _frame(0))
    assert first.validation is not second.validation
    assert first == second


def test_nights_older_than_the_retention_leave_the_site(tmp_path):
    suite = load_suites(EXPECTATIONS_DIR)[SUITE]
    var = tmp_path / "var"
    for night in ("2026-11-01", "2026-11-20", "2026-11-26"):
        result = run_suite_on_dataframe(suite, _frame(blank_surnames=0))
        publish_data_docs([(SUITE, result.validation)], var, night, "crm_contacts_validated", keep_nights=7)
    assert [p.parent.parent.name for p in _pages(var, SUITE)] == ["2026-11-20", "2026-11-26"]
    stored = var / "gx" / "uncommitted" / "validations" / SUITE
    assert sorted(p.name for p in stored.iterdir()) == ["2026-11-20", "2026-11-26"]
    assert "2026-11-01" not in data_docs_index(var).read_text(encoding="utf-8")


def test_a_writer_holding_the_site_too_long_is_a_timeout_not_a_hang(tmp_path):
    import fcntl

    from governance.reports.data_docs import _site_lock

    tmp_path.mkdir(exist_ok=True)
    with open(tmp_path / ".gx_data_docs.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        # flock locks belong to the open file: a second open in this process competes like another one.
        with pytest.raises(TimeoutError, match="another process"), _site_lock(tmp_path, timeout=0.5):
            pass
