"""Who gets an SMS: the selections of "SMS Pratiche", "SMS Promozionali" and "Buon Compleanno".

The rules come from the manuals (seeds 000 and 001):

- practices: only clients with "Invio Sms Pratiche", never the walk-in client; only practices
  lacking the flag of the chosen status; a practice already notified (or queued) for that
  status is left out; client, practice-date and departure-date ranges, all inclusive (a
  practice without a departure date is left out when a departure range is given). One row
  per practice.
- promo: only clients with "Invio Sms Promo", never the walk-in client, never a client who
  objected to marketing or whose mobile did (the opt-out list, birthdays too); client range; with
  preferences, clients having at least one of them; with "Considera solo Clienti con
  Pratiche", only clients with a practice in the date ranges. One row per client.
- birthdays: clients with "Invio Sms Promo" (a greeting is marketing), never the walk-in
  client, whose birthday falls in the range (which may cross the new year; 29 February falls
  on 28 February in a common year), ordered by the coming birthday; a client already greeted
  for that birthday's year (``db.greetings``) is left out.

Every row says whether it can be sent and, if not, why. Each selection is one SQL query; the
same functions give the preview and the rows a campaign queues, so what the user saw is what
is sent. ``count_recipients`` runs that same query as a count: the answer a mask shows first.
"""

from __future__ import annotations

import enum
import gc
import operator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import reduce
from operator import itemgetter
from typing import Any, Iterable, Iterator, NamedTuple

from peewee import SQL, Case, Expression, fn

from pegaso_tui.dates import DateError, DateRange
from pegaso_tui.db.connection import is_sqlite
from pegaso_tui.db.models import (
    CLIENT_CODE_WIDTH,
    Client,
    ClientPreference,
    Practice,
    PracticeNotice,
    Preference,
    database_proxy,
    normalize_code,
)
from pegaso_tui.db.optouts import not_opted_out
from pegaso_tui.sms.phone import OK, reason_for


class SelectionError(ValueError):
    """A filter the user gave cannot be applied; the message is for the user (Italian)."""


class PracticeStatus(enum.Enum):
    """The four selections of the "SMS Pratiche" mask ("Stato Pratica")."""

    BALANCE_NOT_NOTIFIED = "balance-not-notified"
    DOCUMENTS_NOT_NOTIFIED = "documents-not-notified"
    UNPAID = "unpaid"
    DOCUMENTS_NOT_DELIVERED = "documents-not-delivered"

    @property
    def label(self) -> str:
        """The mask's label."""
        return _STATUS_LABELS[self]

    @property
    def flag(self):
        """The practice flag whose absence this status selects."""
        return getattr(Practice, _STATUS_FLAGS[self])

    @classmethod
    def parse(cls, value: str) -> "PracticeStatus":
        """The status named by its CLI value; SelectionError for anything else."""
        try:
            return cls(value)
        except ValueError:
            names = ", ".join(s.value for s in cls)
            raise SelectionError(f"stato pratica sconosciuto: '{value}' (valori: {names})") from None


_STATUS_LABELS = {
    PracticeStatus.BALANCE_NOT_NOTIFIED: "Non Avvisati per Saldo",
    PracticeStatus.DOCUMENTS_NOT_NOTIFIED: "Non Avvisati per Documenti",
    PracticeStatus.UNPAID: "Non Saldate",
    PracticeStatus.DOCUMENTS_NOT_DELIVERED: "Non Avvisati per Consegna Documenti",
}
_STATUS_FLAGS = {
    PracticeStatus.BALANCE_NOT_NOTIFIED: "notified_balance",
    PracticeStatus.DOCUMENTS_NOT_NOTIFIED: "notified_documents",
    PracticeStatus.UNPAID: "paid",
    PracticeStatus.DOCUMENTS_NOT_DELIVERED: "documents_delivered",
}


@dataclass(frozen=True, slots=True)
class ClientRange:
    """"Da Cliente" / "A Cliente": an inclusive range of client codes, either end open."""

    start: str | None = None
    end: str | None = None

    def __post_init__(self) -> None:
        start = normalize_code(self.start) or None
        end = normalize_code(self.end) or None
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        low, high = _as_number(start), _as_number(end)
        if low is not None and high is not None:
            reversed_ = high < low
        else:
            reversed_ = bool(start and end and end < start)
        if reversed_:
            raise SelectionError(f"il cliente finale ({end}) precede quello iniziale ({start})")

    def condition(self):
        """The WHERE condition on Client.code (None when the range is open).

        Codes compare as codes: when the bounds are numbers, a code made of digits compares
        by its number whatever its padding (``5``-``7`` never takes ``0000002``, nor misses
        ``00000006``); other codes, and any code against a bound that is not a number,
        compare as text.
        """
        if not self.start and not self.end:
            return None
        low, high = _as_number(self.start), _as_number(self.end)
        if (self.start and low is None) or (self.end and high is None):
            return _text_range(Client.code, self.start, self.end)
        digits = _only_digits(Client.code)
        width = CLIENT_CODE_WIDTH
        # Digits of one width sort as their numbers: the range of 5-7 among codes of width W
        # is the text range 0..05-0..07 of width W, which the code index answers. So there is
        # one text range per width (codes are kept 7 digits wide; other widths come from
        # other programs, or from codes typed with more zeros); a code that is not a number
        # compares as text with the bounds written 7 wide, as it always did.
        terms = []
        for size in range(1, _MAX_NUMERIC_DIGITS + 1):
            if low is not None and len(str(low)) > size:
                continue  # no code of this width reaches the lower bound
            start = None if low is None else str(low).zfill(size)
            end = None if high is None or len(str(high)) > size else str(high).zfill(size)
            if start is None and end is None:
                end = "9" * size
            in_range = _text_range(Client.code, start, end)
            if size == width:
                # also the codes that are not numbers; not the digit codes of other widths
                terms.append(in_range & ~((fn.LENGTH(Client.code) != width) & digits))
            else:
                # the width first: on a row it rules out the term at once
                terms.append((fn.LENGTH(Client.code) == size) & in_range & digits)
        if low is not None and len(str(low)) > width:
            # the bounds are beyond 7 digits: codes that are not numbers compare as text
            terms.append(~digits & _text_range(Client.code, str(low), None if high is None else str(high)))
        return reduce(operator.or_, terms)


#: Digit-only codes longer than this compare as text (they would overflow a BIGINT).
_MAX_NUMERIC_DIGITS = 18


def _as_number(code: str | None) -> int | None:
    """The number of a digit-only code (``0000005`` is 5), or None."""
    if code and code.isascii() and code.isdigit() and len(code) <= _MAX_NUMERIC_DIGITS:
        return int(code)
    return None


def _text_range(column, start, end):
    conditions = []
    if start is not None and start != "":
        conditions.append(column >= start)
    if end is not None and end != "":
        conditions.append(column <= end)
    return conditions[0] if len(conditions) == 1 else (conditions[0] & conditions[1])


def _only_digits(column):
    """SQL: the column is 1 to 18 ASCII digits (GLOB on SQLite, a regular expression on
    PostgreSQL). Inside a CASE before the cast: PostgreSQL may evaluate the conditions of a
    WHERE in any order, and a cast of ``ABC`` would fail the query."""
    if is_sqlite():
        return (
            (fn.LENGTH(column) >= 1)
            & (fn.LENGTH(column) <= _MAX_NUMERIC_DIGITS)
            & ~Expression(column, "GLOB", "*[^0-9]*")
        )
    return Expression(column, "~", f"^[0-9]{{1,{_MAX_NUMERIC_DIGITS}}}$")


def _date_conditions(column, dates: DateRange, *, require: bool) -> list:
    conditions = []
    if dates.is_open:
        return conditions
    if require:
        conditions.append(column.is_null(False))
    if dates.start:
        conditions.append(column >= dates.start)
    if dates.end:
        conditions.append(column <= dates.end)
    return conditions


@dataclass(frozen=True, slots=True)
class PracticeFilters:
    """The fields of the "SMS Pratiche" mask."""

    status: PracticeStatus
    clients: ClientRange = field(default_factory=ClientRange)
    practice_dates: DateRange = field(default_factory=DateRange)
    departure_dates: DateRange = field(default_factory=DateRange)

    def describe(self) -> dict[str, Any]:
        """The filters as JSON-ready data, recorded on the campaign."""
        return {
            "status": self.status.value,
            "client_from": self.clients.start,
            "client_to": self.clients.end,
            "practice_from": _iso(self.practice_dates.start),
            "practice_to": _iso(self.practice_dates.end),
            "departure_from": _iso(self.departure_dates.start),
            "departure_to": _iso(self.departure_dates.end),
        }


@dataclass(frozen=True, slots=True)
class PromoFilters:
    """The fields of the "SMS Promozionali" mask."""

    clients: ClientRange = field(default_factory=ClientRange)
    preferences: tuple[str, ...] = ()
    with_practices: bool = False  # "Considera solo Clienti con Pratiche"
    practice_dates: DateRange = field(default_factory=DateRange)
    departure_dates: DateRange = field(default_factory=DateRange)

    def describe(self) -> dict[str, Any]:
        """The filters as JSON-ready data, recorded on the campaign."""
        return {
            "client_from": self.clients.start,
            "client_to": self.clients.end,
            "preferences": list(self.preferences),
            "with_practices": self.with_practices,
            "practice_from": _iso(self.practice_dates.start),
            "practice_to": _iso(self.practice_dates.end),
            "departure_from": _iso(self.departure_dates.start),
            "departure_to": _iso(self.departure_dates.end),
        }


@dataclass(frozen=True, slots=True)
class BirthdayFilters:
    """The fields of the "Buon Compleanno" mask: both dates are required."""

    dates: DateRange

    def __post_init__(self) -> None:
        if self.dates.start is None or self.dates.end is None:
            raise SelectionError("indicare entrambe le date del compleanno")

    def describe(self) -> dict[str, Any]:
        """The filters as JSON-ready data, recorded on the campaign."""
        return {"from": _iso(self.dates.start), "to": _iso(self.dates.end)}


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


class SelectionRow(NamedTuple):
    """One recipient of a selection: a client, and for "SMS Pratiche" one of its practices.

    A named tuple rather than a frozen dataclass: a selection of 80,000 clients builds its
    rows four times faster this way (a frozen dataclass sets each field through
    ``object.__setattr__``), and it stays immutable with the same fields and keywords. The
    selections build it with ``_make`` from a full tuple, its fastest constructor.
    """

    client_id: int
    client: str  # the client's code
    name: str
    first_name: str
    last_name: str
    mobile: str
    mobile_status: str
    practice_id: int | None = None
    practice: str | None = None  # the practice number
    practice_date: date | None = None
    departure_date: date | None = None
    destination: str | None = None
    balance: Decimal | None = None
    birth_date: date | None = None
    birthday: date | None = None  # the birthday that falls in the range

    @property
    def sendable(self) -> bool:
        """Whether an SMS can go to this row's mobile."""
        return self.mobile_status == OK

    @property
    def reason(self) -> str | None:
        """Why not (Italian), or None when sendable."""
        return None if self.sendable else reason_for(self.mobile_status)

    def to_json(self, kind: str) -> dict[str, Any]:
        """The row as CLI.md's ``select --json`` shows it."""
        data: dict[str, Any] = {
            "client": self.client,
            "name": self.name,
            "mobile": self.mobile,
        }
        if kind == "practice":
            data["practice"] = self.practice
            data["practice_date"] = _iso(self.practice_date)
            data["departure_date"] = _iso(self.departure_date)
        if kind == "birthday":
            data["birth_date"] = _iso(self.birth_date)
            data["birthday"] = _iso(self.birthday)
        data["sendable"] = self.sendable
        data["reason"] = self.reason
        return data


@dataclass(frozen=True)
class Selection:
    """The result of a selection: the rows, and the filters that made them."""

    kind: str  # "practice", "promo" or "birthday" (the campaign kind)
    rows: list[SelectionRow]
    filters: dict[str, Any]

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def sendable(self) -> int:
        return sum(1 for row in self.rows if row.sendable)

    def sendable_rows(self) -> list[SelectionRow]:
        """The rows a campaign queues."""
        return [row for row in self.rows if row.sendable]

    def to_json(self) -> dict[str, Any]:
        """CLI.md's ``select --json`` document."""
        return {
            "count": self.count,
            "sendable": self.sendable,
            "rows": [row.to_json(self.kind) for row in self.rows],
        }


_CLIENT_COLUMNS = (
    Client.id,
    Client.code,
    Client.name,
    Client.first_name,
    Client.last_name,
    Client.mobile,
    Client.mobile_status,
)


def _execute(query) -> list[tuple]:
    # A raw cursor: peewee's per-row conversion is the slowest part on 100,000 rows, and these
    # columns need none (dates are converted below where they are used).
    cursor = database_proxy.execute(query)
    return cursor.fetchall()


@contextmanager
def _without_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a selection's rows are built.

    Tens of thousands of new tuples set it off again and again, each time walking every
    object alive, for nothing: rows hold no cycles. Pausing it saves 10-20% on big
    selections. (Process-wide, but only for the fraction of a second the rows take.)
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _to_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])  # SQLite keeps a date as 'YYYY-MM-DD'


def _to_decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    # SQLite hands back a float (or an int) for a DECIMAL column: back to exact cents
    return Decimal(round(value * 100)).scaleb(-2)


class _Converted(dict):
    """A memo of one conversion: ``memo[value]`` is one C-level lookup per row.

    A selection of 30,000 practices holds a few hundred distinct dates and a few thousand
    balances; converting each once keeps the rows' cost down to building the tuple.
    """

    def __init__(self, convert) -> None:
        super().__init__()
        self.convert = convert

    def __missing__(self, value):
        result = self[value] = self.convert(value)
        return result


# --- SMS Pratiche -------------------------------------------------------------------------------


def _practices_query(filters: PracticeFilters):
    """The query of "SMS Pratiche": its rows, or (with other columns) their count."""
    notice = (
        PracticeNotice.select(SQL("1"))
        .where(
            (PracticeNotice.practice == Practice.id)
            & (PracticeNotice.kind == filters.status.value)
        )
    )
    conditions = [
        Client.sms_practices == True,  # noqa: E712 (peewee builds SQL from ==)
        Client.walk_in == False,  # noqa: E712
        filters.status.flag == False,  # noqa: E712
        ~fn.EXISTS(notice),
    ]
    client_range = filters.clients.condition()
    if client_range is not None:
        conditions.append(client_range)
    conditions += _date_conditions(Practice.practice_date, filters.practice_dates, require=True)
    conditions += _date_conditions(Practice.departure_date, filters.departure_dates, require=True)
    return (
        Practice.select(
            *_CLIENT_COLUMNS,
            Practice.id,
            Practice.number,
            Practice.practice_date,
            Practice.departure_date,
            Practice.destination,
            Practice.balance,
        )
        .join(Client)
        .where(*conditions)
    )


def practices_to_notify(filters: PracticeFilters) -> Selection:
    """Which practices still need the SMS of the chosen status? One row per practice."""
    # Ordered by client code, practice date and number. The database orders by date and
    # number, which its (flag, practice_date, number) index gives for free; a stable sort by
    # code in Python then costs less than the database's sort of every wide row by code.
    query = _practices_query(filters).order_by(Practice.practice_date, Practice.number)
    dates, money, make = _Converted(_to_date), _Converted(_to_decimal), SelectionRow._make
    with _without_gc():
        rows = [
            make((c0, c1, c2, c3, c4, c5, c6, p0, p1, dates[p2], dates[p3], p4, money[p5], None, None))
            for c0, c1, c2, c3, c4, c5, c6, p0, p1, p2, p3, p4, p5 in _execute(query)
        ]
        rows.sort(key=_CLIENT_CODE)
    return Selection("practice", rows, filters.describe())


_CLIENT_CODE = itemgetter(1)
#: The fields after the client's, for a row of clients only.
_NO_PRACTICE = (None,) * 8


# --- SMS Promozionali -----------------------------------------------------------------------------


def preference_ids(codes: Iterable[str]) -> list[int]:
    """The ids of the preferences with these codes; SelectionError naming any unknown one."""
    wanted = [normalize_code(c, width=0) for c in codes if c and c.strip()]
    if not wanted:
        return []
    found = {
        code.upper(): pid
        for pid, code in Preference.select(Preference.id, Preference.code)
        .where(fn.UPPER(Preference.code).in_(wanted))
        .tuples()
    }
    unknown = [c for c in wanted if c not in found]
    if unknown:
        raise SelectionError("preferenza sconosciuta: " + ", ".join(unknown))
    return [found[c] for c in wanted]


def _promo_query(filters: PromoFilters):
    """The query of "SMS Promozionali": its rows, or (with other columns) their count."""
    conditions = [Client.sms_promo == True, Client.walk_in == False, not_opted_out()]  # noqa: E712
    client_range = filters.clients.condition()
    if client_range is not None:
        conditions.append(client_range)
    if filters.preferences:
        ids = preference_ids(filters.preferences)
        has_one = ClientPreference.select(SQL("1")).where(
            (ClientPreference.client == Client.id) & ClientPreference.preference.in_(ids)
        )
        conditions.append(fn.EXISTS(has_one))
    if filters.with_practices:
        practice_conditions = [Practice.client == Client.id]
        practice_conditions += _date_conditions(
            Practice.practice_date, filters.practice_dates, require=True
        )
        practice_conditions += _date_conditions(
            Practice.departure_date, filters.departure_dates, require=True
        )
        conditions.append(fn.EXISTS(Practice.select(SQL("1")).where(*practice_conditions)))
    return Client.select(*_CLIENT_COLUMNS).where(*conditions)


def promo_recipients(filters: PromoFilters) -> Selection:
    """Which clients get the promotional SMS? One row per client."""
    query = _promo_query(filters).order_by(Client.code)
    make, pad = SelectionRow._make, _NO_PRACTICE
    with _without_gc():
        rows = [make(r + pad) for r in _execute(query)]
    return Selection("promo", rows, filters.describe())


# --- Buon Compleanno ------------------------------------------------------------------------------


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def birthday_days(dates: DateRange) -> dict[int, date]:
    """Month*100+day of every birthday that falls in the range -> the date it falls on.

    A 29 February birthday falls on 28 February in a common year. A range of a year or
    more holds every birthday once (the first date it falls on).
    """
    assert dates.start is not None and dates.end is not None
    days: dict[int, date] = {}
    current = dates.start
    last = min(dates.end, dates.start + timedelta(days=366))
    while current <= last:
        key = current.month * 100 + current.day
        days.setdefault(key, current)
        if key == 228 and not _is_leap(current.year):
            days.setdefault(229, current)
        current += timedelta(days=1)
    return days


def _birthday_query(filters: BirthdayFilters, days: dict[int, date]):
    """The query of "Buon Compleanno": its rows, or (with other columns) their count.

    A client already greeted for the birthday's year (by this mask or by a scheduled
    communication) is left out: a greeting goes once per client per year.
    """
    from pegaso_tui.db.greetings import already_greeted

    by_year: dict[int, list[int]] = {}
    for monthday, day in days.items():
        by_year.setdefault(day.year, []).append(monthday)
    falls = None
    for year, monthdays in sorted(by_year.items()):
        this_year = Client.birth_monthday.in_(monthdays) & ~already_greeted(year)
        falls = this_year if falls is None else (falls | this_year)
    return Client.select(*_CLIENT_COLUMNS, Client.birth_date, Client.birth_monthday).where(
        not_opted_out(),  # a greeting is marketing: never to who objected (Non disturbare)
        Client.sms_promo == True,  # noqa: E712
        Client.walk_in == False,  # noqa: E712
        Client.birth_monthday.in_(list(days)),
        falls,
    )


def birthday_recipients(filters: BirthdayFilters) -> Selection:
    """Which clients have a birthday in the range? Ordered by the coming birthday."""
    days = birthday_days(filters.dates)
    query = _birthday_query(filters, days)
    make, none = SelectionRow._make, None
    with _without_gc():
        rows = [
            make((c0, c1, c2, c3, c4, c5, c6, none, none, none, none, none, none,
                  _to_date(born), days[monthday]))
            for c0, c1, c2, c3, c4, c5, c6, born, monthday in _execute(query)
        ]
    rows.sort(key=lambda row: (row.birthday, row.name, row.client))
    return Selection("birthday", rows, filters.describe())


# --- The count: the answer the masks show first -----------------------------------------------


class RecipientCount(NamedTuple):
    """How many rows a selection holds and how many of them can be sent."""

    count: int
    sendable: int


def count_recipients(filters: PracticeFilters | PromoFilters | BirthdayFilters) -> RecipientCount:
    """The count and the sendable count of a selection, counted by the database.

    The same query as the selection's rows, with the count in place of the columns: what the
    mask's "Destinatari" line shows is what the preview lists and a campaign queues. The
    database counts in a fraction of the time that building every row takes (tens of
    thousands of rows cross the driver one value at a time), so the mask answers the user
    first with this and builds the rows after.
    """
    if isinstance(filters, PracticeFilters):
        query = _practices_query(filters)
    elif isinstance(filters, PromoFilters):
        query = _promo_query(filters)
    elif isinstance(filters, BirthdayFilters):
        query = _birthday_query(filters, birthday_days(filters.dates))
    else:
        raise TypeError(f"not the filters of a selection: {filters!r}")
    sendable = fn.SUM(Case(None, [(Client.mobile_status == OK, 1)], 0))
    count, ok = query.select(fn.COUNT(SQL("*")), sendable).order_by().tuples().get()
    return RecipientCount(count, int(ok or 0))


def parse_client_range(start: str | None, end: str | None) -> ClientRange:
    """A ClientRange from two typed fields (SelectionError when it is reversed)."""
    return ClientRange(start or None, end or None)


def parse_date_range(start: str | None, end: str | None) -> DateRange:
    """A DateRange from two typed fields, as SelectionError on bad input."""
    try:
        return DateRange.parse(start, end)
    except DateError as exc:
        raise SelectionError(str(exc)) from None


__all__ = [
    "BirthdayFilters",
    "ClientRange",
    "PracticeFilters",
    "PracticeStatus",
    "PromoFilters",
    "RecipientCount",
    "Selection",
    "SelectionError",
    "SelectionRow",
    "birthday_days",
    "birthday_recipients",
    "count_recipients",
    "parse_client_range",
    "parse_date_range",
    "practices_to_notify",
    "promo_recipients",
]
