"""Search words of one or two letters: the clients' index of letter pairs (schema 8 on SQLite,
9 on PostgreSQL).

The trigram index (``client_fts``) cannot answer a word shorter than three letters, so ``ro``,
or a typo such as ``qx``, read every client: about 300 ms on a million. This index holds, for
each client, every pair of consecutive characters of its search text (and its last character
alone). A two-letter word is then one term of the index, and a one-letter word the prefix of
the terms that begin with it.

- Each pair is written in hexadecimal (its UTF-8 bytes), so that FTS5's default tokenizer keeps
  any character, ``@`` or ``+`` or ``è``, as part of one term. UTF-8 is prefix-free, so the
  terms beginning with the hex of a character are exactly the pairs that begin with it.
- ``detail=none``: the index keeps which clients hold a term, not where; a pair needs no more.
  ``content=''``: it keeps no copy of the text. ``prefix='2'``: a one-letter ASCII word reads
  one list, not one per pair.
- The triggers are plain SQL, so every program that writes a client (the ``sqlite3`` shell
  too) keeps the index in step. A trigger may not use a recursive ``WITH``; the positions
  0..n-1 of a text of n characters come from ``json_each`` over an array of n zeros, made in
  C from ``zeroblob(n)``. ``lower()`` as LIKE: ASCII letters match either case.

PostgreSQL (schema 9) has the same idea as an expression index: ``pegaso_letter_pairs(text)``
is the array of every character and every pair of consecutive characters of a text, and a GIN
index over it answers "holds ``qx``" as ``pairs @> '{qx}'``. See ``pg_pairs_condition`` for why
it is only asked for words that few clients hold.
"""

from __future__ import annotations

#: The index's name, for the queries of ``search``.
TABLE = "client_pairs"


def _pairs(text: str) -> str:
    """SQL: the hex terms of the letter pairs of the SQL expression ``text``."""
    # lower() once, in a subquery: written in each substr() it was a third of the cost
    return (
        f"(SELECT group_concat(hex(substr(s.t, key + 1, 2)), ' ') "
        f"FROM (SELECT lower({text}) AS t) AS s, "
        "json_each('[' || rtrim(replace(hex(zeroblob(length(s.t))), '00', '0,'), ',') || ']'))"
    )


_STATEMENTS = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
    "pairs, content='', detail=none, columnsize=0, prefix='2')",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_insert AFTER INSERT ON client BEGIN
        INSERT INTO {TABLE} (rowid, pairs) VALUES (NEW.id, {_pairs('NEW.search_text')});
    END""",
    # an index without its text forgets a row only when told the terms it was given
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_delete AFTER DELETE ON client BEGIN
        INSERT INTO {TABLE} ({TABLE}, rowid, pairs) VALUES ('delete', OLD.id, {_pairs('OLD.search_text')});
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_update AFTER UPDATE OF id, search_text ON client
    WHEN OLD.search_text IS NOT NEW.search_text OR OLD.id IS NOT NEW.id BEGIN
        INSERT INTO {TABLE} ({TABLE}, rowid, pairs) VALUES ('delete', OLD.id, {_pairs('OLD.search_text')});
        INSERT INTO {TABLE} (rowid, pairs) VALUES (NEW.id, {_pairs('NEW.search_text')});
    END""",
)


def ensure_letter_pairs(db, *, fill: bool) -> None:
    """SQLite: the index of the clients' letter pairs and its triggers; ``fill`` indexes the
    clients already there (the upgrade of an existing database: about a minute a million).
    PostgreSQL: see ``ensure_pg_letter_pairs``."""
    from peewee import PostgresqlDatabase

    if isinstance(db, PostgresqlDatabase):
        return
    for statement in _STATEMENTS:
        db.execute_sql(statement)
    if fill:
        db.execute_sql(f"INSERT INTO {TABLE} (rowid, pairs) SELECT id, {_pairs('search_text')} FROM client")


def _term(word: str) -> str:
    """A word of one or two characters as the index's query: the pair's term, or for a single
    character the prefix of every pair that begins with it."""
    term = word.encode("utf-8").hex()
    return f'"{term}"' if len(word) == 2 else f'"{term}" *'


def letter_pairs_match(short_words: list[str]) -> str:
    """The FTS5 query that finds the clients holding every one of ``short_words`` (each of
    one or two characters, lower case)."""
    return " AND ".join(_term(w) for w in short_words)


# --- PostgreSQL (schema 9) -----------------------------------------------------------------------

#: The function whose result the index holds, and the index.
PG_FUNCTION = "pegaso_letter_pairs"
PG_INDEX = "client_letter_pairs"

# Every character (string_to_array with no separator) and every pair: regexp_replace cuts the
# text in pairs from the first character, then from the second; \x01 marks the cuts. Built-in
# C functions only: a loop in SQL cost ten times as much. ``SET search_path`` keeps the index
# independent of the user's path (and the function from being inlined, so that the planner
# keeps its COST: about 30 us a call, which a filter must not pay on every client).
_PG_FUNCTION_SQL = rf"""CREATE OR REPLACE FUNCTION {PG_FUNCTION}(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 1000 SET search_path = pg_catalog AS $$
  SELECT string_to_array(t, NULL)
      || string_to_array(regexp_replace(t, '(..)', E'\\1\x01', 'g'), E'\x01')
      || string_to_array(regexp_replace(substr(t, 2), '(..)', E'\\1\x01', 'g'), E'\x01')
$$"""

#: The indexed expression. COLLATE "C": the keys compare as bytes, a third faster to build
#: than under the database's language, and a pair is equal only to itself.
_PG_EXPRESSION = f'({PG_FUNCTION}(search_text) COLLATE "C")'


def ensure_pg_letter_pairs(db, *, analyze: bool) -> None:
    """PostgreSQL: the function of letter pairs and the clients' GIN index over it.

    Building the index reads every client: about 10 s a hundred thousand, once, when a
    database is upgraded. ``analyze`` then gathers the index's statistics, which
    ``pg_pairs_condition`` reads (a new database has no clients to analyse). No-op on SQLite.
    """
    from peewee import PostgresqlDatabase

    if not isinstance(db, PostgresqlDatabase):
        return
    db.execute_sql(_PG_FUNCTION_SQL)
    db.execute_sql(f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON client USING gin ({_PG_EXPRESSION})")
    if analyze:
        db.execute_sql("ANALYZE client")


#: A short word the planner expects in at most this share of the clients (or ``FEW_MIN``
#: clients, on a small registry) is looked up in the index of pairs.
FEW_SHARE = 0.01
FEW_MIN = 2000


def pg_pairs_condition(db, field, short_words: list[str]):
    """PostgreSQL: the condition "the search text ``field`` holds every one of ``short_words``"
    through the index of pairs, or None when the words are common (or none is given).

    For a word that most clients hold (``e``, ``@``) the index is no help: the list's first
    page is found at once walking the clients in code order, and a plan that computed the
    pairs of each client would take seconds (30 us a client). So the planner's own estimate is
    asked first (an ``EXPLAIN``, well under a millisecond): its statistics of the index know
    every common character and pair. The caller also tests each word as it is (``strpos``,
    see ``search.pg_client_search``), so that any plan filtering clients tests that cheap
    condition first and computes pairs only for the clients that already match.
    """
    if not short_words:
        return None
    expected, total = _pg_estimate(db, short_words)
    if expected > max(FEW_MIN, FEW_SHARE * total):
        return None
    return pg_pairs_contain(field, short_words)


def _pg_estimate(db, short_words: list[str]) -> tuple[float, float]:
    """The planner's estimate of the clients holding every one of ``short_words``, and of all
    the clients."""
    import json

    row = db.execute_sql(
        f"EXPLAIN (FORMAT JSON) SELECT 1 FROM client WHERE {_PG_EXPRESSION} @> %s", (short_words,)
    ).fetchone()
    plan = row[0] if not isinstance(row[0], str) else json.loads(row[0])
    total = db.execute_sql("SELECT reltuples FROM pg_class WHERE oid = 'client'::regclass").fetchone()[0]
    return float(plan[0]["Plan"]["Plan Rows"]), max(float(total or 0), 0.0)


#: Short words the planner expects in more than this share of the clients are counted by
#: reading every client with LIKE: a letter nearly everyone holds is found early in each text,
#: and on a million clients that was quicker than visiting each match's page (205 ms against
#: 293 for ``r``, 92% of them; the index won below half: 193 against 354 for ``ro``, 29%).
COUNT_SHARE = 0.5


def pg_count_condition(db, field, short_words: list[str]):
    """PostgreSQL: the condition to count the clients holding every one of ``short_words``
    through the index of pairs (``pg_count_through_pairs``), or None when nearly every client
    holds them and a LIKE of each counts sooner."""
    expected, total = _pg_estimate(db, short_words)
    if total and expected > COUNT_SHARE * total:
        return None
    return pg_pairs_contain(field, short_words)


def pg_pairs_contain(field, short_words: list[str]):
    """PostgreSQL: the condition "the search text ``field`` holds every one of ``short_words``"
    as the index of pairs answers it, with no estimate asked (see ``pg_pairs_condition``)."""
    from peewee import SQL, NodeList

    return NodeList((SQL(f"({PG_FUNCTION}("), field, SQL(') COLLATE "C") @> %s', [short_words])), glue="")


def pg_count_through_pairs(query) -> int:
    """PostgreSQL: ``query.count()``, where ``query`` filters on ``pg_pairs_contain``, read
    through the index of pairs whatever share of the clients it matches.

    The planner prices a client's pairs (30 us) as if it checked them on every row it counts,
    index or not; for a word that nearly every client holds it then prefers reading the table
    and computing every client's pairs, which took 15 s for ``e`` on a million clients. The bitmap scan of
    the index checks nothing (a text holds a pair exactly when its pairs do) unless its bitmap
    outgrows ``work_mem`` and turns lossy, so both are set for this one count.
    """
    db = query.model._meta.database
    with db.atomic():
        for scan in ("seqscan", "indexscan", "indexonlyscan"):
            db.execute_sql(f"SET LOCAL enable_{scan} = off")
        db.execute_sql("SET LOCAL work_mem = '64MB'")
        return query.count()
