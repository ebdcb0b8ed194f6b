"""Numbers as the agency reads them: ``1.234`` (a dot between the thousands)."""

from __future__ import annotations


def thousands(number: int) -> str:
    """``1.234``: a count the Italian way."""
    return f"{number:,}".replace(",", ".")
