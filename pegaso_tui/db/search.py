"""Find-as-you-type: every word typed must appear, anywhere, in a row's search text.

Each searchable model keeps a lower-case ``search_text`` (code, name, mobile, city, ...), so a
search is one ``LIKE '%word%'`` per word on one column, the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from functools import reduce

from peewee import SQL, Field, NodeList


def _like_pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def words(text: str | None) -> list[str]:
    """The words of a search, lower case (what ``search_text`` holds)."""
    return [w for w in (text or "").lower().split() if w]


def contains_all(field: Field, text: str | None):
    """A condition: ``field`` contains every word of ``text`` (None when nothing is typed)."""
    conditions = [
        NodeList((field, SQL("LIKE"), _like_pattern(word), SQL("ESCAPE '\\'")))
        for word in words(text)
    ]
    if not conditions:
        return None
    return reduce(lambda a, b: a & b, conditions)
