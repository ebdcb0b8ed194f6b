"""Questions about clients: find them as you type, open one, save it, delete it.

A client is a person (birth date, fiscal code) or a company (VAT number, the date the business
started, extra mobiles, a legal representative who is a person client). Saving checks the
fiscal code and the VAT number of Italian clients, stores the mobile in E.164 and records
whether it is a mobile at all (a landline is kept, and shown as not sendable), all in one
transaction with the client's extra mobiles and preferences.

Deleting a client keeps what belongs to the agency: its preferences stay (only the links go),
its SMS stay readable (a message keeps the name and number it was sent to); a client with
practices cannot be deleted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from peewee import IntegrityError, fn

from pegaso_tui.db.connection import is_sqlite
from pegaso_tui.db.models import (
    COMPANY,
    PERSON,
    Client,
    ClientMobile,
    ClientPreference,
    Message,
    Practice,
    Preference,
    database_proxy,
    normalize_code,
)
from pegaso_tui.db.pair_counts import count_holding
from pegaso_tui.db.paging import KeysetPager, LazyKeysetPager
from pegaso_tui.db.records import (
    InvalidRecord,
    RecordChanged,
    RecordInUse,
    RecordNotFound,
    check_email,
    clean,
)
from pegaso_tui.db.search import (
    client_index_query,
    client_search,
    contains_all,
    count_client_index,
    has_short_word,
    only_short_words,
    pg_client_search,
    pg_count_short_words,
    words,
)
from pegaso_tui.sms.phone import LETTERS_REASON, typed_badly


def clients_pager(search: str | None = None, *, kind: str | None = None) -> KeysetPager[Client]:
    """Clients in code order whose code, name, mobile, phone, city or email contain every
    word of ``search`` (all clients when it is empty); only persons or companies with ``kind``."""
    found = client_index_query(search)
    if found is None and not is_sqlite() and has_short_word(search):
        # its GIN trigram index serves LIKE, but not a word of one or two letters; the count
        # of one such word is a sum of the counts per pair (schema 10); of several, the index
        # of pairs answers, common words too
        typed = words(search)
        counter = None
        if len(typed) == 1:
            counter = lambda: count_holding(database_proxy.obj, typed[0], kind)  # noqa: E731
        elif only_short_words(search):
            counter = partial(pg_count_short_words, _clients_query(None, kind), Client.search_text, search)
        return LazyKeysetPager(lambda: _clients_query(pg_client_search(Client.search_text, search), kind),
                               [Client.code], counter=counter)
    if found is None:  # nothing typed, or PostgreSQL with long words only
        return KeysetPager(_clients_query(contains_all(Client.search_text, search), kind), [Client.code])
    counter = None
    if kind is None and found.complete:
        # the index answers every word: it counts the matches without reading clients
        counter = lambda: count_client_index(found)  # noqa: E731
    return LazyKeysetPager(
        lambda: _clients_query(client_search(Client.search_text, Client.id, search), kind),
        [Client.code], counter=counter,
    )


def _clients_query(condition, kind: str | None):
    query = Client.select()
    if condition is not None:
        query = query.where(condition)
    if kind is not None:
        query = query.where(Client.kind == kind)
    return query


def persons_pager(search: str | None = None) -> KeysetPager[Client]:
    """Person clients only: who can be a company's legal representative."""
    return clients_pager(search, kind=PERSON)


def client_by_code(code: str) -> Client | None:
    """The client with this code (``2`` finds ``0000002``), or None."""
    return Client.get_or_none(Client.code == normalize_code(code))


def next_client_code() -> str:
    """The code a new client is offered (the registry's and the CRM's): the highest all-digit
    code plus one (``0000281`` after ``0000280``)."""
    width = len(normalize_code("1"))
    candidates = (
        Client.select(Client.code)
        .where((fn.LENGTH(Client.code) == width) & Client.code.between("0" * width, "9" * width))
        .order_by(Client.code.desc())
        .limit(100)
        .tuples()
    )
    for (code,) in candidates:
        if code.isdigit():
            return str(int(code) + 1).zfill(width)
    return "1".zfill(width)


# --- the card: everything the form shows ---------------------------------------------------------


@dataclass
class ClientData:
    """What the client form edits (the names of the model's fields)."""

    code: str = ""
    name: str = ""
    kind: str = PERSON
    first_name: str = ""
    last_name: str = ""
    address: str = ""
    zip: str = ""
    city: str = ""
    province: str = ""
    country: str = "ITALIA"
    fiscal_code: str = ""
    vat_number: str = ""
    phone: str = ""
    mobile: str = ""
    email: str = ""
    birth_date: date | None = None
    business_started: date | None = None
    legal_representative: str = ""  # the representative's client code
    walk_in: bool = False
    sms_practices: bool = False
    sms_promo: bool = False
    email_consent: bool = False  # given, never presumed (GDPR)
    travel_agency: bool = False
    private: bool = False
    notes: str = ""
    extra_mobiles: list[str] = field(default_factory=list)
    preference_ids: list[int] = field(default_factory=list)


#: The plain fields copied between ClientData and the model.
_PLAIN_FIELDS = (
    "code", "name", "kind", "first_name", "last_name", "address", "zip", "city", "province",
    "country", "fiscal_code", "vat_number", "phone", "mobile", "email", "birth_date",
    "business_started", "walk_in", "sms_practices", "sms_promo", "email_consent",
    "travel_agency", "private", "notes",
)


@dataclass
class ClientCard:
    """A client as the form opens it, with ``version`` to detect a concurrent change."""

    id: int | None
    data: ClientData
    version: str
    legal_representative_name: str = ""


def _version(client: Client) -> str:
    """A fingerprint of the stored row: if it differs at save time, someone else saved."""
    values = sorted((k, str(v)) for k, v in client.__data__.items())
    return hashlib.sha1(repr(values).encode()).hexdigest()


def client_card(client_id: int) -> ClientCard:
    """The client with its extra mobiles and preferences (RecordNotFound when deleted)."""
    client = Client.get_or_none(Client.id == client_id)
    if client is None:
        raise RecordNotFound("il cliente non esiste più (eliminato da un altro operatore?)")
    data = ClientData(**{name: getattr(client, name) for name in _PLAIN_FIELDS})
    data.extra_mobiles = [
        m.mobile for m in ClientMobile.select().where(ClientMobile.client == client).order_by(ClientMobile.id)
    ]
    data.preference_ids = [
        pid for (pid,) in ClientPreference.select(ClientPreference.preference)
        .where(ClientPreference.client == client).tuples()
    ]
    rep_name = ""
    if client.legal_representative_id:
        rep = Client.get_or_none(Client.id == client.legal_representative_id)
        if rep is not None:
            data.legal_representative = rep.code
            rep_name = rep.name
    return ClientCard(client.id, data, _version(client), rep_name)


def new_client_card() -> ClientCard:
    """An empty card for "Nuovo", with the next free code."""
    return ClientCard(None, ClientData(code=next_client_code()), "")


# --- checks ------------------------------------------------------------------------------------


def check_client(data: ClientData) -> tuple[ClientData, dict[str, str]]:
    """The data as it would be stored, and the errors by field (empty when it can be saved).

    Runs without the database, so a form can check a field as it is left.
    """
    data = ClientData(**{k: getattr(data, k) for k in data.__dataclass_fields__})
    for name in ("code", "name", "first_name", "last_name", "address", "zip", "city",
                 "province", "country", "phone", "mobile", "email", "notes"):
        setattr(data, name, clean(getattr(data, name)))
    data.code = normalize_code(data.code)
    data.province = data.province.upper()
    data.country = data.country.upper() or "ITALIA"
    data.legal_representative = normalize_code(data.legal_representative)
    data.extra_mobiles = [m.strip() for m in data.extra_mobiles if m and m.strip()]
    errors: dict[str, str] = {}
    if data.kind not in (PERSON, COMPANY):
        errors["kind"] = "tipo di cliente sconosciuto"
    person = data.kind == PERSON
    if person and not data.name and (data.last_name or data.first_name):
        data.name = f"{data.last_name} {data.first_name}".strip().upper()
    if not data.code:
        errors["code"] = "codice obbligatorio"
    if not data.name:
        errors["name"] = "ragione sociale obbligatoria"
    if person:
        # A person has no VAT number, start date, extra mobiles or representative.
        data.vat_number, data.business_started = "", None
        data.legal_representative, data.extra_mobiles = "", []
    else:
        data.birth_date = None
    # imported here: python-stdnum costs 20 ms to import, and every list of the CRM (the home
    # agenda first of all) imports this module without ever checking a tax id (issue 17)
    from pegaso_tui.db.tax_ids import check_fiscal_code, check_vat_number, is_italy

    italy = is_italy(data.country)
    fiscal = check_fiscal_code(data.fiscal_code, country=data.country, birth_date=data.birth_date)
    data.fiscal_code = fiscal.value
    if fiscal.error:
        errors["fiscal_code"] = fiscal.error
    vat = check_vat_number(data.vat_number, country=data.country)
    data.vat_number = vat.value
    if vat.error:
        errors["vat_number"] = vat.error
    if italy and data.zip and not (data.zip.isdigit() and len(data.zip) == 5):
        errors["zip"] = "il CAP ha 5 cifre"
    if italy and data.province and not (data.province.isalpha() and len(data.province) == 2):
        errors["province"] = "la provincia è una sigla di 2 lettere (es. VR)"
    email_error = check_email(data.email)
    if email_error:
        errors["email"] = email_error
    if data.mobile and typed_badly(data.mobile):
        # a landline or an impossible number is kept (flagged), but letters are a typo that
        # the keypad mapping would turn into someone else's number: refused
        errors["mobile"] = LETTERS_REASON
    if data.birth_date and data.birth_date > date.today():
        errors["birth_date"] = "data di nascita nel futuro"
    if data.legal_representative and data.legal_representative == data.code:
        errors["legal_representative"] = "un'azienda non può rappresentare se stessa"
    return data, errors


# --- saving and deleting --------------------------------------------------------------------------


def save_client(data: ClientData, client_id: int | None = None, version: str = "") -> Client:
    """Create (``client_id`` None) or update a client with its extra mobiles and preferences.

    Raises InvalidRecord (errors by field) for bad input or a code already taken,
    RecordChanged when ``version`` no longer matches (someone else saved meanwhile) and
    RecordNotFound when the client was deleted.
    """
    data, errors = check_client(data)
    if errors:
        raise InvalidRecord(errors)
    db = database_proxy.obj
    with db.atomic():
        if client_id is None:
            client = Client()
        else:
            query = Client.select().where(Client.id == client_id)
            if not is_sqlite():
                query = query.for_update()  # SQLite's write transaction already serialises
            client = query.first()
            if client is None:
                raise RecordNotFound("il cliente non esiste più (eliminato da un altro operatore?)")
            if version and _version(client) != version:
                raise RecordChanged(
                    "il cliente è stato modificato da un altro operatore: chiudere e riaprire la scheda"
                )
        taken = Client.get_or_none((Client.code == data.code) & (Client.id != (client_id or 0)))
        if taken is not None:
            raise InvalidRecord({"code": f"codice già usato da {taken.name}"})
        representative = None
        if data.legal_representative:
            representative = client_by_code(data.legal_representative)
            if representative is None:
                raise InvalidRecord({"legal_representative": "cliente inesistente"})
            if representative.kind != PERSON:
                raise InvalidRecord(
                    {"legal_representative": "il rappresentante legale deve essere una persona fisica"}
                )
        for name in _PLAIN_FIELDS:
            setattr(client, name, getattr(data, name))
        client.legal_representative = representative
        try:
            client.save()
        except IntegrityError:  # the same code saved by another terminal a moment ago
            raise InvalidRecord({"code": "codice già usato"}) from None
        _replace_extra_mobiles(client, data.extra_mobiles)
        _replace_preferences(client, data.preference_ids)
    return client


def _replace_extra_mobiles(client: Client, mobiles: list[str]) -> None:
    ClientMobile.delete().where(ClientMobile.client == client).execute()
    for mobile in mobiles:
        ClientMobile.create(client=client, mobile=mobile)


def _replace_preferences(client: Client, preference_ids: list[int]) -> None:
    wanted = set(preference_ids)
    existing = {
        pid for (pid,) in ClientPreference.select(ClientPreference.preference)
        .where(ClientPreference.client == client).tuples()
    }
    if existing - wanted:
        ClientPreference.delete().where(
            (ClientPreference.client == client) & ClientPreference.preference.in_(existing - wanted)
        ).execute()
    added = wanted - existing
    if not added:
        return
    # a preference deleted meanwhile by another operator is skipped, not an error
    still_there = Preference.select(Preference.id).where(Preference.id.in_(added)).tuples()
    for pid in sorted(pid for (pid,) in still_there):
        ClientPreference.create(client=client, preference=pid)


@dataclass(frozen=True)
class ClientUsage:
    """What refers to a client: asked before deleting it."""

    practices: int
    messages: int
    preferences: int
    represented: int  # companies it represents

    def delete_question(self, name: str) -> str:
        """The question the list asks before deleting (Italian)."""
        lines = [f"Eliminare il cliente {name}?"]
        if self.preferences:
            lines.append(f"Le sue {self.preferences} preferenze restano disponibili per gli altri clienti.")
        if self.messages:
            lines.append(f"I suoi {self.messages} SMS restano nello storico con nome e numero.")
        if self.represented:
            lines.append(f"Non sarà più il rappresentante legale di {self.represented} aziende.")
        return "\n".join(lines)


def client_usage(client_id: int) -> ClientUsage:
    """How many practices, messages, preferences and represented companies a client has."""
    return ClientUsage(
        practices=Practice.select().where(Practice.client == client_id).count(),
        messages=Message.select().where(Message.client == client_id).count(),
        preferences=ClientPreference.select().where(ClientPreference.client == client_id).count(),
        represented=Client.select().where(Client.legal_representative == client_id).count(),
    )


def delete_client(client_id: int) -> None:
    """Delete a client; its preferences and its SMS history stay.

    Raises RecordInUse (with the count) when the client has practices, RecordNotFound when it
    is already gone.
    """
    with database_proxy.obj.atomic():
        practices = Practice.select().where(Practice.client == client_id).count()
        if practices:
            raise RecordInUse(
                f"il cliente ha {practices} {'pratica' if practices == 1 else 'pratiche'}: "
                "non può essere eliminato"
            )
        deleted = Client.delete().where(Client.id == client_id).execute()
    if not deleted:
        raise RecordNotFound("il cliente non esiste più")
