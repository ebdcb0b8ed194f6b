"""PostgreSQL's shared cache against the clients' search (``db.pg_cache``): with the server's
default 128 MB, a million clients do not fit, and the count of a common word took 133-190 ms
instead of 55 ms (issue 17). The app and the worker say so, with the size to set; nothing is
said while the clients fit, nor on SQLite."""

from __future__ import annotations

import io
from contextlib import redirect_stderr

import pytest

from pegaso_tui.db import pg_cache
from pegaso_tui.db.connection import open_database
from pegaso_tui.db.models import database_proxy
from tests.apputil import make_app, wait_until
from tests.factories import make_client

MB = pg_cache.MB


def test_the_advice_names_both_sizes_and_twice_the_clients_rounded_to_256_mb():
    # the bench's million clients on the default cache
    text = pg_cache.advice(128 * MB, 504 * MB)
    assert "shared_buffers (128 MB)" in text
    assert "(504 MB)" in text
    assert "Impostare 1024 MB in postgresql.conf" in text
    assert "riavviare il server" in text
    assert "Impostare 512 MB" in pg_cache.advice(128 * MB, 200 * MB)


def test_nothing_is_said_while_the_clients_fit_or_are_few():
    assert pg_cache.advice(1024 * MB, 504 * MB) is None  # they fit
    assert pg_cache.advice(16 * MB, 100 * MB) is None  # a small cache, but 100,000 clients or so
    assert pg_cache.advice(128 * MB, 128 * MB) is None


def test_sqlite_has_nothing_to_say(db):
    assert pg_cache.cache_advice(database_proxy.obj) is None


@pytest.mark.postgres
def test_the_sizes_are_the_servers_own(pg_db):
    for i in range(50):
        make_client(f"{i:07d}", last_name=f"Rossi{i}", city="Verona")
    db = database_proxy.obj
    (shown,) = db.execute_sql("SHOW shared_buffers").fetchone()
    units = {"kB": 1024, "MB": MB, "GB": 1024 * MB}
    number = shown.rstrip("kMGB")
    assert pg_cache.shared_buffers_bytes(db) == int(number) * units[shown[len(number):]]
    sizes = [db.execute_sql("SELECT pg_relation_size(%s)", (name,)).fetchone()[0]
             for name in pg_cache.SEARCH_RELATIONS]
    assert all(size > 0 for size in sizes)  # the table and both indexes exist under these names
    assert pg_cache.search_bytes(db) == sum(sizes)
    # a test database is small: nothing to say on any server
    assert pg_cache.cache_advice(db) is None


@pytest.mark.postgres
async def test_the_app_tells_the_operator_once_at_start(pg_url, monkeypatch):
    # the real server's cache, but a search 8 kB "large" is taken as worth a warning: the
    # figures are the server's and the database's own, only the bar is lowered
    monkeypatch.setattr(pg_cache, "SMALL", 0)
    monkeypatch.setattr(pg_cache, "search_bytes", lambda db: 2 * pg_cache.shared_buffers_bytes(db))
    open_database(pg_url)
    app = make_app(pg_url)
    async with app.run_test(size=(120, 40)) as pilot:
        def told() -> list[str]:
            return [str(n.message) for n in app._notifications if n.title == "Database"]

        assert await wait_until(pilot, lambda: told())
        assert "shared_buffers" in told()[0] and "riavviare il server" in told()[0]
        await pilot.pause(0.3)
        assert len(told()) == 1


@pytest.mark.postgres
def test_the_worker_says_it_on_its_error_output(pg_url, monkeypatch):
    from pegaso_tui.cli import main

    monkeypatch.setattr(pg_cache, "SMALL", 0)
    monkeypatch.setattr(pg_cache, "search_bytes", lambda db: 2 * pg_cache.shared_buffers_bytes(db))
    monkeypatch.setenv("PEGASO_DB", pg_url)
    monkeypatch.setenv("PEGASO_GATEWAY_KIND", "sandbox")
    said = io.StringIO()
    with redirect_stderr(said):
        code = main(["worker", "--until-idle"])
    assert code == 0
    assert "pegaso-tui worker: PostgreSQL: shared_buffers (" in said.getvalue()
