"""Turning a selection and a template into a campaign and its messages (DESIGN.md, "Sending").

Two steps, the same for the masks and for ``pegaso-tui send``:

1. ``plan_selection`` (or ``plan_single``) renders the template for every sendable row and
   reports every problem at once (unknown placeholder, values missing for some recipients,
   a text longer than allowed). The plan holds exactly the messages that would be queued and
   the credits they need: it is the preview.
2. ``queue_campaign`` writes the Campaign, its Message rows and, for "SMS Pratiche", the
   PracticeNotice rows in ONE transaction. The notice's unique key (practice, kind) means two
   terminals cannot queue the same notice: the second one gets ``SelectionChanged`` and
   nothing of its campaign is written. Marketing (promo, birthday) goes only to clients who
   agreed to it: the consent is checked again inside the transaction.

The outbox sender (``pegaso_tui.sms.outbox``) takes it from there.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from peewee import IntegrityError, SqliteDatabase, Value, fn

from pegaso_tui.db.bulk import insert_rows
from pegaso_tui.db.message_stats import counted_in_bulk
from pegaso_tui.db.models import (
    PURPOSE_GREETINGS,
    PURPOSE_MARKETING,
    PURPOSE_SERVICE,
    PROMOTIONAL_PURPOSES,
    QUEUED,
    SENDING,
    Campaign,
    Client,
    Message,
    Operator,
    PracticeNotice,
    Supplier,
    database_proxy,
    now,
)
from pegaso_tui.db.optouts import opted_out_messages
from pegaso_tui.db.selections import Selection, SelectionRow
from pegaso_tui.sms.phone import check_mobile
from pegaso_tui.sms.text import nfc
from pegaso_tui.sms.placeholders import (
    RenderedTexts,
    TemplateProblems,
    free_recipient,
    recipient_from_row,
    render_for_recipients,
)

#: Campaign kinds whose SMS are marketing (GDPR): only to clients with "Invio Sms Promo".
MARKETING_KINDS = ("promo", "birthday")
#: The GDPR purpose of each kind of campaign, unless one is chosen (a scheduled one).
PURPOSE_OF_KIND = {"practice": PURPOSE_SERVICE, "promo": PURPOSE_MARKETING,
                   "birthday": PURPOSE_GREETINGS, "single": PURPOSE_SERVICE}


class CampaignError(ValueError):
    """A campaign cannot be queued; the message says why, for the user (Italian)."""


class SelectionChanged(CampaignError):
    """Someone queued or changed the same recipients since the preview: preview again."""


class CreditShortfall(CampaignError):
    """The account has fewer SMS left than the campaign needs."""

    def __init__(self, needed: int, left: int, committed: int) -> None:
        self.needed = needed
        self.left = left
        self.committed = committed
        text = f"credito insufficiente: servono {needed} SMS, ne restano {left}"
        if committed:
            text += f" di cui {committed} già impegnati da messaggi in coda"
        super().__init__(text)


@dataclass(frozen=True, slots=True)
class PlannedMessage:
    """One SMS the campaign will queue."""

    phone: str  # E.164
    text: str
    encoding: str
    segments: int
    name: str = ""
    client_id: int | None = None
    client_code: str = ""
    supplier_id: int | None = None
    practice_id: int | None = None
    practice: str | None = None
    #: "Buon Compleanno": the birthday greeted (its year keys the greeting)
    birthday: date | None = None


@dataclass
class CampaignPlan:
    """What a campaign would queue: the preview count is ``count``, the credits ``segments``."""

    kind: str
    purpose: str
    template: str
    messages: list[PlannedMessage]
    filters: dict[str, Any] = field(default_factory=dict)
    #: the notice kind of an "SMS Pratiche" campaign (its selection status)
    notice_kind: str | None = None
    #: rows of the selection that cannot be sent (no mobile, landline, ...)
    not_sendable: int = 0

    @property
    def count(self) -> int:
        return len(self.messages)

    @property
    def segments(self) -> int:
        """The SMS credits the campaign needs (every part of every message)."""
        return sum(m.segments for m in self.messages)

    @property
    def longest(self) -> PlannedMessage | None:
        """The message with the most parts (the counter and the cost preview use it)."""
        return max(self.messages, key=lambda m: (m.segments, len(m.text)), default=None)


# --- Rendering ---------------------------------------------------------------------------------


def _recipients(count: int) -> str:
    return "1 destinatario" if count == 1 else f"{count} destinatari"


def _render(template: str, recipients: list, *, max_parts: int, agency: str | None) -> RenderedTexts:
    """Every text of the campaign (``sms.placeholders.render_for_recipients``): all problems
    at once — empty text, unknown placeholders, values missing per recipient, too long.

    The texts come back in NFC (``sms.text.nfc``), the form they were counted in."""
    try:
        return render_for_recipients(template, recipients, agency=agency, max_parts=max_parts)
    except TemplateProblems as exc:
        raise CampaignError("; ".join(exc.problems)) from None


# --- Planning --------------------------------------------------------------------------------


def plan_selection(
    selection: Selection, template: str, *, max_parts: int = 3, agency: str | None = None
) -> CampaignPlan:
    """The campaign a selection and a template make: exactly the sendable rows.

    Raises CampaignError naming every problem: an unknown placeholder, values missing for
    some recipients (all of them listed by placeholder), a text longer than ``max_parts``.
    """
    template = nfc(template)  # the campaign keeps the text as it was counted and sent
    kind = selection.kind
    purpose = PURPOSE_OF_KIND.get(kind, PURPOSE_SERVICE)
    sendable = selection.sendable_rows()
    rendered = _render(template, sendable, max_parts=max_parts, agency=agency)
    messages = [
        PlannedMessage(
            phone=row.mobile, text=message.text, encoding=message.info.encoding,
            segments=message.info.segments, name=row.name, client_id=row.client_id,
            client_code=row.client, practice_id=row.practice_id, practice=row.practice,
            birthday=row.birthday,
        )
        for row, message in zip(sendable, rendered.messages)
    ]
    return CampaignPlan(
        kind=kind,
        purpose=purpose,
        template=template,
        messages=messages,
        filters=dict(selection.filters),
        notice_kind=selection.filters.get("status") if kind == "practice" else None,
        not_sendable=selection.count - len(sendable),
    )


def plan_single(
    template: str,
    *,
    number: str | None = None,
    client: Client | None = None,
    supplier: Supplier | None = None,
    name: str = "",
    max_parts: int = 3,
    agency: str | None = None,
) -> CampaignPlan:
    """One SMS to a client, a supplier or a number ("Invio SMS Singolo"): a campaign of one.

    With a client, its placeholders are filled from the client; a supplier or a bare number
    ("Altro", with an optional ``name``) has only ``{ragione_sociale}`` (the name) and
    ``{agenzia}``.
    """
    template = nfc(template)  # the campaign keeps the text as it was counted and sent
    raw = number or (client.mobile if client else None) or (supplier.mobile if supplier else None)
    check = check_mobile(raw or "")
    if not check.sendable:
        shown = (raw or "").strip() or "(vuoto)"
        raise CampaignError(f"numero {shown}: {check.reason}")
    phone = check.e164 or ""
    if client is not None:
        recipient = recipient_from_row(SelectionRow(
            client_id=client.id, client=client.code, name=client.name,
            first_name=client.first_name, last_name=client.last_name,
            mobile=phone, mobile_status=check.status,
        ))
        shown_name = client.name
    else:
        shown_name = supplier.name if supplier else name.strip()
        recipient = free_recipient(phone, name=shown_name)
    rendered = _render(template, [recipient], max_parts=max_parts, agency=agency).messages[0]
    message = PlannedMessage(
        phone=phone, text=rendered.text, encoding=rendered.info.encoding,
        segments=rendered.info.segments, name=shown_name, client_id=client.id if client else None,
        client_code=client.code if client else "", supplier_id=supplier.id if supplier else None,
    )
    target = {"number": check.e164}
    if client is not None:
        target["client"] = client.code
    if supplier is not None:
        target["supplier"] = supplier.code
    return CampaignPlan(kind="single", purpose=PURPOSE_SERVICE, template=template,
                        messages=[message], filters=target)


# --- Credits ---------------------------------------------------------------------------------


def committed_segments() -> int:
    """SMS credits already promised to messages queued or being sent (not yet charged)."""
    value = (
        Message.select(fn.COALESCE(fn.SUM(Message.segments), 0))
        .where(Message.status.in_([QUEUED, SENDING]))
        .scalar()
    )
    return int(value or 0)


def check_credit(plan: CampaignPlan, credits_left: int | None) -> None:
    """CreditShortfall when the credits left (less those already committed) are too few."""
    if credits_left is None:
        return
    committed = committed_segments()
    if plan.segments > credits_left - committed:
        raise CreditShortfall(plan.segments, credits_left, committed)


# --- Queuing ---------------------------------------------------------------------------------

_MESSAGE_FIELDS = (
    "campaign", "client", "supplier", "practice", "client_code", "recipient_name", "phone",
    "sender", "text", "encoding", "segments", "status", "transaction_id", "attempts",
    "next_attempt_at", "queued_at", "updated_at",
)


def transaction_ids(count: int) -> list[str]:
    """``count`` fresh idempotency keys for one campaign: 96 random bits shared by the campaign
    and a sequence number, 32 hex digits each.

    As unique as random keys, and consecutive within a campaign: the unique index takes them
    as appends instead of inserts all over the tree, which is most of queuing 100,000.
    """
    prefix = os.urandom(12).hex()
    return [f"{prefix}{n:08x}" for n in range(count)]


def queue_campaign(
    plan: CampaignPlan,
    *,
    sender: str,
    operator: Operator | None = None,
    credits_left: int | None = None,
) -> Campaign:
    """Write the campaign, its messages and its practice notices in one transaction.

    Raises SelectionChanged (nothing written) when a practice notice of this kind, or a
    birthday greeting of the same year, was queued meanwhile by someone else (a mask or a
    scheduled communication), or a marketing recipient withdrew consent; CreditShortfall when
    ``credits_left`` (if known) does not cover it; CampaignError when there is nothing to send.
    """
    if not plan.messages:
        raise CampaignError("nessun destinatario inviabile: nessun messaggio da accodare")
    db = database_proxy.obj
    stamp = now()
    # the text SQLite would store for it anyway, made once instead of 300,000 times
    db_stamp = stamp.isoformat(" ") if isinstance(db, SqliteDatabase) else stamp
    try:
        with db.atomic():
            check_credit(plan, credits_left)
            campaign = Campaign.create(
                kind=plan.kind,
                template=plan.template,
                sender=sender,
                purpose=plan.purpose,
                filters=json.dumps(plan.filters, default=str, ensure_ascii=False),
                operator=operator,
                created_at=stamp,
                message_count=plan.count,
                segment_count=plan.segments,
            )
            rows = [
                (
                    campaign.id, m.client_id, m.supplier_id, m.practice_id, m.client_code,
                    m.name, m.phone, sender, m.text, m.encoding, m.segments, QUEUED,
                    tid, 0, db_stamp, db_stamp, db_stamp,
                )
                for m, tid in zip(plan.messages, transaction_ids(len(plan.messages)))
            ]
            with counted_in_bulk(db):
                insert_rows(Message, _MESSAGE_FIELDS, rows)
            _check_consent(campaign)
            if plan.notice_kind:
                _record_notices(campaign, plan.notice_kind, operator)
            if plan.kind == "birthday":
                from pegaso_tui.db.greetings import record_greetings

                record_greetings(campaign, plan.messages)
    except IntegrityError:
        raise SelectionChanged(
            "la selezione è cambiata (un'altra postazione o una comunicazione programmata ha "
            "già accodato alcuni di questi SMS): ripetere l'anteprima"
        ) from None
    return campaign


def _check_consent(campaign: Campaign) -> None:
    """Refuse (roll back) if any recipient lacks the consent the campaign's purpose needs,
    or objected to marketing since the preview (the opt-out list)."""
    if campaign.purpose in PROMOTIONAL_PURPOSES:
        objected = opted_out_messages(campaign.id)
        if objected:
            raise SelectionChanged(
                f"{_recipients(objected)} nella lista Non disturbare: ripetere l'anteprima"
            )
    if campaign.kind in MARKETING_KINDS:
        refused = (Client.sms_promo == False) | (Client.walk_in == True)  # noqa: E712
    elif campaign.kind == "practice":
        refused = (Client.sms_practices == False) | (Client.walk_in == True)  # noqa: E712
    else:
        return
    count = (
        Message.select(fn.COUNT(Message.id))
        .join(Client)
        .where((Message.campaign == campaign.id) & refused)
        .scalar()
    )
    if count:
        raise SelectionChanged(
            f"{_recipients(count)} senza più il consenso all'invio: ripetere l'anteprima"
        )


def _record_notices(campaign: Campaign, kind: str, operator: Operator | None) -> None:
    """One PracticeNotice per practice message; the unique key refuses a second one."""
    stamp = now()
    db = database_proxy.obj
    # the text SQLite would store anyway, made once instead of by the driver for every row
    db_stamp = stamp.isoformat(" ") if isinstance(db, SqliteDatabase) else stamp
    # one INSERT ... SELECT: the rows never travel through Python (100,000 of them did)
    source = Message.select(
        Message.practice, Value(kind), Message.id, Value(operator.id if operator else None),
        Value(db_stamp),
    ).where((Message.campaign == campaign.id) & Message.practice.is_null(False))
    PracticeNotice.insert_from(
        source, [PracticeNotice.practice, PracticeNotice.kind, PracticeNotice.message,
                 PracticeNotice.operator, PracticeNotice.created_at],
    ).execute()


def campaign_summary(campaign: Campaign) -> dict[str, Any]:
    """The campaign as ``send --json`` prints it."""
    return {
        "campaign": campaign.id,
        "kind": campaign.kind,
        "queued": campaign.message_count,
        "segments": campaign.segment_count,
    }
