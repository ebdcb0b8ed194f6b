"""What kind of database a URL names, decided without importing the database drivers."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

POSTGRES_SCHEMES = ("postgresql://", "postgres://", "postgresql+pool://")


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
        parsed = urlparse(url)
        user = f"{parsed.username}@" if parsed.username else ""
        port = f":{parsed.port}" if parsed.port else ""
        return f"postgresql://{user}{parsed.hostname or 'localhost'}{port}{parsed.path}"
    path = sqlite_path(url)
    home = Path.home()
    try:
        return "~/" + str(path.resolve().relative_to(home))
    except ValueError:
        return str(path)
