"""What the registry's save and delete functions say when they refuse.

The forms show ``InvalidRecord.errors`` next to their fields; ``RecordInUse`` and
``RecordChanged`` are one-line messages for the user. Every message is Italian.
"""

from __future__ import annotations

import re


class InvalidRecord(ValueError):
    """Some fields cannot be saved as typed: ``errors`` maps a field name to the reason."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        first = next(iter(self.errors.values()), "dati non validi")
        super().__init__(first)


class RecordInUse(Exception):
    """A record cannot be deleted because others depend on it (the message says which)."""


class RecordChanged(Exception):
    """Another operator changed or deleted the record since it was opened."""


class RecordNotFound(LookupError):
    """The record no longer exists (deleted by another operator)."""


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def check_email(value: str) -> str | None:
    """Why an e-mail address cannot be right (Italian), or None (empty is fine)."""
    if value and not _EMAIL.match(value):
        return "indirizzo e-mail non valido"
    return None


def clean(value: str | None) -> str:
    """A typed text field as stored: trimmed, never None."""
    return (value or "").strip()
