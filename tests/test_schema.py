"""The schema: created on open, versioned, upgraded once, and never opened by an older program."""

from __future__ import annotations

import multiprocessing
import sqlite3

import pytest

from pegaso_tui.db import schema
from pegaso_tui.db.connection import close_database, open_database
from pegaso_tui.db.models import ALL_MODELS, Client, SchemaInfo
from pegaso_tui.db.schema import SCHEMA_VERSION, SchemaError, ensure_schema, schema_version


def test_opening_a_new_database_creates_every_table_at_the_current_version(any_url):
    db = open_database(any_url)
    tables = set(db.get_tables())
    assert {m._meta.table_name for m in ALL_MODELS} <= tables
    assert schema_version(db) == SCHEMA_VERSION


def test_an_older_database_is_upgraded_once_in_order(any_url, monkeypatch):
    db = open_database(any_url)
    applied = []
    newer = SCHEMA_VERSION + 1

    def add_column(database):
        applied.append(newer)
        database.execute_sql("ALTER TABLE client ADD COLUMN nickname VARCHAR(40) DEFAULT ''")

    monkeypatch.setitem(schema.UPGRADES, newer, add_column)
    assert ensure_schema(db, target=newer) == newer
    assert ensure_schema(db, target=newer) == newer  # a second open finds nothing to do
    assert applied == [newer]
    assert schema_version(db) == newer
    columns = {c.name for c in db.get_columns("client")}
    assert "nickname" in columns


def _as_version_1(db) -> None:
    """Make a current database look like one written by schema version 1."""
    for flag in ("notified_balance", "notified_documents", "paid", "documents_delivered"):
        db.execute_sql(f'DROP INDEX "practice_{flag}_practice_date_number"')
        db.execute_sql(f'CREATE INDEX "practice_{flag}_practice_date" ON "practice" ("{flag}", "practice_date")')
    SchemaInfo.delete().execute()
    SchemaInfo.create(version=1)


def test_a_version_1_database_gets_the_practice_indexes_that_keep_selections_in_order(any_url):
    db = open_database(any_url)
    _as_version_1(db)
    close_database()

    db = open_database(any_url)
    assert schema_version(db) == SCHEMA_VERSION
    names = {index.name for index in db.get_indexes("practice")}
    assert "practice_paid_practice_date_number" in names
    assert "practice_paid_practice_date" not in names
    if "sqlite" in type(db).__name__.lower():
        # the status selections read the practices in order: no sort of the rows any more
        plan = " ".join(str(row) for row in db.execute_sql(
            "EXPLAIN QUERY PLAN SELECT id FROM practice WHERE paid = 0 AND practice_date "
            "BETWEEN '2026-01-01' AND '2026-12-31' ORDER BY practice_date, number").fetchall())
        assert "practice_paid_practice_date_number" in plan
        assert "TEMP B-TREE" not in plan


def test_a_database_from_a_newer_program_is_refused_with_a_clear_message(any_url):
    open_database(any_url)
    SchemaInfo.create(version=SCHEMA_VERSION + 1)
    close_database()
    with pytest.raises(SchemaError, match="più recente"):
        open_database(any_url)


def test_sqlite_is_opened_in_wal_mode_with_foreign_keys_and_a_busy_timeout(db_url):
    db = open_database(db_url)
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 5000


def _open_and_insert(url: str, code: str, errors=None) -> None:
    import traceback

    try:
        from pegaso_tui.db.connection import open_database
        from pegaso_tui.db.models import Client

        open_database(url)
        Client.create(code=code, name=f"CLIENT {code}")
    except BaseException:
        if errors is not None:
            errors.put(traceback.format_exc())
        raise


def test_two_processes_opening_a_new_file_at_once_both_succeed(db_url):
    ctx = multiprocessing.get_context("spawn")
    errors = ctx.Queue()
    procs = [ctx.Process(target=_open_and_insert, args=(db_url, c, errors)) for c in ("1", "2")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    failures = []
    while not errors.empty():
        failures.append(errors.get())
    assert failures == [], "\n".join(failures)
    assert [p.exitcode for p in procs] == [0, 0]
    open_database(db_url)
    assert sorted(c.code for c in Client.select()) == ["0000001", "0000002"]
    assert SchemaInfo.select().count() == 1


def test_a_writer_waits_for_another_process_instead_of_failing(db_url):
    open_database(db_url)
    close_database()
    holder = sqlite3.connect(db_url, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO operator (username, name, created_at) VALUES ('x', 'x', '2026-01-01')")
    ctx = multiprocessing.get_context("spawn")
    proc = ctx.Process(target=_open_and_insert, args=(db_url, "3"))
    proc.start()
    proc.join(1.0)
    assert proc.is_alive()  # waiting on the lock, not failed
    holder.execute("COMMIT")
    proc.join(30)
    assert proc.exitcode == 0
    holder.close()


def test_a_terminal_opens_the_database_while_another_process_is_writing(db_url):
    # An import or demo-data run holds write transactions for seconds: opening the database
    # (the schema check) must not wait for it, only a write of our own may.
    open_database(db_url)
    close_database()
    holder = sqlite3.connect(db_url, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO operator (username, name, created_at) VALUES ('x', 'x', '2026-01-01')")
    try:
        db = open_database(db_url)  # would wait BUSY_TIMEOUT_S and then fail if it took the lock
        assert schema_version(db) == SCHEMA_VERSION
        assert Client.select().count() == 0
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_version_2_database_gets_the_italian_purposes_and_the_tables_of_seed_004(any_url):
    from pegaso_tui.db.models import (
        Campaign, CrmAssignment, Greeting, OptOut, Request, SavedSearch, Schedule, ScheduleRun,
        SmsTemplate,
    )

    db = open_database(any_url)
    from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate

    if "sqlite" in type(db).__name__.lower():
        migrator = SqliteMigrator(db)
        # the table is rebuilt: SQLite cannot drop a column with a foreign key in place
        migrate(migrator.drop_column("request", "assignment_id", legacy=True),
                migrator.drop_column("request", "purpose", legacy=True))
    else:
        migrator = PostgresqlMigrator(db)
        migrate(migrator.drop_column("request", "assignment_id"), migrator.drop_column("request", "purpose"))
    db.drop_tables([OptOut, CrmAssignment, ScheduleRun, Schedule, SmsTemplate, SavedSearch, Greeting])
    for kind, purpose in (("practice", "service"), ("single", "service"), ("promo", "marketing"),
                          ("birthday", "marketing")):
        Campaign.create(kind=kind, template="t", purpose=purpose)
    SchemaInfo.delete().execute()
    SchemaInfo.create(version=2)
    close_database()

    db = open_database(any_url)
    assert schema_version(db) == SCHEMA_VERSION
    purposes = dict(Campaign.select(Campaign.kind, Campaign.purpose).tuples())
    assert purposes == {"practice": "servizio", "single": "servizio", "promo": "marketing",
                        "birthday": "auguri"}
    assert {"opt_out", "crm_assignment"} <= set(db.get_tables())
    assert {"assignment_id", "purpose"} <= {c.name for c in db.get_columns(Request._meta.table_name)}
    assert {"saved_search", "sms_template", "schedule", "schedule_run", "greeting"} <= set(db.get_tables())
