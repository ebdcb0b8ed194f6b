"""Is a sender alias ("mittente") one the providers accept?

An alphanumeric alias of at most 11 characters with at least one letter (``FUTURA``,
``Viaggi2026``), or an international number (``+393491234567``). A small validator written
for the outbox; the SMS-text work adds a fuller one in this package, and this one gives way to
it when the two meet.
"""

from __future__ import annotations

import re

MAX_ALPHANUMERIC = 11
_ALPHANUMERIC = re.compile(r"^[A-Za-z0-9 .\-]+$")
_NUMBER = re.compile(r"^\+?[0-9]{6,15}$")


def sender_alias_problem(alias: str | None) -> str | None:
    """Why ``alias`` cannot be a sender (Italian), or None when it can."""
    text = (alias or "").strip()
    if not text:
        return "mittente mancante: indicarlo con --sender o nelle impostazioni (sender)"
    compact = text.replace(" ", "")
    if _NUMBER.match(compact) and compact.lstrip("+").isdigit():
        if not compact.startswith("+") and not compact.startswith("00"):
            return f"mittente '{text}': un numero va scritto in formato internazionale (+39...)"
        return None
    if not _ALPHANUMERIC.match(text):
        return f"mittente '{text}': solo lettere senza accenti, cifre, spazio, punto e trattino"
    if len(text) > MAX_ALPHANUMERIC:
        return f"mittente '{text}': al massimo {MAX_ALPHANUMERIC} caratteri (sono {len(text)})"
    if not any(c.isalpha() for c in text):
        return f"mittente '{text}': deve contenere almeno una lettera, o essere un numero +39..."
    return None
