"""GX suites: loading/validation of the JSON, verdicts on pandas, SQLite and the real PostgreSQL."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from governance.nightly import suite_columns
from governance.quality import (
    SuiteConfigError,
    apply_record_rules,
    load_suite,
    load_suites,
    run_suite_on_dataframe,
    run_suite_on_sql,
)

EXPECTATIONS_DIR = Path(__file__).resolve().parents[1] / "expectations"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _row(i: int, **kw) -> dict:
    row = {
        "contact_id": f"C{i}",
        "last_name": "Huber",
        "salutation_line": "Sehr geehrte Frau Mag.a Huber,",
        "position": "Geschäftsführerin",
        "is_company_contact": True,
        "gender": "f",
        "owner": "u.mayr",
        "email": "a@b.at",
        "country": "AT",
        "issues": "",
        "has_title": True,
        "titles_prenominal": "Mag.a",
        "titles_postnominal": "",
        "partition_date": "2026-11-26",
    }
    row.update(kw)
    return row


@pytest.fixture(scope="module")
def flagged() -> pd.DataFrame:
    rows = [_row(i) for i in range(22)]
    rows[1].update(last_name="")  # empty surname
    rows[2].update(last_name="   ")  # whitespace surname
    rows[3].update(position=" ")  # company contact, whitespace position
    rows[4].update(position="", is_company_contact=False)  # private contact: no position needed
    rows[5].update(position="")  # company contact, empty position
    rows[6].update(contact_id="C0")  # duplicate id
    rows[7].update(contact_id=" ")  # blank id
    rows[8].update(gender="unknown")
    rows[9].update(gender="x")
    rows[10].update(salutation_line="")
    rows[11].update(issues="TITLE_UNKNOWN", titles_prenominal="Mag.a Dipl.Kfm")
    rows[12].update(issues="TITLE_NONCANONICAL", titles_prenominal="KommR Dr.", titles_postnominal="MSc, MBA")
    rows[13].update(titles_prenominal="Dr. Foo.")
    rows[14].update(owner="")
    rows[15].update(titles_prenominal="ao. Univ.-Prof. Dr.in")
    rows[20].update(last_name="\u00a0")  # only a no-break space (Excel exports write them)
    rows[21].update(owner="\u3000\t")  # ideographic space and a tab
    df = pd.DataFrame(rows)
    df["last_name_clean"] = df["last_name"]
    return apply_record_rules(df, None)


# expectation index -> (success, unexpected_count) on the fixture: computed by hand from the rows above
EXPECTED_COMPLETENESS = {
    0: (True, 0),  # contact_id not null
    1: (False, 1),  # contact_id not blank (row 7)
    2: (False, 2),  # unique: C0 twice
    3: (False, 3),  # last_name not blank (rows 1, 2, 20)
    4: (False, 1),  # salutation_line (row 10)
    5: (False, 2),  # position for company contacts (rows 3, 5; row 4 is private)
    6: (False, 1),  # gender in f/m/d/unknown (row 9)
    7: (False, 2),  # gender in f/m/d (rows 8, 9)
    8: (False, 2),  # owner (rows 14, 21)
}
EXPECTED_TITLES = {
    0: (False, 4),  # error-class title flags: rows 1, 2, 20 (NAME_MISSING), 11 (TITLE_UNKNOWN)
    1: (True, 0),
    2: (False, 2),  # rows 11, 13
    3: (True, 0),
    4: (False, 1),  # row 12 TITLE_NONCANONICAL
}


@pytest.fixture(scope="module")
def suites():
    return load_suites(EXPECTATIONS_DIR)


def _verdicts(result) -> dict[int, tuple[bool, int]]:
    return {i: (o.success, o.unexpected_count) for i, o in enumerate(result.results)}


def test_shipped_suites_load(suites):
    assert set(suites) == {"crm_contacts_completeness", "crm_contacts_titles"}
    for spec in suites.values():
        assert spec.version
        assert all(e.severity in ("critical", "warning", "info") for e in spec.expectations)


def test_titles_error_flag_count_matches_rules(flagged):
    # the titles suite's first expectation counts rows with TITLE_UNKNOWN/AMBIGUOUS/INVALID/GENDER_CONFLICT/
    # NAME_MISSING in quality_flags; compute the same count independently
    pat = r"(?:^|;)(?:TITLE_UNKNOWN|TITLE_AMBIGUOUS|TITLE_INVALID|TITLE_GENDER_CONFLICT|NAME_MISSING)(?:;|$)"
    n = int(flagged["quality_flags"].str.contains(pat).sum())
    assert (n == 0, n) == EXPECTED_TITLES[0]
    assert n == 4  # rows 1, 2, 20 (NAME_MISSING), 11 (TITLE_UNKNOWN)


def test_pandas_verdicts(suites, flagged):
    comp = run_suite_on_dataframe(suites["crm_contacts_completeness"], flagged)
    assert _verdicts(comp) == EXPECTED_COMPLETENESS
    assert comp.success is False
    titles = run_suite_on_dataframe(suites["crm_contacts_titles"], flagged)
    assert _verdicts(titles) == EXPECTED_TITLES
    sev = {o.severity for o in titles.results}
    assert sev == {"ERROR", "WARN", "INFO"}
    assert titles.results[2].severity == "WARN" and titles.results[0].severity == "ERROR"


def test_pandas_example_ids_are_contact_ids(suites, flagged):
    comp = run_suite_on_dataframe(suites["crm_contacts_completeness"], flagged, with_example_ids=True)
    by_i = dict(enumerate(comp.results))
    assert set(by_i[3].example_ids) == {"C1", "C2", "C20"}
    assert set(by_i[5].example_ids) == {"C3", "C5"}
    assert by_i[2].example_ids == ("C0",)
    assert _verdicts(comp) == EXPECTED_COMPLETENESS  # same verdicts with the richer format


def test_boolean_only_format(suites, flagged):
    res = run_suite_on_dataframe(suites["crm_contacts_completeness"], flagged, result_format="BOOLEAN_ONLY")
    assert [o.success for o in res.results] == [v[0] for v in EXPECTED_COMPLETENESS.values()]
    assert all(o.unexpected_count is None for o in res.results)


def test_clean_frame_passes(suites, flagged):
    clean = flagged.iloc[[0, 4, 15, 16, 17, 18, 19]]
    for spec in suites.values():
        res = run_suite_on_dataframe(spec, clean)
        assert res.success, [o for o in res.results if not o.success]


def test_missing_column_fails_instead_of_passing(suites, flagged):
    res = run_suite_on_dataframe(suites["crm_contacts_completeness"], flagged.drop(columns=["owner"]))
    owner = res.results[8]
    assert owner.success is False and owner.exception


def _write_sql(df: pd.DataFrame, url: str, table: str) -> None:
    cols = [c for c in df.columns if c not in ("has_title", "is_ready")]
    engine = sa.create_engine(url)
    try:
        df[cols].to_sql(table, engine, index=False, if_exists="fail")
    finally:
        engine.dispose()


def _drop(url: str, table: str) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{table}"')
    finally:
        engine.dispose()


def test_sqlite_same_verdicts_as_pandas(suites, flagged, tmp_path):
    url = f"sqlite:///{tmp_path / 'contacts.db'}"
    _write_sql(flagged, url, "contacts")
    for name, spec in suites.items():
        pandas_res = run_suite_on_dataframe(spec, flagged)
        sql_res = run_suite_on_sql(spec, url, "contacts")
        assert _verdicts(sql_res) == _verdicts(pandas_res), name
    comp = run_suite_on_sql(suites["crm_contacts_completeness"], url, "contacts")
    assert set(comp.results[3].example_ids) == {"C1", "C2", "C20"}


def test_sqlite_where_clause_restricts_rows(suites, flagged, tmp_path):
    url = f"sqlite:///{tmp_path / 'contacts.db'}"
    df = flagged.copy()
    df.loc[df["contact_id"].isin(["C1", "C2", "C20"]), "partition_date"] = "2026-11-25"
    _write_sql(df, url, "contacts")
    spec = suites["crm_contacts_completeness"]
    res = run_suite_on_sql(spec, url, "contacts", where="partition_date = '2026-11-26'")
    assert res.results[3].success is True and res.results[3].unexpected_count == 0
    res_all = run_suite_on_sql(spec, url, "contacts")
    assert res_all.results[3].unexpected_count == 3


def _require_postgres() -> None:
    try:
        engine = sa.create_engine(PG_URL)
        with engine.connect() as conn:
            conn.exec_driver_sql("select 1")
        engine.dispose()
    except Exception as exc:  # pragma: no cover - environment failure must fail, not skip
        pytest.fail(f"PostgreSQL at {PG_URL} is not reachable ({exc!r}); start the server for postgres tests")


@pytest.mark.postgres
def test_postgres_same_verdicts_as_pandas(suites, flagged):
    _require_postgres()
    table = f"qtest_{uuid.uuid4().hex[:12]}"
    _write_sql(flagged, PG_URL, table)
    try:
        for name, spec in suites.items():
            pandas_res = run_suite_on_dataframe(spec, flagged)
            pg_res = run_suite_on_sql(spec, PG_URL, table)
            assert _verdicts(pg_res) == _verdicts(pandas_res), name
            assert [o.severity for o in pg_res.results] == [o.severity for o in pandas_res.results]
        comp = run_suite_on_sql(suites["crm_contacts_completeness"], PG_URL, table)
        assert _verdicts(comp) == EXPECTED_COMPLETENESS
        assert set(comp.results[5].example_ids) == {"C3", "C5"}
        res = run_suite_on_sql(
            suites["crm_contacts_completeness"], PG_URL, table, where="contact_id NOT IN ('C1', 'C2', 'C20')"
        )
        assert res.results[3].success is True
        spec = suites["crm_contacts_completeness"]
        narrow = run_suite_on_sql(spec, PG_URL, table, columns=suite_columns(spec, list(flagged.columns)))
        assert _verdicts(narrow) == EXPECTED_COMPLETENESS
        with sa.create_engine(PG_URL).connect() as conn:  # the batch views over the table are gone
            views = conn.exec_driver_sql(
                "SELECT view_name FROM information_schema.view_table_usage WHERE table_name = %s", (table,)
            ).all()
        assert views == []
    finally:
        _drop(PG_URL, table)
    engine = sa.create_engine(PG_URL)
    try:
        assert not sa.inspect(engine).has_table(table)
    finally:
        engine.dispose()


def test_sql_batch_view_is_dropped_even_when_validation_fails(suites, flagged, tmp_path, monkeypatch):
    from governance.quality import gx_runner

    url = f"sqlite:///{tmp_path / 'contacts.db'}"
    _write_sql(flagged, url, "contacts")

    def broken(*args, **kwargs):
        raise RuntimeError("GX broke")

    monkeypatch.setattr(gx_runner, "_gx_suite", broken)  # called while the view exists
    with pytest.raises(RuntimeError, match="GX broke"):
        run_suite_on_sql(suites["crm_contacts_completeness"], url, "contacts", where="1 = 1")
    engine = sa.create_engine(url)
    try:
        assert sa.inspect(engine).get_view_names() == []
    finally:
        engine.dispose()


def test_example_ids_come_from_a_second_pass_over_the_failed_expectations_only(suites, flagged):
    from governance.quality.gx_runner import with_failure_examples

    spec = suites["crm_contacts_completeness"]
    first = run_suite_on_dataframe(spec, flagged)
    assert all(o.example_ids == () for o in first.results)
    second_pass: list = []

    def with_ids(failed_spec):
        second_pass.append(failed_spec)
        return run_suite_on_dataframe(failed_spec, flagged, with_example_ids=True)

    got = with_failure_examples(spec, first, with_ids)
    failed = [i for i, ok in enumerate(v[0] for v in EXPECTED_COMPLETENESS.values()) if not ok]
    (rerun,) = second_pass
    assert rerun.expectations == tuple(spec.expectations[i] for i in failed)
    assert _verdicts(got) == EXPECTED_COMPLETENESS  # counts and verdicts from the first pass
    assert set(got.results[3].example_ids) == {"C1", "C2", "C20"}
    assert all(got.results[i].example_ids == () for i in range(len(spec.expectations)) if i not in failed)
    clean = flagged.iloc[[0, 4, 15, 16, 17, 18, 19]]
    passing = run_suite_on_dataframe(spec, clean)
    assert with_failure_examples(spec, passing, with_ids) is passing and len(second_pass) == 1


def test_example_ids_first_from_the_head_then_the_whole_batch_only_where_the_head_had_too_few(
    suites, flagged
):
    from governance.quality.gx_runner import with_failure_examples

    spec = suites["crm_contacts_completeness"]
    first = run_suite_on_dataframe(spec, flagged)
    head, passes = flagged.iloc[:10], []

    def on(frame):
        def run(failed_spec):
            passes.append((len(frame), [spec.expectations.index(e) for e in failed_spec.expectations]))
            return run_suite_on_dataframe(failed_spec, frame, with_example_ids=True)

        return run

    got = with_failure_examples(spec, first, on(flagged), first_try=on(head))
    # Uniqueness (2) never takes the head: a duplicate's copy may lie beyond it. The head (rows 0-9)
    # gives as many ids as failures for 5, 6 and 7; of 3 two of three (row 20 is beyond it), of 4 and 8
    # none. A blank id (1) is no example, so it cannot tell that it saw everything: whole batch too.
    assert passes == [(10, [1, 3, 4, 5, 6, 7, 8]), (22, [1, 2, 3, 4, 8])]
    whole = with_failure_examples(spec, first, on(flagged))
    assert [o.example_ids for o in got.results] == [o.example_ids for o in whole.results]
    assert set(got.results[3].example_ids) == {"C1", "C2", "C20"}
    assert _verdicts(got) == EXPECTED_COMPLETENESS


# ---- suite configuration errors ------------------------------------------------------------------------

GOOD = {
    "name": "s",
    "meta": {"version": "1"},
    "expectations": [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"}, "severity": "critical"}
    ],
}


def _write(tmp_path: Path, name: str, content) -> Path:
    p = tmp_path / name
    p.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return p


def test_malformed_json_names_file(tmp_path):
    _write(tmp_path, "broken.json", '{"name": "s", "expectations": [')
    with pytest.raises(SuiteConfigError) as ei:
        load_suites(tmp_path)
    assert "broken.json" in str(ei.value) and ei.value.key == "<json>"


def test_unknown_expectation_type_names_file_and_key(tmp_path):
    bad = json.loads(json.dumps(GOOD))
    bad["expectations"].append({"type": "expect_column_values_to_be_awesome", "kwargs": {"column": "a"}})
    p = _write(tmp_path, "unknown.json", bad)
    with pytest.raises(SuiteConfigError) as ei:
        load_suite(p)
    assert ei.value.key == "expectations[1].type"
    assert "unknown.json" in str(ei.value) and "expect_column_values_to_be_awesome" in str(ei.value)


@pytest.mark.parametrize(
    ("mutate", "key"),
    [
        (lambda s: s.pop("name"), "name"),
        (lambda s: s["meta"].pop("version"), "meta.version"),
        (lambda s: s.pop("expectations"), "expectations"),
        (lambda s: s["expectations"][0]["kwargs"].pop("column"), "expectations[0].kwargs.column"),
        (lambda s: s["expectations"][0].pop("severity"), "expectations[0].severity"),
        (lambda s: s["expectations"][0].update(severity="fatal"), "expectations[0].severity"),
        (lambda s: s["expectations"][0].pop("kwargs"), "expectations[0].kwargs"),
        (
            lambda s: s["expectations"][0].update(type="expect_column_values_to_match_regex"),
            "expectations[0].kwargs.regex",
        ),
        (
            lambda s: s["expectations"][0]["kwargs"].update(row_condition={"type": "sql"}),
            "expectations[0].kwargs.row_condition.type",
        ),
    ],
)
def test_missing_or_invalid_key(tmp_path, mutate, key):
    bad = json.loads(json.dumps(GOOD))
    mutate(bad)
    _write(tmp_path, "suite.json", bad)
    with pytest.raises(SuiteConfigError) as ei:
        load_suites(tmp_path)
    assert ei.value.key == key
    assert "suite.json" in str(ei.value) and key in str(ei.value)


def test_severity_in_meta_is_accepted(tmp_path):
    ok = json.loads(json.dumps(GOOD))
    ok["expectations"][0].pop("severity")
    ok["expectations"][0]["meta"] = {"severity": "warning"}
    spec = load_suite(_write(tmp_path, "s.json", ok))
    assert spec.expectations[0].severity == "warning"


def test_titles_vocabulary_pattern(suites):
    import re

    spec = suites["crm_contacts_titles"]
    pre = spec.expectations[2].kwargs["regex"]
    post = spec.expectations[3].kwargs["regex"]
    for good in [
        "",
        "Dr.",
        "DI Dr.",
        "Mag.a Dr.in",
        "KommR Ing.",
        "HR Prof. Dr.",
        "o. Univ.-Prof. DDr.",
        "Mag. (FH)",
        "Dr.sc.techn. ETH",
        "Mag. (WU) Dr.",
    ]:
        assert re.search(pre, good), good
    for bad in ["Dr", "dr.", "Foo", "Dr.  Mag.", "Dr. Foo.", "MBA", "ETH", "Mag. (Univ. Wien)"]:
        assert not re.search(pre, bad), bad
    assert re.search(post, "MSc, MBA") and re.search(post, "BA (CE)")
    assert not re.search(post, "MSc MBA") and not re.search(post, "Dr.")
    # the school a degree names, as the parser keeps it: known schools only, bare or in brackets
    for good in ["MSc ETH", "MAS ETH, MBA HSG", "LL.M. (WU)", "MBA (HES-SO), MSc"]:
        assert re.search(post, good), good
    for bad in ["ETH", "MSc (Oxford)", "MSc  ETH", "MSc ETH HSG", "MSc Eth"]:
        assert not re.search(post, bad), bad


def test_every_title_the_engine_writes_before_the_name_matches_the_suite(suites):
    """A clean record whose only title is one vocabulary entry (male, female and diverse form) passes
    the pre-nominal pattern: "OA Dr." failed it while the pattern took address functions from Prim. only."""
    import re

    from governance.titles import load_vocabulary, parse_contact

    pattern = re.compile(suites["crm_contacts_titles"].expectations[2].kwargs["regex"])
    vocab = load_vocabulary()
    checked, failed = 0, []
    for entry in vocab.entries.values():
        before_name = entry.cls == "function" and "pre" in entry.placement.split("|")
        if (
            entry.cls in ("post", "office", "position", "invalid")
            or entry.cls == "function"
            and not before_name
        ):
            continue  # ("Dr. mult." is invalid: quarantined by its flag, and no pattern may pass it)
        for salutation, writing in (("Herr", entry.abbr), ("Frau", entry.form("f")), ("", entry.form("d"))):
            parsed = parse_contact(salutation, writing, "Hans", "Huber", "", "AT")
            if parsed.position_canonical:  # an office or function of the line, no title
                continue
            checked += 1
            if not pattern.search(parsed.titles_prenominal):
                failed.append((writing, parsed.titles_prenominal))
    assert checked > 300 and not failed


def test_titles_patterns_are_generated_from_vocabulary(suites):
    from governance.quality.gx_runner import (
        build_vocabulary_regex,
        prenominal_qualifiers,
        school_qualifiers,
        vocabulary_tokens_from_titles_csv,
    )

    # the engine's vocabulary (package data) is what produces titles_prenominal; if this fails after a
    # change to titles.csv, regenerate the suite's patterns and bump its version
    path = Path(__file__).resolve().parents[1] / "governance" / "titles" / "titles.csv"
    assert path.exists(), f"{path} missing"
    pre, post = vocabulary_tokens_from_titles_csv(path)
    assert {"Dr.", "Dr.in", "Mag.a", "KommR", "Univ.-Prof.", "Ing.in"} <= pre
    assert "Generaldirektor" not in pre and "MBA" in post
    spec = suites["crm_contacts_titles"]
    assert spec.expectations[2].kwargs["regex"] == build_vocabulary_regex(pre, " ", prenominal_qualifiers())
    assert spec.expectations[3].kwargs["regex"] == build_vocabulary_regex(post, ", ", school_qualifiers())


def test_gx_batch_fingerprint_is_off():
    """A GX upgrade that renames the knob must not silently bring back the 0.7 s hash per validation."""
    from great_expectations.execution_engine import pandas_execution_engine

    from governance.quality import gx_runner

    gx_runner._gx()
    assert pandas_execution_engine.HASH_THRESHOLD == 0
    engine = pandas_execution_engine.PandasExecutionEngine()
    batch_data, markers = engine.get_batch_data_and_markers(
        __import__(
            "great_expectations.core.batch_spec", fromlist=["RuntimeDataBatchSpec"]
        ).RuntimeDataBatchSpec(batch_data=pd.DataFrame({"a": ["x"]}))
    )
    assert "pandas_data_fingerprint" not in markers


def test_the_night_imports_gx_in_its_own_thread_while_the_raw_rows_are_written(tmp_path):
    """The import fills the wait on the bulk-write worker; no background thread (a GX import beside the
    night's SQLAlchemy calls once failed with a half-initialised sqlalchemy.orm)."""
    import subprocess
    import sys

    script = f"""
import sys, threading
from pathlib import Path
from governance import nightly, sqlite_bulk
from governance.contact_model import CANONICAL_COLUMNS, LINEAGE_COLUMNS
from governance.sample_data import generate_contacts, write_extract
from tests.pipeline_helpers import night_config
from governance.warehouse import Warehouse
root = Path({str(tmp_path)!r})
cfg = night_config(root, f"sqlite:///{{root / 'wh.sqlite'}}")
write_extract(generate_contacts(300, seed=5), root / "landing" / "contacts_2026-11-20.csv")
sqlite_bulk.MIN_BULK_WRITE_ROWS = 10
waits = []
original = sqlite_bulk._run_workers
def spy(jobs, while_waiting=None):
    waits.append(while_waiting)
    return original(jobs, while_waiting)
sqlite_bulk._run_workers = spy
assert "great_expectations" not in sys.modules
wh = Warehouse(cfg.warehouse_url)
nightly.ingest_extract(cfg, root, wh, "2026-11-20")
assert waits and waits[0] is nightly.preload_gate_libraries, waits
assert "great_expectations" in sys.modules and "pandera" in sys.modules
assert "pandera.backends.pandas.container" in sys.modules  # the backends the first validation registers
from governance.quality import gx_runner
assert "bd" in gx_runner._PANDAS_STATE and threading.active_count() == 1
"""
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=Path(__file__).parent.parent,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_a_failing_pandera_preload_does_not_keep_gx_from_loading(monkeypatch):
    from governance import nightly
    from governance.quality import gx_runner, schemas

    def broken() -> None:
        raise RuntimeError("pandera backend registry changed")

    loaded = []
    monkeypatch.setattr(schemas, "preload", broken)
    monkeypatch.setattr(gx_runner, "preload", lambda: loaded.append("gx"))
    nightly.preload_gate_libraries()  # logs the failure, raises nothing
    assert loaded == ["gx"]
