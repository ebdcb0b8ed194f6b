"""Numbers as the agency reads them: ``1.234`` (a dot between the thousands)."""

from __future__ import annotations


def thousands(number: int) -> str:
    """``1.234``: a count the Italian way."""
    return f"{number:,}".replace(",", ".")


def money(value) -> str:
    """An amount the Italian way, ``2.140,50``: the same in a form and in a list (the form
    showed ``2140,50`` and the list ``2.140,50``); the import and the forms read it back."""
    from decimal import Decimal

    amount = Decimal(str(value or 0)).quantize(Decimal("0.01"))
    return f"{amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


def plural(count: int, one: str, many: str) -> str:
    """``1 messaggio``, ``3 messaggi``: the count with the right form of the noun."""
    return f"{thousands(count)} {one if count == 1 else many}"
