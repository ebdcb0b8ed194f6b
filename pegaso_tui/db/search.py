"""Find-as-you-type: every word typed must appear, anywhere, in a row's search text.

Each searchable model keeps a lower-case ``search_text`` (code, name, mobile, city, ...), so a
search is one ``LIKE '%word%'`` per word on one column, the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
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


#: PostgreSQL's statistics target for the clients' search text (schema 10; its default is 100).
SEARCH_STATISTICS = 1000


def ensure_pg_search_statistics(db, *, analyze: bool) -> None:
    """PostgreSQL: a finer sample of the clients' search text, so that the planner knows how
    many clients a word matches; ``analyze`` samples it at once (about 20 s a million).

    The planner estimates ``LIKE '%ros%'`` as the share of its histogram's entries that hold
    ``ros``, 100 by default. In a sample where none did, it took the 40,000 ROSSI of a million
    clients for 100, and sorted them all for the list's first page (138 ms, and 220 ms cold)
    instead of walking the clients in code order (2 ms). With 1,000 entries a word held by
    one client in a few hundred is seen. No-op on SQLite.
    """
    from peewee import PostgresqlDatabase

    if not isinstance(db, PostgresqlDatabase):
        return
    db.execute_sql(f"ALTER TABLE client ALTER COLUMN search_text SET STATISTICS {SEARCH_STATISTICS}")
    if analyze:
        db.execute_sql("ANALYZE client")


# --- the clients' full-text index on SQLite (schema 6) -------------------------------------------

#: Words shorter than this cannot be looked up in a trigram index (on SQLite the index of
#: letter pairs answers them, ``letter_pairs``; on PostgreSQL they are read with LIKE).
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


@dataclass(frozen=True)
class IndexQuery:
    """Which of the clients' full-text indexes answers a search, and how."""

    table: str
    match: str
    #: the index answers every word (else the words it cannot are tested with LIKE on its rows)
    complete: bool
    #: the words left to LIKE
    rest: str = ""


def client_index_query(text: str | None) -> IndexQuery | None:
    """SQLite: the index that answers the words of ``text``, or None (nothing typed, or not on
    SQLite).

    With a word of three letters or more, the trigram index, for those words. With only
    shorter words, the index of letter pairs (schema 8), for all of them.
    """
    from peewee import SqliteDatabase

    from pegaso_tui.db.letter_pairs import TABLE as PAIRS
    from pegaso_tui.db.letter_pairs import letter_pairs_match
    from pegaso_tui.db.models import database_proxy

    if not isinstance(database_proxy.obj, SqliteDatabase):
        return None
    typed = words(text)
    long_words = [w for w in typed if len(w) >= TRIGRAM]
    short = [w for w in typed if len(w) < TRIGRAM]
    if long_words:
        match = " AND ".join(_fts_phrase(w) for w in long_words)
        return IndexQuery("client_fts", match, complete=not short, rest=" ".join(short))
    if short:
        return IndexQuery(PAIRS, letter_pairs_match(short), complete=True)
    return None


#: A search whose indexed words match at least this many clients is "broad": its first page
#: is found sooner by reading the clients in code order (one in a few hundred matches, so a
#: page is near) than by sorting every match by code (linear in the matches).
BROAD = 2000


def client_search(field: Field, id_field: Field, text: str | None):
    """A condition: the client's search text ``field`` contains every word of ``text``.

    On SQLite the index that answers the words (``client_index_query``) is asked first how
    many clients match, up to ``BROAD``: few, and the condition takes them from the index (any
    word it cannot answer tested with LIKE on those rows); many, and it is the LIKE of every
    word, which the list's query meets early walking the clients in code order. Elsewhere it
    is ``contains_all`` (PostgreSQL's GIN index serves LIKE itself). It queries the database:
    build it in a worker.
    """
    found = client_index_query(text)
    if found is None or _index_matches(found, BROAD) >= BROAD:
        return contains_all(field, text)
    condition = NodeList((id_field, SQL(f"IN (SELECT rowid FROM {found.table} WHERE {found.table} MATCH ?)",
                                        [found.match])))
    rest = contains_all(field, found.rest)
    return condition if rest is None else condition & rest


def pg_client_search(field: Field, text: str | None):
    """PostgreSQL: a condition, the search text ``field`` contains every word of ``text``.

    The trigram index serves the LIKE of words of three letters or more. A shorter word that
    few clients hold is also looked up in the index of letter pairs (schema 9), so that ``qx``
    does not read a million clients to find none. It may query the database (the planner's
    estimate): build it in a worker.
    """
    from peewee import fn

    from pegaso_tui.db.letter_pairs import pg_pairs_condition
    from pegaso_tui.db.models import database_proxy

    typed = words(text)
    short = [w for w in typed if len(w) < TRIGRAM]
    pairs = pg_pairs_condition(database_proxy.obj, field, short)
    if pairs is None:
        return contains_all(field, text)
    # Each short word is also tested as it is, so that a plan filtering clients computes
    # pairs only for those that hold it; with strpos, not LIKE, which the trigram index would
    # offer to serve by reading the whole of itself (it has no trigram of "qx" to look up).
    condition = reduce(lambda a, b: a & b, [fn.strpos(field, w) > 0 for w in short], pairs)
    rest = contains_all(field, " ".join(w for w in typed if len(w) >= TRIGRAM))
    return condition if rest is None else condition & rest


def only_short_words(text: str | None) -> bool:
    """True when ``text`` has words and every one is too short for a trigram index."""
    typed = words(text)
    return bool(typed) and all(len(w) < TRIGRAM for w in typed)


def pg_count_short_words(base, field: Field, text: str | None) -> int:
    """PostgreSQL: how many rows of the query ``base`` have a search text ``field`` holding
    every word of ``text``, all of them shorter than a trigram (``only_short_words``). The
    clients' list counts a single short word from the counts per pair instead
    (``pair_counts.count_holding``, schema 10): this is for several (``r o``).

    The list's condition reads a common word such as ``ro`` with LIKE, walking the clients in
    code order: its first page comes at once, but its count reads every client (354 ms on a
    million). The index of pairs counts such a word in 193 ms, a rarer one sooner, without
    computing a client's pairs: a text holds a pair exactly when its pairs do, so the index's
    answer needs no check against the text. It queries the database: call it in a worker.
    """
    from pegaso_tui.db.letter_pairs import pg_count_condition, pg_count_through_pairs
    from pegaso_tui.db.models import database_proxy

    condition = pg_count_condition(database_proxy.obj, field, words(text))
    if condition is None:  # nearly every client: LIKE finds each word early in the text
        return base.where(contains_all(field, text)).count()
    return pg_count_through_pairs(base.where(condition))


def has_short_word(text: str | None) -> bool:
    """True when ``text`` has a word too short for a trigram index."""
    return any(len(w) < TRIGRAM for w in words(text))


def _index_matches(found: IndexQuery, limit: int) -> int:
    from pegaso_tui.db.models import database_proxy

    row = database_proxy.obj.execute_sql(
        f"SELECT COUNT(*) FROM (SELECT 1 FROM {found.table} WHERE {found.table} MATCH ? LIMIT ?)",
        (found.match, limit),
    ).fetchone()
    return int(row[0])


def count_client_index(found: IndexQuery) -> int:
    """How many clients the index's query finds, from the index alone (for a ``complete``
    query, the count of the search)."""
    from pegaso_tui.db.models import database_proxy

    row = database_proxy.obj.execute_sql(
        f"SELECT COUNT(*) FROM {found.table} WHERE {found.table} MATCH ?", (found.match,)
    ).fetchone()
    return int(row[0])
