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

from pegaso_tui.db.models import ALL_MODELS, Client, SchemaInfo
from pegaso_tui.db.search import ensure_search_indexes

SCHEMA_VERSION = 10

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


def _outbox_needs_nothing(db: Database) -> None:
    """Version 3: kept for the outbox of issue 12, which in the end needed no change of the
    schema (the grace and the consent check use columns it had)."""


def _searches_models_schedules(db: Database) -> None:
    """Version 4 (seed 004): saved searches, SMS models, scheduled communications and their
    runs, and the birthday greetings that keep "once per client per year". The GDPR purpose
    of the campaigns already written takes its Italian value (``servizio``, ``auguri``)."""
    from pegaso_tui.db.models import (
        CrmAssignment,
        Greeting,
        SavedSearch,
        Schedule,
        ScheduleRun,
        SmsTemplate,
    )

    # the tables are made from today's models: a run refers to a CRM batch (version 7), so
    # that table (otherwise version 5's) must exist first
    db.create_tables([CrmAssignment, Greeting, SavedSearch, SmsTemplate, Schedule, ScheduleRun],
                     safe=True)
    db.execute_sql("UPDATE campaign SET purpose = 'auguri' WHERE kind = 'birthday'")
    db.execute_sql("UPDATE campaign SET purpose = 'servizio' WHERE purpose = 'service'")


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
    # a database that passed version 4 while it was still reserved lacks its tables
    _searches_models_schedules(db)
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


def _speed_tables(db: Database) -> None:
    """Version 6: what keeps the control panel and the registry search fast at a million rows:
    the messages counted per day and status (filled from the messages there are, then kept by
    triggers) and, on SQLite, the clients' trigram full-text index (filled from the clients)."""
    from pegaso_tui.db.message_stats import install_message_counts, rebuild_message_counts
    from pegaso_tui.db.models import MessageDayCount
    from pegaso_tui.db.search import ensure_client_fulltext

    db.create_tables([MessageDayCount], safe=True)
    install_message_counts(db)
    rebuild_message_counts(db)
    ensure_client_fulltext(db, fill=True)


def _crm_schedules(db: Database) -> None:
    """Version 7 (issue 15, item 7): a scheduled communication may create CRM actions instead
    of SMS. Schedules gain their kind and the CRM fields; a run records its batch of actions.
    The schedules there are stay SMS ones."""
    from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate

    from pegaso_tui.db.models import Schedule, ScheduleRun

    migrator = PostgresqlMigrator(db) if isinstance(db, PostgresqlDatabase) else SqliteMigrator(db)
    wanted = {
        Schedule: ("kind", "crm_type", "crm_operators", "crm_due_days"),
        ScheduleRun: ("assignment",),
    }
    steps = []
    for model, names in wanted.items():
        table = model._meta.table_name
        columns = {c.name for c in db.get_columns(table)}
        for name in names:
            field = model._meta.fields[name]
            if field.column_name not in columns:
                steps.append(migrator.add_column(table, field.column_name, field))
    if steps:
        migrate(*steps)


def _letter_pairs(db: Database) -> None:
    """Version 8 (issue 17): on SQLite, the index of the clients' letter pairs, which answers
    a search word of one or two letters without reading every client; filled from the clients
    there are. PostgreSQL gains its own in version 9."""
    from pegaso_tui.db.letter_pairs import ensure_letter_pairs

    ensure_letter_pairs(db, fill=True)


def _pg_letter_pairs(db: Database) -> None:
    """Version 9 (issue 17): on PostgreSQL, the same index of letter pairs as an expression
    index (built from the clients there are, then analysed so the search can ask the planner
    which words are common). SQLite has it since version 8."""
    from pegaso_tui.db.letter_pairs import ensure_pg_letter_pairs

    ensure_pg_letter_pairs(db, analyze=True)


def _pg_pair_counts(db: Database) -> None:
    """Version 10 (issue 17): on PostgreSQL, the clients counted per letter and pair of
    letters (``pair_counts``), so that the count of a one- or two-letter search reads a few
    rows, not every match, filled from the clients there are; and a finer sample of the search
    text for the planner (``ensure_pg_search_statistics``). Nothing on SQLite, whose index of
    pairs counts quickly already."""
    from pegaso_tui.db.pair_counts import install_pair_counts
    from pegaso_tui.db.search import ensure_pg_search_statistics

    install_pair_counts(db, fill=True)
    ensure_pg_search_statistics(db, analyze=True)


def _new_database_speed_tables(db: Database) -> None:
    """The triggers and indexes of versions 6, 8, 9 and 10 on a database just created
    (nothing to fill)."""
    from pegaso_tui.db.letter_pairs import ensure_letter_pairs, ensure_pg_letter_pairs
    from pegaso_tui.db.message_stats import install_message_counts
    from pegaso_tui.db.pair_counts import install_pair_counts
    from pegaso_tui.db.search import ensure_client_fulltext, ensure_pg_search_statistics

    install_message_counts(db)
    ensure_client_fulltext(db, fill=False)
    ensure_letter_pairs(db, fill=False)
    ensure_pg_letter_pairs(db, analyze=False)
    install_pair_counts(db, fill=False)
    ensure_pg_search_statistics(db, analyze=False)


#: version -> the step that upgrades a database from ``version - 1`` to ``version``.
UPGRADES: dict[int, Callable[[Database], None]] = {
    2: _practice_flag_indexes_with_number,
    3: _outbox_needs_nothing,
    4: _searches_models_schedules,
    5: _privacy_and_crm_actions,
    6: _speed_tables,
    7: _crm_schedules,
    8: _letter_pairs,
    9: _pg_letter_pairs,
    10: _pg_pair_counts,
}

# An arbitrary constant: the advisory lock that serialises schema changes on PostgreSQL.
_PG_SCHEMA_LOCK = 0x5E6A50


def upgrade_notice(current: int, target: int) -> str:
    """What whoever opens a database is told while its schema is upgraded."""
    return (
        f"Aggiornamento del database (schema {current} → {target}): con molti clienti può "
        "durare qualche minuto; avviene una volta sola."
    )


class SchemaError(Exception):
    """The database's schema cannot be used by this program."""


def schema_version(db: Database) -> int | None:
    """The version recorded in the database, or None for an empty database."""
    if not db.table_exists(SchemaInfo._meta.table_name):
        return None
    version = SchemaInfo.select(fn.MAX(SchemaInfo.version)).scalar()
    # A table edited by hand or half restored: refuse it plainly rather than guess (a text
    # would not compare with a number; no row would recreate the tables of a used database).
    if version is None and db.table_exists(Client._meta.table_name):
        raise SchemaError("la tabella schema_info è vuota ma il database ha dei dati: database danneggiato?")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
        raise SchemaError(f"la tabella schema_info è danneggiata (versione {str(version)[:20]!r})")
    return version


def ensure_schema(
    db: Database, target: int | None = None, on_upgrade: Callable[[int, int], None] | None = None
) -> int:
    """Create or upgrade the schema to ``target`` (default: this program's); return it.

    ``on_upgrade(current, target)`` is told before an upgrade starts: building an index over
    a million clients takes a minute or two, and whoever waits should know why.
    """
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
            _new_database_speed_tables(db)
            SchemaInfo.create(version=target)
            _seed_new_database()
            return target
        if current > target:
            raise SchemaError(
                f"il database ha lo schema versione {current}, più recente di questo programma "
                f"(versione {target}): aggiornare Pegaso"
            )
        if on_upgrade is not None:
            on_upgrade(current, target)
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
