"""Fixtures shared by every test.

- Nothing touches the user's files: config, data and the database live in ``tmp_path``.
- ``db`` is a real SQLite file; ``any_db`` runs a test on SQLite and on a real PostgreSQL
  server (a fresh database per test, dropped afterwards). PostgreSQL is found at
  ``$PEGASO_TEST_PG`` (default ``postgresql://postgres@127.0.0.1:5432/test``); when no
  server answers, those tests are skipped and ``-ra`` prints why.
"""

from __future__ import annotations

import os
import uuid

import pytest

from pegaso_tui.db.connection import close_database, open_database
from pegaso_tui.db.models import database_proxy

PG_ADMIN_URL = os.environ.get("PEGASO_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(autouse=True)
def patient_mask_numbers(monkeypatch):
    """The pilot presses "1" then "8" one after the other, waiting for the app to settle in
    between; on a machine loaded by the parallel suite that took longer than the 0.6 s an
    operator's pause for a second digit lasts, and mask 1 opened. The tests of the pause set
    their own."""
    monkeypatch.setattr("pegaso_tui.screens.home.DIGIT_PAUSE_S", 5.0)


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path, monkeypatch):
    """Keep the developer's own config, data and gateway credentials out of every test."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    # an empty settings file: a PEGASO_CONFIG naming a missing file is an error
    (tmp_path / "config.toml").touch()
    monkeypatch.setenv("PEGASO_CONFIG", str(tmp_path / "config.toml"))
    # No allowed-hours window by default: a test's outcome must not depend on the hour it runs
    # at. The tests of the window (test_quiet_hours.py) set one explicitly.
    (tmp_path / "config.toml").write_text('[sending]\nquiet_hours = ""\n', encoding="utf-8")
    monkeypatch.setenv("PEGASO_OPERATOR", "tester")
    for var in (
        "PEGASO_DB",
        "PEGASO_GATEWAY_URL",
        "PEGASO_GATEWAY_KEY",
        "PEGASO_GATEWAY_SECRET",
        "PEGASO_GATEWAY_KIND",
        "PEGASO_SENDER",
    ):
        monkeypatch.delenv(var, raising=False)
    yield
    close_database()


@pytest.fixture
def db_url(tmp_path) -> str:
    """A fresh SQLite file's path."""
    return str(tmp_path / "pegaso.db")


@pytest.fixture
def db(db_url):
    """A fresh SQLite database with the schema, bound to the models."""
    database = open_database(db_url)
    yield database
    close_database()


def _pg_admin_connection():
    import psycopg2

    conn = psycopg2.connect(PG_ADMIN_URL, connect_timeout=3)
    conn.autocommit = True
    return conn


def _pg_available() -> str | None:
    """None when the PostgreSQL server answers, else the reason it does not."""
    try:
        _pg_admin_connection().close()
    except Exception as exc:  # any failure means: no server for these tests
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {str(exc).strip().splitlines()[0]}"
    return None


_PG_REASON: list[str | None] = []


def pg_skip_reason() -> str | None:
    if not _PG_REASON:
        _PG_REASON.append(_pg_available())
    return _PG_REASON[0]


@pytest.fixture
def pg_url():
    """The URL of a fresh, empty PostgreSQL database, dropped after the test."""
    reason = pg_skip_reason()
    if reason:
        pytest.skip(reason)
    name = f"pegaso_test_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin_connection()
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        close_database()
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_url(request, tmp_path):
    """The URL of a fresh database: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        yield str(tmp_path / "pegaso.db")
    else:
        yield request.getfixturevalue("pg_url")


def _with_schema(url: str):
    """The database at ``url`` opened with the schema for a test, then let go."""
    database = open_database(url)
    yield database
    close_database()
    database_proxy.initialize(None)


@pytest.fixture
def any_db(any_url):
    """A fresh database with the schema on each backend."""
    yield from _with_schema(any_url)


@pytest.fixture
def pg_db(pg_url):
    """A fresh PostgreSQL database with the schema (for what only PostgreSQL has)."""
    yield from _with_schema(pg_url)


@pytest.fixture
def sandbox():
    """Start sandbox gateways on free loopback ports: ``sandbox(deliver_after_ms=50, ...)``.

    Takes the fields of ``SandboxConfig``; every server is stopped after the test.
    """
    from pegaso_tui.gateways.sandbox import SandboxConfig, SandboxServer

    servers = []

    def start(**config):
        server = SandboxServer(SandboxConfig(**config)).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
