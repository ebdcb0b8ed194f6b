"""The form widgets every mask uses, driven by the pilot."""

from __future__ import annotations

from datetime import date

from textual.app import App, ComposeResult

from pegaso_tui.config import Settings
from pegaso_tui.services import AppServices
from pegaso_tui.widgets.client_picker import ClientPicker
from pegaso_tui.widgets.confirm import ConfirmDialog
from pegaso_tui.widgets.date_input import DateInput
from pegaso_tui.widgets.form_field import FormField
from tests.apputil import wait_for_workers
from tests.factories import make_client


class FormApp(App[None]):
    def __init__(self, db_url: str) -> None:
        super().__init__()
        self.services = AppServices(settings=Settings(), database_url=db_url, operator_username="t")
        self.answers: list[bool | None] = []

    def compose(self) -> ComposeResult:
        yield FormField("Da Cliente:", ClientPicker(id="client-from"), id="field-client")
        yield FormField("Da data Pratica:", DateInput(id="date-from"), id="field-date")

    def ask(self) -> None:
        self.push_screen(ConfirmDialog("Inviare 3 SMS?"), self.answers.append)


async def test_a_date_field_refuses_an_impossible_date_as_it_is_typed(db_url, db):
    app = FormApp(db_url)
    async with app.run_test() as pilot:
        field = app.query_one("#date-from", DateInput)
        field.focus()
        await pilot.press(*"31-02-2026")
        await pilot.pause()
        assert field.has_class("-invalid")
        assert field.error == "data impossibile: '31-02-2026'"
        await pilot.press(*["backspace"] * 10, *"1/3/2026x")  # letters are not accepted
        await pilot.pause()
        assert field.value == "1/3/2026"
        assert field.date == date(2026, 3, 1)
        await pilot.press("tab")
        await pilot.pause()
        assert field.value == "01-03-2026"  # the canonical form once left


async def test_a_form_field_shows_and_clears_its_error(db_url, db):
    app = FormApp(db_url)
    async with app.run_test() as pilot:
        field = app.query_one("#field-date", FormField)
        field.set_error("l'intervallo termina prima di iniziare")
        await pilot.pause()
        assert field.error == "l'intervallo termina prima di iniziare"
        assert field.query_one(".form-error").display
        field.set_error(None)
        await pilot.pause()
        assert field.error is None


async def test_the_client_field_shows_the_name_of_a_short_code(db_url, db):
    make_client("0000002", name="FUTURA VIAGGI")
    app = FormApp(db_url)
    async with app.run_test() as pilot:
        picker = app.query_one(ClientPicker)
        picker.input.focus()
        await pilot.press("2", "tab")
        await wait_for_workers(pilot)
        assert picker.code == "0000002"
        assert picker.client.name == "FUTURA VIAGGI"
        assert str(picker.query_one(".record-name").render()) == "FUTURA VIAGGI"
        picker.input.focus()
        await pilot.press("backspace", "9", "tab")
        await wait_for_workers(pilot)
        assert picker.client is None and picker.unknown
        assert str(picker.query_one(".record-name").render()) == "cliente inesistente"


async def test_the_lens_finds_a_client_by_part_of_the_name(db_url, db):
    make_client("0000002", name="FUTURA VIAGGI", first_name="", last_name="", city="Sommacampagna")
    make_client("0000280", name="ROSSO STEFANO", city="Verona")
    make_client("0000281", name="PROSPERI ANNA", first_name="Anna", last_name="Prosperi", city="Roma")
    app = FormApp(db_url)
    async with app.run_test() as pilot:
        picker = app.query_one(ClientPicker)
        picker.input.focus()
        await pilot.press("f2")
        await wait_for_workers(pilot)
        await pilot.press(*"ros")
        await wait_for_workers(pilot)
        await pilot.press("down", "down", "enter")  # to the list, then the second match
        await wait_for_workers(pilot)
        assert picker.client is not None and picker.client.name == "PROSPERI ANNA"
        assert picker.code == "0000281"


async def test_the_lens_closes_with_esc_and_changes_nothing(db_url, db):
    make_client("0000002", name="FUTURA VIAGGI")
    app = FormApp(db_url)
    async with app.run_test() as pilot:
        picker = app.query_one(ClientPicker)
        picker.input.focus()
        await pilot.press("ctrl+l")
        await wait_for_workers(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert picker.client is None and picker.code == ""


async def test_confirmation_is_yes_with_f10_and_no_with_esc_or_enter(db_url, db):
    app = FormApp(db_url)
    async with app.run_test() as pilot:
        app.ask()
        await pilot.pause()
        await pilot.press("f10")
        app.ask()
        await pilot.pause()
        await pilot.press("escape")
        app.ask()
        await pilot.pause()
        await pilot.press("enter")  # the focused button is No: a stray Enter sends nothing
        await pilot.pause()
        assert app.answers == [True, False, False]
