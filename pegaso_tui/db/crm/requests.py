"""Requests and their activities: written down during the call, followed up, closed.

A request is from a client, a contact, or an unregistered subject (only a name, and the
numbers typed with it). It starts with the default outcome; every activity ("Gestisci")
records what was done, its outcome and the next recontact. An outcome of the positive or
negative group closes the request; any other reopens it. The lists (open requests, history,
one subject's requests) page by keyset and give ``RequestRow``s ready to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from peewee import JOIN, fn

from pegaso_tui.dates import format_date
from pegaso_tui.db.crm.errors import CrmError, CrmErrors
from pegaso_tui.db.crm.outcomes import closes_request, default_outcome
from pegaso_tui.db.crm.request_query import (  # noqa: F401 (re-exported)
    _as_date,
    operator_id_query,
    outcome_and_operator_columns,
    request_rows_query,
    to_request_row,
)
from pegaso_tui.db.crm.request_row import (  # noqa: F401 (re-exported: the lists' rows)
    REQUEST_TYPE_LABELS,
    RequestRow,
    request_type_label,
)
from pegaso_tui.db.crm.subjects import (
    CLIENT,
    CONTACT,
    UNREGISTERED,
    Subject,
    checked_email,
    checked_mobile,
    normalize_subject_name,
    subject_of_client,
    subject_of_contact,
    unregistered_condition,
)
from pegaso_tui.db.models import (
    REQUEST_TYPES,
    Activity,
    Client,
    Contact,
    Operator,
    Outcome,
    Request,
    database_proxy,
    normalize_code,
    now,
)
from pegaso_tui.db.operators import current_operator
from pegaso_tui.db.paging import KeysetPager
from pegaso_tui.db.search import contains_all
from pegaso_tui.sms.draft import CLIENT as SMS_CLIENT
from pegaso_tui.sms.draft import OTHER as SMS_OTHER
from pegaso_tui.sms.draft import SmsDraft

#: Where undated requests go when open requests are ordered by recontact date: last.
NO_DATE = date(9999, 12, 31)


# --- what the lists show ------------------------------------------------------------------------


def open_requests_pager(search: str | None = None, operator: str | None = None) -> KeysetPager[RequestRow]:
    """Every open request ("Richieste Aperte"), the most urgent recontact first and those
    without a recontact date last; optionally one operator's, or matching ``search``."""
    query = request_rows_query().where(Request.is_open == True)  # noqa: E712
    if operator:
        query = query.where(Request.operator.in_(operator_id_query(operator)))
    condition = contains_all(Request.search_text, search)
    if condition is not None:
        query = query.where(condition)
    return KeysetPager(
        query,
        [fn.COALESCE(Request.recontact_date, NO_DATE), Request.id],
        convert=to_request_row,
        key_of=lambda row: (row.recontact_date or NO_DATE, row.id),
    )


STATUS_OPEN = "open"
STATUS_CLOSED = "closed"


@dataclass(frozen=True)
class RequestFilter:
    """The filters of "Storico Richieste" (every one optional)."""

    date_from: date | None = None
    date_to: date | None = None
    request_type: str = ""
    status: str = ""  # "", "open" or "closed"
    operator: str = ""  # username
    destination: str = ""  # a part of the destinations
    outcome_id: int | None = None  # the last outcome
    search: str = ""  # the subject: name, mobile, phone, e-mail


def history_pager(filters: RequestFilter) -> KeysetPager[RequestRow]:
    """All requests matching ``filters``, the newest first ("Storico Richieste")."""
    if filters.date_from and filters.date_to and filters.date_to < filters.date_from:
        raise CrmError(
            f"l'intervallo termina ({format_date(filters.date_to)}) prima di iniziare "
            f"({format_date(filters.date_from)})",
            "date_to",
        )
    query = request_rows_query()
    if filters.date_from:
        query = query.where(Request.created_at >= datetime.combine(filters.date_from, datetime.min.time()))
    if filters.date_to:
        query = query.where(Request.created_at < datetime.combine(filters.date_to + timedelta(days=1), datetime.min.time()))
    if filters.request_type:
        query = query.where(Request.request_type == filters.request_type)
    if filters.status == STATUS_OPEN:
        query = query.where(Request.is_open == True)  # noqa: E712
    elif filters.status == STATUS_CLOSED:
        query = query.where(Request.is_open == False)  # noqa: E712
    if filters.operator:
        query = query.where(Request.operator.in_(operator_id_query(filters.operator)))
    if filters.destination.strip():
        query = query.where(Request.destinations.contains(filters.destination.strip()))
    if filters.outcome_id is not None:
        query = query.where(Request.last_outcome == filters.outcome_id)
    condition = contains_all(Request.search_text, filters.search)
    if condition is not None:
        query = query.where(condition)
    return KeysetPager(query, [Request.created_at, Request.id], descending=True, convert=to_request_row,
                       key_of=lambda row: (row.created_at, row.id))


def subject_requests_pager(subject: Subject | None) -> KeysetPager[RequestRow]:
    """Every request of one subject, the newest first ("Cerca Soggetto"); none for None."""
    query = request_rows_query()
    if subject is None:
        query = query.where(Request.id < 0)
    elif subject.kind == CLIENT:
        query = query.where(Request.client == subject.id)
    elif subject.kind == CONTACT:
        query = query.where(Request.contact == subject.id)
    else:
        query = query.where(unregistered_condition() & (Request.subject_name == subject.name))
    return KeysetPager(query, [Request.created_at, Request.id], descending=True, convert=to_request_row,
                       key_of=lambda row: (row.created_at, row.id))


# --- one request ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestDetail:
    """Everything about one request ("Vedi Richiesta", and the form of "Varia")."""

    id: int
    subject: Subject
    phone: str
    mobile: str
    email: str
    description: str
    request_type: str
    destinations: str
    recontact_date: date | None
    operator: str
    is_open: bool
    outcome_name: str
    outcome_colour: str
    created_at: datetime
    closed_at: datetime | None
    activity_count: int

    @property
    def type_label(self) -> str:
        return request_type_label(self.request_type)


def get_request(request_id: int) -> RequestDetail:
    """The request with this id; CrmError when it no longer exists."""
    request = _existing(request_id)
    subject = _subject_of(request)
    outcome = request.last_outcome
    operator = request.operator
    return RequestDetail(
        id=request.id,
        subject=subject,
        phone=request.phone,
        mobile=request.mobile,
        email=request.email,
        description=request.description,
        request_type=request.request_type,
        destinations=request.destinations,
        recontact_date=request.recontact_date,
        operator=operator.username if operator else "",
        is_open=request.is_open,
        outcome_name=outcome.name if outcome else "",
        outcome_colour=outcome.colour if outcome else "",
        created_at=request.created_at,
        closed_at=request.closed_at,
        activity_count=Activity.select().where(Activity.request == request.id).count(),
    )


def _existing(request_id: int) -> Request:
    request = Request.get_or_none(Request.id == request_id)
    if request is None:
        raise CrmError("la richiesta non esiste più (eliminata da un altro terminale?)")
    return request


def _subject_of(request: Request) -> Subject:
    if request.client_id:
        return subject_of_client(request.client)
    if request.contact_id:
        return subject_of_contact(request.contact)
    return Subject(UNREGISTERED, request.id, request.subject_name, "", request.phone, request.mobile, request.email)


@dataclass
class RequestInput:
    """What the "Nuova Richiesta" form sends."""

    #: the contact field as typed (a name, or a client's code)
    subject_text: str
    description: str
    #: the subject picked from the list, if one was
    subject: Subject | None = None
    phone: str = ""
    mobile: str = ""
    email: str = ""
    request_type: str = "call"
    destinations: str = ""
    recontact_date: date | None = None
    #: the operator's username (empty: the one saving)
    operator: str = ""


def _resolve_subject(data: RequestInput) -> tuple[Client | None, Contact | None, str]:
    """(client, contact, subject name) of a request; CrmError for an unknown subject."""
    picked = data.subject
    if picked is not None and picked.kind == CLIENT:
        client = Client.get_or_none(Client.id == picked.id)
        if client is None:
            raise CrmError(f"il cliente {picked.name} non esiste più", "subject")
        return client, None, client.name
    if picked is not None and picked.kind == CONTACT:
        contact = Contact.get_or_none(Contact.id == picked.id)
        if contact is None:
            raise CrmError(f"il contatto {picked.name} non esiste più", "subject")
        return None, contact, contact.name
    text = (picked.name if picked is not None else data.subject_text or "").strip()
    if not text:
        raise CrmError("indicare chi ha fatto la richiesta", "subject")
    if text.isdigit():
        # only digits: a client's code, typed instead of the name
        code = normalize_code(text)
        client = Client.get_or_none(Client.code == code)
        if client is None:
            raise CrmError(f"nessun cliente con codice {code}: sceglierlo dall'elenco o scrivere un nome", "subject")
        return client, None, client.name
    name = normalize_subject_name(text)
    if len(name) > Request.subject_name.max_length:
        raise CrmError(f"nome troppo lungo (al massimo {Request.subject_name.max_length} caratteri)", "subject")
    return None, None, name


def check_recontact(value: date | None, today: date, field: str = "recontact_date") -> None:
    """CrmError when a recontact date has already passed (today is fine)."""
    if value is not None and value < today:
        raise CrmError(
            f"la data di ricontatto {format_date(value)} è già passata (oggi è {format_date(today)})", field
        )


def request_problems(data: RequestInput, today: date, stored_recontact: date | None = None,
                     *, new: bool = True) -> list[CrmError]:
    """Every reason the form's data cannot be saved, in the order of the form's fields (empty
    when it can): the operator sees them all after one F10, not one per press."""
    problems: list[CrmError] = []

    def check(step):
        try:
            return step()
        except CrmError as exc:
            problems.append(exc)
            return None

    check(lambda: _resolve_subject(data))
    if not (data.description or "").strip():
        problems.append(CrmError("la descrizione della richiesta è obbligatoria", "description"))
    check(lambda: checked_mobile(data.mobile))
    check(lambda: checked_email(data.email))
    if data.request_type not in REQUEST_TYPES:
        problems.append(CrmError("scegliere il tipo di richiesta", "request_type"))
    # A date already stored may have passed since: only a date being set must be ahead.
    if new or data.recontact_date != stored_recontact:
        check(lambda: check_recontact(data.recontact_date, today))
    return problems


def _apply(request: Request, data: RequestInput, operator_username: str, today: date, *, new: bool) -> None:
    problems = request_problems(data, today, request.recontact_date, new=new)
    if problems:
        raise CrmErrors(problems)
    client, contact, name = _resolve_subject(data)
    description = (data.description or "").strip()
    mobile = checked_mobile(data.mobile)
    email = checked_email(data.email)
    request.client = client
    request.contact = contact
    request.subject_name = name
    request.phone = (data.phone or "").strip()
    request.mobile = mobile
    request.email = email
    request.description = description
    request.request_type = data.request_type
    request.destinations = " ".join((data.destinations or "").split())
    request.recontact_date = data.recontact_date
    request.operator = current_operator(data.operator or operator_username)


def create_request(data: RequestInput, operator_username: str, today: date | None = None) -> RequestRow:
    """Write down a new request; it starts open, with the default outcome."""
    today = today or date.today()
    with database_proxy.atomic():
        request = Request()
        _apply(request, data, operator_username, today, new=True)
        request.last_outcome = default_outcome()
        request.is_open = True
        request.save()
    return _row_of(request.id)


def update_request(request_id: int, data: RequestInput, operator_username: str, today: date | None = None) -> RequestRow:
    """Change a request ("Varia"); its activities and outcome stay."""
    today = today or date.today()
    with database_proxy.atomic():
        request = _existing(request_id)
        _apply(request, data, operator_username, today, new=False)
        request.save()
    return _row_of(request.id)


def delete_request(request_id: int) -> None:
    """Delete a request and its activities ("Elimina"; the mask asks first)."""
    with database_proxy.atomic():
        Activity.delete().where(Activity.request == request_id).execute()
        Request.delete().where(Request.id == request_id).execute()


def _row_of(request_id: int) -> RequestRow:
    return to_request_row(request_rows_query().where(Request.id == request_id).get())


# --- activities -----------------------------------------------------------------------------------


@dataclass
class ActivityInput:
    """What the "Gestisci" dialog sends."""

    request_id: int
    activity_date: date | None
    description: str
    outcome_id: int | None = None
    next_recontact: date | None = None


@dataclass(frozen=True)
class ActivityResult:
    """What adding an activity did to its request."""

    activity_id: int
    request_id: int
    outcome_name: str
    closed: bool
    reopened: bool


def add_activity(data: ActivityInput, operator_username: str, today: date | None = None) -> ActivityResult:
    """Record an activity on a request ("Gestisci").

    The outcome becomes the request's last outcome; positive or negative closes the request,
    any other keeps it open (or reopens it). The next recontact becomes the request's
    recontact date: the recontact this activity answered is done.
    """
    today = today or date.today()
    description = (data.description or "").strip()
    if data.activity_date is None:
        raise CrmError("la data dell'attività è obbligatoria", "activity_date")
    if data.activity_date > today:
        raise CrmError(
            "la data dell'attività non può essere futura: per fissare un appuntamento usare "
            "il prossimo ricontatto",
            "activity_date",
        )
    if not description:
        raise CrmError("descrivere l'attività svolta", "description")
    check_recontact(data.next_recontact, today, "next_recontact")
    with database_proxy.atomic():
        request = _existing(data.request_id)
        outcome = None
        if data.outcome_id is not None:
            outcome = Outcome.get_or_none(Outcome.id == data.outcome_id)
            if outcome is None:
                raise CrmError("l'esito scelto non esiste più", "outcome")
        closing = outcome is not None and closes_request(outcome.group)
        if closing and data.next_recontact is not None:
            raise CrmError(
                f"l'esito '{outcome.name}' chiude la richiesta: togliere il prossimo ricontatto",
                "next_recontact",
            )
        operator = current_operator(operator_username)
        activity = Activity.create(
            request=request,
            activity_date=data.activity_date,
            description=description,
            outcome=outcome,
            next_recontact=data.next_recontact,
            operator=operator,
        )
        was_open = request.is_open
        if outcome is not None:
            request.last_outcome = outcome
            request.is_open = not closing
            request.closed_at = now() if closing else None
        if request.is_open:
            request.recontact_date = data.next_recontact
        request.save()
    return ActivityResult(
        activity_id=activity.id,
        request_id=request.id,
        outcome_name=outcome.name if outcome else "",
        closed=closing,
        reopened=not was_open and request.is_open,
    )


@dataclass(frozen=True)
class ActivityRow:
    """One activity as "Storico" shows it."""

    id: int
    activity_date: date
    description: str
    outcome_name: str
    outcome_colour: str
    outcome_group: str
    next_recontact: date | None
    operator: str


def activities_pager(request_id: int) -> KeysetPager[ActivityRow]:
    """The activities of a request in the order they were done ("Storico")."""
    query = (
        Activity.select(
            Activity.id,
            Activity.activity_date,
            Activity.description,
            Activity.next_recontact,
            *outcome_and_operator_columns(),
        )
        .join(Outcome, JOIN.LEFT_OUTER, on=(Activity.outcome == Outcome.id))
        .switch(Activity)
        .join(Operator, JOIN.LEFT_OUTER, on=(Activity.operator == Operator.id))
        .where(Activity.request == request_id)
        .dicts()
    )

    def convert(values: dict[str, Any]) -> ActivityRow:
        return ActivityRow(
            id=values["id"],
            activity_date=_as_date(values["activity_date"]),
            description=values["description"] or "",
            outcome_name=values.get("outcome_name") or "",
            outcome_colour=values.get("outcome_colour") or "",
            outcome_group=values.get("outcome_group") or "",
            next_recontact=_as_date(values["next_recontact"]),
            operator=values.get("operator_username") or "",
        )

    return KeysetPager(query, [Activity.activity_date, Activity.id], convert=convert,
                       key_of=lambda row: (row.activity_date, row.id))


def proposed_outcome_id(request_id: int) -> int | None:
    """The outcome "Gestisci" proposes for a request: the one it is at now.

    Proposing the default ("Da contattare") would set a request at "Preventivo inviato" back
    when the operator only adds a note. An obsolete or missing outcome falls back to the
    default, which is what a new request starts with.
    """
    request = Request.get_or_none(Request.id == request_id)
    outcome = None
    if request is not None and request.last_outcome_id is not None:
        outcome = Outcome.get_or_none((Outcome.id == request.last_outcome_id) & (Outcome.obsolete == False))  # noqa: E712
    if outcome is None:
        outcome = default_outcome()
    return outcome.id if outcome is not None else None


# --- operators and SMS ------------------------------------------------------------------------------


def operator_usernames() -> list[str]:
    """Every operator's username, in order (the operator fields; a handful of staff)."""
    return [o.username for o in Operator.select(Operator.username).order_by(Operator.username)]


def request_sms_draft(request_id: int) -> SmsDraft:
    """The single SMS to a request's subject ("Invia SMS" from a request).

    A client is the recipient "Cliente" (by code, with the client's mobile); a contact or an
    unregistered subject is "Altro", with the mobile typed on the request (or the contact's).
    """
    request = _existing(request_id)
    if request.client_id:
        client = request.client
        return SmsDraft(
            recipient_kind=SMS_CLIENT,
            client_code=client.code,
            name=client.name,
            mobile=client.mobile or request.mobile,
        )
    if request.contact_id:
        contact = request.contact
        return SmsDraft(recipient_kind=SMS_OTHER, name=contact.name, mobile=request.mobile or contact.mobile)
    return SmsDraft(recipient_kind=SMS_OTHER, name=request.subject_name, mobile=request.mobile)


__all__ = [
    "ActivityInput",
    "ActivityResult",
    "ActivityRow",
    "RequestDetail",
    "RequestFilter",
    "RequestInput",
    "RequestRow",
    "activities_pager",
    "add_activity",
    "check_recontact",
    "create_request",
    "delete_request",
    "get_request",
    "history_pager",
    "open_requests_pager",
    "operator_usernames",
    "request_sms_draft",
    "subject_requests_pager",
    "update_request",
]
