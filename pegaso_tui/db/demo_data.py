"""Demo data: a realistic Italian travel agency, the same every time for the same seed.

``generate_demo_data`` fills an open database with:

- the walk-in client ("CLIENTE LIBERO") and the clients of the manuals (0000002 FUTURA
  VIAGGI WWW, 0000014 AGENZIA GIRAMONDO, 0000280 ROSSO STEFANO) when the codes fit;
- people and companies (travel agencies among them) in real Italian towns with CAP,
  province, street, landline, a fiscal code / VAT number with the right check character,
  birth dates; mobiles on real Italian prefixes, some foreign; some clients without a mobile,
  some with a landline only or typed in the mobile field, some with a malformed number;
  opt-ins mostly on, some off; the preferences of seed 000 linked to most of them;
- practices with dates around today (read at run time): old ones mostly paid and notified,
  recent and future ones less so, every combination of the four flags present;
- suppliers, and a few CRM contacts, requests and outcomes;
- with ``messages``: past campaigns over the recent months and their messages in final
  statuses (mostly delivered, some undelivered or failed with the gateway's reason), the
  practice notices of the informative ones.

It is built for size: rows are plain tuples written with ``bulk.insert_rows`` in big
transactions, so 100,000 clients and 1,000,000 practices take about a minute on SQLite.

It refuses a database that already has clients unless ``force``: demo customers mixed with
real ones would be sent real SMS. With ``force`` the codes and numbers continue after the
existing ones, so nothing is overwritten.
"""

from __future__ import annotations

import bisect
import json
import math
import random
import time
import unicodedata
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Callable

from peewee import SqliteDatabase, fn

from pegaso_tui.db import demo_names as N
from pegaso_tui.db.bulk import insert_rows
from pegaso_tui.db.message_stats import counted_in_bulk
from pegaso_tui.db.models import (
    ALL_MODELS,
    Activity,
    Campaign,
    Client,
    ClientMobile,
    ClientPreference,
    Contact,
    Message,
    Operator,
    Outcome,
    Practice,
    PracticeNotice,
    Preference,
    Request,
    Supplier,
    database_proxy,
    search_text,
)
from pegaso_tui.sms.phone import MISSING, OK, check_mobile

DEFAULT_CLIENTS = 500
DEFAULT_PRACTICES = 3000
DEFAULT_MESSAGES = 2000
#: The year of the manuals: any fixed number makes every run the same.
DEFAULT_SEED = 2009
SENDER = "FUTURA"
#: Rows per transaction: big for speed, yet progress moves and memory stays flat.
CHUNK = 50_000

Progress = Callable[[str, int, int], object]  # (stage, done, total)

NOTICE_KINDS = tuple(N.PRACTICE_TEXTS)
_FLAG_TIERS = (
    # departure relative to today (days, upper bound) -> chance of each flag:
    # (paid, notified_balance, notified_documents, documents_delivered)
    (-60, (0.985, 0.97, 0.975, 0.98)),
    (0, (0.93, 0.92, 0.90, 0.90)),
    (30, (0.65, 0.75, 0.55, 0.35)),
    (90, (0.35, 0.45, 0.20, 0.08)),
    (10**6, (0.10, 0.15, 0.05, 0.02)),
)


class DemoDataError(Exception):
    """Demo data cannot be added; the message says why (Italian)."""


@dataclass
class DemoSummary:
    """How many rows of each kind were added, and how long it took."""

    clients: int = 0
    practices: int = 0
    messages: int = 0
    campaigns: int = 0
    notices: int = 0
    preferences: int = 0
    suppliers: int = 0
    contacts: int = 0
    requests: int = 0
    elapsed_s: float = 0.0

    def to_json(self) -> dict:
        return asdict(self)

    def summary(self) -> str:
        return (
            f"dati dimostrativi: {self.clients} clienti, {self.practices} pratiche, "
            f"{self.campaigns} campagne con {self.messages} messaggi, {self.suppliers} fornitori, "
            f"{self.requests} richieste CRM in {self.elapsed_s:.1f} s"
        )


# --- small helpers ------------------------------------------------------------------------------


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isascii() and (c.isalnum()))


_ODD = dict(zip("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                (1, 0, 5, 7, 9, 13, 15, 17, 19, 21,
                 1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16,
                 10, 22, 25, 24, 23)))
_EVEN = {**{str(d): d for d in range(10)}, **{chr(65 + i): i for i in range(26)}}
_MONTHS = "ABCDEHLMPRST"


def _cf_part(text: str, first_name: bool) -> str:
    letters = _ascii(text).upper()
    consonants = [c for c in letters if c not in "AEIOU"]
    vowels = [c for c in letters if c in "AEIOU"]
    if first_name and len(consonants) >= 4:
        consonants = [consonants[0], consonants[2], consonants[3]]
    return ("".join(consonants + vowels) + "XXX")[:3]


def fiscal_code(last: str, first: str, born: date, female: bool, town_code: str) -> str:
    """An Italian codice fiscale with the right check character (no homocode handling)."""
    day = born.day + (40 if female else 0)
    body = (
        _cf_part(last, False) + _cf_part(first, True) + f"{born.year % 100:02d}"
        + _MONTHS[born.month - 1] + f"{day:02d}" + town_code
    )
    total = sum(_ODD[c] if i % 2 == 0 else _EVEN[c] for i, c in enumerate(body))
    return body + chr(65 + total % 26)


def with_birth_date(code: str, born: date) -> str:
    """The fiscal code ``code`` with its birth date changed to ``born`` (and its check
    character recomputed): a demo client whose birthday is moved keeps an editable record."""
    female = int(code[9:11]) > 40
    day = born.day + (40 if female else 0)
    body = code[:6] + f"{born.year % 100:02d}" + _MONTHS[born.month - 1] + f"{day:02d}" + code[11:15]
    total = sum(_ODD[c] if i % 2 == 0 else _EVEN[c] for i, c in enumerate(body))
    return body + chr(65 + total % 26)


def vat_number(rng: random.Random) -> str:
    """A partita IVA: 7 digits, a provincial office code, and the Luhn-style check digit."""
    digits = [rng.randrange(10) for _ in range(7)] + [int(c) for c in f"{rng.randint(1, 100):03d}"]
    total = 0
    for i, d in enumerate(digits):
        if i % 2 == 0:
            total += d
        else:
            total += d * 2 - 9 if d * 2 > 9 else d * 2
    return "".join(map(str, digits)) + str((10 - total % 10) % 10)


def _money(value: float) -> str:
    return f"{value:.2f}"


def _italian_money(value: float) -> str:
    whole, cents = f"{value:.2f}".split(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return ".".join(groups) + "," + cents


def _segments(text: str) -> tuple[str, int]:
    """Encoding and parts of a text; plain ASCII without GSM extension characters is quick."""
    if text.isascii() and not any(c in "^{}\\[~]|" for c in text):
        length = len(text)
        return "GSM-7", 1 if length <= 160 else math.ceil(length / 153)
    from pegaso_tui.sms.text import analyze

    info = analyze(text)
    return info.encoding, info.segments


# --- the generator ------------------------------------------------------------------------------


@dataclass(slots=True)
class _ClientFacts:
    """What later steps need to know of a generated client."""

    id: int
    code: str
    name: str
    first_name: str
    phone: str | None  # E.164 when an SMS can be sent to it
    sms_practices: bool
    sms_promo: bool
    walk_in: bool
    monthday: int | None


class _Generator:
    def __init__(self, seed: int, today: date, progress: Progress | None) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.progress = progress or (lambda stage, done, total: None)
        self.now = datetime.combine(today, datetime.now().time().replace(microsecond=0))
        self._iso_cache: dict[int, str] = {}
        self.summary = DemoSummary()
        towns = N.TOWNS
        self.town_weights = list(_cumulative([t[5] for t in towns]))
        dest_weights = [d[3] for d in N.DESTINATIONS]
        self.dest_weights = list(_cumulative(dest_weights))
        self.clients: list[_ClientFacts] = []

    # dates as the database stores them, cached: a million practices share a few thousand days
    def iso(self, ordinal: int) -> str:
        text = self._iso_cache.get(ordinal)
        if text is None:
            text = self._iso_cache[ordinal] = date.fromordinal(ordinal).isoformat()
        return text

    def stamp(self, ordinal: int, seconds: int) -> str:
        return f"{self.iso(ordinal)} {seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"

    def town(self):
        return self.rng.choices(N.TOWNS, cum_weights=self.town_weights)[0]

    # -- operators, preferences, suppliers --------------------------------------------------

    def operators(self, extra: str | None = None) -> list[int]:
        ids = []
        staff = [("mario", "Mario Zanetti"), ("giulia", "Giulia Residori"), ("luca", "Luca Perbellini")]
        if extra and extra not in (username for username, _ in staff):
            staff.insert(0, (extra, extra))
        for username, name in staff:
            operator, _ = Operator.get_or_create(username=username, defaults={"name": name})
            ids.append(operator.id)
        return ids

    def preferences(self) -> dict[str, int]:
        before = Preference.select().count()
        insert_rows(Preference, ("code", "description"),
                    [(code, description) for code, description, _ in N.PREFERENCES],
                    conflict="code")
        self.summary.preferences = Preference.select().count() - before
        wanted = [code for code, _, _ in N.PREFERENCES]
        return dict(Preference.select(Preference.code, Preference.id)
                    .where(Preference.code.in_(wanted)).tuples())

    def suppliers(self) -> None:
        if Supplier.select().exists():
            return  # suppliers are not per-run: a second --force run adds none
        rows = []
        rng = self.rng
        for index, name in enumerate(N.SUPPLIERS, start=1):
            town = self.town()
            mobile = f"+39{rng.choice(N.MOBILE_PREFIXES)}{rng.randrange(10**7):07d}"
            phone = f"{town[3]} {rng.randrange(10 ** (9 - len(town[3]))):0{10 - len(town[3])}d}"
            email = f"booking@{_ascii(name.split()[0]).lower()}.it"
            code = f"{index:07d}"
            rows.append((code, name, mobile, OK, phone, email,
                         search_text(code, name, mobile, phone, email), self.now))
        insert_rows(Supplier, ("code", "name", "mobile", "mobile_status", "phone", "email",
                               "search_text", "created_at"), rows)
        self.summary.suppliers = len(rows)

    # -- clients ---------------------------------------------------------------------------------

    def clients_step(self, count: int, preference_ids: dict[str, int]) -> None:
        """Generate ``count`` clients (the walk-in one first when there is none yet)."""
        first_id = (Client.select(fn.MAX(Client.id)).scalar() or 0) + 1
        codes = [c for (c,) in Client.select(Client.code).tuples() if c.isdigit()]
        first_code = max(map(int, codes), default=0) + 1
        need_walk_in = not Client.select().where(Client.walk_in == True).exists()  # noqa: E712
        pref_codes = list(preference_ids)
        pref_weights = list(_cumulative([w for _, _, w in N.PREFERENCES]))
        fields = ("id", "code", "name", "kind", "first_name", "last_name", "address", "zip",
                  "city", "province", "country", "fiscal_code", "vat_number", "phone", "mobile",
                  "mobile_status", "email", "birth_date", "birth_monthday", "business_started",
                  "legal_representative", "walk_in", "sms_practices", "sms_promo",
                  "email_consent", "travel_agency", "private", "notes", "search_text",
                  "created_at", "updated_at")
        rows: list[tuple] = []
        links: list[tuple[int, int]] = []
        extra_mobiles: list[tuple] = []
        persons: list[int] = []
        forced_birthdays = list(range(8)) if count >= 50 else []
        leap_day_done = count < 50
        for index in range(count):
            client_id = first_id + index
            code_number = first_code + index
            code = f"{code_number:07d}"
            if index == 0 and need_walk_in:
                row = self._walk_in(client_id, code)
            elif code_number in (2, 14, 280) and first_code == 1:
                row = self._manual_client(client_id, code, code_number)
            else:
                row = self._client(client_id, code, persons)
            values = dict(zip(fields, row))
            if values["kind"] == "person" and not values["walk_in"]:
                if forced_birthdays and values["mobile_status"] == OK and values["sms_promo"]:
                    # a birthday on each of the next days: "Buon Compleanno" always has work
                    offset = forced_birthdays.pop(0)
                    born = values["birth_date"]
                    target = self.today + timedelta(days=offset)
                    values["birth_date"] = _same_day(born.year, target)
                elif not leap_day_done and values["mobile_status"] == OK and values["sms_promo"]:
                    values["birth_date"] = date(1972, 2, 29)  # falls on 28 Feb in common years
                    leap_day_done = True
                born = values["birth_date"]
                values["birth_monthday"] = born.month * 100 + born.day
                if len(values["fiscal_code"]) == 16:
                    # the birthday moved above: the code must say the same date, or any edit
                    # of the client is refused
                    values["fiscal_code"] = with_birth_date(values["fiscal_code"], born)
                persons.append(client_id)
            rows.append(tuple(values[f] for f in fields))
            self.clients.append(_ClientFacts(
                client_id, code, values["name"], values["first_name"] or values["name"],
                values["mobile"] if values["mobile_status"] == OK else None,
                values["sms_practices"], values["sms_promo"], values["walk_in"],
                values["birth_monthday"],
            ))
            if pref_codes and not values["walk_in"] and self.rng.random() < 0.72:
                chosen = set(self.rng.choices(pref_codes, cum_weights=pref_weights,
                                              k=self.rng.choice((1, 1, 2, 2, 3))))
                if values["kind"] == "company" and "2" in preference_ids:
                    chosen.add("2")  # BUSINESS
                links += [(client_id, preference_ids[c]) for c in sorted(chosen)]
            if values["kind"] == "company" and self.rng.random() < 0.3:
                for label in self.rng.sample(("Titolare", "Amministrazione", "Ufficio viaggi"),
                                             self.rng.choice((1, 2))):
                    mobile = f"+39{self.rng.choice(N.MOBILE_PREFIXES)}{self.rng.randrange(10**7):07d}"
                    extra_mobiles.append((client_id, mobile, OK, label))
            if len(rows) >= CHUNK:
                self._write_clients(fields, rows, links, extra_mobiles, index + 1, count)
                rows, links, extra_mobiles = [], [], []
        self._write_clients(fields, rows, links, extra_mobiles, count, count)
        self.summary.clients = count

    def _write_clients(self, fields, rows, links, extra_mobiles, done: int, total: int) -> None:
        with database_proxy.atomic():
            insert_rows(Client, fields, rows)
            insert_rows(ClientPreference, ("client", "preference"), links)
            insert_rows(ClientMobile, ("client", "mobile", "mobile_status", "label"), extra_mobiles)
        self.progress("clienti", done, total)

    def _mobile(self, town) -> tuple[str, str, str]:
        """(mobile as stored, its status, landline) for an ordinary client."""
        rng = self.rng
        r = rng.random()
        area = town[3]
        landline = f"{area} {rng.randrange(10 ** (10 - len(area))):0{10 - len(area)}d}"
        if r < 0.84:
            return f"+39{rng.choice(N.MOBILE_PREFIXES)}{rng.randrange(10**7):07d}", OK, landline
        if r < 0.87:
            pattern = rng.choice(N.FOREIGN_MOBILES)
            typed = pattern.format(a=rng.randrange(100, 999), b=rng.randrange(100),
                                   c=rng.randrange(100, 999), d=rng.randrange(100))
            check = check_mobile(typed)
            return check.stored, check.status, ""
        if r < 0.92:
            return "", MISSING, landline if rng.random() < 0.5 else ""  # maybe a landline only
        # the landline typed in the mobile field, or a number mistyped beyond repair
        typed = landline if r < 0.95 else rng.choice(N.MALFORMED_MOBILES)
        check = check_mobile(typed)  # the classifier has the last word
        return check.stored, check.status, "" if r < 0.95 else landline

    def _client(self, client_id: int, code: str, persons: list[int]) -> tuple:
        rng = self.rng
        town = self.town()
        mobile, status, phone = self._mobile(town)
        street = f"{rng.choice(N.STREETS)} {rng.randint(1, 180)}"
        since = self.today.toordinal() - int(3650 * rng.random())
        created = self.stamp(since, rng.randrange(8 * 3600, 19 * 3600))
        consent_practices = rng.random() < 0.9
        consent_promo = rng.random() < 0.8
        email_consent = rng.random() < 0.85
        if rng.random() < 0.8:  # a person
            female = rng.random() < 0.52
            first = rng.choice(N.FEMALE_NAMES if female else N.MALE_NAMES)
            last = rng.choice(N.LAST_NAMES)
            age_days = rng.randint(18 * 365, 88 * 365)
            born = self.today - timedelta(days=age_days)
            birth_town = town if rng.random() < 0.7 else self.town()
            fiscal = fiscal_code(last, first, born, female, birth_town[4])
            name = f"{last} {first}".upper()
            email = ""
            if rng.random() < 0.7:
                email = f"{_ascii(first).lower()}.{_ascii(last).lower()}{rng.choice(('', '', rng.randint(1, 99)))}@{rng.choice(N.EMAIL_DOMAINS)}"
            if status != MISSING and rng.random() > 0.35:
                phone = ""  # most people leave only their mobile
            return (client_id, code, name, "person", first, last, street, town[1], town[0],
                    town[2], "ITALIA", fiscal, "", phone, mobile, status, email, born,
                    born.month * 100 + born.day, None, None, False, consent_practices,
                    consent_promo, email_consent, False, True, "",
                    search_text(code, name, first, last, mobile, phone, town[0], email),
                    created, created)
        pattern, agency = rng.choice(N.COMPANY_PATTERNS)
        name = pattern.format(S=rng.choice(N.LAST_NAMES).upper(), S2=rng.choice(N.LAST_NAMES).upper(),
                              T=town[0], N=rng.choice(N.MALE_NAMES + N.FEMALE_NAMES).upper())
        vat = vat_number(rng)
        slug = _ascii(name.split()[-2] if len(name.split()) > 1 else name).lower() or "azienda"
        email = f"info@{slug}{rng.randint(1, 999)}.it"
        started = date.fromordinal(self.today.toordinal() - rng.randint(365, 40 * 365))
        representative = rng.choice(persons) if persons and rng.random() < 0.3 else None
        phone = phone or f"{town[3]} {rng.randrange(10 ** (10 - len(town[3]))):0{10 - len(town[3])}d}"
        return (client_id, code, name, "company", "", "", street, town[1], town[0], town[2],
                "ITALIA", vat, vat, phone, mobile, status, email, None, None, started,
                representative, False, consent_practices, consent_promo, email_consent, agency,
                False, "", search_text(code, name, mobile, phone, town[0], email), created, created)

    def _walk_in(self, client_id: int, code: str) -> tuple:
        # It has a mobile and both opt-ins: only its walk-in flag keeps it out of every SMS.
        mobile = "+393479990001"
        name = "CLIENTE LIBERO"
        created = self.stamp(self.today.toordinal() - 3650, 9 * 3600)
        return (client_id, code, name, "person", "", "", "", "", "", "", "ITALIA", "", "", "",
                mobile, OK, "", None, None, None, None, True, True, True, False, False, False,
                "Vendite al banco senza anagrafica", search_text(code, name, mobile), created, created)

    def _manual_client(self, client_id: int, code: str, number: int) -> tuple:
        created = self.stamp(self.today.toordinal() - 3000, 10 * 3600)
        if number == 2:  # the client on the screenshots of the manuals
            name, mobile = "FUTURA VIAGGI WWW", check_mobile("349999999")
            return (client_id, code, name, "company", "", "", "VIA SARAGAT", "37066",
                    "SOMMACAMPAGNA", "VR", "ITALIA", "02263470235", "02263470235",
                    "045.510712", mobile.stored, mobile.status, "", None, None,
                    date(1998, 3, 2), None, False, True, True, True, True, False, "",
                    search_text(code, name, mobile.stored, "045.510712", "SOMMACAMPAGNA"),
                    created, created)
        if number == 14:
            name, mobile = "AGENZIA GIRAMONDO", check_mobile("+39 335 1234567")
            return (client_id, code, name, "company", "", "", "CORSO PORTA NUOVA 12", "37122",
                    "VERONA", "VR", "ITALIA", "03145670232", "03145670232", "045 8012345",
                    mobile.stored, mobile.status, "", None, None, date(2004, 5, 10), None,
                    False, True, True, True, True, False, "",
                    search_text(code, name, mobile.stored, "045 8012345", "VERONA"),
                    created, created)
        born = date(1970, 12, 25)
        name, mobile = "ROSSO STEFANO", check_mobile("340 1234567")
        fiscal = fiscal_code("Rosso", "Stefano", born, False, "L781")
        return (client_id, code, name, "person", "Stefano", "Rosso", "VIA MAZZINI 5", "37121",
                "VERONA", "VR", "ITALIA", fiscal, "", "", mobile.stored, mobile.status, "",
                born, 1225, None, None, False, True, True, True, False, True, "",
                search_text(code, name, "Stefano", "Rosso", mobile.stored, "VERONA"),
                created, created)

    # -- practices -------------------------------------------------------------------------------

    def practices_step(self, count: int) -> list[tuple]:
        """Generate ``count`` practices; return (id, client index, departure ordinal, kind
        data) for the messages step."""
        if count == 0 or not self.clients:
            return []
        rng = self.rng
        today = self.today.toordinal()
        first_id = (Practice.select(fn.MAX(Practice.id)).scalar() or 0) + 1
        ordinary = [i for i, c in enumerate(self.clients) if not c.walk_in]
        walk_in = [i for i, c in enumerate(self.clients) if c.walk_in]
        # Some customers travel a lot, most a little (a Pareto activity); the walk-in client
        # takes the counter sales, about 3% of the practices.
        weights = [min(rng.paretovariate(1.6), 40.0) for _ in ordinary]
        picks = rng.choices(ordinary, cum_weights=list(_cumulative(weights)), k=count) if ordinary else []
        if walk_in:
            for position in range(0, count, 33):
                if position < len(picks):
                    picks[position] = walk_in[0]
        if not picks:
            picks = [walk_in[0]] * count
        # Booking dates over the last ten years, denser lately; ascending, so numbers follow.
        days_ago = sorted((int(3650 * rng.random() ** 1.15) for _ in range(count)), reverse=True)
        # The last 16 practices show every combination of the four flags, on sendable clients.
        showcase = [i for i in ordinary if self.clients[i].phone and self.clients[i].sms_practices]
        numbers = self._practice_numbers(days_ago, today)
        fields = ("id", "number", "client", "practice_date", "departure_date", "destination",
                  "amount", "balance", "notified_balance", "notified_documents", "paid",
                  "documents_delivered", "created_at")
        facts: list[tuple] = []
        rows: list[tuple] = []
        trips = rng.choices(N.DESTINATIONS, cum_weights=self.dest_weights, k=count)
        rnd = rng.random
        for index in range(count):
            booked = today - days_ago[index]
            client_index = picks[index]
            r = rnd()
            lead = rng.randint(2, 20) if r < 0.25 else rng.randint(20, 90) if r < 0.65 else rng.randint(90, 300)
            departure = booked + lead if rnd() > 0.03 else None
            relative = (departure if departure is not None else booked) - today
            for bound, chances in _FLAG_TIERS:
                if relative < bound:
                    break
            paid = rnd() < chances[0]
            flags = (rnd() < chances[1], rnd() < chances[2], paid, rnd() < chances[3])
            if index >= count - 16 and showcase:
                combo = count - 1 - index
                flags = tuple(bool(combo >> bit & 1) for bit in range(4))
                paid = flags[2]
                client_index = showcase[combo % len(showcase)]
                if departure is None:
                    departure = booked + 30
            destination, low, high, _ = trips[index]
            amount = round(rng.uniform(low, high) / 10) * 10 + (50 if rnd() < 0.2 else 0) / 100
            balance = 0.0 if paid else round(amount * 0.7, 2)
            practice_id = first_id + index
            rows.append((
                practice_id, numbers[index], self.clients[client_index].id, self.iso(booked),
                self.iso(departure) if departure is not None else None, destination,
                _money(amount), _money(balance), flags[0], flags[1], flags[2], flags[3],
                self.stamp(booked, 32400 + (index * 7919) % 32400),
            ))
            facts.append((practice_id, numbers[index], client_index, departure, balance, booked))
            if len(rows) >= CHUNK:
                self._write(Practice, fields, rows, "pratiche", index + 1, count)
                rows = []
        self._write(Practice, fields, rows, "pratiche", count, count)
        self.summary.practices = count
        return facts

    def _practice_numbers(self, days_ago: list[int], today: int) -> list[str]:
        """``YYYY/NNNN``: a sequence per booking year, after any existing number of that year."""
        per_year: dict[int, int] = {}
        for ago in days_ago:
            year = date.fromordinal(today - ago).year
            per_year[year] = per_year.get(year, 0) + 1
        width = max(4, len(str(max(per_year.values(), default=1))))
        next_number: dict[int, int] = {}
        for year in per_year:
            existing = [
                n.split("/", 1)[1]
                for (n,) in Practice.select(Practice.number)
                .where(Practice.number.startswith(f"{year}/")).tuples()
            ]
            next_number[year] = max((int(s) for s in existing if s.isdigit()), default=0) + 1
        numbers = []
        for ago in days_ago:
            year = date.fromordinal(today - ago).year
            numbers.append(f"{year}/{next_number[year]:0{width}d}")
            next_number[year] += 1
        return numbers

    def _write(self, model, fields, rows, stage: str, done: int, total: int) -> None:
        with database_proxy.atomic():
            insert_rows(model, fields, rows)
        self.progress(stage, done, total)

    # -- campaigns and messages ------------------------------------------------------------------

    def messages_step(self, count: int, practices: list[tuple], operators: list[int]) -> None:
        """Past campaigns over the recent months and ``count`` messages in final statuses."""
        sendable = [i for i, c in enumerate(self.clients) if c.phone and not c.walk_in]
        if count == 0 or not sendable:
            return
        rng = self.rng
        today = self.today.toordinal()
        span = 180 if count >= 20_000 else 120
        promo_pool = [i for i in sendable if self.clients[i].sms_promo]
        by_birthday: dict[int, list[int]] = {}
        for i in promo_pool:
            if self.clients[i].monthday:
                by_birthday.setdefault(self.clients[i].monthday, []).append(i)
        practice_pool = sorted(
            (p for p in practices
             if p[3] is not None and self.clients[p[2]].phone and self.clients[p[2]].sms_practices
             and not self.clients[p[2]].walk_in),
            key=lambda p: p[3],
        )
        departures = [p[3] for p in practice_pool]

        # (day, seconds, kind, template, filters, recipients: [(client index, practice facts)])
        plans: list[tuple] = []
        budget = {"practice": int(count * 0.30), "birthday": int(count * 0.12),
                  "single": max(1, int(count * 0.005))}
        budget["promo"] = count - sum(budget.values())

        # Buon Compleanno: each morning, the day's birthdays, going back from yesterday.
        left = budget["birthday"]
        for back in range(1, span + 1):
            if left <= 0:
                break
            day = date.fromordinal(today - back)
            people = by_birthday.get(day.month * 100 + day.day, [])[:left]
            if people:
                plans.append((day.toordinal(), 9 * 3600 + rng.randrange(1800), "birthday",
                              N.BIRTHDAY_TEXT, {"from": day.isoformat(), "to": day.isoformat()},
                              [(i, None) for i in people]))
                left -= len(people)
        budget["promo"] += left

        # SMS Pratiche: on working days, one status at a time, for departures coming up.
        left = budget["practice"]
        used: set[tuple[int, str]] = set()
        campaigns = max(1, left // 150)
        for n in range(campaigns):
            if left <= 0 or not practice_pool:
                break
            day = today - 1 - int(span * n / campaigns)
            kind = NOTICE_KINDS[n % 4]
            start = bisect.bisect_left(departures, day + 5)
            end = bisect.bisect_right(departures, day + 75)
            window = practice_pool[start:end] or practice_pool
            size = min(left, max(1, left // (campaigns - n)), len(window))
            recipients = []
            about_money = kind in ("balance-not-notified", "unpaid")
            for p in rng.sample(window, size):
                if p[5] > day or (p[0], kind) in used:  # booked after the SMS, or told already
                    continue
                if about_money and p[4] <= 0:  # nobody is reminded of a balance of zero
                    continue
                used.add((p[0], kind))
                recipients.append((p[2], p))
            if recipients:
                plans.append((day, 10 * 3600 + rng.randrange(7 * 3600), "practice",
                              N.PRACTICE_TEXTS[kind], {"status": kind}, recipients))
                left -= len(recipients)
        budget["promo"] += left

        # SMS Promozionali: every week or two, to a sample of the promo clients.
        left = budget["promo"]
        pool = promo_pool or sendable
        size = min(len(pool), math.ceil(left / min(26, max(2, left // 2000))))
        campaigns = math.ceil(left / size) if size else 0
        for n in range(campaigns):
            size = min(size, left)
            day = today - 2 - int((span - 3) * n / campaigns)
            chosen = rng.sample(pool, size) if size < len(pool) else list(pool)
            plans.append((day, 15 * 3600 + rng.randrange(3 * 3600), "promo",
                          N.PROMO_TEXTS[n % len(N.PROMO_TEXTS)],
                          {"preferences": [], "with_practices": False},
                          [(i, None) for i in chosen]))
            left -= size
        # Invio SMS Singolo: one client each; it also takes whatever the others left.
        singles = budget["single"] + left
        for _ in range(singles):
            day = today - rng.randint(0, span)
            plans.append((day, 9 * 3600 + rng.randrange(9 * 3600), "single",
                          rng.choice(N.SINGLE_TEXTS), {}, [(rng.choice(sendable), None)]))
        plans.sort(key=lambda p: (p[0], p[1]))
        self._write_messages(plans, operators, count)

    def _write_messages(self, plans: list[tuple], operators: list[int], total: int) -> None:
        rng = self.rng
        first_campaign = (Campaign.select(fn.MAX(Campaign.id)).scalar() or 0) + 1
        message_id = (Message.select(fn.MAX(Message.id)).scalar() or 0) + 1
        campaign_fields = ("id", "kind", "template", "sender", "purpose", "filters", "operator",
                           "created_at", "message_count", "segment_count")
        message_fields = ("id", "campaign", "client", "practice", "client_code", "recipient_name",
                          "phone", "sender", "text", "encoding", "segments", "status",
                          "transaction_id", "provider_id", "attempts", "last_error",
                          "error_code", "queued_at", "sent_at", "delivered_at", "updated_at")
        notice_fields = ("practice", "kind", "message", "operator", "created_at", "sent_at")
        campaigns, messages, notices = [], [], []
        written = 0
        rnd = rng.random
        for offset, (day, seconds, kind, template, filters, recipients) in enumerate(plans):
            campaign_id = first_campaign + offset
            operator = rng.choice(operators)
            created = self.stamp(day, seconds)
            segments_total = 0
            notice_kind = filters.get("status") if kind == "practice" else None
            for position, (client_index, practice) in enumerate(recipients):
                client = self.clients[client_index]
                text = template.replace("{nome}", client.first_name.title() if client.first_name.isupper() else client.first_name)
                if practice is not None:
                    departure = date.fromordinal(practice[3]).strftime("%d-%m-%Y") if practice[3] else ""
                    text = (text.replace("{pratica}", practice[1]).replace("{partenza}", departure)
                            .replace("{saldo}", _italian_money(practice[4])))
                encoding, segments = _segments(text)
                segments_total += segments
                queued_s = seconds + position // 20
                queued = self.stamp(day + queued_s // 86400, queued_s % 86400)
                r = rnd()
                sent_s = queued_s + 1 + int(rnd() * 20)
                sent = self.stamp(day + sent_s // 86400, sent_s % 86400)
                error = code = delivered = None
                provider = str(90_000_000 + message_id)
                if r < 0.94:
                    status = "delivered"
                    done_s = sent_s + 2 + int(rnd() * 90)
                    delivered = self.stamp(day + done_s // 86400, done_s % 86400)
                    updated = delivered
                elif r < 0.975:
                    status = "undelivered"
                    code, error = rng.choice(N.UNDELIVERED_REASONS)
                    done_s = sent_s + 3600 + int(rnd() * 40000)
                    updated = self.stamp(day + done_s // 86400, done_s % 86400)
                else:
                    status = "failed"
                    code, error = rng.choice(N.FAILED_REASONS)
                    sent = None
                    provider = None
                    updated = queued
                messages.append((
                    message_id, campaign_id, client.id, practice[0] if practice else None,
                    client.code, client.name, client.phone, SENDER, text, encoding, segments,
                    status, f"demo-{message_id:010d}", provider, 1, error, code, queued, sent,
                    delivered, updated,
                ))
                if notice_kind and status != "failed":  # a failed SMS releases its practice
                    notices.append((practice[0], notice_kind, message_id, operator, queued, sent))
                message_id += 1
            purpose = {"promo": "marketing", "birthday": "auguri"}.get(kind, "servizio")
            campaigns.append((campaign_id, kind, template, SENDER, purpose, json.dumps(filters),
                              operator, created, len(recipients), segments_total))
            if len(messages) >= CHUNK or offset == len(plans) - 1:
                with database_proxy.atomic():
                    insert_rows(Campaign, campaign_fields, campaigns)
                    with counted_in_bulk(database_proxy.obj):  # one grouped count per chunk
                        insert_rows(Message, message_fields, messages)
                    insert_rows(PracticeNotice, notice_fields, notices)
                written += len(messages)
                self.summary.campaigns += len(campaigns)
                self.summary.messages += len(messages)
                self.summary.notices += len(notices)
                campaigns, messages, notices = [], [], []
                self.progress("messaggi", written, total)

    # -- CRM ---------------------------------------------------------------------------------------

    def crm_step(self, operators: list[int]) -> None:
        """A few outcomes, contacts and requests, so the CRM masks have something to show."""
        rng = self.rng
        if not Outcome.select().exists():
            insert_rows(Outcome, ("name", "group", "colour", "is_default", "obsolete", "description"),
                        [(name, group, colour, default, False, "")
                         for name, group, colour, default in N.OUTCOMES])
        outcomes = dict(Outcome.select(Outcome.name, Outcome.id).tuples())
        groups = dict(Outcome.select(Outcome.name, Outcome.group).tuples())
        people = [c for c in self.clients if not c.walk_in]
        contacts = min(200, max(5, len(self.clients) // 25))
        requests = min(500, max(10, len(self.clients) // 10))
        contact_rows = []
        for _ in range(contacts):
            first = rng.choice(N.MALE_NAMES + N.FEMALE_NAMES)
            last = rng.choice(N.LAST_NAMES)
            name = f"{last} {first}".upper()
            mobile = f"+39{rng.choice(N.MOBILE_PREFIXES)}{rng.randrange(10**7):07d}"
            contact_rows.append((name, "", mobile, OK, "", "", search_text(name, mobile), self.now))
        with database_proxy.atomic():
            first_contact = (Contact.select(fn.MAX(Contact.id)).scalar() or 0) + 1
            insert_rows(Contact, ("name", "phone", "mobile", "mobile_status", "email", "notes",
                                  "search_text", "created_at"), contact_rows)
            first_request = (Request.select(fn.MAX(Request.id)).scalar() or 0) + 1
            request_rows, activity_rows = [], []
            for n in range(requests):
                destination = rng.choices(N.DESTINATIONS, cum_weights=self.dest_weights)[0][0]
                opened = self.today.toordinal() - rng.randint(0, 120)
                outcome = rng.choice(list(outcomes))
                closed = groups[outcome] in ("positive", "negative")
                if rng.random() < 0.6 and people:
                    client = rng.choice(people)
                    subject, client_id, contact_id, mobile = client.name, client.id, None, client.phone or ""
                else:
                    index = rng.randrange(contacts)
                    subject, client_id, contact_id, mobile = (contact_rows[index][0], None,
                                                              first_contact + index, contact_rows[index][2])
                recontact = None if closed else self.iso(self.today.toordinal() + rng.randint(-5, 20))
                request_rows.append((
                    client_id, contact_id, subject, "", mobile, "",
                    rng.choice(N.REQUEST_TEXTS).format(dest=destination.title()),
                    rng.choice(("call", "call", "meeting", "email", "other")), destination.title(),
                    recontact, rng.choice(operators), not closed, outcomes[outcome],
                    self.stamp(opened, 9 * 3600 + rng.randrange(9 * 3600)),
                    self.stamp(opened + rng.randint(0, 30), 17 * 3600) if closed else None,
                    search_text(subject, mobile),
                ))
                activity_rows.append((first_request + n, self.iso(opened), "Primo contatto",
                                      outcomes[outcome], recontact, rng.choice(operators),
                                      self.stamp(opened, 12 * 3600)))
            insert_rows(Request, ("client", "contact", "subject_name", "phone", "mobile", "email",
                                  "description",
                                  "request_type", "destinations", "recontact_date", "operator",
                                  "is_open", "last_outcome", "created_at", "closed_at",
                                  "search_text"), request_rows)
            insert_rows(Activity, ("request", "activity_date", "description", "outcome",
                                   "next_recontact", "operator", "created_at"), activity_rows)
        self.summary.contacts = contacts
        self.summary.requests = requests


def _cumulative(weights):
    total = 0.0
    for weight in weights:
        total += weight
        yield total


def _same_day(year: int, target: date) -> date:
    """A birth date in ``year`` on ``target``'s day (29 February moves to the 28th)."""
    try:
        return target.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


def _fix_sequences() -> None:
    """PostgreSQL: ids were given explicitly, so move every id sequence past them."""
    db = database_proxy.obj
    if isinstance(db, SqliteDatabase):
        return
    for model in ALL_MODELS:
        if "id" not in model._meta.fields:  # e.g. the per-day message counts: no sequence
            continue
        table = model._meta.table_name
        db.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM \"{table}\"), 0) + 1, false)"
        )


def generate_demo_data(
    clients: int = DEFAULT_CLIENTS,
    practices: int = DEFAULT_PRACTICES,
    messages: int = DEFAULT_MESSAGES,
    *,
    seed: int = DEFAULT_SEED,
    today: date | None = None,
    force: bool = False,
    progress: Progress | None = None,
    operator: str | None = None,
) -> DemoSummary:
    """Fill the open database with a demo agency; return how many rows of each kind.

    With ``operator`` (a username), that operator works at the agency too: some of the CRM
    requests are theirs, so their agenda has recontacts due today and overdue.

    Raises DemoDataError when the database already has clients and ``force`` is not given,
    or when the sizes make no sense.
    """
    started = time.perf_counter()
    for label, value in (("clienti", clients), ("pratiche", practices), ("messaggi", messages)):
        if value < 0:
            raise DemoDataError(f"il numero di {label} non può essere negativo")
    if clients == 0 and (practices or messages):
        raise DemoDataError("senza clienti non si possono creare pratiche né messaggi")
    existing = Client.select().count()
    if existing and not force:
        raise DemoDataError(
            f"il database contiene già {existing} clienti: i dati dimostrativi vanno in un "
            "database nuovo (--db con un file nuovo), oppure aggiungerli con --force"
        )
    generator = _Generator(seed, today or date.today(), progress)
    db = database_proxy.obj
    if isinstance(db, SqliteDatabase):
        # A big page cache keeps the indexes of a million rows in memory while they grow.
        previous_cache = db.execute_sql("PRAGMA cache_size").fetchone()[0]
        db.execute_sql("PRAGMA cache_size = -262144")
    try:
        operators = generator.operators(operator)
        with database_proxy.atomic():
            preference_ids = generator.preferences()
            generator.suppliers()
        generator.clients_step(clients, preference_ids)
        facts = generator.practices_step(practices)
        generator.messages_step(messages, facts, operators)
        if clients:
            generator.crm_step(operators)
        _fix_sequences()
    finally:
        if isinstance(db, SqliteDatabase):
            db.execute_sql(f"PRAGMA cache_size = {previous_cache}")
    generator.summary.elapsed_s = time.perf_counter() - started
    return generator.summary
