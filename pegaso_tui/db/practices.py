"""Questions about practices ("Pratiche"): the list, one practice, its SMS, save and delete.

The list shows the newest practices first and is searched as you type by practice number,
destination and the client's code, name, mobile or city. "Dettaglio Stato Pratica > SMS"
is ``practice_notices``: for each of the four kinds of notice, whether an SMS was queued or
sent for this practice, when, and how it went.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from peewee import JOIN, IntegrityError, fn

from pegaso_tui.db.clients import client_by_code
from pegaso_tui.db.models import (
    NOTICE_KINDS,
    Client,
    Message,
    Practice,
    PracticeNotice,
    database_proxy,
    normalize_code,
)
from pegaso_tui.db.paging import KeysetPager
from pegaso_tui.db.records import InvalidRecord, RecordNotFound, clean
from pegaso_tui.db.search import contains_all
from pegaso_tui.db.selections import PracticeStatus

#: The label of each kind of notice: the "SMS Pratiche" selection that sends it.
NOTICE_LABELS = {status.value: status.label for status in PracticeStatus}


def _search_expression():
    return fn.LOWER(
        Practice.number.concat(" ").concat(Practice.destination).concat(" ").concat(Client.search_text)
    )


def practices_pager(search: str | None = None, *, client_id: int | None = None) -> KeysetPager[Practice]:
    """Practices, newest practice date first, whose number, destination or client contain
    every word of ``search``; only one client's with ``client_id``.

    Each row is a Practice with its client already loaded (``row.client``: no extra query).
    """
    query = Practice.select(Practice, Client).join(Client)
    condition = contains_all(_search_expression(), search)
    if condition is not None:
        query = query.where(condition)
    if client_id is not None:
        query = query.where(Practice.client == client_id)
    return KeysetPager(query, [Practice.practice_date, Practice.id], descending=True)


def next_practice_number(today: date | None = None) -> str:
    """The number a new practice is offered: ``YYYY/NNNN``, the year's highest plus one."""
    year = (today or date.today()).year
    prefix = f"{year}/"
    numbers = (
        Practice.select(Practice.number)
        .where(Practice.number.startswith(prefix))
        .order_by(fn.LENGTH(Practice.number).desc(), Practice.number.desc())
        .limit(20)
        .tuples()
    )
    for (number,) in numbers:
        tail = number[len(prefix):]
        if tail.isdigit():
            return f"{prefix}{int(tail) + 1:0{max(4, len(tail))}d}"
    return f"{prefix}0001"


@dataclass
class PracticeData:
    """What the practice form edits."""

    number: str = ""
    client: str = ""  # the client's code
    practice_date: date | None = None
    departure_date: date | None = None
    destination: str = ""
    amount: str = "0"
    balance: str = "0"
    notified_balance: bool = False
    notified_documents: bool = False
    paid: bool = False
    documents_delivered: bool = False


@dataclass
class PracticeCard:
    """A practice as the form opens it."""

    id: int | None
    data: PracticeData
    client_name: str = ""


_FLAGS = ("notified_balance", "notified_documents", "paid", "documents_delivered")


def _money(value) -> str:
    from pegaso_tui.numbers import money

    return money(value)


def practice_card(practice_id: int) -> PracticeCard:
    """The practice with its client's code and name (RecordNotFound when deleted)."""
    practice = Practice.select(Practice, Client).join(Client).where(Practice.id == practice_id).first()
    if practice is None:
        raise RecordNotFound("la pratica non esiste più (eliminata da un altro operatore?)")
    data = PracticeData(
        number=practice.number,
        client=practice.client.code,
        practice_date=practice.practice_date,
        departure_date=practice.departure_date,
        destination=practice.destination,
        amount=_money(practice.amount),
        balance=_money(practice.balance),
        **{flag: getattr(practice, flag) for flag in _FLAGS},
    )
    return PracticeCard(practice.id, data, practice.client.name)


def new_practice_card(client_code: str = "") -> PracticeCard:
    """An empty card for "Nuovo": the next number, today's date."""
    return PracticeCard(
        None,
        PracticeData(number=next_practice_number(), client=client_code, practice_date=date.today()),
    )


def parse_amount(text: str | None) -> Decimal:
    """``1.500,00``, ``1500,5`` or ``1500.50`` as a Decimal of cents; ValueError (Italian)."""
    raw = (text or "").strip().replace("€", "").replace(" ", "")
    if not raw:
        return Decimal("0.00")
    if "," in raw:  # Italian: dots group thousands, the comma is the decimal point
        raw = raw.replace(".", "").replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"importo non valido: '{text.strip()}'") from None
    if not value.is_finite():
        raise ValueError(f"importo non valido: '{text.strip()}'")
    return value.quantize(Decimal("0.01"))


def check_practice(data: PracticeData) -> dict[str, str]:
    """Every reason ``data`` cannot be saved, by field (empty when it can); reads the client."""
    return _checked_practice(data)[0]


def _checked_practice(data: PracticeData):
    errors: dict[str, str] = {}
    number = clean(data.number).upper()
    if not number:
        errors["number"] = "numero pratica obbligatorio"
    if data.practice_date is None:
        errors["practice_date"] = "data pratica obbligatoria"
    if data.departure_date and data.practice_date and data.departure_date < data.practice_date:
        errors["departure_date"] = "la partenza precede la data della pratica"
    amounts = {}
    for name in ("amount", "balance"):
        try:
            amounts[name] = parse_amount(getattr(data, name))
        except ValueError as exc:
            errors[name] = str(exc)
    if not errors and amounts["balance"] > amounts["amount"]:
        errors["balance"] = "il saldo supera l'importo della pratica"
    code = normalize_code(data.client)
    client = client_by_code(code) if code else None
    if not code:
        errors["client"] = "cliente obbligatorio"
    elif client is None:
        errors["client"] = "cliente inesistente"
    return errors, number, amounts, client


def save_practice(data: PracticeData, practice_id: int | None = None) -> Practice:
    """Create or update a practice; InvalidRecord (by field) when something is wrong."""
    errors, number, amounts, client = _checked_practice(data)
    if errors:
        raise InvalidRecord(errors)
    with database_proxy.obj.atomic():
        if practice_id is None:
            practice = Practice()
        else:
            practice = Practice.get_or_none(Practice.id == practice_id)
            if practice is None:
                raise RecordNotFound("la pratica non esiste più (eliminata da un altro operatore?)")
        taken = Practice.get_or_none((Practice.number == number) & (Practice.id != (practice_id or 0)))
        if taken is not None:
            raise InvalidRecord({"number": "numero pratica già usato"})
        practice.number = number
        practice.client = client
        practice.practice_date = data.practice_date
        practice.departure_date = data.departure_date
        practice.destination = clean(data.destination)
        practice.amount = amounts["amount"]
        practice.balance = amounts["balance"]
        for flag in _FLAGS:
            setattr(practice, flag, bool(getattr(data, flag)))
        try:
            practice.save()
        except IntegrityError:
            raise InvalidRecord({"number": "numero pratica già usato"}) from None
    return practice


def delete_practice(practice_id: int) -> None:
    """Delete a practice: its notices go, its SMS stay in the history."""
    deleted = Practice.delete().where(Practice.id == practice_id).execute()
    if not deleted:
        raise RecordNotFound("la pratica non esiste più")


def practice_message_count(practice_id: int) -> int:
    """How many SMS were queued for this practice (asked before deleting it)."""
    return Message.select().where(Message.practice == practice_id).count()


@dataclass(frozen=True)
class NoticeRow:
    """One line of "Dettaglio Stato Pratica > SMS": a kind of notice and its SMS, if any."""

    kind: str
    label: str
    sent: bool  # an SMS of this kind was queued or sent: the practice is not selected again
    created_at: datetime | None = None
    sent_at: datetime | None = None
    status: str | None = None  # the message's status
    message_id: int | None = None
    operator: str = ""


def practice_notices(practice_id: int) -> list[NoticeRow]:
    """For each kind of notice, whether an SMS was queued or sent for the practice and when."""
    from pegaso_tui.db.models import Operator

    found = {}
    query = (
        PracticeNotice.select(PracticeNotice, Message, Operator)
        .join(Message, join_type=JOIN.LEFT_OUTER, on=(PracticeNotice.message == Message.id))
        .switch(PracticeNotice)
        .join(Operator, join_type=JOIN.LEFT_OUTER, on=(PracticeNotice.operator == Operator.id))
        .where(PracticeNotice.practice == practice_id)
    )
    for notice in query:
        message = notice.message if notice.message_id else None
        operator = notice.operator if notice.operator_id else None
        found[notice.kind] = NoticeRow(
            kind=notice.kind,
            label=NOTICE_LABELS.get(notice.kind, notice.kind),
            sent=True,
            created_at=notice.created_at,
            sent_at=notice.sent_at or (message.sent_at if message else None),
            status=message.status if message else None,
            message_id=message.id if message else None,
            operator=operator.username if operator else "",
        )
    rows = [found.pop(kind, NoticeRow(kind, NOTICE_LABELS[kind], False)) for kind in NOTICE_KINDS]
    rows += list(found.values())  # kinds a newer program may add
    return rows
