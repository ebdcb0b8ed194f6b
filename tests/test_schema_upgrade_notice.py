"""Whoever opens a database that needs a schema upgrade is told, before it starts, that it may
take minutes (indexing a million clients does), by the command line and by the app; nobody is
told anything when the database is already up to date."""

from __future__ import annotations

import threading

from pegaso_tui.cli import main
from pegaso_tui.db.connection import close_database, open_database
from pegaso_tui.db.models import SchemaInfo
from pegaso_tui.db.schema import SCHEMA_VERSION
from tests.apputil import make_app, wait_until

NOTICE = f"Aggiornamento del database (schema {SCHEMA_VERSION - 1} → {SCHEMA_VERSION})"


def _as_previous_version(db_url: str) -> None:
    open_database(db_url)
    SchemaInfo.update(version=SCHEMA_VERSION - 1).execute()
    close_database()


def test_a_command_says_it_upgrades_on_stderr_once(db_url, capsys):
    _as_previous_version(db_url)
    assert main(["optout", "list", "--db", db_url]) == 0
    out, err = capsys.readouterr()
    assert NOTICE in err
    assert "Aggiornamento" not in out  # stdout stays the command's own, for scripts
    close_database()
    assert main(["optout", "list", "--db", db_url]) == 0
    assert "Aggiornamento" not in capsys.readouterr().err


def _toasts(app) -> list[str]:
    """The notifications on screen (as the other pilot tests read them)."""
    return [n.message for n in app._notifications]


async def test_the_app_tells_the_upgrade_until_the_database_opens(db_url):
    app = make_app(db_url)
    SchemaInfo.update(version=SCHEMA_VERSION - 1).execute()
    services = app.services
    services.database_ready = threading.Event()  # the app opens it, as pegaso-tui does
    gate = threading.Event()
    told = threading.Event()
    real_open = services.open_database

    def open_slowly(on_upgrade=None) -> None:
        def tell(current: int, target: int) -> None:
            on_upgrade(current, target)
            told.set()
            gate.wait(30)  # an upgrade that takes a while

        real_open(on_upgrade=tell)

    services.open_database = open_slowly
    async with app.run_test(size=(100, 30)) as pilot:
        assert await wait_until(pilot, told.is_set)
        assert await wait_until(pilot, lambda: any(NOTICE in t for t in _toasts(app)))
        await pilot.pause(0.3)
        assert any(NOTICE in t for t in _toasts(app)), "the notice must stay while the upgrade runs"
        gate.set()
        assert await wait_until(pilot, services.database_ready.is_set)
        assert await wait_until(pilot, lambda: any("Database aggiornato." in t for t in _toasts(app)))
        assert not any(NOTICE in t for t in _toasts(app))
    assert SchemaInfo.select().where(SchemaInfo.version == SCHEMA_VERSION).exists()


async def test_the_app_tells_nothing_when_the_schema_is_current(db_url):
    app = make_app(db_url)
    app.services.database_ready = threading.Event()
    async with app.run_test(size=(100, 30)) as pilot:
        assert await wait_until(pilot, app.services.database_ready.is_set)
        await pilot.pause(0.2)
        assert not [t for t in _toasts(app) if "Database" in t or "database" in t]
