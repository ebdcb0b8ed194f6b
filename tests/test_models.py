"""The data model's promises, on SQLite and on PostgreSQL (``any_db``).

Codes are unique, an SMS notice is queued once per practice and kind, deleting keeps the
history readable, and the derived columns follow what the user typed.
"""

from __future__ import annotations

from datetime import date

import pytest
from peewee import IntegrityError

from pegaso_tui.db.models import (
    COMPANY,
    Campaign,
    Client,
    ClientMobile,
    ClientPreference,
    Message,
    PracticeNotice,
    Preference,
    Supplier,
    database_proxy,
)
from tests.factories import give_preference, make_client, make_practice, make_preference, record_notice

pytestmark = pytest.mark.usefixtures("any_db")


def refused(fn, *args, **kwargs) -> bool:
    """True when the database refuses the write (in a savepoint, so the test goes on)."""
    try:
        with database_proxy.atomic():
            fn(*args, **kwargs)
    except IntegrityError:
        return True
    return False


def make_message(client=None, practice=None, **fields) -> Message:
    campaign = Campaign.create(kind="practice", template="Gentile {nome}")
    values = dict(
        campaign=campaign, client=client, practice=practice,
        client_code=client.code if client else "", recipient_name=client.name if client else "",
        phone="+393499999999", text="Gentile Stefano", transaction_id=f"t-{Message.select().count()}",
    )
    values.update(fields)
    return Message.create(**values)


# --- unique codes ---------------------------------------------------------------------------------


def test_two_clients_cannot_share_a_code_even_typed_differently():
    make_client("2")
    assert refused(make_client, "0000002")
    assert Client.get().code == "0000002"


def test_preference_supplier_and_practice_codes_are_unique():
    make_preference("CROC", "Crociere")
    assert refused(make_preference, "CROC", "Altro")
    Supplier.create(code="1", name="MEDITERRANEO T.O.")
    assert refused(Supplier.create, code="0000001", name="ALTRO")
    client = make_client()
    make_practice(client, "2026/0001")
    assert refused(make_practice, client, "2026/0001")


def test_a_message_transaction_id_is_used_once():
    client = make_client()
    make_message(client, transaction_id="abc")
    assert refused(make_message, client, transaction_id="abc")


def test_a_practice_gets_one_notice_of_each_kind():
    practice = make_practice(make_client())
    record_notice(practice, "unpaid")
    assert refused(record_notice, practice, "unpaid")
    record_notice(practice, "balance-not-notified")  # another kind is another notice
    assert PracticeNotice.select().count() == 2


# --- deleting -------------------------------------------------------------------------------------


def test_deleting_a_client_keeps_its_messages_with_name_and_number():
    client = make_client("0000280", name="ROSSO STEFANO")
    message = make_message(client)
    client.delete_instance()
    kept = Message.get_by_id(message.id)
    assert kept.client_id is None
    assert (kept.client_code, kept.recipient_name, kept.phone) == (
        "0000280", "ROSSO STEFANO", "+393499999999",
    )


def test_a_client_with_practices_cannot_be_deleted():
    client = make_client()
    make_practice(client)
    assert refused(client.delete_instance)
    assert Client.select().count() == 1


def test_preferences_survive_their_clients():
    croc = make_preference("CROC", "Crociere")
    client = make_client()
    give_preference(client, croc)
    client.delete_instance()
    assert Preference.get(Preference.code == "CROC").description == "Crociere"
    assert ClientPreference.select().count() == 0


def test_deleting_a_preference_unlinks_it_and_keeps_the_clients():
    croc = make_preference("CROC")
    client = make_client()
    give_preference(client, croc)
    croc.delete_instance()
    assert Client.get_by_id(client.id).name == client.name
    assert ClientPreference.select().count() == 0


def test_deleting_a_practice_releases_its_notices_and_keeps_its_messages():
    client = make_client()
    practice = make_practice(client)
    message = make_message(client, practice)
    PracticeNotice.create(practice=practice, kind="unpaid", message=message)
    practice.delete_instance()
    assert PracticeNotice.select().count() == 0
    assert Message.get_by_id(message.id).practice_id is None


def test_deleting_a_company_deletes_its_extra_mobiles():
    company = make_client(kind=COMPANY, name="FUTURA VIAGGI")
    ClientMobile.create(client=company, mobile="349 111 2222", label="Titolare")
    assert ClientMobile.get().mobile == "+393491112222"
    company.delete_instance()
    assert ClientMobile.select().count() == 0


# --- derived columns ------------------------------------------------------------------------------


def test_a_mobile_is_stored_in_e164_however_it_is_typed():
    for code, typed in enumerate(["349/9999999", "349 999 9999", "0039 349 9999999", "+39 3499999999"]):
        client = Client.get_by_id(make_client(str(code + 1), mobile=typed).id)
        assert (client.mobile, client.mobile_status) == ("+393499999999", "ok"), typed


def test_a_number_that_is_not_a_mobile_is_kept_and_says_why():
    cases = [("", "missing", ""), ("045 510712", "landline", "+39045510712"), ("12345", "invalid", "12345")]
    for code, (typed, status, stored) in enumerate(cases):
        client = Client.get_by_id(make_client(str(code + 1), mobile=typed).id)
        assert (client.mobile, client.mobile_status) == (stored, status), typed


def test_birth_monthday_and_search_text_follow_the_edits():
    client = make_client("7", name="BIANCHI ANNA", birth_date=date(1980, 2, 29), city="Verona")
    stored = Client.get_by_id(client.id)
    assert stored.code == "0000007"
    assert stored.birth_monthday == 229
    assert "bianchi anna" in stored.search_text and "verona" in stored.search_text
    stored.birth_date = None
    stored.name = "BIANCHI ANNA MARIA"
    stored.save()
    again = Client.get_by_id(client.id)
    assert again.birth_monthday is None
    assert "bianchi anna maria" in again.search_text


def test_a_suppliers_mobile_is_normalised_too():
    supplier = Supplier.create(code="3", name="CROCIERE AZZURRE", mobile="0039 347 1234567")
    stored = Supplier.get_by_id(supplier.id)
    assert (stored.code, stored.mobile, stored.mobile_status) == ("0000003", "+393471234567", "ok")
