"""The registry's domain functions: clients, practices, suppliers, preferences, the SMS
history — on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from pegaso_tui.dates import DateRange
from pegaso_tui.db.clients import (
    ClientData,
    client_card,
    client_usage,
    clients_pager,
    delete_client,
    next_client_code,
    save_client,
)
from pegaso_tui.db.messages import messages_pager
from pegaso_tui.db.models import Campaign, Client, ClientMobile, ClientPreference, Message, Preference
from pegaso_tui.db.practices import (
    PracticeData,
    next_practice_number,
    parse_amount,
    practice_notices,
    practices_pager,
    save_practice,
)
from pegaso_tui.db.preferences import delete_preference, preferences_pager, save_preference
from pegaso_tui.db.records import InvalidRecord, RecordChanged, RecordInUse
from pegaso_tui.db.suppliers import SupplierData, save_supplier, suppliers_pager
from pegaso_tui.db.tax_ids import check_fiscal_code, check_vat_number
from tests.factories import make_client, make_practice, make_preference, record_notice

PERSON_CF = "RCCMNL83S18D969H"  # born 18-11-1983
VAT = "02263470235"


def message(client=None, practice=None, *, queued_at=datetime(2026, 3, 2, 10, 0), n=[0], **fields):
    """An SMS in the outbox, as the sender would leave it."""
    n[0] += 1
    campaign = Campaign.create(kind="practice", template="t")
    values = dict(
        campaign=campaign, client=client, practice=practice, phone="+393499999999",
        client_code=client.code if client else "", recipient_name=client.name if client else "",
        text=f"testo {n[0]}", transaction_id=f"tx-{n[0]}", queued_at=queued_at, status="delivered",
    )
    values.update(fields)
    return Message.create(**values)


# --- fiscal code and VAT number ------------------------------------------------------------------


def test_fiscal_codes_and_vat_numbers_are_checked_for_italian_clients_only():
    assert check_fiscal_code(" rccmnl83s18d969h ").value == PERSON_CF
    assert check_fiscal_code("RCCMNL83S18D969X").error == "codice fiscale: carattere di controllo errato"
    assert check_fiscal_code("RCCMNL83S18").error == (
        "codice fiscale: formato non valido (16 caratteri, o 11 cifre per un'azienda)")
    assert check_fiscal_code(VAT).error is None  # a company's fiscal code is its VAT number
    assert check_vat_number("IT 022 634 70235").value == VAT
    assert check_vat_number("02263470236").error == "partita IVA: carattere di controllo errato"
    # a foreign client is not held to the Italian rules
    assert check_fiscal_code("X1234567", country="GERMANIA").error is None
    assert check_vat_number("DE123456789", country="GERMANIA").value == "DE123456789"


def test_a_fiscal_code_must_match_the_birth_date():
    assert check_fiscal_code(PERSON_CF, birth_date=date(1983, 11, 18)).error is None
    error = check_fiscal_code(PERSON_CF, birth_date=date(1983, 11, 19)).error
    assert error.startswith("il codice fiscale non corrisponde alla data di nascita")


# --- clients --------------------------------------------------------------------------------------


def test_saving_a_person_normalises_what_was_typed(any_db):
    preference = make_preference("CROC", "Crociere")
    client = save_client(ClientData(
        code="2", last_name="Rossi", first_name="Mario", mobile="349/9999999", province="vr",
        fiscal_code=PERSON_CF.lower(), birth_date=date(1983, 11, 18), preference_ids=[preference.id],
        vat_number="should go", extra_mobiles=["3471234567"],  # not for a person
    ))
    stored = Client.get_by_id(client.id)
    assert (stored.code, stored.name, stored.mobile, stored.mobile_status) == (
        "0000002", "ROSSI MARIO", "+393499999999", "ok")
    assert stored.fiscal_code == PERSON_CF and stored.province == "VR" and stored.vat_number == ""
    assert ClientMobile.select().count() == 0
    assert client_card(client.id).data.preference_ids == [preference.id]
    assert next_client_code() == "0000003"


def test_a_company_keeps_its_mobiles_and_a_person_as_legal_representative(any_db):
    person = make_client("0000280", name="ROSSO STEFANO")
    company = save_client(ClientData(
        code="3", kind="company", name="FUTURA VIAGGI", vat_number=VAT, fiscal_code=VAT,
        mobile="045 510712", extra_mobiles=["347 123 4567", "3480000001"], legal_representative="280",
    ))
    card = client_card(company.id)
    assert card.data.extra_mobiles == ["+393471234567", "+393480000001"]
    assert card.data.legal_representative == "0000280" and card.legal_representative_name == "ROSSO STEFANO"
    assert Client.get_by_id(company.id).mobile_status == "landline"  # kept, but not sendable
    with pytest.raises(InvalidRecord) as refused:
        save_client(ClientData(code="4", kind="company", name="X", legal_representative=company.code))
    assert refused.value.errors == {"legal_representative": "il rappresentante legale deve essere una persona fisica"}
    assert person.kind == "person"


def test_a_client_is_refused_with_the_reason_of_each_wrong_field(any_db):
    make_client("0000002", name="FUTURA VIAGGI")
    with pytest.raises(InvalidRecord) as refused:
        save_client(ClientData(code="2", name="", kind="company", vat_number="02263470236",
                               zip="3706", email="mirko@", fiscal_code="ABC"))
    assert refused.value.errors == {
        "name": "ragione sociale obbligatoria",
        "fiscal_code": "codice fiscale: lunghezza errata (16 caratteri, o 11 cifre per un'azienda)",
        "vat_number": "partita IVA: carattere di controllo errato",
        "zip": "il CAP ha 5 cifre",
        "email": "indirizzo e-mail non valido",
    }
    with pytest.raises(InvalidRecord) as taken:
        save_client(ClientData(code="2", name="ALTRO"))
    assert taken.value.errors == {"code": "codice già usato da FUTURA VIAGGI"}


def test_a_mobile_with_letters_is_refused_next_to_its_field(any_db):
    # the keypad mapping would save "+393492221234" for "349 ABC 1234": another person
    with pytest.raises(InvalidRecord) as refused:
        save_client(ClientData(code="2", name="ROSSI", mobile="349 ABC 1234"))
    assert "contiene lettere" in refused.value.errors["mobile"]
    with pytest.raises(InvalidRecord) as refused:
        save_supplier(SupplierData(code="1", name="T.O.", mobile="349O123456"))
    assert "contiene lettere" in refused.value.errors["mobile"]
    assert Client.select().count() == 0
    save_client(ClientData(code="2", name="ROSSI", mobile="(349) 999-9999"))
    assert Client.get().mobile == "+393499999999"


def test_a_change_saved_by_another_operator_is_not_overwritten(any_db):
    client = make_client("0000002", name="ROSSI MARIO")
    card = client_card(client.id)
    card.data.city = "Verona"
    other = client_card(client.id)
    other.data.city = "Roma"
    save_client(other.data, client.id, other.version)
    with pytest.raises(RecordChanged):
        save_client(card.data, client.id, card.version)
    assert Client.get_by_id(client.id).city == "Roma"


def test_the_search_finds_any_part_of_code_name_mobile_or_city(any_db):
    make_client("0000002", name="FUTURA VIAGGI", first_name="", last_name="", city="Sommacampagna",
                mobile="3471112222")
    make_client("0000280", name="ROSSO STEFANO", city="Verona")
    make_client("0000281", name="PROSPERI ANNA", first_name="Anna", last_name="Prosperi", city="Roma")

    def found(text):
        return [c.code for c in clients_pager(text).first(10).rows]

    assert found("ros") == ["0000280", "0000281"]
    assert found("ROS vero") == ["0000280"]
    assert found("1112") == ["0000002"]
    assert found("280") == ["0000280"]
    assert found("zzz") == []


def test_deleting_a_client_keeps_its_preferences_and_its_sms_history(any_db):
    preference = make_preference("CROC", "Crociere")
    client = make_client("0000280", name="ROSSO STEFANO")
    ClientPreference.create(client=client, preference=preference)
    sms = message(client)
    usage = client_usage(client.id)
    assert (usage.practices, usage.messages, usage.preferences) == (0, 1, 1)
    delete_client(client.id)
    assert Client.get_or_none(Client.id == client.id) is None
    assert Preference.get_by_id(preference.id).code == "CROC"
    kept = Message.get_by_id(sms.id)
    assert kept.client_id is None
    assert (kept.client_code, kept.recipient_name, kept.phone) == ("0000280", "ROSSO STEFANO", "+393499999999")


def test_a_client_with_practices_cannot_be_deleted(any_db):
    client = make_client("0000280")
    make_practice(client)
    make_practice(client)
    with pytest.raises(RecordInUse, match="il cliente ha 2 pratiche"):
        delete_client(client.id)
    assert Client.get_or_none(Client.id == client.id) is not None


# --- practices -------------------------------------------------------------------------------------


def test_practices_are_listed_newest_first_and_searched_by_client_or_destination(any_db):
    rossi = make_client("0000280", name="ROSSO STEFANO")
    bianchi = make_client("0000281", name="BIANCHI ANNA", first_name="Anna", last_name="Bianchi")
    make_practice(rossi, "2026/0001", practice_date=date(2026, 1, 10), destination="Sharm")
    make_practice(bianchi, "2026/0002", practice_date=date(2026, 2, 10), destination="Parigi")
    make_practice(rossi, "2026/0003", practice_date=date(2026, 3, 10), destination="Parigi")
    assert [p.number for p in practices_pager().first(10).rows] == ["2026/0003", "2026/0002", "2026/0001"]
    assert [p.number for p in practices_pager("parigi rosso").first(10).rows] == ["2026/0003"]
    assert [p.number for p in practices_pager("2026/0002").first(10).rows] == ["2026/0002"]
    assert next_practice_number(date(2026, 5, 1)) == "2026/0004"


def test_a_practice_is_saved_with_italian_amounts_and_checked(any_db):
    make_client("0000280")
    practice = save_practice(PracticeData(number="2026/0009", client="280", practice_date=date(2026, 3, 1),
                                          amount="1.500,50", balance="500", paid=True))
    assert (practice.client.code, str(practice.amount), practice.paid) == ("0000280", "1500.50", True)
    assert parse_amount("1500.5") == parse_amount("1.500,50")
    with pytest.raises(InvalidRecord) as refused:
        save_practice(PracticeData(number="2026/0009", client="999", practice_date=date(2026, 3, 1),
                                   departure_date=date(2026, 2, 1), amount="abc"))
    assert refused.value.errors == {
        "departure_date": "la partenza precede la data della pratica",
        "amount": "importo non valido: 'abc'",
        "client": "cliente inesistente",
    }


def test_the_sms_detail_of_a_practice_says_which_notices_were_sent_and_when(any_db):
    client = make_client("0000280", name="ROSSO STEFANO")
    practice = make_practice(client)
    other = make_practice(client)
    sms = message(client, practice, status="delivered", sent_at=datetime(2026, 3, 2, 10, 0, 5))
    notice = record_notice(practice, "balance-not-notified")
    notice.message = sms
    notice.save()
    message(client, other)
    rows = practice_notices(practice.id)
    assert [(r.label, r.sent) for r in rows] == [
        ("Non Avvisati per Saldo", True),
        ("Non Avvisati per Documenti", False),
        ("Non Saldate", False),
        ("Non Avvisati per Consegna Documenti", False),
    ]
    assert rows[0].sent_at == datetime(2026, 3, 2, 10, 0, 5) and rows[0].status == "delivered"
    assert [m.id for m in messages_pager(practice=practice.id).first(10).rows] == [sms.id]


def test_the_sms_history_pages_by_client_and_by_day(any_db):
    rossi = make_client("0000280")
    bianchi = make_client("0000281")
    first = message(rossi, queued_at=datetime(2026, 3, 1, 23, 59))
    second = message(bianchi, queued_at=datetime(2026, 3, 2, 9, 0))
    third = message(rossi, queued_at=datetime(2026, 3, 3, 0, 0))
    assert [m.id for m in messages_pager(client=rossi.id).first(10).rows] == [first.id, third.id]
    day = DateRange(date(2026, 3, 2), date(2026, 3, 2))
    assert [m.id for m in messages_pager(dates=day).first(10).rows] == [second.id]
    assert messages_pager(dates=DateRange(date(2026, 3, 1), None)).count() == 3


# --- suppliers and preferences ------------------------------------------------------------------


def test_suppliers_are_found_as_you_type(any_db):
    save_supplier(SupplierData(code="1", name="ALPITOUR", mobile="333 1234567"))
    save_supplier(SupplierData(code="2", name="COSTA CROCIERE"))
    assert [s.code for s in suppliers_pager("crociere").first(5).rows] == ["0000002"]
    assert suppliers_pager("alpi").first(5).rows[0].mobile == "+393331234567"
    with pytest.raises(InvalidRecord):
        save_supplier(SupplierData(code="1", name="ALTRO"))


def test_a_preference_code_is_unique_in_any_case(any_db):
    save_preference("croc", "Crociere")
    with pytest.raises(InvalidRecord) as taken:
        save_preference("CROC", "Crociere di lusso")
    assert taken.value.errors == {"code": "codice già usato da 'Crociere'"}
    with pytest.raises(InvalidRecord):
        save_preference("MA RE", "Mare")


def test_deleting_a_preference_removes_it_from_its_clients_who_stay(any_db):
    preference = make_preference("CROC", "Crociere")
    clients = [make_client() for _ in range(3)]
    for client in clients:
        ClientPreference.create(client=client, preference=preference)
    row = preferences_pager("croc").first(5).rows[0]
    assert (row.code, row.clients) == ("CROC", 3)
    assert delete_preference(preference.id) == 3
    assert ClientPreference.select().count() == 0 and Client.select().count() == 3


def test_sqlite_searches_through_an_index_of_code_and_search_text(db):
    assert "client_code_search" in [index.name for index in db.get_indexes("client")]


def test_postgres_finds_words_through_a_trigram_index(pg_url):
    from pegaso_tui.db.connection import open_database

    db = open_database(pg_url)
    assert "client_search_trgm" in [index.name for index in db.get_indexes("client")]
    make_client("0000280", name="ROSSO STEFANO", mobile="347 123 4567")
    assert [c.code for c in clients_pager("1234").first(5).rows] == ["0000280"]
