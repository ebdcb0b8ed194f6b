"""Schema version and upgrade path.

A database records its schema version in ``schema_info``. Opening a database creates the
schema when it is new, applies the upgrade steps it lacks in order when it is older, and
refuses (with a clear message) a database written by a newer Pegaso. Every step runs in the
same transaction as the version bump, under a lock, so two terminals opening an old database
at once upgrade it once.

To change the schema: bump ``SCHEMA_VERSION`` and add the step that takes a database of the
previous version to the new one (``playhouse.migrate`` has the operations), with a test that
opens a file of the previous version.
"""

from __future__ import annotations

from typing import Callable

from peewee import Database, PostgresqlDatabase, fn

from pegaso_tui.db.models import ALL_MODELS, SchemaInfo
from pegaso_tui.db.search import ensure_search_indexes

SCHEMA_VERSION = 5

#: The practice flags each "SMS Pratiche" status selects on.
_PRACTICE_FLAGS = ("notified_balance", "notified_documents", "paid", "documents_delivered")


def _practice_flag_indexes_with_number(db: Database) -> None:
    """Version 2: the flag indexes of ``practice`` end with the number too, so that a status
    selection reads its practices already ordered by date and number instead of sorting them
    (a fifth of its time on a million practices)."""
    for flag in _PRACTICE_FLAGS:
        db.execute_sql(f'DROP INDEX IF EXISTS "practice_{flag}_practice_date"')
        db.execute_sql(
            f'CREATE INDEX IF NOT EXISTS "practice_{flag}_practice_date_number" '
            f'ON "practice" ("{flag}", "practice_date", "number")'
        )


def _reserved_v3(db: Database) -> None:
    """Nothing here. # reserved: merged from another branch (the outbox, issue 12)."""


def _reserved_v4(db: Database) -> None:
    """Nothing here. # reserved: merged from another branch (saved searches, issue 15)."""


def _privacy_and_crm_actions(db: Database) -> None:
    """Version 5 (seed 004): the GDPR purpose in Italian, the opt-out list, CRM actions to a
    target.

    The purposes were stored as ``service``/``marketing``; they become the words the Registro
    shows (``servizio``, ``marketing``, ``auguri``), and a birthday campaign, which version 4
    filed as marketing, is ``auguri``. Requests gain the batch and purpose of a CRM action.
    """
    from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate

    from pegaso_tui.db.models import Campaign, CrmAssignment, OptOut, Request

    db.create_tables([OptOut, CrmAssignment], safe=True)
    columns = {c.name for c in db.get_columns(Request._meta.table_name)}
    migrator = PostgresqlMigrator(db) if isinstance(db, PostgresqlDatabase) else SqliteMigrator(db)
    steps = []
    if "assignment_id" not in columns:
        steps.append(migrator.add_column(Request._meta.table_name, "assignment_id", Request.assignment))
    if "purpose" not in columns:
        steps.append(migrator.add_column(Request._meta.table_name, "purpose", Request.purpose))
    if steps:
        migrate(*steps)
    Campaign.update(purpose="servizio").where(Campaign.purpose == "service").execute()
    Campaign.update(purpose="auguri").where(
        (Campaign.kind == "birthday") & (Campaign.purpose == "marketing")
    ).execute()


#: version -> the step that upgrades a database from ``version - 1`` to ``version``.
UPGRADES: dict[int, Callable[[Database], None]] = {
    2: _practice_flag_indexes_with_number,
    3: _reserved_v3,
    4: _reserved_v4,
    5: _privacy_and_crm_actions,
}

# An arbitrary constant: the advisory lock that serialises schema changes on PostgreSQL.
_PG_SCHEMA_LOCK = 0x5E6A50


class SchemaError(Exception):
    """The database's schema cannot be used by this program."""


def schema_version(db: Database) -> int | None:
    """The version recorded in the database, or None for an empty database."""
    if not db.table_exists(SchemaInfo._meta.table_name):
        return None
    return SchemaInfo.select(fn.MAX(SchemaInfo.version)).scalar()


def ensure_schema(db: Database, target: int | None = None) -> int:
    """Create or upgrade the schema to ``target`` (default: this program's); return it."""
    target = SCHEMA_VERSION if target is None else target
    # The usual case, a database already at this version, is settled by a read: no write
    # lock, so a terminal starts at once even while another one imports a big file.
    current = schema_version(db)
    if current == target:
        return target
    with db.atomic():  # BEGIN IMMEDIATE on SQLite: one process at a time gets here
        if isinstance(db, PostgresqlDatabase):
            db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (_PG_SCHEMA_LOCK,))
        current = schema_version(db)
        if current is None:
            db.create_tables(ALL_MODELS, safe=True)
            ensure_search_indexes(db)
            SchemaInfo.create(version=target)
            _seed_new_database()
            return target
        if current > target:
            raise SchemaError(
                f"il database ha lo schema versione {current}, più recente di questo programma "
                f"(versione {target}): aggiornare Pegaso"
            )
        for version in range(current + 1, target + 1):
            step = UPGRADES.get(version)
            if step is None:
                raise SchemaError(f"manca il passo di aggiornamento dello schema alla versione {version}")
            step(db)
            SchemaInfo.create(version=version)
        return target


def _seed_new_database() -> None:
    """What a new database needs before anyone configures it: the CRM's outcomes (the
    trigram indexes of PostgreSQL come with ``ensure_search_indexes``)."""
    from pegaso_tui.db.crm.outcomes import seed_default_outcomes

    seed_default_outcomes()
