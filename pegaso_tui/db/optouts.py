"""The opt-out list ("Non disturbare"): numbers and clients that objected to marketing.

An alphanumeric sender is one-way, so an objection reaches the agency by phone, e-mail or at
the desk; the operator records it with its date, its reason and how it came. From then on the
number (and the client, whatever number it has) is never selected for a ``marketing`` or
``auguri`` SMS (``not_opted_out`` in the selections), is refused when such a campaign is
queued, and is cancelled when the sender claims a message queued before the objection.
Service SMS still go: the objection is to marketing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from peewee import JOIN, SQL, fn

from pegaso_tui.db.models import (
    OPT_OUT_VIA,
    Client,
    Message,
    Operator,
    OptOut,
    database_proxy,
    normalize_code,
    now,
)
from pegaso_tui.db.paging import KeysetPager
from pegaso_tui.sms.phone import OK, PhoneError, parse_mobile

#: How each way an objection came reads on screen.
VIA_LABELS = {"phone": "telefono", "email": "e-mail", "desk": "di persona", "other": "altro"}


class OptOutError(ValueError):
    """An objection that cannot be recorded or removed; the message is for the user (Italian)."""


@dataclass(frozen=True, slots=True)
class OptOutRow:
    """One objection as the list and ``optout list --json`` show it."""

    id: int
    mobile: str | None
    client: str | None  # the client's code
    name: str
    reason: str
    via: str
    at: datetime | None
    operator: str

    def to_json(self) -> dict[str, Any]:
        """CLI.md's ``optout list --json`` row."""
        return {
            "mobile": self.mobile,
            "client": self.client,
            "reason": self.reason,
            "via": self.via,
            "at": self.at.isoformat(timespec="seconds") if self.at else None,
        }


def parse_via(value: str | None) -> str:
    """``phone``, ``email``, ``desk`` or ``other`` (also in Italian); OptOutError otherwise."""
    text = (value or "other").strip().lower()
    italian = {label: key for key, label in VIA_LABELS.items()}
    italian.update({"telefono": "phone", "sportello": "desk", "banco": "desk", "mail": "email"})
    text = italian.get(text, text)
    if text not in OPT_OUT_VIA:
        raise OptOutError(f"canale sconosciuto: '{value}' (valori: {', '.join(OPT_OUT_VIA)})")
    return text


def _mobile(number: str) -> str:
    try:
        return parse_mobile(number)
    except PhoneError as exc:
        raise OptOutError(f"numero non valido: {exc}") from None


def add_opt_out(
    number: str | None = None,
    *,
    client: Client | None = None,
    reason: str = "",
    via: str = "other",
    operator: Operator | None = None,
    at: datetime | None = None,
) -> tuple[OptOutRow, bool]:
    """Record that a number, or a client, objected to marketing; (the row, whether it is new).

    A client's objection also records its mobile (if valid), so the number stays covered if
    it is later typed as an "Altro" number. A number without a client is linked to the client
    that has it as its mobile, when there is one. Recording the same number or client again
    keeps the first date and updates the reason and the way it came.
    """
    via = parse_via(via)
    mobile = _mobile(number) if number and number.strip() else None
    if client is not None and mobile is None and client.mobile_status == OK:
        mobile = client.mobile
    if mobile is None and client is None:
        raise OptOutError("indicare il numero o il cliente che si oppone")
    with database_proxy.atomic():
        if client is None and mobile is not None:
            client = Client.select().where(Client.mobile == mobile).order_by(Client.code).first()
        existing = OptOut.select().where(
            (OptOut.mobile == mobile) if mobile is not None else (OptOut.client == client.id)
        ).first()
        if existing is not None:
            existing.reason = reason.strip() or existing.reason
            existing.via = via
            if existing.client_id is None and client is not None:
                existing.client = client
            existing.save()
            return _row(existing.id), False
        row = OptOut.create(mobile=mobile, client=client, reason=reason.strip(), via=via,
                            operator=operator, created_at=at or now())
    return _row(row.id), True


def add_client_opt_out(client_id: int, *, reason: str = "", via: str = "other",
                       operator: Operator | None = None) -> tuple[OptOutRow, bool]:
    """Record that the client (by id, from its form) objected; see ``add_opt_out``."""
    client = Client.get_or_none(Client.id == client_id)
    if client is None:
        raise OptOutError("il cliente non esiste più (eliminato da un altro operatore?)")
    return add_opt_out(client=client, reason=reason, via=via, operator=operator)


def record_imported_opt_outs(client_codes: list[str]) -> int:
    """The import's "opposizione" column: an objection for each of these clients that has
    none yet (by itself or by its mobile); how many were recorded."""
    recorded = 0
    for start in range(0, len(client_codes), 500):
        chunk = [normalize_code(c) for c in client_codes[start:start + 500]]
        clients = Client.select().where(Client.code.in_(chunk) & not_opted_out())
        rows = [{"client": c.id, "mobile": c.mobile if c.mobile_status == OK else None,
                 "reason": "da importazione", "via": "other", "created_at": now()}
                for c in clients]
        if rows:
            OptOut.insert_many(rows).execute()
            recorded += len(rows)
    return recorded


def remove_opt_out(number: str) -> int:
    """Forget the objection of a number (the client changed its mind); how many rows went.

    OptOutError when the number is not on the list.
    """
    mobile = _mobile(number)
    removed = OptOut.delete().where(OptOut.mobile == mobile).execute()
    if not removed:
        raise OptOutError(f"il numero {mobile} non è nella lista Non disturbare")
    return removed


def remove_opt_out_row(opt_out_id: int) -> int:
    """Forget one objection of the list (mask 18's "Elimina"); how many rows went (0 when
    someone else removed it meanwhile)."""
    return OptOut.delete().where(OptOut.id == opt_out_id).execute()


def remove_client_opt_out(client_id: int) -> int:
    """Forget every objection of a client (from its form): those recorded for it and that of
    its mobile, which would otherwise still keep it out; how many rows went."""
    condition = OptOut.client == client_id
    client = Client.get_or_none(Client.id == client_id)
    if client is not None and client.mobile_status == OK:
        condition = condition | (OptOut.mobile == client.mobile)
    return OptOut.delete().where(condition).execute()


def client_opt_out(client_id: int) -> OptOutRow | None:
    """The client's objection, if it has one (shown in its form)."""
    client = Client.get_or_none(Client.id == client_id)
    if client is None:
        return None
    condition = OptOut.client == client_id
    if client.mobile_status == OK:
        condition = condition | (OptOut.mobile == client.mobile)
    found = OptOut.select(OptOut.id).where(condition).order_by(OptOut.created_at).first()
    return _row(found.id) if found else None


def is_opted_out(phone: str | None, client_id: int | None) -> bool:
    """Whether this number or this client objected to marketing (the check at claim)."""
    condition = None
    if phone:
        condition = OptOut.mobile == phone
    if client_id is not None:
        by_client = OptOut.client == client_id
        condition = by_client if condition is None else (condition | by_client)
    if condition is None:
        return False
    return OptOut.select(SQL("1")).where(condition).exists()


def not_opted_out():
    """The WHERE condition that leaves out of a client selection every client who objected,
    by itself or through its mobile.

    Two uncorrelated NOT IN: the database reads the (short) list once into a hash or a
    temporary index, where correlated NOT EXISTS would seek the opt-out indexes once per
    client — three times the count of a promo selection of 80,000 clients. The lists hold
    no NULL (NOT IN with a NULL would select nobody).
    """
    clients = OptOut.select(OptOut.client).where(OptOut.client.is_null(False))
    mobiles = OptOut.select(OptOut.mobile).where(OptOut.mobile.is_null(False))
    return Client.id.not_in(clients) & Client.mobile.not_in(mobiles)


def opted_out_messages(campaign_id: int) -> int:
    """How many messages of a campaign go to a number or a client on the list."""
    by_mobile = OptOut.select(SQL("1")).where(OptOut.mobile == Message.phone)
    by_client = OptOut.select(SQL("1")).where(
        Message.client.is_null(False) & (OptOut.client == Message.client)
    )
    return (
        Message.select(fn.COUNT(Message.id))
        .where((Message.campaign == campaign_id) & (fn.EXISTS(by_mobile) | fn.EXISTS(by_client)))
        .scalar()
    ) or 0


def _query():
    return (
        OptOut.select(OptOut.id, OptOut.mobile, Client.code, Client.name, OptOut.reason,
                      OptOut.via, OptOut.created_at, Operator.username)
        .join_from(OptOut, Client, on=(OptOut.client == Client.id), join_type=JOIN.LEFT_OUTER)
        .join_from(OptOut, Operator, on=(OptOut.operator == Operator.id), join_type=JOIN.LEFT_OUTER)
    )


def _as_datetime(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _to_row(values: tuple) -> OptOutRow:
    oid, mobile, code, name, reason, via, at, operator = values
    return OptOutRow(oid, mobile, code, name or "", reason or "", via, _as_datetime(at),
                     operator or "")


def _row(opt_out_id: int) -> OptOutRow:
    return _to_row(_query().where(OptOut.id == opt_out_id).tuples().get())


def opt_out_rows(search: str | None = None) -> list[OptOutRow]:
    """Every objection, the most recent first (for ``optout list``)."""
    query = _query().order_by(OptOut.created_at.desc(), OptOut.id.desc())
    if search:
        query = query.where(_search(search))
    return [_to_row(values) for values in query.tuples().iterator()]


def _search(text: str):
    like = f"%{text.strip().lower()}%"
    code = normalize_code(text)
    return (fn.LOWER(OptOut.mobile).contains(text.strip().lower())
            | (Client.code == code) | fn.LOWER(Client.name) ** like)


def opt_out_pager(search: str | None = None) -> KeysetPager:
    """The list of mask 18 ("Non disturbare"), paged by date of objection, newest first."""
    query = _query()
    if search and search.strip():
        query = query.where(_search(search))
    return KeysetPager(query.tuples(), [OptOut.created_at, OptOut.id], descending=True,
                       convert=_to_row, key_of=lambda row: (row.at, row.id))
