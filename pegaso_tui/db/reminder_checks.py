"""Balance reminders that should probably not go: a balance of € 0,00, a trip already left.

"SMS Pratiche" selects the practices by their flags; a practice whose balance is zero or
whose departure has passed still has its flag unset when nobody updated it. The preview
warns about each and lets the operator leave them out with one key (it does not decide for
them: the flags may be right and the balance not yet typed).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

#: The "SMS Pratiche" statuses whose message is about the balance.
BALANCE_STATUSES = ("balance-not-notified", "unpaid")

ZERO_BALANCE = "saldo € 0,00"
DEPARTED = "partita il"


def reminder_doubt(row, status: str | None, today: date) -> str:
    """Why a balance reminder to this selection row is doubtful ("" when it is not).

    ``row`` is a ``SelectionRow`` of a practice selection, ``status`` the selection's status.
    """
    if status not in BALANCE_STATUSES or row.practice_id is None:
        return ""
    doubts = []
    if row.balance is not None and Decimal(row.balance) == 0:
        doubts.append(ZERO_BALANCE)
    if row.departure_date is not None and row.departure_date < today:
        doubts.append(f"{DEPARTED} {row.departure_date:%d-%m-%Y}")
    return " · ".join(doubts)
