"""Seed 004's masks driven by the pilot: F7 Salva ricerca, the saved search on the home
screen and in the palette (its mask opens with the filters filled in), F6 Modelli in an SMS
mask, and the Comunicazioni programmate mask with its Storico Invii."""

from __future__ import annotations

from datetime import date, datetime

from textual.widgets import Checkbox, Input, OptionList, RadioButton

from pegaso_tui.db.models import SavedSearch, Schedule, SmsTemplate
from pegaso_tui.db.schedules import ScheduleFields, save_schedule
from pegaso_tui.db.searches import save_search
from pegaso_tui.db.templates import save_template
from pegaso_tui.sending.scheduler import run_due
from pegaso_tui.widgets.date_input import DateInput
from pegaso_tui.widgets.sms_editor import SmsEditor
from tests.apputil import make_app, wait_for_workers, wait_until
from tests.factories import make_client, saved_the_day_before

TODAY = date(2026, 11, 23)


async def open_mask(pilot, number: str) -> None:
    await pilot.press(*number)
    if len(number) == 1:
        await pilot.press("enter")
    await wait_for_workers(pilot)


async def test_f7_saves_the_birthday_search_with_rolling_dates_and_the_flags(db, db_url):
    app = make_app(db_url, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_mask(pilot, "3")
        await pilot.press("f7")
        assert await wait_until(pilot, lambda: app.screen.id == "save-search")
        await pilot.press(*"compleanni settimana")
        app.screen.query_one("#mode-rolling", RadioButton).value = True
        app.screen.query_one("#search-scheduling", Checkbox).value = True
        app.screen.query_one("#search-menu", Checkbox).value = True
        await pilot.press("f10")
        assert await wait_until(pilot, lambda: app.screen.id != "save-search")
        await wait_for_workers(pilot)
    search = SavedSearch.get(SavedSearch.name == "compleanni settimana")
    assert (search.kind, search.date_mode, search.scheduling, search.in_menu) == ("birthday", "rolling", True, True)
    assert search.saved_on == TODAY


async def test_the_dialogs_error_goes_once_the_operator_types(db, db_url):
    """Walked: F10 without a name said "nome della ricerca mancante", and still said it under
    the name typed afterwards."""
    from textual.widgets import Static

    app = make_app(db_url, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_mask(pilot, "3")
        await pilot.press("f7")
        assert await wait_until(pilot, lambda: app.screen.id == "save-search")
        error = app.screen.query_one("#search-error", Static)
        await pilot.press("f10")
        assert await wait_until(pilot, lambda: "mancante" in str(error.render()))
        await pilot.press("c")
        await pilot.pause()
        assert str(error.render()).strip() == ""
        assert app.screen.id == "save-search"  # nothing saved meanwhile


async def test_a_menu_search_is_on_the_home_screen_and_opens_its_mask_filled_in(db, db_url):
    save_search("partenze tra 7 giorni", "practice", {
        "status": "documents-not-delivered", "departure_from": "2026-11-30",
        "departure_to": "2026-11-30"}, date_mode="rolling", in_menu=True, today=date(2026, 11, 23))
    app = make_app(db_url, today=date(2026, 12, 1))
    async with app.run_test(size=(120, 40)) as pilot:
        menu = app.screen.query_one(OptionList)
        assert await wait_until(pilot, lambda: any(o.id == "search-1" for o in menu.options))
        menu.highlighted = menu.get_option_index("search-1")
        menu.focus()
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: getattr(app.screen, "MASK_TITLE", "") == "SMS Pratiche")
        await wait_for_workers(pilot)
        screen = app.screen
        # rolled on by the 8 days since it was saved
        assert screen.query_one("#departure-from", DateInput).date == date(2026, 12, 8)
        assert screen.query_one("#departure-to", DateInput).date == date(2026, 12, 8)
        assert screen.query_one("#status-documents-not-delivered", RadioButton).value is True
        assert screen.query_one("#practice-from", DateInput).date is None


async def test_the_palette_offers_a_menu_search(db, db_url):
    save_search("promo crociere", "promo", {}, date_mode="none", in_menu=True, today=TODAY)
    app = make_app(db_url, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"crociere")
        await pilot.pause(0.5)
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: getattr(app.screen, "MASK_TITLE", "") == "SMS Promozionali")


async def test_f6_puts_a_model_in_the_editor_and_saves_the_text_as_a_model(db, db_url):
    save_template("saldo", "Gentile {nome}, ricordiamo il saldo.")
    app = make_app(db_url, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_mask(pilot, "2")
        await pilot.press("f6")
        assert await wait_until(pilot, lambda: app.screen.id == "template-picker")
        await wait_for_workers(pilot)
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: app.screen.id != "template-picker")
        editor = app.screen.query_one(SmsEditor)
        assert editor.text == "Gentile {nome}, ricordiamo il saldo."
        editor.text = "Offerte di primavera!"
        await pilot.press("f6")
        assert await wait_until(pilot, lambda: app.screen.id == "template-picker")
        await pilot.press("f3")
        assert await wait_until(pilot, lambda: app.screen.id == "template-dialog")
        await pilot.press(*"primavera", "f10")
        assert await wait_until(pilot, lambda: getattr(app.screen, "MASK_TITLE", "") == "SMS Promozionali")
    assert SmsTemplate.get(SmsTemplate.name == "primavera").text == "Offerte di primavera!"


async def test_a_scheduled_communication_is_created_in_its_mask_and_its_history_shown(db, db_url):
    make_client("0000002", first_name="Anna", mobile="349 111 1111")
    save_search("tutti", "promo", {}, date_mode="none", scheduling=True, today=TODAY)
    app = make_app(db_url, today=TODAY, sender="AGENZIA")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_mask(pilot, "17")
        await pilot.press("f3")
        assert await wait_until(pilot, lambda: app.screen.id == "schedule-dialog")
        dialog = app.screen
        await pilot.press(*"offerte")
        dialog.query_one("#schedule-at", Input).value = "10:30"
        dialog.query_one("#schedule-search").value = "tutti"
        dialog.query_one("#schedule-text", SmsEditor).text = "Offerte {nome}!"
        await pilot.press("f10")
        assert await wait_until(pilot, lambda: app.screen.id == "comms-schedules")
        await wait_for_workers(pilot)
        schedule = Schedule.get(Schedule.name == "offerte")
        assert (schedule.at_time, schedule.purpose, schedule.start_date) == ("10:30", "marketing", TODAY)
        # the notice says when it will first send (from the clock of the machine: the
        # schedule started on TODAY, a past day, so its next 10:30 to come)
        from pegaso_tui.sending.scheduler import first_run

        when = first_run(schedule)
        said = [n.message for n in app._notifications]
        assert f"Comunicazione 'offerte' salvata: primo invio il {when:%d-%m-%Y} alle 10:30" in said
        run_due(datetime(2026, 11, 23, 10, 30), default_sender="AGENZIA")
        await pilot.press("f6")
        assert await wait_until(pilot, lambda: app.screen.id == "comms-history")
        await wait_for_workers(pilot)
        assert await wait_until(pilot, lambda: app.screen.query_one("#history-recipients").table.row_count == 1)
        await pilot.press("escape")
        await pilot.press("f5")  # pause
        await wait_for_workers(pilot)
    assert Schedule.get(Schedule.name == "offerte").active is False


async def test_the_app_sender_runs_a_due_schedule_and_sends_it(db, db_url, sandbox):
    from pegaso_tui.db.models import DELIVERED, Message
    from pegaso_tui.sending.scheduler import rome_time

    make_client("0000002", first_name="Anna", mobile="349 111 1111")
    today = rome_time().date()
    save_search("tutti", "promo", {}, date_mode="none", scheduling=True, today=today)
    promo = save_schedule(ScheduleFields(name="promo", search="tutti", at="00:00", start=today,
                                         text="Offerte {nome}!"))
    saved_the_day_before(promo)  # due at 00:00: saved now, today's would be none of its runs
    app = make_app(db_url, sandbox=sandbox(deliver_after_ms=10), sender="AGENZIA")
    async with app.run_test(size=(120, 40)) as pilot:
        assert await wait_until(
            pilot, lambda: Message.select().where(Message.status == DELIVERED).count() == 1,
            timeout=20)
    assert Message.get().text == "Offerte Anna!"
