"""Cancelling what has not left yet: a whole campaign, or one SMS, from the control panel or
``pegaso-tui cancel``.

Only a message still ``queued`` is cancelled: it has not been handed to the gateway, so
nothing of it can reach a phone. A message a sender already holds (``sending``) may be on the
wire, and ends as the gateway says; the answer counts those apart. Practice notices of the
cancelled messages are released, so the practice can be selected again.
"""

from __future__ import annotations

from dataclasses import dataclass

from pegaso_tui.db.models import (
    CANCELLED,
    DELIVERED,
    QUEUED,
    SENDING,
    SENT,
    UNDELIVERED,
    Campaign,
    Message,
    PracticeNotice,
    database_proxy,
    now,
)

#: The reason a cancelled message shows (control panel, ``messages``).
CANCELLED_BY_OPERATOR = "annullato dall'operatore"
#: What counts as already handed to the gateway.
HANDED = (SENDING, SENT, DELIVERED, UNDELIVERED)


class NothingToCancel(LookupError):
    """The campaign or message does not exist."""


@dataclass(frozen=True, slots=True)
class CancelResult:
    """What a cancellation did: ``cancelled`` now, ``already_sent`` handed to the gateway."""

    campaign: int
    cancelled: int
    already_sent: int


def pending_count(campaign_id: int) -> int:
    """The messages of a campaign that a cancellation would stop now."""
    return Message.select().where((Message.campaign == campaign_id) & (Message.status == QUEUED)).count()


def cancel_campaign(campaign_id: int, reason: str = CANCELLED_BY_OPERATOR) -> CancelResult:
    """Cancel every message of the campaign not yet handed to the gateway."""
    with database_proxy.atomic():
        if Campaign.get_or_none(Campaign.id == campaign_id) is None:
            raise NothingToCancel(f"la campagna {campaign_id} non esiste")
        cancelled = _cancel(Message.campaign == campaign_id, reason)
        handed = (Message.select()
                  .where((Message.campaign == campaign_id) & Message.status.in_(HANDED)).count())
    return CancelResult(campaign_id, cancelled, handed)


def cancel_message(message_id: int, reason: str = CANCELLED_BY_OPERATOR) -> CancelResult:
    """Cancel one message, if it has not been handed to the gateway yet."""
    with database_proxy.atomic():
        message = Message.get_or_none(Message.id == message_id)
        if message is None:
            raise NothingToCancel(f"il messaggio {message_id} non esiste")
        cancelled = _cancel(Message.id == message_id, reason)
        handed = 0 if cancelled else int(message.status in HANDED)
    return CancelResult(message.campaign_id, cancelled, handed)


def _cancel(where, reason: str) -> int:
    """Cancel the queued messages matching ``where``; release their practice notices."""
    # The status guard is checked again under the row lock: a message a sender claimed a
    # moment ago is not cancelled under it (PostgreSQL), and SQLite's write lock serialises us
    # with the claim.
    ids = [row[0] for row in (
        Message.update(status=CANCELLED, last_error=reason, error_code="CANCELLED",
                       next_attempt_at=None, updated_at=now())
        .where(where & (Message.status == QUEUED))
        .returning(Message.id)
        .tuples()
        .execute()
    )]
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        PracticeNotice.delete().where(PracticeNotice.message.in_(chunk)).execute()
    return len(ids)
