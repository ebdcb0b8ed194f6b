"""Consent is checked again when a message is claimed, not only when it is queued.

A campaign is queued in one transaction from what the selection saw; between that moment and
the moment a sender claims a message, a client may withdraw consent ("Invio Sms Promo"
untouched by an import), become the walk-in client, or be deleted. The sender asks
``verdicts`` about every batch it claims, inside the claim's transaction, and a message that
may no longer be sent never reaches the gateway.

A rule is a function ``rule(batch) -> {message_id: Verdict}`` over a whole claimed batch, so a
rule that needs the database (an opt-out list) asks it once per batch, not once per message.
Rules are listed in ``RULES``; later ones (opt-out, quiet hours) are appended there with
``register``. The first verdict for a message wins, in the order of ``RULES``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Iterable

from pegaso_tui.db.models import PURPOSE_MARKETING, Campaign, Client

#: Purposes that need the client's "Invio Sms Promo" (marketing; birthday greetings too).
PROMO_PURPOSES = frozenset({PURPOSE_MARKETING, "auguri"})
#: Campaign kinds that need "Invio Sms Promo" whatever their recorded purpose.
PROMO_KINDS = frozenset({"promo", "birthday"})
#: Campaign kinds that need "Invio Sms Pratiche".
PRACTICE_KINDS = frozenset({"practice"})


@dataclass(frozen=True, slots=True)
class Cancel:
    """The message must not be sent: it ends ``cancelled`` with ``reason`` (Italian)."""

    reason: str
    code: str = "CONSENT"


@dataclass(frozen=True, slots=True)
class Defer:
    """Not now: back to the queue until ``until`` (quiet hours), with a note for the panel."""

    until: datetime
    note: str
    code: str = "WAIT"


Verdict = Cancel | Defer


@dataclass(frozen=True, slots=True)
class ClaimedMessage:
    """What a rule may look at for one claimed message."""

    id: int
    campaign_id: int
    client_id: int | None
    client_code: str
    phone: str
    practice_id: int | None


@dataclass(frozen=True, slots=True)
class CampaignFacts:
    kind: str
    purpose: str


@dataclass(frozen=True, slots=True)
class ClientFacts:
    sms_practices: bool
    sms_promo: bool
    walk_in: bool


@dataclass
class ClaimBatch:
    """A claimed batch with the facts the basic rules need, read in two queries."""

    messages: list[ClaimedMessage]
    now: datetime
    campaigns: dict[int, CampaignFacts] = field(default_factory=dict)
    clients: dict[int, ClientFacts] = field(default_factory=dict)

    def campaign(self, message: ClaimedMessage) -> CampaignFacts:
        return self.campaigns.get(message.campaign_id, CampaignFacts("single", ""))

    def needs_promo_consent(self, message: ClaimedMessage) -> bool:
        facts = self.campaign(message)
        return facts.kind in PROMO_KINDS or facts.purpose in PROMO_PURPOSES


Rule = Callable[[ClaimBatch], dict[int, Verdict]]


def rows_where_in(select: str, values: Iterable) -> list[tuple]:
    """``select`` (ending with ``... IN``) for ``values``, as plain SQL.

    The rules ask this for every claimed batch: built through peewee's query builder, these
    few lookups cost the sender more CPU than its own claim and updates (issue 17), for a
    statement that differs only by the number of its parameters."""
    from pegaso_tui.db.models import database_proxy

    values = list(values)
    if not values:
        return []
    db = database_proxy.obj
    marks = ", ".join([db.param] * len(values))
    return list(db.execute_sql(f"{select} ({marks})", values).fetchall())


_CAMPAIGN_FACTS = f'SELECT id, kind, purpose FROM "{Campaign._meta.table_name}" WHERE id IN'
_CLIENT_FACTS = (f'SELECT id, sms_practices, sms_promo, walk_in FROM "{Client._meta.table_name}" '
                 "WHERE id IN")


def load_batch(messages: list[ClaimedMessage], now: datetime) -> ClaimBatch:
    """The batch with its campaigns' kinds and purposes and its clients' flags."""
    batch = ClaimBatch(messages, now)
    for cid, kind, purpose in rows_where_in(_CAMPAIGN_FACTS, {m.campaign_id for m in messages}):
        batch.campaigns[cid] = CampaignFacts(kind, purpose or "")
    client_ids = {m.client_id for m in messages if m.client_id is not None}
    for cid, practices, promo, walk_in in rows_where_in(_CLIENT_FACTS, client_ids):
        batch.clients[cid] = ClientFacts(bool(practices), bool(promo), bool(walk_in))
    return batch


def client_consent(batch: ClaimBatch) -> dict[int, Verdict]:
    """Promo and birthday SMS need "Invio Sms Promo", practice notices "Invio Sms Pratiche";
    neither goes to the walk-in client or to a client deleted since the campaign was queued.
    A single SMS is the operator's own choice of number and is not held to them."""
    verdicts: dict[int, Verdict] = {}
    for message in batch.messages:
        facts = batch.campaign(message)
        promo = batch.needs_promo_consent(message)
        practice = facts.kind in PRACTICE_KINDS
        if not (promo or practice):
            continue
        if message.client_id is None:
            if message.client_code:  # it had a client, and the client is gone
                verdicts[message.id] = Cancel("cliente eliminato", "CLIENT_DELETED")
            continue
        client = batch.clients.get(message.client_id)
        if client is None:  # deleted in the same instant: the SET NULL has not reached us
            verdicts[message.id] = Cancel("cliente eliminato", "CLIENT_DELETED")
        elif client.walk_in:
            verdicts[message.id] = Cancel("consenso revocato: ora è il cliente libero", "CONSENT")
        elif promo and not client.sms_promo:
            verdicts[message.id] = Cancel("consenso revocato: Invio Sms Promo tolto", "CONSENT")
        elif practice and not client.sms_practices:
            verdicts[message.id] = Cancel("consenso revocato: Invio Sms Pratiche tolto", "CONSENT")
    return verdicts


#: The rules, in order; the first verdict for a message wins.
RULES: list[Rule] = [client_consent]


def register(rule: Rule) -> Rule:
    """Add ``rule`` after the others (usable as a decorator); adding it twice does nothing."""
    if rule not in RULES:
        RULES.append(rule)
    return rule


def verdicts(messages: Iterable[ClaimedMessage], now: datetime,
             rules: Iterable[Rule] | None = None) -> dict[int, Verdict]:
    """What must happen to each claimed message that may not be sent now (absent: send it).

    Call it with the claim's transaction open, so that what it reads is what the claim saw.
    """
    messages = list(messages)
    if not messages:
        return {}
    batch = load_batch(messages, now)
    found: dict[int, Verdict] = {}
    for rule in RULES if rules is None else rules:
        for message_id, verdict in rule(batch).items():
            found.setdefault(message_id, verdict)
    return found
