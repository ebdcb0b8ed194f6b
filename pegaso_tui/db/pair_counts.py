"""PostgreSQL (schema 10): how many clients hold each letter and each pair of letters, kept by
the database, so that the count of a one- or two-letter search is a sum over a few rows.

The list of a search such as ``r`` or ``ro`` comes at once, but its count read every client
that holds the word: 232 ms for ``r`` (92% of a million clients) through the index of pairs,
or with LIKE (issue 17 asks for 100 ms). The table ``client_pair_count`` holds, per kind of
client and per element of ``pegaso_letter_pairs(search_text)`` (each character and each pair
of consecutive characters, as the index of pairs has them), how many clients hold it. A
client is counted once per element, however many times its text repeats it, so a word's count
is exactly what the index of pairs would count.

Why rows are added, never updated: every client holds ``a`` or ``e``, so one row per element
kept by UPSERT, as ``message_day_count`` is, would be a lock that every client write takes.
An import's batch would hold it to its commit and make a clerk saving a client wait; two
transactions of several statements could take such locks in crossed orders and deadlock. So
the statement triggers only INSERT their grouped changes (+n, -n), which never wait on
anyone, and a count is the sum of an element's rows. ``fold`` replaces an element's rows by
their sum, in one short transaction; readers see the rows before or after it, never between.

- The count folds an element it finds in more than ``FOLD_ROWS`` rows (a few statements a
  day write one each), the importer folds every element after an import, and opening a
  database folds them all when the table has grown past ``FOLD_ALL_ROWS``.
- The triggers are plain SQL in the database, so every program writing a client (``psql``
  too) keeps the counts; an UPDATE that changes neither the text nor the kind of a client
  (its consent, its notes) adds nothing.

SQLite needs none of this: its index of pairs (FTS5) counts ``r`` on a million clients in a
few milliseconds.
"""

from __future__ import annotations

from peewee import Database, PostgresqlDatabase

from pegaso_tui.db.letter_pairs import PG_FUNCTION

TABLE = "client_pair_count"
#: An element found in more rows than this is folded by the count that read it.
FOLD_ROWS = 64
#: Opening a database folds the whole table past this many rows (about 30 a client written).
FOLD_ALL_ROWS = 200_000

# The distinct elements of each client of a transition table, with its kind.
_ELEMENTS = (
    "SELECT c.kind, p.pair FROM {rows} AS c, "
    f"LATERAL (SELECT DISTINCT x AS pair FROM unnest({PG_FUNCTION}(c.search_text)) AS x) AS p"
)
# Rows of ``{rows}`` with no row of the same id, text and kind in ``{other}``: the clients an
# UPDATE really changed (an id that changed counts as a client gone and one come).
_CHANGED = (
    "(SELECT * FROM {rows} AS r WHERE NOT EXISTS (SELECT 1 FROM {other} AS o WHERE o.id = r.id "
    "AND o.search_text IS NOT DISTINCT FROM r.search_text AND o.kind IS NOT DISTINCT FROM r.kind))"
)
_ADD = f"""
    INSERT INTO {TABLE} (kind, pair, clients)
    SELECT kind, pair, SUM(change) FROM ({{changes}}) AS changes
    GROUP BY kind, pair HAVING SUM(change) <> 0
"""
_NEW = f"SELECT kind, pair, 1 AS change FROM ({_ELEMENTS.format(rows='{new}')}) AS e"
_OLD = f"SELECT kind, pair, -1 AS change FROM ({_ELEMENTS.format(rows='{old}')}) AS e"

_FUNCTIONS = {
    "insert": _ADD.format(changes=_NEW.format(new="new_rows")),
    "delete": _ADD.format(changes=_OLD.format(old="old_rows")),
    "update": _ADD.format(changes=(
        _NEW.format(new=_CHANGED.format(rows="new_rows", other="old_rows")) + " UNION ALL "
        + _OLD.format(old=_CHANGED.format(rows="old_rows", other="new_rows"))
    )),
}
_REFERENCING = {
    "insert": "REFERENCING NEW TABLE AS new_rows",
    "delete": "REFERENCING OLD TABLE AS old_rows",
    "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
}


def install_pair_counts(db: Database, *, fill: bool) -> None:
    """PostgreSQL: the table of counts and the triggers that keep it (after the function of
    letter pairs, schema 9); ``fill`` counts the clients already there, which computes every
    client's pairs: about 30 s a million, once, when a database is upgraded. Idempotent.
    No-op on SQLite."""
    if not isinstance(db, PostgresqlDatabase):
        return
    db.execute_sql(
        f'CREATE TABLE IF NOT EXISTS {TABLE} (kind varchar(10) NOT NULL, pair text COLLATE "C" NOT NULL, '
        "clients bigint NOT NULL)"
    )
    db.execute_sql(f"CREATE INDEX IF NOT EXISTS {TABLE}_pair ON {TABLE} (pair)")
    for event, body in _FUNCTIONS.items():
        db.execute_sql(
            f"CREATE OR REPLACE FUNCTION {TABLE}_{event}() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN {body}; RETURN NULL; END $$"
        )
        db.execute_sql(f"DROP TRIGGER IF EXISTS {TABLE}_{event} ON client")
        db.execute_sql(
            f"CREATE TRIGGER {TABLE}_{event} AFTER {event.upper()} ON client {_REFERENCING[event]} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_{event}()"
        )
    # TRUNCATE fires no DELETE trigger: empty the counts with it
    db.execute_sql(
        f"CREATE OR REPLACE FUNCTION {TABLE}_truncate() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN DELETE FROM {TABLE}; RETURN NULL; END $$"
    )
    db.execute_sql(f"DROP TRIGGER IF EXISTS {TABLE}_truncate ON client")
    db.execute_sql(
        f"CREATE TRIGGER {TABLE}_truncate AFTER TRUNCATE ON client "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_truncate()"
    )
    if fill:
        db.execute_sql(f"DELETE FROM {TABLE}")
        db.execute_sql(_ADD.format(changes=_NEW.format(new="client")))


def count_holding(db: Database, word: str, kind: str | None = None) -> int:
    """PostgreSQL: how many clients (of ``kind``, or all) hold ``word``, one or two
    characters, in their search text: what the index of pairs would count, from a few rows.
    Folds the word's rows when they have grown many. Call it in a worker."""
    kind_test, params = ("", (word,)) if kind is None else (" AND kind = %s", (word, kind))
    clients, rows = db.execute_sql(
        f"SELECT COALESCE(SUM(clients), 0), COUNT(*) FROM {TABLE} WHERE pair = %s{kind_test}", params
    ).fetchone()
    if rows > FOLD_ROWS:
        fold(db, word)
    return int(clients)


def fold(db: Database, pair: str | None = None) -> None:
    """PostgreSQL: replace the rows of ``pair`` (of every element, when None) by one row per
    kind holding their sum, in one transaction. Two folds at once are safe: the second skips
    the rows the first deleted. No-op on SQLite."""
    if not isinstance(db, PostgresqlDatabase):
        return
    where, params = ("", ()) if pair is None else (" WHERE pair = %s", (pair,))
    with db.atomic():
        db.execute_sql(
            f"WITH gone AS (DELETE FROM {TABLE}{where} RETURNING kind, pair, clients AS change) "
            + _ADD.format(changes="SELECT * FROM gone"),
            params,
        )


def fold_when_grown(db: Database) -> None:
    """PostgreSQL: fold every element when the table has grown past ``FOLD_ALL_ROWS`` rows
    (the planner's figure, read at once). No-op on SQLite."""
    if not isinstance(db, PostgresqlDatabase):
        return
    row = db.execute_sql(f"SELECT reltuples FROM pg_class WHERE oid = to_regclass('{TABLE}')").fetchone()
    if row is not None and (row[0] or 0) > FOLD_ALL_ROWS:
        fold(db)
