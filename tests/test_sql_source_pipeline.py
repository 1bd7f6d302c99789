"""A night whose extract is a query on the CRM database: a SuiteCRM-shaped schema on the real MariaDB."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pandas as pd
import pytest
import sqlalchemy as sa

from governance import nightly
from governance.sample_data import clean_contacts
from tests.conftest import MARIADB_URL
from tests.pipeline_helpers import night_config, run_night

pytestmark = pytest.mark.mariadb


def suitecrm_tables(contacts: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The generated contacts as SuiteCRM stores them (title = job title; degrees typed into names)."""
    ids = contacts["contact_id"]
    salutation = contacts["salutation"].map({"Herr": "Mr.", "Frau": "Ms."}).fillna("")
    first = contacts["title"].where(contacts["title"] == "", contacts["title"] + " ") + contacts["first_name"]
    users = sorted(set(contacts["owner"]))
    user_ids = {name: f"u{i}" for i, name in enumerate(users)}
    return {
        "contacts": pd.DataFrame(
            {
                "id": ids,
                "salutation": salutation,
                "first_name": first,
                "last_name": contacts["last_name"],
                "title": contacts["position"],
                "primary_address_street": contacts["street"],
                "primary_address_postalcode": contacts["postal_code"],
                "primary_address_city": contacts["city"],
                "primary_address_country": contacts["country"],
                "assigned_user_id": contacts["owner"].map(user_ids),
                "date_modified": pd.Timestamp("2026-11-19 18:00"),
                "deleted": 0,
                "do_not_call": (contacts["do_not_contact"] == "true").astype(int),
            }
        ),
        "users": pd.DataFrame({"id": list(user_ids.values()), "user_name": users, "deleted": 0}),
        "email_addresses": pd.DataFrame(
            {"id": "e" + ids, "email_address": contacts["email"], "opt_out": 0, "deleted": 0}
        ),
        "email_addr_bean_rel": pd.DataFrame(
            {
                "id": "r" + ids,
                "email_address_id": "e" + ids,
                "bean_id": ids,
                "bean_module": "Contacts",
                "primary_address": 1,
                "deleted": 0,
            }
        ),
    }


@pytest.fixture
def suitecrm_url(mariadb_engine) -> Iterator[str]:
    database = f"crm_{uuid.uuid4().hex[:10]}"
    with mariadb_engine.begin() as conn:
        conn.execute(sa.text(f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4"))
    url = sa.make_url(MARIADB_URL).set(database=database).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with mariadb_engine.begin() as conn:
            conn.execute(sa.text(f"DROP DATABASE `{database}`"))


def test_a_night_loads_from_the_suitecrm_database(tmp_path, suitecrm_url):
    contacts = clean_contacts(400, seed=41)
    engine = sa.create_engine(suitecrm_url)
    for name, frame in suitecrm_tables(contacts).items():
        frame.to_sql(name, engine, index=False)
    engine.dispose()
    cfg = night_config(
        tmp_path,
        f"sqlite:///{tmp_path / 'wh.sqlite'}",
        extract={"source": "sql", "sql": {"url": suitecrm_url, "profile": "suitecrm"}},
    )
    night = run_night(cfg, tmp_path, "2026-11-20", None)

    assert night.count(nightly.RAW_TABLE) == 400
    assert night.result.success, night.failed_checks
    wh = night.warehouse()
    staged = wh.read_partition(nightly.STAGED_TABLE, "2026-11-20")
    assert staged["source_file"].iloc[0].startswith("mysql://127.0.0.1/crm_")
    assert night.count(nightly.VALIDATED_VIEW) + night.count(nightly.QUARANTINE_TABLE) == 400
    # Degrees typed into SuiteCRM's first-name field are found and moved out.
    titled = contacts.set_index("contact_id")["title"]
    dr = staged[staged["contact_id"].isin(titled[titled == "Dr."].index)]
    assert len(dr) > 0
    assert (dr["titles_prenominal"] == "Dr.").all()
    assert dr["issues"].str.contains("TITLE_IN_NAME_FIELD").all()
    assert not dr["first_name_clean"].str.contains("Dr.", regex=False).any()
