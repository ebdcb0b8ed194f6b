"""PostgreSQL: whether its shared cache holds the clients' search, and what to tell when not.

The count of a common word (``verona``: 66,605 of a million clients) visits nearly every page
of the clients' table. With PostgreSQL's default cache (``shared_buffers = 128MB``) a
million clients (260 MB, and 118 MB of trigram index) do not fit: each page is copied in from
the system's cache on every count, and the count took 133-190 ms (issue 17 asks for 100).
With ``shared_buffers = 1GB`` on the same machine it took 55 ms, ``ros`` 32 ms
(``python -m bench --only registry``).

The server's memory is set by whoever runs PostgreSQL, not by the app, so the app says it:
``cache_advice`` compares the cache with the clients' table and its two search indexes, and
returns a line to show the operator (the app) or to log (the worker). Nothing is said while
they fit, which is always the case below a few hundred thousand clients.
"""

from __future__ import annotations

import math

from peewee import Database, PostgresqlDatabase

MB = 1024 * 1024
#: what the count of a word reads: the table and the indexes that find its clients
SEARCH_RELATIONS = ("client", "client_search_trgm", "client_letter_pairs")
#: below this the system's own cache serves well enough (100,000 clients: about 50 MB)
SMALL = 128 * MB


def shared_buffers_bytes(db: Database) -> int:
    """The server's ``shared_buffers``, in bytes."""
    (size,) = db.execute_sql("SELECT pg_size_bytes(current_setting('shared_buffers'))").fetchone()
    return int(size)


def search_bytes(db: Database) -> int:
    """The size of the clients' table and of its search indexes, in bytes."""
    (total,) = db.execute_sql(
        "SELECT COALESCE(SUM(pg_relation_size(c.oid)), 0) FROM pg_class AS c "
        "JOIN pg_namespace AS n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relname = ANY(%s)",
        (list(SEARCH_RELATIONS),),
    ).fetchone()
    return int(total)


def advice(cache: int, search: int) -> str | None:
    """The line to show when a cache of ``cache`` bytes cannot hold ``search`` bytes of
    clients and indexes (None when it can, or when they are small). The size suggested is
    twice theirs, rounded up to 256 MB: the cache also serves the messages and practices."""
    if search <= SMALL or search <= cache:
        return None
    wanted = math.ceil(2 * search / (256 * MB)) * 256
    return (
        f"PostgreSQL: shared_buffers ({cache // MB} MB) è minore dell'anagrafica e dei suoi "
        f"indici ({math.ceil(search / MB)} MB): conteggi lenti. Impostare {wanted} MB in "
        "postgresql.conf e riavviare il server."
    )


def cache_advice(db: Database) -> str | None:
    """PostgreSQL: ``advice`` for this server and database (None on SQLite). It queries the
    database: call it in a worker."""
    if not isinstance(db, PostgresqlDatabase):
        return None
    return advice(shared_buffers_bytes(db), search_bytes(db))
