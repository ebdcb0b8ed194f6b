"""Trigram indexes for the subject search on PostgreSQL, when the server offers them.

On SQLite the search reads narrow covering indexes (see ``subjects``) and meets its target
alone. PostgreSQL evaluates ``LIKE`` more slowly, so a rare fragment (a piece of a mobile
number) that matches few rows would read every index entry: there a GIN trigram index
(``pg_trgm``) finds them directly. The extension is optional: where it is missing or may not
be created, the schema is made without these indexes and the search still works, only
slower on PostgreSQL. Nothing here runs on SQLite.
"""

from __future__ import annotations

from peewee import Database, PostgresqlDatabase

#: (index name, table) for every searchable text of the CRM.
TRIGRAM_INDEXES = (
    ("client_search_trgm", "client"),
    ("contact_search_trgm", "contact"),
    ("request_search_trgm", "request"),
)

EXTENSION = "pg_trgm"


def add_trigram_indexes(db: Database, extension: str = EXTENSION) -> bool:
    """Create the trigram indexes on PostgreSQL if the extension can be had; True if made.

    Runs in a savepoint: a server without the extension (or a user who may not create it)
    leaves the surrounding transaction, and the schema, intact.
    """
    if not isinstance(db, PostgresqlDatabase):
        return False
    try:
        with db.atomic():
            db.execute_sql(f"CREATE EXTENSION IF NOT EXISTS {extension}")
            for name, table in TRIGRAM_INDEXES:
                db.execute_sql(
                    f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (search_text gin_trgm_ops)'
                )
    except Exception:  # the extension is optional: without it the search is only slower
        return False
    return True


def trigram_indexes_present(db: Database) -> bool:
    """True when every trigram index of the CRM exists (PostgreSQL only)."""
    if not isinstance(db, PostgresqlDatabase):
        return False
    names = {name for name, _ in TRIGRAM_INDEXES}
    found = {row[0] for row in db.execute_sql("SELECT indexname FROM pg_indexes WHERE indexname = ANY(%s)", (list(names),))}
    return found == names
