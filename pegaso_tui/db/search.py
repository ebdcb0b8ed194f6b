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


# --- the clients' full-text index on SQLite (schema 6) -------------------------------------------

#: Words shorter than this cannot be looked up in a trigram index (they are read with LIKE).
TRIGRAM = 3

_CLIENT_FTS = (
    # external content: the index only, the text stays in ``client`` (no second copy)
    "CREATE VIRTUAL TABLE IF NOT EXISTS client_fts USING fts5("
    "search_text, content='client', content_rowid='id', tokenize='trigram')",
    # the triggers keep it in step with every write, whichever code (or hand) writes
    """CREATE TRIGGER IF NOT EXISTS client_fts_insert AFTER INSERT ON client BEGIN
        INSERT INTO client_fts (rowid, search_text) VALUES (NEW.id, NEW.search_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS client_fts_delete AFTER DELETE ON client BEGIN
        INSERT INTO client_fts (client_fts, rowid, search_text)
        VALUES ('delete', OLD.id, OLD.search_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS client_fts_update AFTER UPDATE OF id, search_text ON client
    WHEN OLD.search_text IS NOT NEW.search_text OR OLD.id IS NOT NEW.id BEGIN
        INSERT INTO client_fts (client_fts, rowid, search_text)
        VALUES ('delete', OLD.id, OLD.search_text);
        INSERT INTO client_fts (rowid, search_text) VALUES (NEW.id, NEW.search_text);
    END""",
)


def ensure_client_fulltext(db, *, fill: bool) -> None:
    """SQLite: the trigram full-text index of the clients' search text, and its triggers.

    ``LIKE '%word%'`` reads every client when a word matches few or none of them (45 ms at
    300,000 clients, linear beyond). An FTS5 ``trigram`` index finds the clients holding a
    word of three letters or more directly, at any size. ``fill`` indexes the clients already
    there (the upgrade of an existing database). PostgreSQL has its trigram GIN index
    (``ensure_search_indexes``) and needs nothing here.
    """
    from peewee import PostgresqlDatabase

    if isinstance(db, PostgresqlDatabase):
        return
    for statement in _CLIENT_FTS:
        db.execute_sql(statement)
    if fill:
        db.execute_sql("INSERT INTO client_fts (client_fts) VALUES ('rebuild')")


def _fts_phrase(word: str) -> str:
    """A word as an FTS5 phrase: the trigram tokenizer matches it as a substring."""
    return '"' + word.replace('"', '""') + '"'


def client_fulltext_match(text: str | None) -> str | None:
    """The FTS5 query of the words of ``text`` that the trigram index can answer (three
    letters or more), all required; None when there is none (or not on SQLite)."""
    from peewee import SqliteDatabase

    from pegaso_tui.db.models import database_proxy

    if not isinstance(database_proxy.obj, SqliteDatabase):
        return None
    long_words = [w for w in words(text) if len(w) >= TRIGRAM]
    if not long_words:
        return None
    return " AND ".join(_fts_phrase(w) for w in long_words)


#: A search whose trigram words match at least this many clients is "broad": its first page
#: is found sooner by reading the clients in code order (one in a few hundred matches, so a
#: page is near) than by sorting every match by code (linear in the matches).
BROAD = 2000


def client_search(field: Field, id_field: Field, text: str | None):
    """A condition: the client's search text ``field`` contains every word of ``text``.

    On SQLite, with a word of three letters or more, the trigram index (``client_fts``) is
    asked first how many clients match, up to ``BROAD``: few, and the condition takes them
    from the index (the shorter words tested with LIKE on those rows); many, and it is the
    LIKE of every word, which the list's query meets early walking the clients in code order.
    Elsewhere it is ``contains_all`` (PostgreSQL's GIN index serves LIKE itself). It queries
    the database: build it in a worker.
    """
    match = client_fulltext_match(text)
    if match is None or _fulltext_matches(match, BROAD) >= BROAD:
        return contains_all(field, text)
    condition = NodeList((id_field, SQL("IN (SELECT rowid FROM client_fts WHERE client_fts MATCH ?)", [match])))
    short = " ".join(w for w in words(text) if len(w) < TRIGRAM)
    rest = contains_all(field, short)
    return condition if rest is None else condition & rest


def _fulltext_matches(match: str, limit: int) -> int:
    from pegaso_tui.db.models import database_proxy

    row = database_proxy.obj.execute_sql(
        "SELECT COUNT(*) FROM (SELECT 1 FROM client_fts WHERE client_fts MATCH ? LIMIT ?)", (match, limit)
    ).fetchone()
    return int(row[0])


def count_client_fulltext(match: str) -> int:
    """How many clients the FTS5 query ``match`` finds, from the index alone."""
    from pegaso_tui.db.models import database_proxy

    row = database_proxy.obj.execute_sql(
        "SELECT COUNT(*) FROM client_fts WHERE client_fts MATCH ?", (match,)
    ).fetchone()
    return int(row[0])
