"""The data model (DESIGN.md, "Data model"): names in English, labels on screen in Italian.

Every model is bound to ``database_proxy``; ``pegaso_tui.db.connection.open_database`` points
it at SQLite or PostgreSQL. Some columns are derived from others and kept by
``Client.refresh_derived`` (and its siblings) so that selections stay single, indexed queries:
the mobile's status, the birthday as month*100+day, and a search text for find-as-you-type.
"""

from __future__ import annotations

from datetime import date, datetime

from peewee import (
    BooleanField,
    CharField,
    Check,
    CompositeKey,
    DatabaseProxy,
    DateField,
    DateTimeField,
    DecimalField,
    ForeignKeyField,
    IntegerField,
    Model,
    SmallIntegerField,
    TextField,
)

from pegaso_tui.sms.phone import MISSING, check_mobile

database_proxy = DatabaseProxy()

#: Client codes are seven digits in Pegaso (``0000002``); a code typed as ``2`` is the same.
CLIENT_CODE_WIDTH = 7


def normalize_code(code: str | None, width: int = CLIENT_CODE_WIDTH) -> str:
    """A code as stored: trimmed, upper case, and all-digit codes zero-padded to ``width``.

    This is what makes client codes "compare as codes" (CLI.md): ``2`` and ``0000002`` are
    one client, and ``0000002`` sorts before ``0000010``.
    """
    text = (code or "").strip().upper()
    if text.isdigit() and len(text) < width:
        return text.zfill(width)
    return text


def now() -> datetime:
    """The current local time, without microseconds (what the masks show)."""
    return datetime.now().replace(microsecond=0)


def search_text(*parts: object) -> str:
    """One lower-case string to search by substring: code, name, mobile, city, ..."""
    return " ".join(str(p).lower() for p in parts if p)


class BaseModel(Model):
    class Meta:
        database = database_proxy
        legacy_table_names = False


# --- People of the agency -------------------------------------------------------------------


class Operator(BaseModel):
    """A member of staff; every send and CRM action records who did it."""

    username = CharField(max_length=64, unique=True)
    name = CharField(max_length=120, default="")
    created_at = DateTimeField(default=now)


# --- Registry ---------------------------------------------------------------------------------

PERSON = "person"
COMPANY = "company"
CLIENT_KINDS = (PERSON, COMPANY)


class Client(BaseModel):
    """A customer: a person or a company ("Clienti")."""

    code = CharField(max_length=20, unique=True)
    name = CharField(max_length=200)  # ragione sociale
    kind = CharField(max_length=10, default=PERSON, constraints=[Check("kind in ('person', 'company')")])
    first_name = CharField(max_length=100, default="")  # {nome}
    last_name = CharField(max_length=100, default="")  # {cognome}
    address = CharField(max_length=200, default="")
    zip = CharField(max_length=10, default="")
    city = CharField(max_length=100, default="")
    province = CharField(max_length=4, default="")
    country = CharField(max_length=60, default="ITALIA")
    fiscal_code = CharField(max_length=20, default="")
    vat_number = CharField(max_length=20, default="")
    phone = CharField(max_length=40, default="")
    #: E.164 when valid, else as typed (see mobile_status).
    mobile = CharField(max_length=40, default="")
    mobile_status = CharField(max_length=10, default=MISSING)
    email = CharField(max_length=200, default="")
    birth_date = DateField(null=True)
    #: month * 100 + day of birth_date, so a birthday range is one indexed query.
    birth_monthday = SmallIntegerField(null=True, index=True)
    business_started = DateField(null=True)  # companies: data inizio attività
    legal_representative = ForeignKeyField(
        "self", null=True, backref="represented_companies", on_delete="SET NULL"
    )
    walk_in = BooleanField(default=False)  # "cliente libero": never selected for SMS
    sms_practices = BooleanField(default=False)  # Invio Sms Pratiche
    sms_promo = BooleanField(default=False)  # Invio Sms Promo
    # consent is given, never presumed (GDPR): a new client, typed or imported without the
    # column, has none until the operator ticks it
    email_consent = BooleanField(default=False)
    travel_agency = BooleanField(default=False)  # Agenzia Viaggi
    private = BooleanField(default=False)  # Cliente Privato
    notes = TextField(default="")
    search_text = TextField(default="")
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)

    class Meta:
        # The CRM's subject search (db/crm/subjects.py): a substring match checked on this
        # narrow index read in name order, stopping at a page.
        indexes = ((("name", "id", "search_text"), False),)

    def refresh_derived(self) -> None:
        """Recompute the derived columns from the fields a user edits."""
        self.code = normalize_code(self.code)
        check = check_mobile(self.mobile or "")
        self.mobile = check.stored
        self.mobile_status = check.status
        self.birth_monthday = (
            self.birth_date.month * 100 + self.birth_date.day if self.birth_date else None
        )
        self.search_text = search_text(
            self.code, self.name, self.first_name, self.last_name, self.mobile, self.phone,
            self.city, self.email,
        )

    def save(self, *args, **kwargs):  # type: ignore[override]
        self.refresh_derived()
        self.updated_at = now()
        return super().save(*args, **kwargs)


class ClientMobile(BaseModel):
    """An extra mobile of a company (a company may have several)."""

    client = ForeignKeyField(Client, backref="extra_mobiles", on_delete="CASCADE")
    mobile = CharField(max_length=40)
    mobile_status = CharField(max_length=10, default=MISSING)
    label = CharField(max_length=100, default="")

    def save(self, *args, **kwargs):  # type: ignore[override]
        check = check_mobile(self.mobile or "")
        self.mobile = check.stored
        self.mobile_status = check.status
        return super().save(*args, **kwargs)


class Supplier(BaseModel):
    """A supplier ("Fornitore"): a recipient of the single SMS."""

    code = CharField(max_length=20, unique=True)
    name = CharField(max_length=200)
    mobile = CharField(max_length=40, default="")
    mobile_status = CharField(max_length=10, default=MISSING)
    phone = CharField(max_length=40, default="")
    email = CharField(max_length=200, default="")
    search_text = TextField(default="")
    created_at = DateTimeField(default=now)

    def refresh_derived(self) -> None:
        """Recompute the derived columns from the fields a user edits."""
        self.code = normalize_code(self.code)
        check = check_mobile(self.mobile or "")
        self.mobile = check.stored
        self.mobile_status = check.status
        self.search_text = search_text(self.code, self.name, self.mobile, self.phone, self.email)

    def save(self, *args, **kwargs):  # type: ignore[override]
        self.refresh_derived()
        return super().save(*args, **kwargs)


class Preference(BaseModel):
    """A preference the agency defines (e.g. ``CROC`` Crociere); it outlives its clients."""

    code = CharField(max_length=20, unique=True)
    description = CharField(max_length=120)


class ClientPreference(BaseModel):
    """A client × preference pair ("Applica Preferenze a Cliente")."""

    client = ForeignKeyField(Client, backref="preference_links", on_delete="CASCADE")
    preference = ForeignKeyField(Preference, backref="client_links", on_delete="CASCADE")

    class Meta:
        indexes = ((("client", "preference"), True),)


class Practice(BaseModel):
    """A booking ("pratica") with its four status flags."""

    number = CharField(max_length=30, unique=True)
    client = ForeignKeyField(Client, backref="practices", on_delete="RESTRICT")
    practice_date = DateField(index=True)
    departure_date = DateField(null=True, index=True)
    destination = CharField(max_length=200, default="")
    amount = DecimalField(max_digits=12, decimal_places=2, default=0)
    balance = DecimalField(max_digits=12, decimal_places=2, default=0)  # still to pay: {saldo}
    notified_balance = BooleanField(default=False)  # avvisato per saldo
    notified_documents = BooleanField(default=False)  # avvisato per documenti
    paid = BooleanField(default=False)  # saldata
    documents_delivered = BooleanField(default=False)  # consegnati documenti
    created_at = DateTimeField(default=now)

    class Meta:
        # Each "SMS Pratiche" status selects the practices lacking one flag in a date range,
        # by date and number: (flag, practice_date, number) lets the database read only those,
        # already in that order (schema version 2; version 1 had to sort them).
        indexes = (
            (("notified_balance", "practice_date", "number"), False),
            (("notified_documents", "practice_date", "number"), False),
            (("paid", "practice_date", "number"), False),
            (("documents_delivered", "practice_date", "number"), False),
            # "Considera solo Clienti con Pratiche": does this client have a practice in the
            # date range? One seek in this index per client, without reading the practices.
            (("client", "practice_date"), False),
        )


# --- SMS ----------------------------------------------------------------------------------------

#: Campaign kinds.
CAMPAIGN_KINDS = ("practice", "promo", "birthday", "single", "scheduled")
#: GDPR purpose of a communication ("Finalità di invio", seed 004): the values stored in
#: Campaign.purpose, shown and printed as they are.
PURPOSE_SERVICE = "servizio"
PURPOSE_MARKETING = "marketing"
PURPOSE_GREETINGS = "auguri"
PURPOSES = (PURPOSE_SERVICE, PURPOSE_MARKETING, PURPOSE_GREETINGS)
#: The purposes that are promotion in the privacy law's sense: they need "Invio Sms Promo",
#: respect the opt-out and wait for the allowed hours; a service SMS does none of that.
PROMOTIONAL_PURPOSES = (PURPOSE_MARKETING, PURPOSE_GREETINGS)

#: Message statuses (CLI.md, ``messages --json``).
QUEUED = "queued"
SENDING = "sending"
SENT = "sent"
DELIVERED = "delivered"
UNDELIVERED = "undelivered"
FAILED = "failed"
CANCELLED = "cancelled"
#: submitted, but whether the gateway took it is unknown and cannot be asked (Kannel):
#: held for a human ("esito incerto"), who resends it or marks it failed
UNCERTAIN = "uncertain"
MESSAGE_STATUSES = (QUEUED, SENDING, SENT, DELIVERED, UNDELIVERED, FAILED, CANCELLED, UNCERTAIN)
#: Statuses after which nothing more happens to a message.
FINAL_STATUSES = (DELIVERED, UNDELIVERED, FAILED, CANCELLED)


class Campaign(BaseModel):
    """One send: a selection and a template turned into messages in one transaction."""

    kind = CharField(max_length=12)
    template = TextField()
    sender = CharField(max_length=20, default="")
    purpose = CharField(max_length=12, default=PURPOSE_SERVICE)
    filters = TextField(default="{}")  # JSON: the filters the selection was made with
    operator = ForeignKeyField(Operator, null=True, backref="campaigns", on_delete="SET NULL")
    created_at = DateTimeField(default=now, index=True)
    message_count = IntegerField(default=0)
    segment_count = IntegerField(default=0)  # credits the campaign needs


class Message(BaseModel):
    """One SMS in the outbox. It keeps the name and number it was sent to, so the history
    stays readable after a client is deleted."""

    campaign = ForeignKeyField(Campaign, backref="messages", on_delete="CASCADE")
    client = ForeignKeyField(Client, null=True, backref="messages", on_delete="SET NULL")
    supplier = ForeignKeyField(Supplier, null=True, backref="messages", on_delete="SET NULL")
    practice = ForeignKeyField(Practice, null=True, backref="messages", on_delete="SET NULL")
    client_code = CharField(max_length=20, default="")
    recipient_name = CharField(max_length=200, default="")
    phone = CharField(max_length=20)  # E.164
    sender = CharField(max_length=20, default="")
    text = TextField()
    encoding = CharField(max_length=6, default="GSM-7")
    segments = SmallIntegerField(default=1)
    status = CharField(max_length=12, default=QUEUED)
    #: The idempotency key sent to the gateway: unique, so a message is one SMS at most.
    transaction_id = CharField(max_length=64, unique=True)
    provider_id = CharField(max_length=64, null=True, index=True)
    attempts = SmallIntegerField(default=0)
    next_attempt_at = DateTimeField(null=True)
    last_error = TextField(null=True)
    error_code = CharField(max_length=40, null=True)
    lease_owner = CharField(max_length=80, null=True)
    lease_expires_at = DateTimeField(null=True)
    queued_at = DateTimeField(default=now)
    sent_at = DateTimeField(null=True)
    delivered_at = DateTimeField(null=True)
    updated_at = DateTimeField(default=now)

    class Meta:
        indexes = (
            # the sender claims the next due messages of a status
            (("status", "next_attempt_at"), False),
            # the control panel pages by date; the client card by client and date
            (("queued_at", "id"), False),
            (("client", "queued_at"), False),
        )


NOTICE_KINDS = (
    "balance-not-notified",
    "documents-not-notified",
    "unpaid",
    "documents-not-delivered",
)


class PracticeNotice(BaseModel):
    """An SMS of one kind queued or sent for a practice ("Dettaglio Stato Pratica > SMS").

    While it exists the practice is left out of the next selection of that kind; the unique
    key makes it impossible to queue the same notice twice, even from two terminals at once.
    A message that fails releases it (the row is deleted).
    """

    practice = ForeignKeyField(Practice, backref="notices", on_delete="CASCADE")
    kind = CharField(max_length=30)
    message = ForeignKeyField(Message, null=True, backref="notices", on_delete="SET NULL")
    operator = ForeignKeyField(Operator, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=now)
    sent_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("practice", "kind"), True),)


class Greeting(BaseModel):
    """A birthday greeting queued or sent to a client for the birthday of one year.

    The unique key (client, year) is the rule "a birthday greeting once per client per year",
    whoever sends it: the "Buon Compleanno" mask or a scheduled communication, from any
    terminal. A greeting whose message failed, was not delivered or was cancelled no longer
    counts (``db.greetings``): the client is selected again.
    """

    client = ForeignKeyField(Client, backref="greetings", on_delete="CASCADE")
    year = SmallIntegerField()
    message = ForeignKeyField(Message, null=True, backref="greetings", on_delete="SET NULL")
    created_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("client", "year"), True),)


class AppSetting(BaseModel):
    """Settings shared by every terminal on the database (e.g. the preset SMS texts)."""

    key = CharField(max_length=100, unique=True)
    value = TextField(default="")
    updated_at = DateTimeField(default=now)


# --- CRM ----------------------------------------------------------------------------------------

OUTCOME_GROUPS = ("to_start", "in_progress", "positive", "negative")
#: An outcome of these groups closes the request.
CLOSING_GROUPS = ("positive", "negative")
REQUEST_TYPES = ("call", "meeting", "email", "other")  # Telefonata, Incontro, e-mail, Altro


class Contact(BaseModel):
    """A person registered in the CRM who is not (yet) a client."""

    name = CharField(max_length=200)
    phone = CharField(max_length=40, default="")
    mobile = CharField(max_length=40, default="")
    mobile_status = CharField(max_length=10, default=MISSING)
    email = CharField(max_length=200, default="")
    notes = TextField(default="")
    search_text = TextField(default="")
    created_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("name", "id", "search_text"), False),)  # the subject search, as Client

    def refresh_derived(self) -> None:
        """Recompute the derived columns from the fields a user edits."""
        check = check_mobile(self.mobile or "")
        self.mobile = check.stored
        self.mobile_status = check.status
        self.search_text = search_text(self.name, self.mobile, self.phone, self.email)

    def save(self, *args, **kwargs):  # type: ignore[override]
        self.refresh_derived()
        return super().save(*args, **kwargs)


class Outcome(BaseModel):
    """An outcome ("Esito") of an activity, in one of four groups (seed 004)."""

    name = CharField(max_length=100, unique=True)
    colour = CharField(max_length=20, default="")
    group = CharField(max_length=12, constraints=[Check("\"group\" in ('to_start', 'in_progress', 'positive', 'negative')")])
    obsolete = BooleanField(default=False)
    is_default = BooleanField(default=False)
    description = TextField(default="")


class CrmAssignment(BaseModel):
    """A batch of CRM actions created for a target: one request per client, shared out among
    operators in turn (seed 004, "comunicazioni CRM"). Kept for the Registro."""

    request_type = CharField(max_length=10, default="call")
    text = TextField()
    purpose = CharField(max_length=12, default=PURPOSE_SERVICE)
    due_date = DateField(null=True)  # Completare entro
    search_name = CharField(max_length=120, default="")
    filters = TextField(default="{}")
    operator = ForeignKeyField(Operator, null=True, on_delete="SET NULL")  # who created it
    created_at = DateTimeField(default=now, index=True)
    created_count = IntegerField(default=0)


class Request(BaseModel):
    """A request that reached the agency, from a client, a contact or someone unregistered."""

    client = ForeignKeyField(Client, null=True, backref="requests", on_delete="SET NULL")
    contact = ForeignKeyField(Contact, null=True, backref="requests", on_delete="SET NULL")
    #: The subject as typed: the only name an unregistered subject has.
    subject_name = CharField(max_length=200)
    phone = CharField(max_length=40, default="")
    mobile = CharField(max_length=40, default="")
    email = CharField(max_length=200, default="")
    description = TextField()
    request_type = CharField(max_length=10, default="call")
    destinations = CharField(max_length=300, default="")
    recontact_date = DateField(null=True)
    operator = ForeignKeyField(Operator, null=True, backref="requests", on_delete="SET NULL")
    is_open = BooleanField(default=True)
    last_outcome = ForeignKeyField(Outcome, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=now, index=True)
    closed_at = DateTimeField(null=True)
    search_text = TextField(default="")
    #: a CRM action given to an operator for a target (seed 004, "Comunicazione CRM a un
    #: target"): its batch and its GDPR purpose; None for a request written down in a call
    assignment = ForeignKeyField(CrmAssignment, null=True, backref="requests", on_delete="SET NULL")
    purpose = CharField(max_length=12, null=True)

    class Meta:
        indexes = (
            (("is_open", "recontact_date"), False),
            (("operator", "is_open", "recontact_date"), False),
            # unregistered subjects (neither client nor contact) by name, for the subject
            # search and a subject's requests
            (("client", "contact", "subject_name", "search_text"), False),
        )

    def refresh_derived(self) -> None:
        """Recompute the derived columns from the fields a user edits."""
        self.search_text = search_text(self.subject_name, self.mobile, self.phone, self.email)

    def save(self, *args, **kwargs):  # type: ignore[override]
        self.refresh_derived()
        return super().save(*args, **kwargs)


class Activity(BaseModel):
    """A commercial action on a request ("Gestisci"), with its outcome."""

    request = ForeignKeyField(Request, backref="activities", on_delete="CASCADE")
    activity_date = DateField(default=date.today)
    description = TextField(default="")
    outcome = ForeignKeyField(Outcome, null=True, on_delete="SET NULL")
    next_recontact = DateField(null=True)
    operator = ForeignKeyField(Operator, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=now)


# --- Saved searches, models, scheduled communications (seed 004) ----------------------------

#: How a saved search keeps its dates ("Modalità di calcolo").
DATES_NONE = "none"  # Non salvare le date
DATES_FIXED = "fixed"  # Mantieni le date selezionate
DATES_ROLLING = "rolling"  # Mantieni gli intervalli impostati ma aggiorna le date
DATE_MODES = (DATES_NONE, DATES_FIXED, DATES_ROLLING)


class SavedSearch(BaseModel):
    """A target saved from SMS Pratiche, SMS Promozionali or Buon Compleanno ("Salva ricerca")."""

    name = CharField(max_length=80, unique=True)
    description = TextField(default="")
    kind = CharField(max_length=12)  # practice, promo, birthday: the selection's kind
    #: JSON: the filters' ``describe()`` as saved (dates as typed that day)
    filters = TextField(default="{}")
    date_mode = CharField(max_length=8, default=DATES_FIXED)
    #: the day the dates were saved: a rolling search moves them by the days since
    saved_on = DateField()
    scheduling = BooleanField(default=False)  # Abilita comunicazioni programmate
    in_menu = BooleanField(default=False)  # Visibile nel menù principale
    operator = ForeignKeyField(Operator, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)


class SmsTemplate(BaseModel):
    """A named SMS text ("Modello") to pick into any SMS editor."""

    name = CharField(max_length=80, unique=True)
    text = TextField()
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)


class Schedule(BaseModel):
    """A scheduled communication ("Comunicazione programmata"): a saved search, a text, a time."""

    name = CharField(max_length=80, unique=True)
    search = ForeignKeyField(SavedSearch, backref="schedules", on_delete="RESTRICT")
    #: the text, unless a model is chosen (then the model's text at the time of each run)
    text = TextField(default="")
    template = ForeignKeyField(SmsTemplate, null=True, backref="schedules", on_delete="RESTRICT")
    sender = CharField(max_length=20, default="")
    purpose = CharField(max_length=12, default=PURPOSE_SERVICE)
    #: "Referente di comunicazione": the operator in charge
    operator = ForeignKeyField(Operator, null=True, on_delete="SET NULL")
    once = BooleanField(default=False)  # Singolo (else Ricorrente, daily)
    at_time = CharField(max_length=5)  # HH:MM, Europe/Rome
    start_date = DateField()
    end_date = DateField(null=True)
    active = BooleanField(default=True)
    #: the day it was last resumed: the days it was paused are not occurrences (not missed)
    resumed_on = DateField(null=True)
    obsolete = BooleanField(default=False)  # kept for its history, never runs again
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)


#: What became of one occurrence of a schedule.
RUN_DONE = "done"
RUN_MISSED = "missed"
RUN_FAILED = "failed"


class ScheduleRun(BaseModel):
    """One occurrence of a schedule: its day, and what it queued ("Storico Invii").

    The unique key (schedule, day) is written in the same transaction that queues the
    campaign: however many senders run at once, each occurrence runs once.
    """

    schedule = ForeignKeyField(Schedule, backref="runs", on_delete="CASCADE")
    day = DateField()
    status = CharField(max_length=8)
    campaign = ForeignKeyField(Campaign, null=True, on_delete="SET NULL")
    queued = IntegerField(default=0)
    error = TextField(null=True)
    ran_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("schedule", "day"), True),)
# --- Privacy and CRM actions to a target (seed 004) ------------------------------------------

#: How an objection reached the agency: an alphanumeric sender is one-way, so never by SMS.
OPT_OUT_VIA = ("phone", "email", "desk", "other")


class OptOut(BaseModel):
    """A number or a client that objected to marketing ("Non disturbare").

    Neither is ever selected for, nor sent, a marketing or auguri SMS; service SMS still go.
    A row names a number, a client, or both (a client's objection covers its mobile).
    """

    mobile = CharField(max_length=40, null=True, index=True)  # E.164; None for a client only
    client = ForeignKeyField(Client, null=True, backref="opt_outs", on_delete="SET NULL")
    reason = TextField(default="")
    via = CharField(max_length=10, default="other")
    operator = ForeignKeyField(Operator, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=now)


class MessageDayCount(BaseModel):
    """How many messages were queued on a day and are now in a status, and their parts.

    Kept by database triggers on ``message`` (``pegaso_tui.db.message_stats``), in the
    transaction of every insert, status change and delete, whichever program writes: the
    control panel's count and chart are then a sum over days, not a scan of messages.
    """

    day = DateField()
    status = CharField(max_length=12)
    messages = IntegerField(default=0)
    parts = IntegerField(default=0)  # the sum of the messages' segments (what was paid for)

    class Meta:
        table_name = "message_day_count"
        primary_key = CompositeKey("day", "status")


class SchemaInfo(BaseModel):
    """The schema version of this database (one row)."""

    version = IntegerField()
    upgraded_at = DateTimeField(default=now)


#: Every table, in an order that respects foreign keys (for create and drop).
ALL_MODELS = (
    Operator,
    Client,
    ClientMobile,
    Supplier,
    Preference,
    ClientPreference,
    Practice,
    Campaign,
    Message,
    MessageDayCount,
    PracticeNotice,
    Greeting,
    AppSetting,
    Contact,
    Outcome,
    CrmAssignment,
    Request,
    Activity,
    SavedSearch,
    SmsTemplate,
    Schedule,
    ScheduleRun,
    OptOut,
    SchemaInfo,
)
