"""The SMS that were queued and what became of them (``pegaso-tui messages``, the client card).

One indexed query, streamed: a history of a million messages is printed without holding it.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, Iterator

from pegaso_tui.db.models import (
    CANCELLED,
    DELIVERED,
    FAILED,
    QUEUED,
    SENDING,
    SENT,
    UNDELIVERED,
    Message,
    normalize_code,
)

#: How each status reads on screen.
STATUS_LABELS = {
    QUEUED: "in coda",
    SENDING: "in invio",
    SENT: "inviato",
    DELIVERED: "consegnato",
    UNDELIVERED: "non consegnato",
    FAILED: "fallito",
    CANCELLED: "annullato",
}

_COLUMNS = (
    Message.id, Message.client_code, Message.recipient_name, Message.phone, Message.text,
    Message.status, Message.queued_at, Message.sent_at, Message.delivered_at, Message.last_error,
)


def message_history(
    date_from: date | None = None, date_to: date | None = None, client_code: str | None = None
):
    """The messages queued in the date range (inclusive), of one client if given, oldest first."""
    conditions = []
    if date_from is not None:
        conditions.append(Message.queued_at >= datetime.combine(date_from, time.min))
    if date_to is not None:
        conditions.append(Message.queued_at < datetime.combine(date_to + timedelta(days=1), time.min))
    if client_code:
        conditions.append(Message.client_code == normalize_code(client_code))
    query = Message.select(*_COLUMNS).order_by(Message.queued_at, Message.id)
    if conditions:
        query = query.where(*conditions)
    return query


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return str(value).replace(" ", "T")


def history_rows(query) -> Iterator[dict[str, Any]]:
    """The rows of ``message_history`` as CLI.md's ``messages --json`` shows them, streamed."""
    for (message_id, client, name, phone, text, status, queued, sent, delivered,
         error) in query.tuples().iterator():
        yield {
            "id": message_id,
            "client": client or None,
            "name": name,
            "mobile": phone,
            "text": text,
            "status": status,
            "queued_at": _iso(queued),
            "sent_at": _iso(sent),
            "delivered_at": _iso(delivered),
            # the reason of a failure, or why a queued message waits; none once it went out
            "error": None if status in (SENT, DELIVERED) else error,
        }
