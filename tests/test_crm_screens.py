"""The CRM masks driven by the keyboard only, through the Textual pilot, on a real SQLite file."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from pegaso_tui.db.crm.requests import RequestInput, create_request
from pegaso_tui.db.models import Activity, Client, Contact, Outcome, Request
from pegaso_tui.screens.crm.activity import ActivitiesDialog, ActivityDialog
from pegaso_tui.screens.crm.find_subject import FindSubjectScreen
from pegaso_tui.screens.crm.history import RequestHistoryScreen
from pegaso_tui.screens.crm.open_requests import OpenRequestsScreen
from pegaso_tui.screens.crm.request import RequestFormScreen
from pegaso_tui.screens.crm.view import RequestViewDialog
from pegaso_tui.screens.home import HomeScreen
from pegaso_tui.widgets.agenda import AgendaPanel
from pegaso_tui.widgets.confirm import ConfirmDialog
from pegaso_tui.widgets.form_field import FormField
from pegaso_tui.widgets.paged_table import PagedTable
from pegaso_tui.widgets.subject_picker import SubjectPicker
from tests.apputil import make_app, settle, wait_for_workers
from tests.factories import make_client

TODAY = date(2026, 3, 10)


def crm_app(db_url):
    return make_app(db_url, today=TODAY)


def table_rows(screen, selector: str = "PagedTable") -> list:
    return list(screen.query_one(selector, PagedTable).rows)


def error_of(screen, field_id: str) -> str | None:
    return screen.query_one(f"#{field_id}", FormField).error


def seed_request(subject: str, description: str = "Preventivo", recontact: date | None = None, operator: str = "tester",
                 created: datetime | None = None, **fields) -> int:
    row = create_request(RequestInput(subject, description, recontact_date=recontact, **fields), operator, date(2026, 3, 1))
    if created is not None:
        Request.update(created_at=created).where(Request.id == row.id).execute()
    return row.id


async def test_an_unregistered_caller_from_the_first_call_to_the_sale(db_url):
    """Created in Nuova Richiesta, managed twice in Richieste Aperte, closed with a positive
    outcome, found again in Storico Richieste: all by keyboard."""
    app = crm_app(db_url)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("1", "0")
        await settle(pilot)
        assert isinstance(app.screen, RequestFormScreen)
        await pilot.press(*"verdi", "enter")  # a new name: on to the description
        await settle(pilot)
        await pilot.press(*"nozze", "tab", *"045", "f10")  # what is asked, then the phone
        await settle(pilot)
        request = Request.get()
        assert (request.subject_name, request.phone, request.description) == ("VERDI", "045", "nozze")
        assert request.recontact_date is None and request.request_type == "call"
        assert request.operator.username == "tester" and request.is_open
        assert app.screen.query_one(SubjectPicker).text == ""  # ready for the next call
        await pilot.press("escape", "1", "1")
        await settle(pilot)
        assert isinstance(app.screen, OpenRequestsScreen)
        assert [r.subject_name for r in table_rows(app.screen)] == ["VERDI"]

        await pilot.press("f4")  # Gestisci: preventivo inviato, recontact in a week
        await settle(pilot)
        assert isinstance(app.screen, ActivityDialog)
        await pilot.press(*"prev", "tab", "enter", "down", "down", "enter", "tab", *"17-3-2026", "f10")
        await settle(pilot)
        assert isinstance(app.screen, OpenRequestsScreen)
        assert table_rows(app.screen)[0].outcome_name == "Preventivo inviato"
        assert table_rows(app.screen)[0].recontact_date == date(2026, 3, 17)

        await pilot.press("enter")  # Enter on the row is Gestisci too: sold
        await settle(pilot)
        # the request is at "Preventivo inviato", which Gestisci proposes: Venduto is next
        await pilot.press(*"ok", "tab", "enter", "down", "enter", "f10")
        await settle(pilot)
        assert table_rows(app.screen) == []  # closed: no longer open
        request = Request.get()
        assert not request.is_open and request.last_outcome.name == "Venduto"
        assert Activity.select().count() == 2

        await pilot.press("escape", "1", "3")
        await settle(pilot)
        assert isinstance(app.screen, RequestHistoryScreen)
        await pilot.press(*"ver")
        await settle(pilot)
        rows = table_rows(app.screen)
        assert [(r.subject_name, r.status_label, r.outcome_name) for r in rows] == [("VERDI", "Chiusa", "Venduto")]
        await pilot.press(*["tab"] * 5, "enter", "down", "enter")  # Stato: Aperte
        await settle(pilot)
        assert table_rows(app.screen) == []
        await pilot.press("enter", "down", "enter")  # Stato: Chiuse
        await settle(pilot)
        assert [r.subject_name for r in table_rows(app.screen)] == ["VERDI"]
        await pilot.press("f6")  # Storico: the two activities with their outcomes
        await settle(pilot)
        assert isinstance(app.screen, ActivitiesDialog)
        assert [(a.description, a.outcome_name) for a in table_rows(app.screen)] == [
            ("prev", "Preventivo inviato"), ("ok", "Venduto")]


async def test_the_contact_field_finds_subjects_by_substring_and_fills_their_numbers(db_url, db):
    make_client("0000280", name="ROSSI MARIO", first_name="", last_name="", mobile="3491112222", phone="045 8001234")
    make_client("0000281", name="PROSPERI ANNA", first_name="", last_name="", mobile="3493334444")
    Contact.create(name="BIANCHI LUCA")
    seed_request("Grossi Paolo", mobile="347 1234567")
    app = crm_app(db_url)
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_mask(10)
        await settle(pilot)
        await pilot.press(*"ros")
        await settle(pilot)
        picker = app.screen.query_one(SubjectPicker)
        assert picker.is_open
        assert [(s.name, s.kind_label) for s in picker.table.rows] == [
            ("GROSSI PAOLO", "Non registrato"), ("PROSPERI ANNA", "Cliente"), ("ROSSI MARIO", "Cliente")]
        await pilot.press("down", "down", "down", "enter")  # into the list, third row
        await settle(pilot)
        assert picker.subject is not None and picker.subject.code == "0000280"
        assert not picker.is_open
        assert app.screen.query_one("#phone").value == "045 8001234"
        assert app.screen.query_one("#mobile").value == "349 111 2222"
        assert app.screen.focused.id == "description"  # straight on to what was asked
        await pilot.press(*"mare", "f10")
        await settle(pilot)
        request = Request.get(Request.client.is_null(False))
        assert request.client.code == "0000280" and request.phone == "045 8001234"


async def test_bad_input_is_explained_next_to_its_field(db_url, db):
    app = crm_app(db_url)
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_mask(10)
        await settle(pilot)
        screen = app.screen
        await pilot.press("f10")
        await settle(pilot)
        assert "indicare chi ha fatto la richiesta" in error_of(screen, "field-subject")
        await pilot.press(*"999", "enter")  # a client code nobody has
        await settle(pilot)
        assert "nessun cliente con codice 0000999" in error_of(screen, "field-subject")
        screen.query_one("#recontact").focus()
        await pilot.press(*"9-3-2026")  # yesterday
        await pilot.pause()
        assert "già passata" in error_of(screen, "field-recontact")
        await pilot.press("ctrl+u", *"10-3-2026")  # today is fine
        await pilot.pause()
        assert error_of(screen, "field-recontact") is None
        screen.query_one(SubjectPicker).input.focus()
        await pilot.press("ctrl+u", "n", "enter", "f10")
        await settle(pilot)
        assert "descrizione della richiesta è obbligatoria" in error_of(screen, "field-description")
        assert screen.focused.id == "description"
        assert Request.select().count() == 0


async def test_leaving_a_mask_with_unsaved_changes_asks_first(db_url, db):
    app = crm_app(db_url)
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_mask(10)
        await settle(pilot)
        await pilot.press(*"bianchi", "enter", *"045")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # No: back to the form, nothing lost
        await pilot.pause()
        assert isinstance(app.screen, RequestFormScreen)
        assert app.screen.query_one("#description").text == "045"
        await pilot.press("ctrl+q")  # quitting asks too
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape", "escape")
        await pilot.pause()
        await pilot.press("f10")  # yes, discard
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_varia_vedi_and_elimina_on_an_open_request(db_url, db):
    seed_request("VERDI GINO", "Crociera\nseconda riga della descrizione")
    app = crm_app(db_url)
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_mask(11)
        await settle(pilot)
        await pilot.press("f3")  # Vedi Richiesta: the whole description
        await settle(pilot)
        assert isinstance(app.screen, RequestViewDialog)
        assert app.screen.query_one("#view-description").text == "Crociera\nseconda riga della descrizione"
        await pilot.press("escape", "f2")  # Varia
        await settle(pilot)
        assert isinstance(app.screen, RequestFormScreen)
        assert app.screen.query_one(SubjectPicker).text == "VERDI GINO"
        app.screen.query_one("#destinations").focus()
        await pilot.press(*"egitto", "f10")
        await settle(pilot)
        assert isinstance(app.screen, OpenRequestsScreen)
        assert table_rows(app.screen)[0].destinations == "egitto"
        await pilot.press("f8")  # Elimina asks first
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert Request.select().count() == 1
        await pilot.press("delete", "f10")
        await settle(pilot)
        assert Request.select().count() == 0
        assert table_rows(app.screen) == []


async def test_an_sms_from_a_request_opens_the_single_sms_mask_filled_in(db_url, db):
    from pegaso_tui.screens.sms.single import SingleSmsScreen

    seed_request("VERDI GINO", mobile="347 1234567")
    app = crm_app(db_url)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_mask(11)
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SingleSmsScreen)
        assert (screen.draft.recipient_kind, screen.draft.name, screen.draft.mobile) == (
            "other", "VERDI GINO", "+393471234567")
        assert screen.kind == "other"
        assert screen.query_one("#other-name").value == "VERDI GINO"
        assert screen.query_one("#mobile").value == "347 123 4567"


async def test_cerca_soggetto_registers_an_unregistered_subject_as_a_client(db_url, db):
    make_client("0000280", name="ROSSI MARIO")
    seed_request("VERDI GINO", mobile="347 1234567", email="gino@example.it")
    seed_request("VERDI GINO", "Seconda richiesta")
    app = crm_app(db_url)
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_mask(12)
        await settle(pilot)
        assert isinstance(app.screen, FindSubjectScreen)
        await pilot.press(*"verdi", "enter")
        await settle(pilot)
        assert app.screen.subject.kind_label == "Non registrato"
        assert len(table_rows(app.screen, "#find-requests")) == 2
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("enter", "down", "enter")  # Registra come: Cliente
        await pilot.pause()
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, FindSubjectScreen)
        client = Client.get(Client.name == "VERDI GINO")
        assert client.code == "0000281" and client.email == "gino@example.it"
        assert (client.last_name, client.first_name) == ("VERDI", "GINO")
        assert [(s.name, s.kind_label) for s in table_rows(app.screen, "#find-subjects")] == [("VERDI GINO", "Cliente")]
        assert Request.select().where(Request.client == client).count() == 2
        await pilot.press("f9")  # a new request for this subject, already filled in
        await settle(pilot)
        assert isinstance(app.screen, RequestFormScreen)
        assert app.screen.query_one(SubjectPicker).subject.code == "0000281"
        assert app.screen.query_one("#email").value == "gino@example.it"
        await pilot.press("escape")  # nothing typed yet: leaves without asking
        await pilot.pause()
        assert isinstance(app.screen, FindSubjectScreen)


async def test_esiti_crm_adds_an_outcome_that_becomes_the_default(db_url, db):
    app = crm_app(db_url)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("1", "4")  # two digits: Esiti CRM
        await settle(pilot)
        assert app.screen.title == "Esiti CRM"
        assert len(table_rows(app.screen)) == 5
        await pilot.press("f9", *"richiamare", "tab", "tab", "tab", "tab", "space", "f10")
        await settle(pilot)
        new = Outcome.get(Outcome.name == "richiamare")
        assert new.is_default and new.group == "in_progress"
        assert [o.name for o in Outcome.select().where(Outcome.is_default == True)] == ["richiamare"]  # noqa: E712
        assert len(table_rows(app.screen)) == 6


async def test_the_agenda_shows_todays_and_overdue_recontacts_and_refreshes(db_url, db):
    overdue = seed_request("VERDI GINO", recontact=date(2026, 3, 2))
    seed_request("ROSSI MARIO", recontact=TODAY)
    seed_request("BIANCHI", recontact=date(2026, 3, 11))  # tomorrow
    seed_request("NERI", recontact=TODAY, operator="mario")  # someone else's
    app = crm_app(db_url)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        agenda = app.screen.query_one(AgendaPanel)
        assert [r.subject_name for r in agenda.table.rows] == ["VERDI GINO", "ROSSI MARIO"]
        assert "1 in ritardo · 1 per oggi" in str(agenda.query_one("#agenda-counts").render())
        first = agenda.table.table.get_row_at(0)
        assert first[0].style == "bold red"  # overdue
        await pilot.press("tab", "enter")  # into the agenda: Gestisci on the overdue one
        await settle(pilot)
        assert isinstance(app.screen, ActivityDialog) and app.screen.request.id == overdue
        await pilot.press("x", "tab", "enter", "down", "down", "down", "enter", "f10")
        await settle(pilot)
        assert [r.subject_name for r in agenda.table.rows] == ["ROSSI MARIO"]
        seed_request("GIALLI", recontact=TODAY)  # written by another terminal meanwhile
        await pilot.press("1", "1")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert [r.subject_name for r in agenda.table.rows] == ["ROSSI MARIO", "GIALLI"]


@pytest.fixture
def fixed_crm_data(db):
    make_client("0000280", name="ROSSI MARIO", mobile="3491112222")
    seed_request("VERDI GINO", "Crociera nel Mediterraneo ad agosto, 4 persone", recontact=date(2026, 3, 5),
                 mobile="3471234567", created=datetime(2026, 2, 20, 10, 30))
    seed_request("280", "Mar Rosso a Pasqua", recontact=TODAY, destinations="Sharm", created=datetime(2026, 3, 1, 9, 0))
    seed_request("BIANCHI ANNA", "Weekend a Vienna", request_type="meeting", created=datetime(2026, 3, 2, 16, 0))


def _snapshot_app(db_url, mask: int):
    app = crm_app(db_url)

    async def run_before(pilot) -> None:
        app.sub_title = "pegaso.db · operatore tester"
        app.open_mask(mask)
        await wait_for_workers(pilot)
        await pilot.pause()

    return app, run_before


def test_snapshot_nuova_richiesta(db_url, fixed_crm_data, snap_compare):
    app, run_before = _snapshot_app(db_url, 10)
    assert snap_compare(app, run_before=run_before, terminal_size=(110, 30))


def test_snapshot_richieste_aperte(db_url, fixed_crm_data, snap_compare):
    app, run_before = _snapshot_app(db_url, 11)
    assert snap_compare(app, run_before=run_before, terminal_size=(120, 24))
