"""Find-as-you-type: every word typed must appear, anywhere, in a row's search text.

Each searchable model keeps a lower-case ``search_text`` (code, name, mobile, city, ...), so a
search is one ``LIKE '%word%'`` per word on one column, the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from functools import reduce

from peewee import SQL, Field, NodeList


def _like_pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def words(text: str | None) -> list[str]:
    """The words of a search, lower case (what ``search_text`` holds)."""
    return [w for w in (text or "").lower().split() if w]


def contains_all(field: Field, text: str | None):
    """A condition: ``field`` contains every word of ``text`` (None when nothing is typed)."""
    conditions = [
        NodeList((field, SQL("LIKE"), _like_pattern(word), SQL("ESCAPE '\\'")))
        for word in words(text)
    ]
    if not conditions:
        return None
    return reduce(lambda a, b: a & b, conditions)



def ensure_search_indexes(db) -> None:
    """On PostgreSQL, a trigram index that answers find-as-you-type without reading the table.

    ``LIKE '%word%'`` cannot seek in an ordinary index; ``pg_trgm``'s GIN index answers it for
    words of three letters or more (a rare word — a mobile fragment, a name typed in full —
    in a few milliseconds instead of a scan of every client). The extension is created if the
    user may create it (it is trusted since PostgreSQL 13); if not, the search still works, by
    reading the table. SQLite reads ``search_text`` fast enough without one (``make bench``).
    """
    from peewee import PostgresqlDatabase

    if not isinstance(db, PostgresqlDatabase):
        return
    try:
        with db.atomic():  # a savepoint: a refused extension must not abort the caller
            db.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            db.execute_sql(
                "CREATE INDEX IF NOT EXISTS client_search_trgm "
                "ON client USING gin (search_text gin_trgm_ops)"
            )
    except Exception:  # noqa: BLE001 - no privilege or no contrib package: search without it
        pass
