"""The privacy rules of the claim-time check (``sending.consent``): opt-out and allowed hours.

``claim_rules(window)`` is the list the sender asks about every claimed batch: the basic
consent rules, then

- ``opted_out``: a marketing or auguri SMS to a number or a client on the "Non disturbare"
  list is cancelled (one query per batch for its numbers and clients);
- ``quiet_hours(window)``: a marketing or auguri SMS claimed outside the allowed hours goes
  back to the queue until the window opens, marked "in attesa della fascia oraria"
  (``QUIET_HOURS``); ``pegaso-tui worker --until-idle`` counts it as idle.

The decisions themselves are the pure functions of ``sending.rules``; this module only
gathers their facts.
"""

from __future__ import annotations

from datetime import datetime

from peewee import fn

from pegaso_tui.db.models import QUEUED, Message, OptOut
from pegaso_tui.sending import consent
from pegaso_tui.sending.rules import (
    PROMOTIONAL,
    QUIET_HOURS_CODE,
    WAITING_FOR_WINDOW,
    SendingWindow,
    opt_out_refusal,
    quiet_hours_wait,
)


def _purpose(batch: consent.ClaimBatch, message: consent.ClaimedMessage) -> str:
    """The message's purpose; a promo or birthday campaign is promotional whatever it recorded."""
    facts = batch.campaign(message)
    if facts.purpose in PROMOTIONAL:
        return facts.purpose
    return "marketing" if batch.needs_promo_consent(message) else facts.purpose


_OPT_OUT = OptOut._meta.table_name
_OBJECTING_PHONES = f'SELECT mobile FROM "{_OPT_OUT}" WHERE mobile IN'
_OBJECTING_CLIENTS = f'SELECT client_id FROM "{_OPT_OUT}" WHERE client_id IN'


def opted_out(batch: consent.ClaimBatch) -> dict[int, consent.Verdict]:
    """Cancel the promotional messages whose number or client objected since they were queued."""
    promotional = [m for m in batch.messages if _purpose(batch, m) in PROMOTIONAL]
    if not promotional:
        return {}
    phones = {m.phone for m in promotional if m.phone}
    clients = {m.client_id for m in promotional if m.client_id is not None}
    objecting_phones: set[str] = set()
    objecting_clients: set[int] = set()
    if phones:
        objecting_phones = {p for (p,) in consent.rows_where_in(_OBJECTING_PHONES, phones)}
    if clients:
        objecting_clients = {c for (c,) in consent.rows_where_in(_OBJECTING_CLIENTS, clients)}
    verdicts: dict[int, consent.Verdict] = {}
    for m in promotional:
        objected = m.phone in objecting_phones or m.client_id in objecting_clients
        reason = opt_out_refusal(_purpose(batch, m), m.phone, m.client_id, batch.now,
                                 opted_out=objected)
        if reason:
            verdicts[m.id] = consent.Cancel(reason, "OPTED_OUT")
    return verdicts


def quiet_hours(window: SendingWindow | None) -> consent.Rule:
    """The rule that holds promotional messages outside ``window`` (None: holds nothing)."""

    def rule(batch: consent.ClaimBatch) -> dict[int, consent.Verdict]:
        verdicts: dict[int, consent.Verdict] = {}
        if window is None:
            return verdicts
        for m in batch.messages:
            until = quiet_hours_wait(_purpose(batch, m), m.phone, m.client_id, batch.now,
                                     window=window)
            if until is not None:
                verdicts[m.id] = consent.Defer(until, WAITING_FOR_WINDOW, QUIET_HOURS_CODE)
        return verdicts

    return rule


def claim_rules(window: SendingWindow | None) -> list[consent.Rule]:
    """Every rule a claimed batch goes through, in order: consent, opt-out, allowed hours."""
    return [*consent.RULES, opted_out, quiet_hours(window)]


def waiting_for_window(now: datetime | None = None) -> int:
    """How many messages are queued waiting for the allowed hours to open."""
    now = now or datetime.now()
    return (
        Message.select(fn.COUNT(Message.id))
        .where((Message.status == QUEUED) & (Message.error_code == QUIET_HOURS_CODE)
               & (Message.next_attempt_at > now))
        .scalar()
    ) or 0
