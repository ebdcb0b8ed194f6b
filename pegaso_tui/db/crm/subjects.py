"""Who a request is from: a client, a CRM contact, or a subject not registered yet.

The contact field of "Nuova Richiesta" and the "Cerca Soggetto" mask search the three at once,
by substring, as you type ("ros" finds ROSSI and PROSPERI): clients and contacts by their
``search_text``, unregistered subjects among the requests that have neither client nor contact,
each name shown once (seed 002 lists them as "richiesta").

How it stays fast (``make bench``: 100,000 clients and 100,000 requests, < 50 ms a keystroke):
a substring ``LIKE '%x%'`` cannot seek in a B-tree, but it can be checked on a *narrow
covering index read in display order*. ``client(name, id, search_text)``,
``contact(name, id, search_text)`` and ``request(client, contact, subject_name, search_text)``
hold everything the condition and the order need, so each branch reads its index in name
order and stops at the page size: a common fragment ("r") stops after a few dozen entries, a
rare one ("34012") reads one index instead of the wide table. The three branches, each
limited, are merged by one ``UNION ALL ... ORDER BY ... LIMIT`` in the database, whose
collation decides the order on SQLite and PostgreSQL alike. Results page by keyset on
(name, kind, id) like every other list. No extension (FTS5, pg_trgm) is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from peewee import SQL, Case, IntegrityError, Select, Value, fn

from pegaso_tui.db.clients import next_client_code
from pegaso_tui.db.crm.errors import CrmError
from pegaso_tui.db.crm.kinds import CLIENT, CONTACT, KIND_LABELS, UNREGISTERED
from pegaso_tui.db.models import (
    PERSON,
    Client,
    Contact,
    Request,
    database_proxy,
    normalize_code,
)
from pegaso_tui.db.paging import Page
from pegaso_tui.db.search import contains_all
from pegaso_tui.sms.phone import INVALID, LANDLINE, check_mobile

#: The order of kinds for the same name: clients first, then contacts, then the others.
KIND_RANK = {CLIENT: 1, CONTACT: 2, UNREGISTERED: 3}
RANK_KIND = {rank: kind for kind, rank in KIND_RANK.items()}

@dataclass(frozen=True)
class Subject:
    """A subject as the lists show it. ``id`` is the client's or the contact's id; for an
    unregistered subject it is its latest request's id (the name is what identifies it)."""

    kind: str
    id: int
    name: str
    code: str = ""
    phone: str = ""
    mobile: str = ""
    email: str = ""

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def key(self) -> tuple:
        """The keyset position of the subject in a search result."""
        return (self.name, KIND_RANK[self.kind], self.id)


def normalize_subject_name(text: str | None) -> str:
    """A name as the agency writes it: single spaces, upper case (``rossi  mario`` is
    ``ROSSI MARIO``), so that one caller typed twice is one unregistered subject."""
    return " ".join((text or "").split()).upper()


def unregistered_condition():
    """Requests whose subject is neither a client nor a contact."""
    return Request.client.is_null() & Request.contact.is_null()


# --- the search ---------------------------------------------------------------------------------


class SubjectPager:
    """Pages through the subjects matching a search, ordered by (name, kind, id).

    The same interface as ``KeysetPager`` (first/last/after/before/count/key_of), so the
    paged table and the lookup dialog show it like any other list.
    """

    def __init__(self, text: str | None = None) -> None:
        self.text = text or ""

    # -- the four ways to get a page ---------------------------------------------------------

    def first(self, size: int) -> Page[Subject]:
        rows = self._fetch(None, forward=True, size=size + 1)
        return Page(rows[:size], at_start=True, at_end=len(rows) <= size)

    def last(self, size: int) -> Page[Subject]:
        rows = self._fetch(None, forward=False, size=size + 1)
        page = rows[:size]
        page.reverse()
        return Page(page, at_start=len(rows) <= size, at_end=True)

    def after(self, key: tuple, size: int, inclusive: bool = False) -> Page[Subject]:
        rows = self._fetch(key, forward=True, size=size + 1, inclusive=inclusive)
        return Page(rows[:size], at_start=False, at_end=len(rows) <= size)

    def before(self, key: tuple, size: int) -> Page[Subject]:
        rows = self._fetch(key, forward=False, size=size + 1)
        page = rows[:size]
        page.reverse()
        return Page(page, at_start=len(rows) <= size, at_end=False)

    def count(self) -> int:
        """How many subjects match (three counts; a broad search reads every index once)."""
        total = 0
        for model in (Client, Contact):
            query = model.select()
            condition = contains_all(model.search_text, self.text)
            if condition is not None:
                query = query.where(condition)
            total += query.count()
        names = Request.select(fn.COUNT(Request.subject_name.distinct())).where(unregistered_condition())
        condition = contains_all(Request.search_text, self.text)
        if condition is not None:
            names = names.where(condition)
        return total + (names.scalar() or 0)

    @staticmethod
    def key_of(subject: Subject) -> tuple:
        return subject.key

    # -- the query behind them ----------------------------------------------------------------

    def _fetch(self, key: tuple | None, *, forward: bool, size: int, inclusive: bool = False) -> list[Subject]:
        branches = [
            self._registered(Client, CLIENT, key, forward, size, inclusive),
            self._registered(Contact, CONTACT, key, forward, size, inclusive),
            self._unregistered(key, forward, size, inclusive),
        ]
        union = branches[0]
        for branch in branches[1:]:
            union = union.union_all(branch)
        direction = "ASC" if forward else "DESC"
        union = union.order_by(
            SQL(f"name {direction}"), SQL(f"kind_rank {direction}"), SQL(f"id {direction}")
        ).limit(size)
        return _with_details(list(union.bind(database_proxy).dicts()))

    def _bound(self, name_field, id_field, kind: str, key: tuple | None, forward: bool, inclusive: bool):
        """The part of this branch beyond ``key`` in the (name, kind, id) order."""
        if key is None:
            return None
        name, rank, last_id = key
        mine = KIND_RANK[kind]
        after = (lambda a, b: a > b) if forward else (lambda a, b: a < b)
        reached = (lambda a, b: a >= b) if forward else (lambda a, b: a <= b)
        if mine == rank:
            if kind == UNREGISTERED:  # one row per name
                return reached(name_field, name) if inclusive else after(name_field, name)
            step = reached(id_field, last_id) if inclusive else after(id_field, last_id)
            return reached(name_field, name) & (after(name_field, name) | ((name_field == name) & step))
        later_kind = mine > rank if forward else mine < rank
        return reached(name_field, name) if later_kind else after(name_field, name)

    def _registered(self, model, kind: str, key, forward: bool, size: int, inclusive: bool) -> Select:
        # Only the indexed columns: the database reads the covering index alone (an index-only
        # scan on PostgreSQL); the page's other columns come after, by id.
        query = model.select(
            Value(KIND_RANK[kind]).alias("kind_rank"), model.id.alias("id"), model.name.alias("name")
        )
        for condition in (contains_all(model.search_text, self.text), self._bound(model.name, model.id, kind, key, forward, inclusive)):
            if condition is not None:
                query = query.where(condition)
        order = (model.name.asc(), model.id.asc()) if forward else (model.name.desc(), model.id.desc())
        return _wrapped(query.order_by(*order).limit(size), kind)

    def _unregistered(self, key, forward: bool, size: int, inclusive: bool) -> Select:
        query = Request.select(
            Value(KIND_RANK[UNREGISTERED]).alias("kind_rank"),
            fn.MAX(Request.id).alias("id"),
            Request.subject_name.alias("name"),
        ).where(unregistered_condition())
        for condition in (contains_all(Request.search_text, self.text), self._bound(Request.subject_name, None, UNREGISTERED, key, forward, inclusive)):
            if condition is not None:
                query = query.where(condition)
        order = Request.subject_name.asc() if forward else Request.subject_name.desc()
        return _wrapped(query.group_by(Request.subject_name).order_by(order).limit(size), UNREGISTERED)


def _wrapped(query: Select, kind: str) -> Select:
    """A limited branch as a subquery: a compound SELECT may not limit its members directly."""
    sub = query.alias(f"subjects_{kind}")
    return Select([sub], [SQL("*")])


def _with_details(rows: list[dict[str, Any]]) -> list[Subject]:
    """The page's subjects with code, phone, mobile and e-mail: one query per kind (an
    unregistered subject's are the latest typed on its requests)."""
    ids: dict[int, list[int]] = {rank: [] for rank in RANK_KIND}
    for row in rows:
        ids[int(row["kind_rank"])].append(int(row["id"]))
    details: dict[tuple[int, int], tuple[str, str, str, str]] = {}
    sources = (
        (CLIENT, Client, Client.code),
        (CONTACT, Contact, Value("")),
    )
    for kind, model, code in sources:
        wanted = ids[KIND_RANK[kind]]
        if wanted:
            query = model.select(model.id, code.alias("code"), model.phone, model.mobile, model.email)
            for found in query.where(model.id.in_(wanted)).tuples():
                details[(KIND_RANK[kind], found[0])] = tuple(v or "" for v in found[1:])  # type: ignore[assignment]
    unregistered = unregistered_details([row["name"] for row in rows if int(row["kind_rank"]) == KIND_RANK[UNREGISTERED]])
    for name, (phone, mobile, email) in unregistered.items():
        details[(KIND_RANK[UNREGISTERED], name)] = ("", phone, mobile, email)  # type: ignore[index]
    subjects = []
    for row in rows:
        rank, id_ = int(row["kind_rank"]), int(row["id"])
        key = (rank, row["name"]) if rank == KIND_RANK[UNREGISTERED] else (rank, id_)
        code, phone, mobile, email = details.get(key, ("", "", "", ""))  # type: ignore[arg-type]
        subjects.append(Subject(RANK_KIND[rank], id_, row["name"] or "", code, phone, mobile, email))
    return subjects


def unregistered_details(names: list[str]) -> dict[str, tuple[str, str, str]]:
    """(phone, mobile, e-mail) of unregistered subjects: for each, the latest one typed on
    any of its requests (a later call may have come without the e-mail given before).

    One grouped query finds, per name, the latest request with each field filled in; a
    second reads those few requests. A caller with many requests costs no more rows."""
    if not names:
        return {}
    fields = (Request.phone, Request.mobile, Request.email)
    latest = [fn.MAX(Case(None, [(field != "", Request.id)], None)) for field in fields]
    groups = list(
        Request.select(Request.subject_name, *latest)
        .where(unregistered_condition() & Request.subject_name.in_(names))
        .group_by(Request.subject_name)
        .tuples()
    )
    wanted = {id_ for _, *ids in groups for id_ in ids if id_ is not None}
    values = {
        r.id: r
        for r in Request.select(Request.id, *fields).where(Request.id.in_(list(wanted)))
    } if wanted else {}
    details = {}
    for name, *ids in groups:
        details[name] = tuple(
            getattr(values[id_], field.name) if id_ in values else "" for id_, field in zip(ids, fields)
        )
    return details  # type: ignore[return-value]


def search_subjects(text: str | None = None) -> SubjectPager:
    """Clients, contacts and unregistered subjects whose name, code, phone, mobile or e-mail
    contain every word of ``text``, by name (everyone when ``text`` is empty)."""
    return SubjectPager(text)


def find_subject(kind: str, id_or_name: int | str) -> Subject | None:
    """A subject again, fresh from the database (None when it no longer exists).

    Clients and contacts are found by id; an unregistered subject by its name.
    """
    if kind == CLIENT:
        client = Client.get_or_none(Client.id == id_or_name)
        return None if client is None else subject_of_client(client)
    if kind == CONTACT:
        contact = Contact.get_or_none(Contact.id == id_or_name)
        return None if contact is None else subject_of_contact(contact)
    name = normalize_subject_name(str(id_or_name))
    latest = (
        Request.select()
        .where(unregistered_condition() & (Request.subject_name == name))
        .order_by(Request.id.desc())
        .first()
    )
    if latest is None:
        return None
    phone, mobile, email = unregistered_details([name])[name]
    return Subject(UNREGISTERED, latest.id, latest.subject_name, "", phone, mobile, email)


def subject_of_client(client: Client) -> Subject:
    return Subject(CLIENT, client.id, client.name, client.code, client.phone, client.mobile, client.email)


def subject_of_contact(contact: Contact) -> Subject:
    return Subject(CONTACT, contact.id, contact.name, "", contact.phone, contact.mobile, contact.email)


# --- checks shared with the requests -------------------------------------------------------------


def checked_mobile(text: str, field: str = "mobile") -> str:
    """A mobile as stored (E.164 when valid); CrmError for a number that is not a mobile."""
    text = (text or "").strip()
    if not text:
        return ""
    check = check_mobile(text)
    if check.status == INVALID:
        raise CrmError(f"cellulare non valido: '{text}'", field)
    if check.status == LANDLINE:
        raise CrmError(f"'{text}' è un numero fisso: scriverlo in Telefono", field)
    return check.stored


def checked_email(text: str, field: str = "email") -> str:
    """An e-mail address trimmed; CrmError when it cannot be one (no ``@`` or no domain)."""
    text = (text or "").strip()
    if not text:
        return ""
    local, at, domain = text.rpartition("@")
    if not at or not local or "." not in domain or " " in text:
        raise CrmError(f"indirizzo e-mail non valido: '{text}'", field)
    return text


# --- registering a subject ------------------------------------------------------------------------


@dataclass
class Registration:
    """What the "Registra" dialog sends: the subject's data as it will be kept."""

    name: str
    phone: str = ""
    mobile: str = ""
    email: str = ""
    #: for a client: its code (empty: the next free one), surname and first name ({nome})
    code: str = ""
    last_name: str = ""
    first_name: str = ""


def guess_names(name: str) -> tuple[str, str]:
    """(surname, first name) of ``ROSSI MARIO``: the last word is taken as the first name.

    Only a proposal for the dialog, which shows both to be corrected (``DE LUCA ANNA``)."""
    words = normalize_subject_name(name).split()
    if len(words) < 2:
        return (" ".join(words), "")
    return (" ".join(words[:-1]), words[-1])


def register_subject(subject: Subject, as_kind: str, data: Registration) -> Subject:
    """Register an unregistered subject (or promote a contact) as a contact or a client,
    without retyping: its requests move to the new record. Return the new subject.

    An unregistered subject may become a contact or a client; a contact may become a client
    (its requests follow it and the contact is removed). A client is registered already.
    A new client has given no SMS consent yet (both opt-ins off).
    """
    if as_kind not in (CLIENT, CONTACT):
        raise CrmError("scegliere se registrare come contatto o come cliente", "kind")
    if subject.kind == CLIENT:
        raise CrmError(f"{subject.name} è già un cliente ({subject.code})")
    if subject.kind == CONTACT and as_kind == CONTACT:
        raise CrmError(f"{subject.name} è già un contatto")
    name = normalize_subject_name(data.name)
    if not name:
        raise CrmError("il nome è obbligatorio", "name")
    if len(name) > Client.name.max_length:
        raise CrmError(f"nome troppo lungo (al massimo {Client.name.max_length} caratteri)", "name")
    mobile = checked_mobile(data.mobile)
    email = checked_email(data.email)
    phone = data.phone.strip()
    with database_proxy.atomic():
        if subject.kind == UNREGISTERED:
            moved = Request.select(Request.id).where(
                unregistered_condition() & (Request.subject_name == subject.name)
            )
        else:
            if Contact.get_or_none(Contact.id == subject.id) is None:
                raise CrmError("il contatto non esiste più (eliminato da un altro terminale?)")
            moved = Request.select(Request.id).where(Request.contact == subject.id)
        moved_ids = [r.id for r in moved]
        if not moved_ids and subject.kind == UNREGISTERED:
            raise CrmError(f"nessuna richiesta di {subject.name}: forse è già stato registrato")
        if as_kind == CONTACT:
            contact = Contact.create(name=name, phone=phone, mobile=mobile, email=email)
            _move_requests(moved_ids, contact=contact.id, client=None, name=name)
            return subject_of_contact(contact)
        client = _create_client(name, phone, mobile, email, data)
        _move_requests(moved_ids, contact=None, client=client.id, name=name)
        if subject.kind == CONTACT:
            contact = Contact.get_by_id(subject.id)
            if contact.notes:
                client.notes = contact.notes
                client.save()
            contact.delete_instance()
        return subject_of_client(client)


def _move_requests(ids: list[int], *, contact: int | None, client: int | None, name: str) -> None:
    """Point one subject's requests at its new record, under its (maybe corrected) name.

    Row by row through ``save``, so each request's search text follows the new name: a
    subject has a handful of requests, not thousands."""
    for start in range(0, len(ids), 500):  # stay under SQLite's limit of bound variables
        for request in Request.select().where(Request.id.in_(ids[start : start + 500])):
            request.client = client
            request.contact = contact
            request.subject_name = name
            request.save()


def _create_client(name: str, phone: str, mobile: str, email: str, data: Registration) -> Client:
    typed = normalize_code(data.code)
    fields = dict(
        name=name,
        kind=PERSON,
        phone=phone,
        mobile=mobile,
        email=email,
        last_name=" ".join(data.last_name.split()).upper(),
        first_name=" ".join(data.first_name.split()).upper(),
    )
    if typed:
        if Client.select().where(Client.code == typed).exists():
            raise CrmError(f"il codice cliente {typed} è già usato", "code")
        return Client.create(code=typed, **fields)
    # The next free code; another terminal may take it at the same moment: then try the next.
    for _ in range(5):
        code = next_client_code()
        try:
            with database_proxy.atomic():
                return Client.create(code=code, **fields)
        except IntegrityError:
            continue
    raise CrmError("impossibile assegnare un codice cliente: riprovare", "code")
