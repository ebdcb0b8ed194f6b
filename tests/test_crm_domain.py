"""The CRM's domain (seed 002 and the outcomes/agenda of seed 004), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from pegaso_tui.db.crm import CrmError
from pegaso_tui.db.crm.agenda import agenda_counts, agenda_pager
from pegaso_tui.db.crm.outcomes import (
    OutcomeInput,
    default_outcome,
    delete_outcome,
    list_outcomes,
    save_outcome,
    seed_default_outcomes,
)
from pegaso_tui.db.crm.requests import (
    ActivityInput,
    RequestFilter,
    RequestInput,
    activities_pager,
    add_activity,
    create_request,
    delete_request,
    get_request,
    history_pager,
    open_requests_pager,
    request_sms_draft,
    subject_requests_pager,
    update_request,
)
from pegaso_tui.db.crm.subjects import (
    CLIENT,
    CONTACT,
    UNREGISTERED,
    Registration,
    find_subject,
    register_subject,
    search_subjects,
)
from pegaso_tui.db.models import Activity, Client, Contact, Outcome, Request
from pegaso_tui.sms.draft import CLIENT as SMS_CLIENT
from pegaso_tui.sms.draft import OTHER as SMS_OTHER
from tests.factories import make_client

TODAY = date(2026, 3, 10)


def outcome(name: str) -> Outcome:
    return Outcome.get(Outcome.name == name)


def new_request(subject_text: str, description: str = "Preventivo Mar Rosso", operator: str = "tester", **fields):
    return create_request(RequestInput(subject_text=subject_text, description=description, **fields), operator, TODAY)


def names(pager, size: int = 50) -> list[tuple[str, str]]:
    return [(s.name, s.kind) for s in pager.first(size).rows]


def test_a_new_database_has_the_default_outcomes_one_of_them_default(any_db):
    groups = {o.name: o.group for o in list_outcomes()}
    assert groups == {
        "Da contattare": "to_start",
        "In trattativa": "in_progress",
        "Preventivo inviato": "in_progress",
        "Venduto": "positive",
        "Non interessato": "negative",
    }
    assert [o.name for o in Outcome.select().where(Outcome.is_default == True)] == ["Da contattare"]  # noqa: E712
    assert seed_default_outcomes() == 0  # seeding again changes nothing
    assert Outcome.select().count() == 5


def test_ros_finds_rossi_and_prosperi_among_clients_contacts_and_unregistered_subjects(any_db):
    make_client("0000280", name="ROSSI MARIO", mobile="3491112222", last_name="", first_name="")
    make_client("0000281", name="PROSPERI ANNA", mobile="3493334444", last_name="", first_name="")
    make_client("0000282", name="BIANCHI LUCA", last_name="", first_name="")
    Contact.create(name="ROSATI GIULIA", mobile="3335556666")
    new_request("Grossi Paolo", mobile="347 1234567")
    new_request("GROSSI  PAOLO", mobile="347 7654321")  # the same caller again: listed once
    new_request("Verdi Gino")
    found = names(search_subjects("ROS"))
    assert found == [
        ("GROSSI PAOLO", UNREGISTERED),
        ("PROSPERI ANNA", CLIENT),
        ("ROSATI GIULIA", CONTACT),
        ("ROSSI MARIO", CLIENT),
    ]
    unregistered = search_subjects("grossi").first(10).rows[0]
    assert unregistered.kind_label == "Non registrato"
    assert unregistered.mobile == "+393477654321"  # the numbers of the latest request
    assert names(search_subjects("3333")) == []
    assert names(search_subjects("555")) == [("ROSATI GIULIA", CONTACT)]  # by a mobile fragment
    assert names(search_subjects("280")) == [("ROSSI MARIO", CLIENT)]  # by a client's code
    assert search_subjects("ros").count() == 4


def test_the_subject_search_pages_without_gaps_or_repeats(any_db):
    for code in ("0000001", "0000002"):
        make_client(code, name="ROSSI MARIO")
    Contact.create(name="ROSSI MARIO")
    new_request("ROSSI MARIO")
    new_request("ROSSI ANNA")
    make_client("0000003", name="ROSSI ZENO")
    pager = search_subjects("rossi")
    everything = pager.first(50).rows
    assert [(s.name, s.kind) for s in everything] == [
        ("ROSSI ANNA", UNREGISTERED),
        ("ROSSI MARIO", CLIENT),
        ("ROSSI MARIO", CLIENT),
        ("ROSSI MARIO", CONTACT),
        ("ROSSI MARIO", UNREGISTERED),
        ("ROSSI ZENO", CLIENT),
    ]
    walked, page = [], pager.first(2)
    walked += page.rows
    while not page.at_end:
        page = pager.after(pager.key_of(walked[-1]), 2)
        walked += page.rows
    assert walked == everything
    assert pager.last(2).rows == everything[-2:]
    assert pager.before(everything[3].key, 2).rows == everything[1:3]
    assert pager.after(everything[2].key, 2, inclusive=True).rows == everything[2:4]
    assert pager.count() == 6


def test_a_request_from_an_unregistered_caller_is_written_down_with_sensible_defaults(db):
    row = new_request("  verdi   gino ", mobile="347 123 4567", destinations="Mar Rosso,  Maldive",
                      recontact_date=TODAY)
    assert (row.subject_kind, row.subject_name) == (UNREGISTERED, "VERDI GINO")
    assert row.mobile == "+393471234567"
    assert row.is_open and row.type_label == "Telefonata"
    assert row.outcome_name == "Da contattare"  # the default outcome
    assert row.operator == "tester"
    assert row.destinations == "Mar Rosso, Maldive"


def test_a_client_typed_by_code_is_that_client(db):
    make_client("0000280", name="ROSSI MARIO")
    row = new_request("280")
    assert (row.subject_kind, row.subject_name, row.client_code) == (CLIENT, "ROSSI MARIO", "0000280")


@pytest.mark.parametrize(
    "fields, field, message",
    [
        (dict(subject_text="VERDI", description="  "), "description", "descrizione"),
        (dict(subject_text="", description="Mare"), "subject", "indicare chi"),
        (dict(subject_text="999", description="Mare"), "subject", "nessun cliente con codice 0000999"),
        (dict(subject_text="VERDI", description="Mare", recontact_date=date(2026, 3, 9)), "recontact_date", "già passata"),
        (dict(subject_text="VERDI", description="Mare", mobile="12"), "mobile", "cellulare non valido"),
        (dict(subject_text="VERDI", description="Mare", mobile="045 8001234"), "mobile", "numero fisso"),
        (dict(subject_text="VERDI", description="Mare", email="gino.it"), "email", "e-mail non valido"),
    ],
)
def test_bad_input_gets_a_clear_message_about_its_field(db, fields, field, message):
    with pytest.raises(CrmError, match=message) as raised:
        create_request(RequestInput(**fields), "tester", TODAY)
    assert raised.value.field == field
    assert Request.select().count() == 0


def test_a_picked_subject_that_no_longer_exists_is_refused(db):
    client = make_client("0000280", name="ROSSI MARIO")
    subject = find_subject(CLIENT, client.id)
    client.delete_instance()
    with pytest.raises(CrmError, match="non esiste più") as raised:
        create_request(RequestInput("ROSSI MARIO", "Mare", subject=subject), "tester", TODAY)
    assert raised.value.field == "subject"


def test_varia_keeps_an_old_recontact_date_but_refuses_a_new_one_in_the_past(db):
    row = new_request("VERDI GINO", recontact_date=TODAY)
    later = date(2026, 3, 20)
    changed = update_request(row.id, RequestInput("VERDI GINO", "Crociera", recontact_date=TODAY), "tester", later)
    assert changed.description == "Crociera" and changed.recontact_date == TODAY
    with pytest.raises(CrmError, match="già passata"):
        update_request(row.id, RequestInput("VERDI GINO", "Crociera", recontact_date=date(2026, 3, 19)), "tester", later)


def test_activities_move_the_recontact_and_a_positive_outcome_closes_the_request(any_db):
    row = new_request("VERDI GINO", recontact_date=TODAY, destinations="Maldive")
    first = add_activity(
        ActivityInput(row.id, TODAY, "Inviato preventivo", outcome("Preventivo inviato").id, date(2026, 3, 17)),
        "tester", TODAY,
    )
    assert not first.closed
    assert [r.id for r in open_requests_pager().first(10).rows] == [row.id]
    assert get_request(row.id).recontact_date == date(2026, 3, 17)
    second = add_activity(ActivityInput(row.id, TODAY, "Confermato", outcome("Venduto").id), "tester", TODAY)
    assert second.closed and second.outcome_name == "Venduto"
    detail = get_request(row.id)
    assert not detail.is_open and detail.closed_at is not None and detail.outcome_name == "Venduto"
    assert open_requests_pager().first(10).rows == []
    history = [(a.description, a.outcome_name) for a in activities_pager(row.id).first(10).rows]
    assert history == [("Inviato preventivo", "Preventivo inviato"), ("Confermato", "Venduto")]
    found = history_pager(RequestFilter(status="closed", outcome_id=outcome("Venduto").id, destination="maldive",
                                        request_type="call", operator="tester",
                                        date_from=TODAY.replace(year=2000), date_to=date(2100, 1, 1))).first(10).rows
    assert [r.id for r in found] == [row.id]


def test_an_activity_is_refused_when_its_dates_make_no_sense(db):
    row = new_request("VERDI GINO")
    venduto = outcome("Venduto").id
    cases = [
        (ActivityInput(row.id, date(2026, 3, 11), "x", venduto), "activity_date", "futura"),
        (ActivityInput(row.id, TODAY, "  ", venduto), "description", "descrivere"),
        (ActivityInput(row.id, TODAY, "x", outcome("In trattativa").id, date(2026, 3, 1)), "next_recontact", "già passata"),
        (ActivityInput(row.id, TODAY, "x", venduto, date(2026, 3, 20)), "next_recontact", "chiude la richiesta"),
    ]
    for data, field, message in cases:
        with pytest.raises(CrmError, match=message) as raised:
            add_activity(data, "tester", TODAY)
        assert raised.value.field == field
    assert Activity.select().count() == 0


def test_a_closed_request_reopens_with_an_outcome_in_progress(db):
    row = new_request("VERDI GINO")
    add_activity(ActivityInput(row.id, TODAY, "Rinuncia", outcome("Non interessato").id), "tester", TODAY)
    result = add_activity(ActivityInput(row.id, TODAY, "Ha richiamato", outcome("In trattativa").id), "tester", TODAY)
    assert result.reopened and get_request(row.id).is_open


def test_history_filters_each_narrow_the_list(db):
    a = new_request("VERDI GINO", destinations="Maldive")
    b = new_request("BIANCHI ANNA", request_type="meeting", operator="mario")
    add_activity(ActivityInput(b.id, TODAY, "Venduto", outcome("Venduto").id), "mario", TODAY)

    def ids(**filters):
        return [r.id for r in history_pager(RequestFilter(**filters)).first(10).rows]

    assert ids() == [b.id, a.id]  # the newest first
    assert ids(request_type="meeting") == [b.id]
    assert ids(status="open") == [a.id]
    assert ids(status="closed") == [b.id]
    assert ids(operator="mario") == [b.id]
    assert ids(destination="MALD") == [a.id]
    assert ids(outcome_id=outcome("Da contattare").id) == [a.id]
    assert ids(search="bianchi") == [b.id]
    assert ids(date_from=date(2000, 1, 1), date_to=date(2000, 1, 2)) == []
    with pytest.raises(CrmError, match="prima di iniziare"):
        history_pager(RequestFilter(date_from=TODAY, date_to=date(2026, 3, 1)))


def test_open_requests_come_by_recontact_date_those_without_one_last(db):
    undated = new_request("A")
    later = new_request("B", recontact_date=date(2026, 3, 20))
    sooner = new_request("C", recontact_date=TODAY)
    pager = open_requests_pager()
    rows = pager.first(10).rows
    assert [r.id for r in rows] == [sooner.id, later.id, undated.id]
    assert [r.id for r in pager.after(pager.key_of(rows[0]), 1).rows] == [later.id]
    assert [r.id for r in open_requests_pager(operator="nobody").first(10).rows] == []
    assert [r.id for r in open_requests_pager(search="b").first(10).rows] == [later.id]


def test_deleting_a_request_deletes_its_activities(db):
    row = new_request("VERDI GINO")
    add_activity(ActivityInput(row.id, TODAY, "Chiamato", outcome("In trattativa").id), "tester", TODAY)
    delete_request(row.id)
    assert Request.select().count() == 0 and Activity.select().count() == 0


def test_exactly_one_outcome_is_the_default(db):
    venduto = outcome("Venduto")
    save_outcome(OutcomeInput("Venduto", "positive", "#43a047", is_default=True), venduto.id)
    assert default_outcome().name == "Venduto"
    assert Outcome.select().where(Outcome.is_default == True).count() == 1  # noqa: E712
    with pytest.raises(CrmError, match="deve restare un esito predefinito"):
        save_outcome(OutcomeInput("Venduto", "positive"), venduto.id)
    with pytest.raises(CrmError, match="non può essere obsoleto"):
        save_outcome(OutcomeInput("Venduto", "positive", is_default=True, obsolete=True), venduto.id)
    with pytest.raises(CrmError, match="esiste già"):
        save_outcome(OutcomeInput("venduto", "negative"))
    with pytest.raises(CrmError, match="predefinito non si può eliminare"):
        delete_outcome(venduto.id)
    created = save_outcome(OutcomeInput("  Richiamare   domani ", "in_progress", "#fb8c00"))
    assert created.name == "Richiamare domani" and not created.is_default
    delete_outcome(created.id)
    assert not Outcome.select().where(Outcome.name == "Richiamare domani").exists()


def test_an_outcome_in_use_is_made_obsolete_not_deleted(db):
    row = new_request("VERDI GINO")
    trattativa = outcome("In trattativa")
    add_activity(ActivityInput(row.id, TODAY, "Chiamato", trattativa.id), "tester", TODAY)
    with pytest.raises(CrmError, match="obsoleto"):
        delete_outcome(trattativa.id)
    save_outcome(OutcomeInput("In trattativa", "in_progress", obsolete=True), trattativa.id)
    assert "In trattativa" not in [o.name for o in list_outcomes()]
    assert "In trattativa" in [o.name for o in list_outcomes(include_obsolete=True)]


def test_an_unregistered_subject_registered_as_contact_keeps_its_requests(any_db):
    first = new_request("VERDI GINO", mobile="3471234567")
    second = new_request("VERDI GINO")
    subject = search_subjects("verdi").first(5).rows[0]
    contact = register_subject(subject, CONTACT, Registration(subject.name, mobile="347 123 4567", email="gino@example.it"))
    assert contact.kind == CONTACT and contact.mobile == "+393471234567"
    assert names(search_subjects("verdi")) == [("VERDI GINO", CONTACT)]
    assert sorted(r.id for r in subject_requests_pager(contact).first(10).rows) == [first.id, second.id]
    # and then the contact becomes a client: the requests follow, the contact goes
    client = register_subject(contact, CLIENT, Registration("VERDI GINO", mobile="3471234567", last_name="Verdi", first_name="Gino"))
    assert names(search_subjects("verdi")) == [("VERDI GINO", CLIENT)]
    assert sorted(r.id for r in subject_requests_pager(client).first(10).rows) == [first.id, second.id]
    assert Contact.select().count() == 0


def test_a_name_corrected_when_registering_is_the_one_searched_afterwards(db):
    row = new_request("NERI LUCA")
    register_subject(find_subject(UNREGISTERED, "NERI LUCA"), CONTACT, Registration("Neri Luciano"))
    assert [r.id for r in open_requests_pager(search="luciano").first(5).rows] == [row.id]
    assert names(search_subjects("neri")) == [("NERI LUCIANO", CONTACT)]


def test_an_unregistered_subject_becomes_a_client_with_the_next_code_and_no_sms_consent(db):
    make_client("0000280", name="ROSSI MARIO")
    new_request("VERDI GINO")
    subject = search_subjects("verdi").first(5).rows[0]
    registered = register_subject(subject, CLIENT, Registration("VERDI GINO", last_name="VERDI", first_name="GINO"))
    client = Client.get(Client.code == registered.code)
    assert client.code == "0000281"
    assert (client.last_name, client.first_name) == ("VERDI", "GINO")
    assert not client.sms_practices and not client.sms_promo
    with pytest.raises(CrmError, match="già un cliente"):
        register_subject(registered, CLIENT, Registration("VERDI GINO"))
    new_request("NERI LUCA")
    with pytest.raises(CrmError, match="già usato"):
        register_subject(find_subject(UNREGISTERED, "NERI LUCA"), CLIENT, Registration("NERI LUCA", code="280"))


def test_the_agenda_lists_the_operators_recontacts_due_today_and_overdue(db):
    overdue = create_request(RequestInput("A", "x", recontact_date=date(2026, 3, 2)), "tester", date(2026, 3, 1))
    due = new_request("B", recontact_date=TODAY)
    new_request("C", recontact_date=date(2026, 3, 11))  # tomorrow
    new_request("D", recontact_date=TODAY, operator="mario")  # someone else's
    closed = new_request("E", recontact_date=TODAY)
    add_activity(ActivityInput(closed.id, TODAY, "Venduto", outcome("Venduto").id), "tester", TODAY)
    rows = agenda_pager("tester", TODAY).first(10).rows
    assert [r.id for r in rows] == [overdue.id, due.id]
    assert rows[0].is_overdue(TODAY) and not rows[1].is_overdue(TODAY)
    assert agenda_counts("tester", TODAY) == (1, 1)
    add_activity(ActivityInput(due.id, TODAY, "Non risponde", outcome("In trattativa").id, TODAY), "tester", TODAY)
    rows = agenda_pager("tester", TODAY).first(10).rows
    assert rows[1].last_activity == "Non risponde"


def test_an_sms_from_a_request_goes_to_its_subject(db):
    make_client("0000280", name="ROSSI MARIO", mobile="3491112222")
    from_client = new_request("280", mobile="3470000000")
    unregistered = new_request("VERDI GINO", mobile="347 1234567")
    draft = request_sms_draft(from_client.id)
    assert (draft.recipient_kind, draft.client_code, draft.name, draft.mobile) == (
        SMS_CLIENT, "0000280", "ROSSI MARIO", "+393491112222")
    draft = request_sms_draft(unregistered.id)
    assert (draft.recipient_kind, draft.client_code, draft.name, draft.mobile) == (
        SMS_OTHER, "", "VERDI GINO", "+393471234567")


@pytest.mark.postgres
def test_postgres_gets_trigram_indexes_when_it_can_and_works_without(pg_url):
    from pegaso_tui.db.connection import open_database
    from pegaso_tui.db.crm.trigram import add_trigram_indexes, trigram_indexes_present

    db = open_database(pg_url)
    available = db.execute_sql("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'").fetchone()
    assert trigram_indexes_present(db) == bool(available)
    # a server without the extension: nothing is created, the schema and the search still work
    assert add_trigram_indexes(db, extension="pegaso_no_such_extension") is False
    make_client("0000280", name="ROSSI MARIO", first_name="", last_name="")
    assert names(search_subjects("oss")) == [("ROSSI MARIO", CLIENT)]
