"""Search words of one or two letters on SQLite: the clients' index of letter pairs (schema 8).

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

PostgreSQL has no such index yet: a short word is read with LIKE there (see ``search``).
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
    clients already there (the upgrade of an existing database: about a minute a million)."""
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
