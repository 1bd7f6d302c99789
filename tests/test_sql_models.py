from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from governance.sql_models import ModelError, load_models, run_model
from governance.warehouse import Warehouse

PROJECT = Path(__file__).resolve().parent.parent


def write_model(root: Path, layer: str, name: str, sql: str) -> Path:
    path = root / layer / f"{name}.sql"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(sql, encoding="utf-8")
    return path


def test_project_models_load_in_dependency_order():
    from governance.nightly import PYTHON_TABLES

    project = load_models(PROJECT / "dbt_like_sql", external=PYTHON_TABLES)
    assert "stg_crm_contacts" in project.models
    assert project.models["stg_crm_contacts"].materialized == "view"
    assert project.models["stg_crm_contacts"].refs == ("crm_contacts_raw",)
    campaigns = [m for m in project.models if m.startswith("campaign_list_")]
    assert campaigns and all(project.models[c].refs == ("crm_contacts_validated",) for c in campaigns)


def test_ref_to_nothing_names_the_file(tmp_path):
    path = write_model(tmp_path, "marts", "broken", "select * from {{ ref('no_such_model') }}")
    with pytest.raises(ModelError) as err:
        load_models(tmp_path, external=["crm_contacts_raw"])
    assert str(path) in str(err.value) and "no_such_model" in str(err.value)


def test_cycle_names_the_files(tmp_path):
    a = write_model(tmp_path, "staging", "a", "select * from {{ ref('b') }}")
    b = write_model(tmp_path, "staging", "b", "select * from {{ ref('a') }}")
    with pytest.raises(ModelError, match="cycle") as err:
        load_models(tmp_path)
    assert str(a) in str(err.value) or str(b) in str(err.value)


def test_more_than_one_statement_is_refused(tmp_path):
    path = write_model(tmp_path, "staging", "two", "select 1; delete from x")
    with pytest.raises(ModelError, match="one SELECT") as err:
        load_models(tmp_path)
    assert str(path) in str(err.value)


def test_unknown_jinja_variable_names_the_file(tmp_path):
    path = write_model(tmp_path, "staging", "typo", "select {{ partition_dat }} as d")
    with pytest.raises(ModelError) as err:
        load_models(tmp_path)
    assert str(path) in str(err.value)


def test_views_and_partitioned_tables_run_on_both_databases(tmp_path, warehouse_url):
    write_model(
        tmp_path,
        "staging",
        "stg_people",
        "{{ config(materialized='view') }}\n"
        "select partition_date, id, upper(name) as name from {{ ref('people') }}",
    )
    write_model(
        tmp_path,
        "marts",
        "people_a",
        "select partition_date, id, name from {{ ref('stg_people') }}\n"
        "where partition_date = {{ partition_date }} and name like 'A%'",
    )
    project = load_models(tmp_path, external=["people"])
    assert project.order.index("stg_people") < project.order.index("people_a")
    wh = Warehouse(warehouse_url)
    for day, names in (("2026-11-01", ["anna", "bert", "alma"]), ("2026-11-02", ["axel"])):
        wh.replace_partition("people", day, pd.DataFrame({"id": range(len(names)), "name": names}))
    assert run_model(wh, project.models["stg_people"], "2026-11-01") is None
    assert run_model(wh, project.models["people_a"], "2026-11-01") == 2
    assert run_model(wh, project.models["people_a"], "2026-11-02") == 1
    assert run_model(wh, project.models["people_a"], "2026-11-01") == 2  # re-run replaces, no duplicates
    rows = wh.query("select partition_date, name from people_a order by partition_date, name")
    assert rows.values.tolist() == [["2026-11-01", "ALMA"], ["2026-11-01", "ANNA"], ["2026-11-02", "AXEL"]]
    wh.dispose()


def test_changed_models_keep_other_nights_and_switch_materialisation(tmp_path, warehouse_url):
    wh = Warehouse(warehouse_url)
    wh.replace_partition("people", "2026-11-01", pd.DataFrame({"id": [1], "name": ["anna"]}))
    wh.replace_partition("people", "2026-11-02", pd.DataFrame({"id": [2], "name": ["bert"]}))
    path = write_model(
        tmp_path,
        "marts",
        "m",
        "select partition_date, id from {{ ref('people') }} where partition_date = {{ partition_date }}",
    )
    project = load_models(tmp_path, external=["people"])
    run_model(wh, project.models["m"], "2026-11-01")

    path.write_text(
        "select partition_date, id, name from {{ ref('people') }} "
        "where partition_date = {{ partition_date }}",
        encoding="utf-8",
    )
    project = load_models(tmp_path, external=["people"])
    assert run_model(wh, project.models["m"], "2026-11-02") == 1
    kept = [t for t in sa.inspect(wh.engine).get_table_names() if t.startswith("m__before_")]
    assert len(kept) == 1 and wh.scalar(f'SELECT COUNT(*) FROM "{kept[0]}"') == 1

    path.write_text(
        "{{ config(materialized='view') }}\nselect id, name from {{ ref('people') }}", encoding="utf-8"
    )
    assert run_model(wh, load_models(tmp_path, external=["people"]).models["m"], "2026-11-02") is None
    assert wh.scalar('SELECT COUNT(*) FROM "m"') == 2
    path.write_text(
        "select partition_date, id from {{ ref('people') }} where partition_date = {{ partition_date }}",
        encoding="utf-8",
    )
    assert run_model(wh, load_models(tmp_path, external=["people"]).models["m"], "2026-11-01") == 1
    wh.dispose()
