"""How an error is told to the user: one line (no Textual, no database: every layer uses it)."""

from __future__ import annotations


def first_line(exc: BaseException) -> str:
    """The first line of an error's message, or its class name when it has none."""
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def without_password(url: str) -> str:
    """``url`` with the password of its ``user:password@`` replaced by ``***``, for messages,
    reprs and printed settings (a gateway or database URL may carry credentials)."""
    import re

    return re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", url)
