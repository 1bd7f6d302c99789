"""The owner's e-mail address of a SQL source. SuiteCRM keeps the owner as a user id
(contacts.assigned_user_id -> users); the address is in email_addresses via email_addr_bean_rel with
bean_module 'Users'.

Against the real MariaDB and PostgreSQL (mandatory: no skipping).
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import uuid
from collections.abc import Iterator

import pandas as pd
import pytest
import sqlalchemy as sa

from governance import nightly
from governance.alerts import owner_slug
from governance.ingest import read_sql_extract
from governance.sample_data import clean_contacts
from tests.conftest import MARIADB_URL
from tests.pipeline_helpers import night_config, run_night
from tests.suitecrm_schema import suitecrm_metadata
from tests.test_sql_source_pipeline import suitecrm_tables

T0 = dt.datetime(2026, 11, 19, 18, 0)

# A portable query: the contacts with their own primary e-mail, the owner only as assigned_user_id.
QUERY = (
    "SELECT c.id, c.salutation, c.first_name, c.last_name, c.title, c.primary_address_street, "
    "c.primary_address_postalcode, c.primary_address_city, c.primary_address_country, c.assigned_user_id, "
    "c.date_modified, c.deleted, ea.email_address "
    "FROM contacts c "
    "LEFT JOIN email_addr_bean_rel r ON r.bean_id = c.id AND r.bean_module = 'Contacts' "
    "AND r.primary_address = 1 AND r.deleted = 0 "
    "LEFT JOIN email_addresses ea ON ea.id = r.email_address_id AND ea.deleted = 0"
)

# user id, user_name, status, deleted, primary e-mail (None: the user has none)
USERS = [
    ("u1", "sepp", "Active", 0, "sepp@crm.example.at"),
    ("u2", "anna", None, 0, "anna@crm.example.at"),
    ("u3", "gone", "Inactive", 0, "gone@crm.example.at"),  # left the company: account set Inactive
    ("u4", "left", "Active", 1, "left@crm.example.at"),  # account deleted
    ("u5", "nomail", "Active", 0, None),
]
# contact id -> assigned_user_id ("u9" does not exist)
ASSIGNED = {"c1": "u1", "c2": "u2", "c3": "u3", "c4": "u4", "c5": "u5", "c6": "u9", "c7": None}
EXPECTED = {  # contact id -> (owner, owner_email)
    "c1": ("sepp", "sepp@crm.example.at"),
    "c2": ("anna", "anna@crm.example.at"),
    "c3": ("gone", ""),
    "c4": ("left", ""),
    "c5": ("nomail", ""),
    "c6": ("u9", ""),
    "c7": ("", ""),
}


def _create_tables(engine: sa.Engine) -> None:
    """A SuiteCRM-shaped schema (users with status and deleted) in the URL's own database/schema."""
    md = suitecrm_metadata()
    contacts, users = md.tables["contacts"], md.tables["users"]
    addresses, rel = md.tables["email_addresses"], md.tables["email_addr_bean_rel"]
    md.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            contacts.insert(),
            [
                dict(
                    id=cid,
                    salutation="Ms.",
                    first_name="Eva",
                    last_name=f"Huber-{cid}",
                    title="Prokuristin",
                    primary_address_street="Ring 1",
                    primary_address_postalcode="1010",
                    primary_address_city="Wien",
                    primary_address_country="AT",
                    assigned_user_id=user,
                    date_modified=T0,
                    deleted=0,
                )
                for cid, user in ASSIGNED.items()
            ],
        )
        conn.execute(
            users.insert(), [dict(id=u, user_name=n, status=st, deleted=d) for u, n, st, d, _ in USERS]
        )
        mails = [(u, a) for u, *_, a in USERS if a] + [("c1", "eva.c1@kunde.at")]  # a contact's own
        conn.execute(
            addresses.insert(),
            [dict(id=f"e-{b}", email_address=a, opt_out=0, deleted=0) for b, a in mails]
            + [dict(id="e-u1-old", email_address="sepp.alt@crm.example.at", opt_out=0, deleted=0)]
            # anna's old address, deleted, still linked as primary: it joins as NULL beside the live one
            + [dict(id="e-u2-dead", email_address="anna.alt@crm.example.at", opt_out=0, deleted=1)],
        )
        conn.execute(
            rel.insert(),
            [
                dict(
                    id=f"r-{b}",
                    email_address_id=f"e-{b}",
                    bean_id=b,
                    bean_module="Contacts" if b.startswith("c") else "Users",
                    primary_address=1,
                    deleted=0,
                )
                for b, _ in mails
            ]
            + [
                dict(
                    id="r-u1-old",
                    email_address_id="e-u1-old",
                    bean_id="u1",
                    bean_module="Users",
                    primary_address=0,  # not the primary address: never used
                    deleted=0,
                ),
                dict(
                    id="r-u2-dead",
                    email_address_id="e-u2-dead",
                    bean_id="u2",
                    bean_module="Users",
                    primary_address=1,
                    deleted=0,
                ),
            ],
        )


@pytest.fixture
def mariadb_crm_url(mariadb_engine) -> Iterator[str]:
    """A fresh MariaDB database as the CRM, dropped afterwards."""
    database = f"crm_{uuid.uuid4().hex[:10]}"
    with mariadb_engine.begin() as conn:
        conn.execute(sa.text(f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4"))
    try:
        yield sa.make_url(MARIADB_URL).set(database=database).render_as_string(hide_password=False)
    finally:
        with mariadb_engine.begin() as conn:
            conn.execute(sa.text(f"DROP DATABASE `{database}`"))


@pytest.fixture(params=[pytest.param("mariadb", marks=pytest.mark.mariadb), "postgres"])
def crm_url(request) -> Iterator[str]:
    """The SuiteCRM-shaped schema on the real MariaDB, and on the real PostgreSQL."""
    url = request.getfixturevalue("mariadb_crm_url" if request.param == "mariadb" else "postgres_schema_url")
    engine = sa.create_engine(url)
    try:
        _create_tables(engine)
    finally:
        engine.dispose()
    yield url


def _owners(extract) -> dict[str, tuple[str, str]]:
    frame = extract.contacts.set_index("contact_id")
    return {cid: (frame.at[cid, "owner"], frame.at[cid, "owner_email"]) for cid in frame.index}


def test_a_query_with_only_the_owner_id_gets_the_owner_name_and_e_mail(crm_url):
    extract = read_sql_extract(crm_url, "suitecrm", query=QUERY)
    assert _owners(extract) == EXPECTED
    assert extract.contacts.set_index("contact_id").at["c1", "email"] == "eva.c1@kunde.at"
    assert any("owner e-mail looked up" in w and "2 of 7" in w for w in extract.warnings)
    # Incremental loads get it too.
    since = read_sql_extract(crm_url, "suitecrm", query=QUERY, modified_since=T0 - dt.timedelta(hours=1))
    assert _owners(since) == EXPECTED


def test_the_table_read_gives_no_e_mail_of_an_inactive_or_deleted_user(crm_url):
    extract = read_sql_extract(crm_url, "suitecrm")
    assert _owners(extract) == {**EXPECTED, "c6": ("", "")}  # the join finds no user u9: no owner at all


def test_a_query_that_returns_the_owner_e_mail_is_left_alone(crm_url):
    query = (
        "SELECT id, last_name, assigned_user_id, 'own@crm.example.at' AS assigned_user_email FROM contacts"
    )
    extract = read_sql_extract(crm_url, "suitecrm", query=query)
    assert set(extract.contacts["owner_email"]) == {"own@crm.example.at"}
    assert set(extract.contacts["owner"]) == set(ASSIGNED.values()) - {None} | {""}  # the ids, as returned
    assert not any("looked up" in w for w in extract.warnings)


@pytest.mark.mariadb
def test_without_the_users_tables_the_query_says_why_owners_have_no_e_mail(mariadb_crm_url):
    engine = sa.create_engine(mariadb_crm_url)
    _create_tables(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE email_addr_bean_rel"))
    engine.dispose()
    extract = read_sql_extract(
        mariadb_crm_url, "suitecrm", query="SELECT id, last_name, assigned_user_id FROM contacts"
    )
    assert _owners(extract)["c1"] == ("u1", "")
    assert any("no SuiteCRM users/e-mail tables" in w for w in extract.warnings)


@pytest.mark.mariadb
def test_a_night_from_a_suitecrm_query_mails_each_owner_their_own_digest(tmp_path, mariadb_crm_url):
    contacts = clean_contacts(400, seed=43)
    tables = suitecrm_tables(contacts)
    users = tables["users"].assign(status="Active")
    owner_email = contacts.drop_duplicates("owner").set_index("owner")["owner_email"]
    departed = users["user_name"].iat[0]
    users.loc[users["user_name"] == departed, "status"] = "Inactive"
    user_mail = pd.DataFrame(
        {
            "id": "eu-" + users["id"],
            "email_address": users["user_name"].map(owner_email),
            "opt_out": 0,
            "deleted": 0,
        }
    )
    user_rel = pd.DataFrame(
        {
            "id": "ru-" + users["id"],
            "email_address_id": "eu-" + users["id"],
            "bean_id": users["id"],
            "bean_module": "Users",
            "primary_address": 1,
            "deleted": 0,
        }
    )
    tables.update(
        users=users,
        email_addresses=pd.concat([tables["email_addresses"], user_mail]),
        email_addr_bean_rel=pd.concat([tables["email_addr_bean_rel"], user_rel]),
    )
    engine = sa.create_engine(mariadb_crm_url)
    for name, frame in tables.items():
        frame.to_sql(name, engine, index=False)
    engine.dispose()
    cfg = night_config(
        tmp_path,
        f"sqlite:///{tmp_path / 'wh.sqlite'}",
        extract={"source": "sql", "sql": {"url": mariadb_crm_url, "profile": "suitecrm", "query": QUERY}},
        alerts={"channel": "outbox", "fallback_recipient": "crm-team@example.at"},
    )
    night = run_night(cfg, tmp_path, "2026-11-20", None)
    assert "owner_alerts" in night.materialized

    fixes = night.warehouse().query(
        "SELECT contact_id, owner, owner_email FROM crm_contacts_staged "
        "WHERE partition_date = :p AND quality_flags <> ''",
        {"p": "2026-11-20"},
    )
    assert len(fixes) > 0 and (fixes["owner"] != "").all()
    messages = {
        path.stem: email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for path in (tmp_path / "var" / "outbox" / "2026-11-20").glob("*.eml")
    }
    active = fixes[fixes["owner"] != departed]
    assert (active["owner_email"] == active["owner"].map(owner_email)).all()
    for owner, group in active.groupby("owner"):
        msg = messages[owner_slug(owner)]
        assert msg["To"] == owner_email[owner]
        body = msg.get_body(("plain",)).get_content()
        assert all(cid in body for cid in group["contact_id"])
    # The departed owner's records go to the fallback recipient, not to a dead mailbox.
    gone = fixes[fixes["owner"] == departed]
    assert len(gone) > 0 and (gone["owner_email"] == "").all()
    unassigned = messages["unassigned"]
    assert unassigned["To"] == "crm-team@example.at"
    body = unassigned.get_body(("plain",)).get_content()
    assert f"{departed} (keine E-Mail-Adresse)" in body and all(cid in body for cid in gone["contact_id"])
    assert set(messages) == {*map(owner_slug, active["owner"]), "unassigned"}
    assert night.count(nightly.RAW_TABLE) == 400
