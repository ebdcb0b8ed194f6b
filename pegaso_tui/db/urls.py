"""What kind of database a URL names, decided without importing the database drivers."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

from pegaso_tui.errors import without_password

POSTGRES_SCHEMES = ("postgresql://", "postgres://", "postgresql+pool://")

#: ``scheme:`` at the start of a URL (two letters at least: never a Windows drive letter).
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):")


class DatabaseUrlError(ValueError):
    """The database named cannot be right (an unknown scheme, a bad port); the message is
    one line for the user, and never holds the password."""


def check_database_url(url: str) -> None:
    """Refuse, before anything is created, a database URL that cannot be what the user meant.

    ``mysql://...`` or a typo like ``postgresq://...`` would otherwise be taken for a file
    path, and make folders named after the URL (password included). A PostgreSQL URL must
    have a valid port and host and a database name.
    """
    if not url.strip():
        raise DatabaseUrlError("database non indicato")
    if "\x00" in url:
        raise DatabaseUrlError("il nome del database contiene un carattere nullo")
    match = _SCHEME.match(url)
    if match and not url.startswith(("sqlite:", *POSTGRES_SCHEMES)):
        raise DatabaseUrlError(
            f"tipo di database non supportato: '{match.group(1)}' (usare un percorso, "
            "sqlite:///percorso o postgresql://utente@host/database)"
        )
    if is_postgres_url(url):
        try:
            parsed = urlparse(url)
            port = parsed.port
            host = parsed.hostname
        except ValueError:
            raise DatabaseUrlError(
                f"host o porta non validi in {without_password(url)} (la porta va da 1 a "
                "65535, un indirizzo IPv6 va tra parentesi quadre: [::1])"
            ) from None
        if port is not None and port == 0:
            raise DatabaseUrlError(f"porta non valida in {without_password(url)}: deve essere tra 1 e 65535")
        if "[" in parsed.netloc and not host:
            raise DatabaseUrlError(f"host non valido in {without_password(url)}")
        if not parsed.path.strip("/"):
            raise DatabaseUrlError(f"nome del database mancante in {without_password(url)}")


def is_postgres_url(url: str) -> bool:
    """True for ``postgresql://...``; anything else is a SQLite file."""
    return url.startswith(POSTGRES_SCHEMES)


def sqlite_path(url: str) -> Path:
    """The file behind a SQLite URL (``sqlite:///path``) or a bare path."""
    # As in SQLAlchemy and peewee: sqlite:///relative.db and sqlite:////absolute.db
    if url.startswith("sqlite:///"):
        return Path(url[len("sqlite:///") :])
    if url.startswith("sqlite://"):
        return Path(url[len("sqlite://") :])
    return Path(url).expanduser()


def describe_database(url: str) -> str:
    """A short name for the header: the file path, or ``user@host/db`` without password."""
    if is_postgres_url(url):
        try:
            parsed = urlparse(url)
            user = f"{parsed.username}@" if parsed.username else ""
            port = f":{parsed.port}" if parsed.port else ""
            host = parsed.hostname or "localhost"
        except ValueError:  # a bad port or host: said by check_database_url
            return without_password(url)
        if ":" in host:
            host = f"[{host}]"
        return f"postgresql://{user}{host}{port}{parsed.path}"
    path = sqlite_path(url)
    home = Path.home()
    try:
        return "~/" + str(path.resolve().relative_to(home))
    except ValueError:
        return str(path)


def without_postgres_driver() -> None:
    """Tell Python the PostgreSQL driver is absent, before peewee is imported.

    peewee imports psycopg2 whether or not it is used (a tenth of start-up), and a terminal on
    a SQLite file never uses it: its database is fixed for the life of the process. Only
    ``pegaso-tui`` on a SQLite file and its agenda helper do it; commands and tests, which
    may open both kinds, keep the driver.
    """
    import sys

    if "peewee" not in sys.modules:
        sys.modules.setdefault("psycopg2", None)  # type: ignore[arg-type]
