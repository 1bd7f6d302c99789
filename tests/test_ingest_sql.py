"""SQL source against the real MariaDB and PostgreSQL servers (mandatory in CI: no skipping)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from governance.contact_model import CANONICAL_COLUMNS, LINEAGE_COLUMNS
from governance.ingest import ExtractError, read_sql_extract
from tests.suitecrm_schema import suitecrm_metadata

MARIADB_URL = "mysql+pymysql://root@127.0.0.1:3306/test"
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

T0 = dt.datetime(2024, 1, 1, 8, 0, 0)
T1 = dt.datetime(2024, 6, 1, 8, 0, 0)


def _connect(url: str) -> sa.Engine:
    engine = sa.create_engine(url)
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError as exc:  # pragma: no cover - a clear failure, never a skip
        pytest.fail(f"database server for {url} is not reachable (these tests are mandatory): {exc}")
    return engine


def _create_suitecrm(engine: sa.Engine, schema: str) -> None:
    md = suitecrm_metadata(schema)
    md.create_all(engine)
    t = md.tables
    contacts = [
        dict(
            id="c1",
            salutation="Mr.",
            first_name="Hans",
            last_name="Müller",
            title="Geschäftsführer",
            primary_address_street="Ring 1",
            primary_address_postalcode="1010",
            primary_address_city="Wien",
            primary_address_country="Austria",
            assigned_user_id="u1",
            date_modified=T0,
            deleted=0,
            do_not_call=0,
        ),
        dict(
            id="c2",
            salutation="Dr.",
            first_name="Eva",
            last_name="Größ",
            title=None,
            primary_address_street=None,
            primary_address_postalcode=None,
            primary_address_city=None,
            primary_address_country="DE",
            assigned_user_id="u1",
            date_modified=T1,
            deleted=0,
            do_not_call=1,
        ),
        dict(
            id="c3",
            salutation="Ms.",
            first_name="Del",
            last_name="Eted",
            title=None,
            primary_address_street=None,
            primary_address_postalcode=None,
            primary_address_city=None,
            primary_address_country=None,
            assigned_user_id=None,
            date_modified=T1,
            deleted=1,
            do_not_call=0,
        ),
    ]
    with engine.begin() as conn:
        conn.execute(t[f"{schema}.contacts"].insert(), contacts)
        conn.execute(
            t[f"{schema}.email_addresses"].insert(),
            [
                dict(id="e1", email_address="hans@mueller.at", opt_out=1, deleted=0),
                dict(id="e2", email_address="old@mueller.at", opt_out=0, deleted=0),
                dict(id="e9", email_address="owner@crm.at", opt_out=0, deleted=0),
            ],
        )
        conn.execute(
            t[f"{schema}.email_addr_bean_rel"].insert(),
            [
                dict(
                    id="r1",
                    email_address_id="e1",
                    bean_id="c1",
                    bean_module="Contacts",
                    primary_address=1,
                    deleted=0,
                ),
                dict(
                    id="r2",
                    email_address_id="e2",
                    bean_id="c1",
                    bean_module="Contacts",
                    primary_address=0,
                    deleted=0,
                ),
                dict(
                    id="r9",
                    email_address_id="e9",
                    bean_id="u1",
                    bean_module="Users",
                    primary_address=1,
                    deleted=0,
                ),
            ],
        )
        conn.execute(t[f"{schema}.accounts"].insert(), [dict(id="a1", name="Müller GmbH", deleted=0)])
        conn.execute(
            t[f"{schema}.accounts_contacts"].insert(),
            [dict(id="ac1", contact_id="c1", account_id="a1", deleted=0)],
        )
        conn.execute(t[f"{schema}.users"].insert(), [dict(id="u1", user_name="sepp", deleted=0)])


@pytest.fixture
def mariadb_schema():
    engine = _connect(MARIADB_URL)
    schema = f"ingest_{uuid.uuid4().hex[:12]}"
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE DATABASE `{schema}` CHARACTER SET utf8mb4"))
    try:
        _create_suitecrm(engine, schema)
        yield engine, schema
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS `{schema}`"))
        engine.dispose()


@pytest.fixture
def postgres_schema():
    engine = _connect(POSTGRES_URL)
    schema = f"ingest_{uuid.uuid4().hex[:12]}"
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        _create_suitecrm(engine, schema)
        yield engine, schema
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


def _check_full(ex, expected_source: str) -> None:
    assert list(ex.contacts.columns) == [*CANONICAL_COLUMNS, *LINEAGE_COLUMNS]
    assert ex.rows_read == len(ex.contacts) == 2 and len(ex.rejects) == 0
    assert ex.contacts["contact_id"].tolist() == ["c1", "c2"]  # c3 is deleted
    assert ex.contacts["source_line"].tolist() == [1, 2]
    assert set(ex.contacts["source_file"]) == {expected_source}
    c1 = ex.contacts.iloc[0].to_dict()
    assert c1["salutation"] == "Mr." and c1["last_name"] == "Müller" and c1["position"] == "Geschäftsführer"
    assert c1["email"] == "hans@mueller.at" and c1["email_opt_out"] == "true"
    assert c1["company"] == "Müller GmbH" and c1["account_id"] == "a1"
    assert c1["owner"] == "sepp" and c1["owner_email"] == "owner@crm.at"
    assert c1["modified_at"] == "2024-01-01T08:00:00" and c1["do_not_contact"] == "false"
    c2 = ex.contacts.iloc[1].to_dict()
    assert c2["salutation"] == "" and c2["title"] == "Dr." and c2["last_name"] == "Größ"
    assert c2["email"] == "" and c2["email_opt_out"] == "" and c2["do_not_contact"] == "true"
    assert c2["company"] == "" and c2["street"] == ""


def _check_incremental(engine, schema: str) -> None:
    ex = read_sql_extract(engine, table=f"{schema}.contacts", modified_since=dt.datetime(2024, 3, 1))
    assert ex.contacts["contact_id"].tolist() == ["c2"]
    assert ex.contacts["source_line"].tolist() == [1]
    none = read_sql_extract(engine, table=f"{schema}.contacts", modified_since=dt.datetime(2030, 1, 1))
    assert len(none.contacts) == 0 and none.rows_read == 0 and any("no contacts" in w for w in none.warnings)


@pytest.mark.mariadb
def test_mariadb_full_and_incremental(mariadb_schema):
    engine, schema = mariadb_schema
    ex = read_sql_extract(engine, "suitecrm", table=f"{schema}.contacts")
    _check_full(ex, f"mysql://127.0.0.1/test#{schema}.contacts")
    _check_incremental(engine, schema)


@pytest.mark.mariadb
def test_mariadb_url_and_query(mariadb_schema):
    engine, schema = mariadb_schema
    query = (
        "SELECT id, first_name, last_name, title, date_modified, deleted "
        f"FROM `{schema}`.contacts ORDER BY id"
    )
    ex = read_sql_extract(MARIADB_URL, query=query)
    assert ex.contacts["contact_id"].tolist() == ["c1", "c2"]  # deleted row filtered
    assert ex.contacts["source_file"].iloc[0] == "mysql://127.0.0.1/test#query"
    inc = read_sql_extract(MARIADB_URL, query=query, modified_since=dt.datetime(2024, 3, 1))
    assert inc.contacts["contact_id"].tolist() == ["c2"]


@pytest.mark.mariadb
def test_mariadb_missing_table_and_password_hidden(mariadb_schema):
    engine, schema = mariadb_schema
    with pytest.raises(ExtractError, match="does not exist") as info:
        read_sql_extract(engine, table=f"{schema}.nope")
    assert "#" in info.value.file
    url = sa.engine.make_url(MARIADB_URL).set(password="s3cret")
    with pytest.raises(ExtractError) as info:
        read_sql_extract(url, table=f"{schema}.contacts")
    assert "s3cret" not in str(info.value)


@pytest.mark.mariadb
def test_mariadb_empty_table_is_an_error(mariadb_schema):
    engine, schema = mariadb_schema
    with engine.begin() as conn:
        conn.execute(sa.text(f"DELETE FROM `{schema}`.contacts"))
    with pytest.raises(ExtractError, match="empty extract"):
        read_sql_extract(engine, table=f"{schema}.contacts")


@pytest.mark.postgres
def test_postgres_full_and_incremental(postgres_schema):
    engine, schema = postgres_schema
    ex = read_sql_extract(engine, table=f"{schema}.contacts")
    _check_full(ex, f"postgresql://127.0.0.1/test#{schema}.contacts")
    _check_incremental(engine, schema)


@pytest.mark.postgres
def test_postgres_query(postgres_schema):
    engine, schema = postgres_schema
    query = f'SELECT id, last_name, date_modified, deleted FROM "{schema}".contacts ORDER BY id'
    ex = read_sql_extract(POSTGRES_URL, query=query, modified_since=dt.datetime(2023, 1, 1))
    assert ex.contacts["contact_id"].tolist() == ["c1", "c2"]


@pytest.mark.mariadb
def test_contact_in_two_accounts_is_one_record(mariadb_schema):
    engine, schema = mariadb_schema
    with engine.begin() as conn:
        conn.execute(
            sa.text(f"INSERT INTO `{schema}`.accounts (id, name, deleted) VALUES ('a2', 'Zweit AG', 0)")
        )
        conn.execute(
            sa.text(
                f"INSERT INTO `{schema}`.accounts_contacts (id, contact_id, account_id, deleted) "
                "VALUES ('ac2', 'c1', 'a2', 0)"
            )
        )
    extract = read_sql_extract(engine, "suitecrm", table=f"{schema}.contacts")
    ids = extract.contacts["contact_id"].tolist()
    assert sorted(ids) == ["c1", "c2"]
    assert extract.contacts.set_index("contact_id").loc["c1", "company"] == "Müller GmbH"  # a1 sorts first
    assert any("several accounts" in w for w in extract.warnings)


@pytest.mark.mariadb
def test_deleted_column_in_any_case_is_honoured(mariadb_schema):
    engine, schema = mariadb_schema
    with engine.begin() as conn:
        conn.execute(sa.text(f"ALTER TABLE `{schema}`.contacts CHANGE deleted Deleted SMALLINT"))
    extract = read_sql_extract(engine, "suitecrm", table=f"{schema}.contacts")
    assert sorted(extract.contacts["contact_id"]) == ["c1", "c2"]
    queried = read_sql_extract(
        engine,
        "suitecrm",
        query=f"SELECT id, salutation, first_name, last_name, title, Deleted FROM `{schema}`.contacts",
    )
    assert sorted(queried.contacts["contact_id"]) == ["c1", "c2"]
