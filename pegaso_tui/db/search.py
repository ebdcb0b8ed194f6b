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
    """The indexes that keep find-as-you-type on 100,000 clients within a keystroke.

    ``LIKE '%word%'`` cannot seek in an ordinary index, so each backend gets what helps it:

    - SQLite: an index on ``(code, search_text)``. The list's first page walks it in code
      order and tests each word on the index entry alone, reading a client's row only when it
      matches; the count scans it instead of the table. A word that matches nobody costs a
      third of a table scan (``make bench``).
    - PostgreSQL: a trigram GIN index (``pg_trgm``), which answers ``LIKE '%word%'`` for words
      of three letters or more without reading the table. The extension is created if the
      user may create it (it is trusted since PostgreSQL 13); if not, the search still works,
      by reading the table.
    """
    from peewee import PostgresqlDatabase

    from pegaso_tui.db.crm.trigram import add_trigram_indexes

    if not isinstance(db, PostgresqlDatabase):
        db.execute_sql("CREATE INDEX IF NOT EXISTS client_code_search ON client (code, search_text)")
        return
    # the client's trigram index is one of the CRM's (the subject search uses it too); they
    # are made together, in a savepoint, or not at all when the extension is refused
    add_trigram_indexes(db)
