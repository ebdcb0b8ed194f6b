"""The SMS history: the messages sent to a client, for a practice, or in a period.

One pager serves the client card ("Sms Inviati a Cliente"), "Dettaglio Stato Pratica > SMS"
and the control panel's "Verifica": messages in the order they were queued (as the original
lists them), by ``(queued_at, id)``, which an index covers.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from pegaso_tui.dates import DateRange
from pegaso_tui.db.models import (
    CANCELLED,
    DELIVERED,
    FAILED,
    QUEUED,
    SENDING,
    SENT,
    UNDELIVERED,
    Message,
)
from pegaso_tui.db.paging import KeysetPager

#: Each status as the masks name it.
STATUS_LABELS = {
    QUEUED: "in coda",
    SENDING: "in invio",
    SENT: "inviato",
    DELIVERED: "consegnato",
    UNDELIVERED: "non consegnato",
    FAILED: "non inviato",
    CANCELLED: "annullato",
}

#: Statuses in which the gateway has accepted the message ("Inviato").
ACCEPTED = (SENT, DELIVERED, UNDELIVERED)


def messages_pager(
    client: int | None = None,
    practice: int | None = None,
    dates: DateRange | None = None,
    *,
    supplier: int | None = None,
    descending: bool = False,
) -> KeysetPager[Message]:
    """Messages by the time they were queued; only a client's, a practice's or a supplier's
    (by id), and only those queued within ``dates`` (inclusive days) when given."""
    query = Message.select()
    if client is not None:
        query = query.where(Message.client == client)
    if practice is not None:
        query = query.where(Message.practice == practice)
    if supplier is not None:
        query = query.where(Message.supplier == supplier)
    if dates is not None:
        if dates.start is not None:
            query = query.where(Message.queued_at >= datetime.combine(dates.start, time.min))
        if dates.end is not None:
            query = query.where(Message.queued_at < datetime.combine(dates.end + timedelta(days=1), time.min))
    return KeysetPager(query, [Message.queued_at, Message.id], descending=descending)


def status_label(status: str | None) -> str:
    """The Italian name of a message status."""
    return STATUS_LABELS.get(status or "", status or "")
