"""A PostgreSQL server that drops its connections (a restart, pg_terminate_backend): the next
question is answered on a fresh connection, never "connection already closed" for ever."""

from __future__ import annotations

import threading

import pytest
from peewee import InterfaceError, OperationalError

from pegaso_tui.db.connection import close_database, open_database, session
from pegaso_tui.db.models import Client


def _in_a_thread(fn):
    """Run ``fn`` in a new thread, as a screen's worker does; its result or its exception."""
    box: dict = {}

    def run():
        try:
            box["value"] = fn()
        except Exception as exc:  # noqa: BLE001 - the test looks at it
            box["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    return box


def _count() -> int:
    with session():
        return Client.select().count()


def _terminate_all(pg_url: str) -> int:
    from tests.conftest import _pg_admin_connection

    admin = _pg_admin_connection()
    try:
        with admin.cursor() as cur:
            cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = %s AND pid <> pg_backend_pid()", (pg_url.rsplit("/", 1)[1],))
            return sum(1 for (ok,) in cur.fetchall() if ok)
    finally:
        admin.close()


@pytest.mark.postgres
def test_questions_after_the_server_dropped_every_connection_are_answered_again(pg_url):
    open_database(pg_url)
    try:
        # several workers leave their connections idle in the pool
        for _ in range(4):
            assert _in_a_thread(_count) == {"value": 0}
        assert _terminate_all(pg_url) > 0
        answers = [_in_a_thread(_count) for _ in range(3)]
        # at most the first meets the dead connection; it is thrown away with the idle ones
        assert all(a.get("value") == 0 for a in answers[1:]), answers
        if "error" in answers[0]:
            assert isinstance(answers[0]["error"], (OperationalError, InterfaceError))
    finally:
        close_database()


@pytest.mark.postgres
def test_a_long_lived_thread_gets_a_fresh_connection_after_a_drop_in_a_transaction(pg_url):
    """The app's sender lives in one thread for the whole session. A drop in the middle of a
    transaction left peewee holding the dead connection (its rollback failed, so it would not
    close), and every later question of that thread answered "connection already closed"."""
    open_database(pg_url)
    try:
        def long_lived():
            outcomes = []
            for attempt in range(4):
                try:
                    with session() as db:
                        with db.atomic():
                            outcomes.append(Client.select().count())
                            if attempt == 0:
                                _terminate_all(pg_url)
                                Client.select().count()
                except (OperationalError, InterfaceError):
                    outcomes.append("dropped")
            return outcomes

        box = _in_a_thread(long_lived)
        assert box.get("value", [])[-2:] == [0, 0], box
    finally:
        close_database()
