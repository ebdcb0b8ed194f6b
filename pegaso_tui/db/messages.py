"""The SMS that were queued and what became of them (``pegaso-tui messages``, the client card).

One indexed query, streamed: a history of a million messages is printed without holding it.
``messages_pager`` pages the same history for the lists on screen: the client card ("Sms
Inviati a Cliente"), "Dettaglio Stato Pratica > SMS" and the control panel's "Verifica", in
the order the messages were queued (as the original lists them), by ``(queued_at, id)``,
which an index covers.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, Iterator

from pegaso_tui.dates import DateRange
from pegaso_tui.db.models import (
    UNCERTAIN,
    CANCELLED,
    DELIVERED,
    FAILED,
    QUEUED,
    SENDING,
    SENT,
    UNDELIVERED,
    Campaign,
    Message,
    normalize_code,
)
from pegaso_tui.db.paging import KeysetPager

#: How each status reads on screen.
STATUS_LABELS = {
    QUEUED: "in coda",
    SENDING: "in invio",
    SENT: "inviato",
    DELIVERED: "consegnato",
    UNDELIVERED: "non consegnato",
    FAILED: "fallito",
    CANCELLED: "annullato",
    UNCERTAIN: "esito incerto",
}

#: Statuses in which the gateway has accepted the message ("Inviato").
ACCEPTED = (SENT, DELIVERED, UNDELIVERED)

_COLUMNS = (
    Message.id, Message.client_code, Message.recipient_name, Message.phone, Message.text,
    Message.status, Message.queued_at, Message.sent_at, Message.delivered_at, Message.last_error,
    Message.campaign, Campaign.purpose,
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
    query = (
        Message.select(*_COLUMNS)
        .join(Campaign, on=(Message.campaign == Campaign.id))
        .order_by(Message.queued_at, Message.id)
    )
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
         error, campaign, purpose) in query.tuples().iterator():
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
            "campaign": campaign,
            "purpose": purpose,  # servizio, marketing or auguri (GDPR)
        }


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
    # the campaign's purpose comes with each row: the panel shows it without a query per row
    query = Message.select(Message, Campaign.id, Campaign.purpose).join(
        Campaign, on=(Message.campaign == Campaign.id)
    )
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
    counter = None
    if client is None and practice is None and supplier is None:
        # the control panel's whole range: a sum over the per-day counts, not a scan
        from pegaso_tui.db.message_stats import count_messages

        start = dates.start if dates is not None else None
        end = dates.end if dates is not None else None
        counter = lambda: count_messages(start, end)  # noqa: E731
    return KeysetPager(query, [Message.queued_at, Message.id], descending=descending, counter=counter)


def status_label(status: str | None) -> str:
    """The Italian name of a message status."""
    return STATUS_LABELS.get(status or "", status or "")
