"""Shared fixtures: warehouses on SQLite and on the real PostgreSQL, isolated per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

POSTGRES_URL = os.environ.get(
    "GOVERNANCE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
MARIADB_URL = os.environ.get("GOVERNANCE_TEST_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/test")


def _connect_or_fail(url: str, what: str) -> sa.Engine:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any connection problem is reported the same way
        pytest.fail(
            f"{what} is not reachable at {engine.url.render_as_string(hide_password=True)}: {exc}. "
            "These tests are mandatory (see .ci/run); start the server.",
            pytrace=False,
        )
    return engine


@pytest.fixture
def postgres_schema_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped after the test."""
    engine = _connect_or_fail(POSTGRES_URL, "PostgreSQL")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = sa.make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def warehouse_url(request, tmp_path) -> str:
    """The warehouse URL for SQLite (a file in tmp_path) and for the real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'warehouse.sqlite'}"
    return request.getfixturevalue("postgres_schema_url")


@pytest.fixture
def mariadb_engine() -> Iterator[sa.Engine]:
    engine = _connect_or_fail(MARIADB_URL, "MariaDB")
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def chromium(tmp_path_factory):
    """A real headless Chromium driven through ChromeDriver (Debian packages; `make test` installs them).

    Mandatory like the databases: a missing browser fails the report tests instead of skipping them.
    Everything stays on this machine: no Selenium Manager lookup (both paths are given), no background
    networking, a fresh profile.
    """
    from pathlib import Path

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    browser = Path(os.environ.get("GOVERNANCE_CHROMIUM", "/usr/bin/chromium"))
    driver_path = Path(os.environ.get("GOVERNANCE_CHROMEDRIVER", "/usr/bin/chromedriver"))
    for path, package in ((browser, "chromium"), (driver_path, "chromium-driver")):
        if not path.exists():
            pytest.fail(
                f"{path} is missing: install the Debian package {package} (`make browser` does it). "
                "The report tests run in a real headless Chromium and never skip.",
                pytrace=False,
            )
    options = webdriver.ChromeOptions()
    options.binary_location = str(browser)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
        "--window-size=1280,2000",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(driver_path)), options=options)
    try:
        yield driver
    finally:
        driver.quit()
