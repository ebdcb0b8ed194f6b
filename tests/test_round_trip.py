"""Every exported list imports back unchanged (issue 13, item 3).

A property test: random preferences, clients, practices and suppliers — with the awkward
values real agencies have (accents, quotes, separators, text that looks like a formula or a
number, line breaks in the notes, foreign and invalid mobiles) — are exported as the lists'
F9 exports them, to CSV and to XLSX, and imported into an empty database. Every field and
every flag must come back equal.
"""

from __future__ import annotations

import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pegaso_tui.db.clients import clients_pager
from pegaso_tui.db.connection import close_database, open_database
from pegaso_tui.db.export_columns import clients_export_pager, record_columns
from pegaso_tui.db.import_columns import SPECS
from pegaso_tui.db.importer import import_csv
from pegaso_tui.db.models import Client, ClientPreference, OptOut, Practice, Preference, Supplier
from pegaso_tui.db.practices import practices_pager
from pegaso_tui.db.preferences import preferences_pager
from pegaso_tui.db.suppliers import suppliers_pager
from pegaso_tui.exporting import export_pager

KINDS = ("preferences", "clients", "practices", "suppliers")  # the order an import needs

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZàèéìòùÀÈÉÌÒÙçñüß"
_SYMBOLS = " .,;:'\"-=+@()/&%€[]{}!?#*|\\<>"
_ALPHABET = _LETTERS + "0123456789" + _SYMBOLS


def _text(max_size: int = 25, alphabet: str = _ALPHABET, allow_empty: bool = True):
    # the import trims every cell, as the forms do: stored values have no outer spaces
    strategy = st.text(alphabet=alphabet, max_size=max_size).map(str.strip)
    return strategy if allow_empty else strategy.filter(bool)


_NOTES = st.lists(_text(20), max_size=3).map("\n".join).map(str.strip)
_DATES = st.none() | st.dates(date(1900, 1, 1), date(2030, 12, 31))
_BIRTH_DATES = st.none() | st.dates(date(1900, 1, 1), date.today())  # the import refuses a future one
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_MOBILES = st.sampled_from(["", "+393499999999", "+393401234567", "+41781234567", "+12025550123",
                            "12345", "045 510712", "349O123456", "349 HELLO 12"])
_AMOUNTS = st.decimals(min_value=0, max_value=9_999_999, places=2, allow_nan=False, allow_infinity=False)
_CLIENT_CODES = st.integers(1, 9_999_999).map(lambda n: f"{n:07d}") | st.from_regex(r"[A-Z][A-Z0-9]{0,9}", fullmatch=True)


@st.composite
def agencies(draw):
    """Preferences, clients (with some of the preferences), practices and suppliers."""
    preference_codes = draw(st.lists(st.from_regex(r"[A-Z0-9]{1,8}", fullmatch=True), max_size=4, unique=True))
    preferences = [dict(code=c, description=draw(_text(30, allow_empty=False))) for c in preference_codes]
    clients = []
    for code in draw(st.lists(_CLIENT_CODES, min_size=1, max_size=6, unique=True)):
        clients.append(dict(
            code=code, name=draw(_text(allow_empty=False)), kind=draw(st.sampled_from(["person", "company"])),
            first_name=draw(_text()), last_name=draw(_text()), mobile=draw(_MOBILES),
            phone=draw(_text(15, "0123456789 +/-")), email=draw(st.sampled_from(["", "a@b.it", "mario.rossi@example.com"])),
            birth_date=draw(_BIRTH_DATES), address=draw(_text()), zip=draw(st.sampled_from(["", "37066", "00100", "CH-8000"])),
            city=draw(_text()), province=draw(st.sampled_from(["", "VR", "RM", "ZH"])),
            country=draw(st.sampled_from(["ITALIA", "SVIZZERA", "FRANCIA"])),
            fiscal_code=draw(_text(16, _UPPER)), vat_number=draw(_text(11, _UPPER)),
            sms_practices=draw(st.booleans()), sms_promo=draw(st.booleans()), walk_in=draw(st.booleans()),
            email_consent=draw(st.booleans()), travel_agency=draw(st.booleans()), private=draw(st.booleans()),
            business_started=draw(_DATES), notes=draw(_NOTES),
            preferences=sorted(draw(st.sets(st.sampled_from(preference_codes))) if preference_codes else []),
            opt_out=draw(st.booleans()),
        ))
    practices = []
    for number in draw(st.lists(st.from_regex(r"20[0-9]{2}/[0-9]{4}", fullmatch=True), max_size=5, unique=True)):
        practices.append(dict(
            number=number, client=draw(st.sampled_from([c["code"] for c in clients])),
            practice_date=draw(st.dates(date(2000, 1, 1), date(2030, 12, 31))), departure_date=draw(_DATES),
            destination=draw(_text()), amount=draw(_AMOUNTS), balance=draw(_AMOUNTS),
            notified_balance=draw(st.booleans()), notified_documents=draw(st.booleans()),
            paid=draw(st.booleans()), documents_delivered=draw(st.booleans()),
        ))
    suppliers = [
        dict(code=code, name=draw(_text(allow_empty=False)), mobile=draw(_MOBILES),
             phone=draw(_text(15, "0123456789 +/-")), email=draw(st.sampled_from(["", "x@y.com"])))
        for code in draw(st.lists(_CLIENT_CODES, max_size=3, unique=True))
    ]
    return dict(preferences=preferences, clients=clients, practices=practices, suppliers=suppliers)


def _fill(agency) -> None:
    by_code = {}
    for values in agency["preferences"]:
        by_code[values["code"]] = Preference.create(**values)
    for values in agency["clients"]:
        values = dict(values)
        codes = values.pop("preferences")
        objected = values.pop("opt_out")
        client = Client.create(**values)
        if objected:  # "Opposizione Marketing": the client objected to marketing
            OptOut.create(client=client, reason="prova")
        for code in codes:
            ClientPreference.create(client=client, preference=by_code[code])
    for values in agency["practices"]:
        Practice.create(**{**values, "client": Client.get(Client.code == values["client"])})
    for values in agency["suppliers"]:
        Supplier.create(**values)


def _snapshot() -> dict:
    """Every importable field of every record (and what the app derives from them)."""
    found: dict = {}
    for kind, model, key in (("preferences", Preference, "code"), ("clients", Client, "code"),
                             ("practices", Practice, "number"), ("suppliers", Supplier, "code")):
        names = [f.name for f in SPECS[kind].fields if f.name not in ("preferences", "opt_out")]
        rows = {}
        for record in model.select():
            row = {name: getattr(record, name) for name in names}
            if kind == "practices":
                row["client"] = record.client.code
                row["amount"], row["balance"] = Decimal(record.amount), Decimal(record.balance)
            if kind == "clients":
                row["preferences"] = sorted(link.preference.code for link in record.preference_links)
                row["opt_out"] = OptOut.select().where(OptOut.client == record.id).exists()
            if kind in ("clients", "suppliers"):
                row["mobile_status"] = record.mobile_status
            rows[getattr(record, key)] = row
        found[kind] = rows
    return found


def _export(folder: Path, fmt: str) -> dict[str, Path]:
    pagers = {
        "preferences": preferences_pager(),
        "clients": clients_export_pager(clients_pager()),
        "practices": practices_pager(),
        "suppliers": suppliers_pager(),
    }
    files = {}
    for kind, pager in pagers.items():
        files[kind] = folder / f"{kind}.{fmt}"
        export_pager(pager, record_columns(kind), files[kind])
    return files


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(agency=agencies())
def test_every_exported_list_imports_back_unchanged(agency):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        open_database(str(folder / "agenzia.db"))
        _fill(agency)
        before = _snapshot()
        files = {fmt: _export(folder, fmt) for fmt in ("csv", "xlsx")}
        close_database()
        for fmt, paths in files.items():
            open_database(str(folder / f"vuoto-{fmt}.db"))
            for kind in KINDS:
                report = import_csv(paths[kind], kind)
                assert report.rejected == [], (fmt, kind, report.rejected)
            assert _snapshot() == before, fmt
            close_database()


def test_the_export_headers_are_the_names_the_import_reads():
    from pegaso_tui.db.import_columns import map_columns

    for kind in KINDS:
        labels = [c.label for c in record_columns(kind)]
        columns, warnings = map_columns(SPECS[kind], labels)
        assert warnings == []
        assert [c.field for c in columns] == [f.name for f in SPECS[kind].fields]
