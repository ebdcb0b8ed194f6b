"""Unexpected errors: a log with the traceback, one line for the user, and never a secret.

Textual prints an unexpected error's traceback *with the local variables* of every frame,
among them the settings (gateway key and secret) and the database URL (with its password).
The application instead writes the traceback without locals to ``errori.log`` in the data
folder (mode 0600), with every known secret replaced, and tells the user one line and where
the log is. No Textual here: the command line may use it too.
"""

from __future__ import annotations

import os
import traceback
from datetime import datetime
from pathlib import Path
from typing import Iterable
from urllib.parse import urlparse

from pegaso_tui.errors import first_line

LOG_NAME = "errori.log"
HIDDEN = "••••"


def crash_log_path() -> Path:
    """The error log: in the data folder, next to the default database."""
    from pegaso_tui.config import default_database_path

    return default_database_path().parent / LOG_NAME


def secrets_of(settings, database_url: str = "") -> list[str]:
    """The values that must never be shown: the gateway key and secret, database passwords."""
    values = [settings.gateway.key, settings.gateway.secret]
    for url in (settings.database, database_url):
        try:
            password = urlparse(url).password if url else None
        except ValueError:  # a malformed URL: hide what follows the user name
            password = url.split("://", 1)[-1].split("@", 1)[0].partition(":")[2] or None
        if password:
            values.append(password)
    # longest first: a secret that contains another is replaced whole
    return sorted({v for v in values if v and len(v) >= 3}, key=len, reverse=True)


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret replaced by ``••••``."""
    for secret in secrets:
        text = text.replace(secret, HIDDEN)
    return text


def one_line(error: BaseException, secrets: Iterable[str] = ()) -> str:
    """The error as the user reads it: its kind and the first line of its message."""
    return redact(f"{type(error).__name__}: {first_line(error)}", secrets)


def write_crash_log(error: BaseException, secrets: Iterable[str] = (), path: Path | None = None) -> Path:
    """Append the traceback of ``error`` (no local variables) to the log; return its path.

    The file is created with mode 0600 (it may quote a customer's data); OSError if it cannot
    be written.
    """
    path = path or crash_log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    entry = f"--- {datetime.now():%Y-%m-%d %H:%M:%S} (pid {os.getpid()})\n{redact(text, secrets)}\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.fchmod(fd, 0o600)  # an older file made by hand may be wider
        os.write(fd, entry.encode("utf-8", "replace"))
    finally:
        os.close(fd)
    return path
