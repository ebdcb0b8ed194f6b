"""Opening the database: SQLite by default, PostgreSQL by URL.

SQLite is set up for several staff on one file: WAL (readers never wait for the writer),
foreign keys on, a busy timeout so that two processes wait for each other instead of failing,
``BEGIN IMMEDIATE`` for write transactions (a deferred one that later wants to write can fail
at once under contention), and ``synchronous=FULL`` so that an SMS marked as being sent is on
disk before it is handed to the gateway.

PostgreSQL connections come from a pool: screens run their queries in short-lived worker
threads, and each of them borrows a connection for the duration of ``session()``.
"""

from __future__ import annotations

import functools
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import urlparse

from peewee import Database, DatabaseError, InterfaceError, OperationalError, SqliteDatabase

from pegaso_tui.db.models import database_proxy
from pegaso_tui.db.urls import (
    DatabaseUrlError,
    check_database_url,
    describe_database,
    is_postgres_url,
    sqlite_path,
)
from pegaso_tui.errors import first_line

#: Seconds a writer waits for another process's write transaction before giving up.
BUSY_TIMEOUT_S = 30
#: Bytes of the SQLite file read through a memory map instead of read() calls (0: none).
MMAP_BYTES = 1 << 30


class DatabaseOpenError(Exception):
    """The database cannot be opened; the message says why, for the user."""


def make_database(url: str, create_folder: bool = False) -> Database:
    """A peewee Database for ``url`` (not yet connected, schema not checked).

    A SQLite file's folder must exist, unless ``create_folder`` (the default location, which
    nobody typed): a typo in a path must not leave folders and an empty database behind.
    """
    try:
        check_database_url(url)
    except DatabaseUrlError as exc:
        raise DatabaseOpenError(str(exc)) from None
    if is_postgres_url(url):
        parsed = urlparse(url)
        if not parsed.path.strip("/"):
            raise DatabaseOpenError(f"nome del database mancante in {describe_database(url)}")
        return _postgres_database_class()(
            parsed.path.lstrip("/"),
            user=parsed.username,
            password=parsed.password,
            host=parsed.hostname or "localhost",
            port=parsed.port or 5432,
            max_connections=32,
            stale_timeout=300,
            timeout=BUSY_TIMEOUT_S,
            connect_timeout=5,
        )
    path = sqlite_path(url)
    if str(path) != ":memory:":
        if create_folder:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseOpenError(
                    f"impossibile creare la cartella {path.parent}: {exc.strerror or exc}"
                ) from exc
        elif not path.parent.is_dir():
            raise DatabaseOpenError(
                f"la cartella {path.parent} non esiste: crearla, o indicare un altro percorso"
            )
        if path.is_dir():
            raise DatabaseOpenError(f"{path} è una cartella: indicare il file del database")
        _create_private(path)
    return SqliteDatabase(
        str(path),
        timeout=BUSY_TIMEOUT_S,
        lock_type="IMMEDIATE",
        pragmas={
            "journal_mode": "wal",
            "foreign_keys": 1,
            "busy_timeout": BUSY_TIMEOUT_S * 1000,
            "synchronous": "full",
            "cache_size": -32000,  # 32 MB: selections over a million practices stay in memory
            # Read pages straight from the OS page cache, shared by every connection: a
            # selection over 100,000 clients touches more pages than the cache holds.
            "mmap_size": MMAP_BYTES,
            "temp_store": "memory",
        },
    )


@functools.cache
def _postgres_database_class():
    """peewee's pooled PostgreSQL database, whose every new connection turns JIT off.

    JIT compilation costs 50-200 ms and pays off only for long analytical queries, which this
    app does not make. PostgreSQL compiles any query estimated above ``jit_above_cost``: the
    count of a common short word on a million clients through the index of letter pairs is
    (its function is priced high on purpose): on 100,000 clients it took 180 ms with JIT
    instead of 40.
    A ``SET`` rather than a connection option, which PgBouncer refuses by default.
    """
    from playhouse.pool import PooledPostgresqlDatabase

    class PegasoPostgresqlDatabase(PooledPostgresqlDatabase):
        def _initialize_connection(self, conn):
            super()._initialize_connection(conn)
            with conn.cursor() as cursor:
                cursor.execute("SET jit = off")

    return PegasoPostgresqlDatabase


def _create_private(path: Path) -> None:
    """Create a new SQLite file readable only by its owner and group (0660): it holds the
    agency's clients. SQLite gives its -wal and -shm files the same mode."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o660)
    except FileExistsError:
        return
    except OSError as exc:
        raise DatabaseOpenError(f"impossibile creare il database {path}: {exc.strerror or exc}") from exc
    os.close(fd)
    try:
        os.chmod(path, 0o660)  # group-writable for the staff whatever the umask, never others
    except OSError:
        pass


def open_database(
    url: str, create_folder: bool = False, on_upgrade: Callable[[int, int], None] | None = None
) -> Database:
    """Open ``url``, point every model at it, and create or upgrade the schema.

    Raises DatabaseOpenError with a clear message when the database cannot be reached.
    ``create_folder``: see make_database. ``on_upgrade(current, target)`` is told before
    the schema is upgraded (see ``ensure_schema``).
    """
    from pegaso_tui.db.pair_counts import fold_when_grown
    from pegaso_tui.db.schema import SchemaError, ensure_schema

    db = make_database(url, create_folder=create_folder)
    database_proxy.initialize(db)
    try:
        db.connect(reuse_if_open=True)
        ensure_schema(db, on_upgrade=on_upgrade)
        fold_when_grown(db)
    except SchemaError:
        db.close()
        raise
    except (DatabaseError, OSError) as exc:
        # DatabaseError: also a file that is not a SQLite database ("file is not a database")
        if not db.is_closed():
            db.close()
        raise DatabaseOpenError(
            f"impossibile aprire il database {describe_database(url)}: {first_line(exc)}"
        ) from exc
    except Exception as exc:  # psycopg2 raises its own classes before peewee wraps them
        if type(exc).__module__.startswith("psycopg"):
            raise DatabaseOpenError(
                f"impossibile aprire il database {describe_database(url)}: {first_line(exc)}"
            ) from exc
        raise
    return db


def open_existing(url: str) -> Database | None:
    """Open ``url`` as it is, to read from it: None when the database does not exist yet, its
    schema is not this program's, or it cannot be reached now.

    For a look ahead while the app starts (``pegaso_tui.agenda_preview``): it never creates
    a file or a table and never upgrades; ``open_database`` does that, and says what is wrong.
    """
    from pegaso_tui.db.schema import SCHEMA_VERSION, schema_version

    if not is_postgres_url(url):
        try:
            path = sqlite_path(url)
        except Exception:  # noqa: BLE001 - a URL the app will refuse, with its reason
            return None
        if str(path) == ":memory:" or not path.is_file():
            return None
    try:
        db = make_database(url)
    except Exception:  # noqa: BLE001 - whatever it is, the app opens the database and tells it
        return None
    database_proxy.initialize(db)
    try:
        db.connect(reuse_if_open=True)
        if schema_version(db) == SCHEMA_VERSION:
            return db
    except Exception:  # noqa: BLE001 - as above
        pass
    if not db.is_closed():
        db.close()
    return None


def close_database() -> None:
    """Close this thread's connection (and, for a pool, every idle one)."""
    db = database_proxy.obj
    if db is None:
        return
    if not db.is_closed():
        db.close()
    close_all = getattr(db, "close_all", None)
    if close_all:
        close_all()


def database_errors() -> tuple[type[BaseException], ...]:
    """The exceptions that mean the database could not be used just now: a server that went
    away or restarted, a dropped connection, a SQLite file locked or busy for too long.

    The sender's hot path runs statements on the driver's cursor, so the driver's own classes
    count too, not only peewee's wrappers.
    """
    errors: list[type[BaseException]] = [OperationalError, InterfaceError]
    psycopg2 = sys.modules.get("psycopg2")
    if psycopg2 is not None:
        errors += [psycopg2.OperationalError, psycopg2.InterfaceError]
    return tuple(errors)


def connection_is_broken(db: Database) -> bool:
    """True when this thread's connection can no longer be used (PostgreSQL: the server closed
    it). A SQLite connection never breaks: a locked file is waited for, not reconnected."""
    conn = getattr(db._state, "conn", None)  # peewee keeps the connection per thread
    return conn is not None and bool(getattr(conn, "closed", 0))


def discard_connection() -> None:
    """Forget this thread's connection, whatever state it is in, so the next ``session()``
    opens a fresh one.

    After the server dropped it, peewee would keep handing out the dead connection (its
    transaction stack is left open by the failed rollback, so ``close()`` refuses): every
    query would answer "connection already closed" until the program restarts.
    """
    db = database_proxy.obj
    if db is None:
        return
    state = db._state
    conn = state.conn
    state.reset()
    if conn is None:
        return
    in_use = getattr(db, "_in_use", None)  # a pool counts the connections it lent
    if in_use is not None:
        with db._lock:
            in_use.pop(db.conn_key(conn), None)
    try:
        conn.close()
    except Exception:  # it is already gone: that is why we are here
        pass
    # the pool's idle connections went with the same server: close them too
    close_idle = getattr(db, "close_idle", None)
    if close_idle is not None:
        try:
            close_idle()
        except Exception:
            pass


@contextmanager
def session() -> Iterator[Database]:
    """A connection for the current thread for the duration of the block.

    Use it in every worker thread: it reuses a connection the thread already holds (and then
    leaves it open), otherwise it opens one and gives it back at the end. A connection the
    server dropped is thrown away, never kept for the next block.
    """
    db = database_proxy.obj
    if db is None:
        raise DatabaseOpenError("nessun database aperto")
    opened = db.is_closed()
    if opened:
        db.connect()
    try:
        yield db
    except database_errors():
        if connection_is_broken(db):
            discard_connection()
        raise
    finally:
        if opened and not db.is_closed():
            try:
                db.close()
            except database_errors():
                discard_connection()


def is_sqlite() -> bool:
    """True when the open database is SQLite (some statements differ)."""
    return isinstance(database_proxy.obj, SqliteDatabase)
