"""Masks 18 (Non disturbare) and 19 (Registro invii), driven by the keyboard through the pilot."""

from __future__ import annotations

from datetime import date

from pegaso_tui.db.campaigns import plan_single, queue_campaign
from pegaso_tui.db.models import OptOut
from pegaso_tui.db.optouts import add_opt_out
from pegaso_tui.screens.comms.audit_log import AuditLogScreen
from pegaso_tui.screens.comms.do_not_disturb import DoNotDisturbScreen, OptOutDialog
from pegaso_tui.widgets.confirm import ConfirmDialog
from pegaso_tui.widgets.form_field import FormField
from pegaso_tui.widgets.paged_table import PagedTable
from tests.apputil import make_app, settle
from tests.factories import make_client


def rows(screen) -> list:
    return list(screen.query_one(PagedTable).rows)


async def test_an_objection_by_phone_is_recorded_found_and_lifted(db_url):
    app = make_app(db_url)
    make_client("0000002", name="ROSSI ANNA", mobile="349 111 1111")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("1", "8")
        await settle(pilot)
        assert isinstance(app.screen, DoNotDisturbScreen)
        assert rows(app.screen) == []
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, OptOutDialog)
        await pilot.press(*"06 1234567", "f10")  # a landline: said next to the field
        await settle(pilot)
        assert "numero non valido" in app.screen.query_one("#field-number", FormField).error
        await pilot.press(*["backspace"] * 10, *"349/1111111", "tab", "tab", *"non vuole offerte", "f10")
        await settle(pilot)
        assert isinstance(app.screen, DoNotDisturbScreen)
        [row] = rows(app.screen)
        assert (row.mobile, row.client, row.name, row.via, row.reason) == (
            "+393491111111", "0000002", "ROSSI ANNA", "phone", "non vuole offerte")
        await pilot.press(*"zzz")  # the search filters as you type
        await settle(pilot)
        assert rows(app.screen) == []
        await pilot.press("backspace", "backspace", "backspace", *"rossi")
        await settle(pilot)
        assert len(rows(app.screen)) == 1
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("f10")
        await settle(pilot)
        assert OptOut.select().count() == 0 and rows(app.screen) == []


async def test_the_registro_shows_each_campaign_with_its_purpose(db_url):
    app = make_app(db_url, today=date.today())
    queue_campaign(plan_single("Documenti pronti", number="349 555 5555"), sender="AGENZIA")
    add_opt_out("349 777 7777")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("1", "9")
        await settle(pilot)
        assert isinstance(app.screen, AuditLogScreen)
        [entry] = rows(app.screen)
        assert (entry.kind_label, entry.purpose, entry.count) == ("SMS Singolo", "servizio", 1)
        await pilot.press(*["backspace"] * 10, *"01-01-2000", "tab", *["backspace"] * 10, *"31-12-2000")
        await settle(pilot)
        assert rows(app.screen) == []


async def test_a_wrong_date_in_the_registro_is_said_as_it_is_left(db_url):
    """Walked at 80x24: "31022026" in Dal, then Tab, said nothing, and the list of the
    period before stayed under it. The error now shows as the field is left."""
    from pegaso_tui.widgets.form_field import FormField

    app = make_app(db_url, today=date.today())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "9")
        await settle(pilot)
        assert isinstance(app.screen, AuditLogScreen)
        field = app.screen.query_one("#field-audit-from", FormField)
        await pilot.press("ctrl+u", *"31022026", "tab")
        await settle(pilot)
        assert field.error == "data impossibile: '31-02-2026'"
        await pilot.press("shift+tab", "ctrl+u", *"01022026")
        await settle(pilot)
        assert not field.error


async def test_the_client_form_records_and_lifts_the_clients_objection(db_url):
    from textual.widgets import Button, Static

    from pegaso_tui.db.selections import PromoFilters, promo_recipients
    from pegaso_tui.screens.registry.client_form import ClientFormScreen
    from pegaso_tui.screens.comms.client_optout import ClientOptOutBar

    app = make_app(db_url)
    make_client("0000280", name="ROSSO STEFANO", mobile="349 111 1111")
    async with app.run_test(size=(110, 40)) as pilot:
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, ClientFormScreen)
        bar = app.screen.query_one(ClientOptOutBar)
        assert "nessuna" in str(bar.query_one(Static).render())
        bar.query_one(Button).press()
        await settle(pilot)
        assert isinstance(app.screen, OptOutDialog)
        await pilot.press("tab", *"allo sportello", "f10")
        await settle(pilot)
        assert isinstance(app.screen, ClientFormScreen)
        [row] = list(OptOut.select())
        assert (row.client.code, row.mobile, row.reason) == ("0000280", "+393491111111", "allo sportello")
        assert "Non disturbare" in str(bar.query_one(Static).render())
        assert promo_recipients(PromoFilters()).rows == []
        bar.query_one(Button).press()
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("f10")
        await settle(pilot)
        assert OptOut.select().count() == 0
        assert "nessuna" in str(bar.query_one(Static).render())


async def test_f4_in_sms_promozionali_gives_the_selection_crm_actions_in_turn(db_url):
    from pegaso_tui.db.models import Request
    from pegaso_tui.screens.comms.crm_target import CrmTargetDialog
    from pegaso_tui.screens.sms.promo import SmsPromoScreen

    today = date(2027, 6, 1)
    app = make_app(db_url, today=today)
    for code, name in (("0000002", "ROSSI ANNA"), ("0000003", "BIANCHI BRUNO"), ("0000004", "VERDI CARLA")):
        make_client(code, name=name, mobile="349 111 1111")
    make_client("0000005", name="NERI DARIO", sms_promo=False)
    async with app.run_test(size=(110, 40)) as pilot:
        await pilot.press("2", "enter")  # "2" waits for a second digit (20 is Configurazione)
        await settle(pilot)
        assert isinstance(app.screen, SmsPromoScreen)
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, CrmTargetDialog)
        await pilot.press(*"Proporre la crociera", "tab", "end", *", lucia")  # tester, lucia
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, SmsPromoScreen)
    actions = list(Request.select().order_by(Request.id))
    assert [(r.subject_name, r.operator.username, r.purpose) for r in actions] == [
        ("ROSSI ANNA", "tester", "marketing"), ("BIANCHI BRUNO", "lucia", "marketing"),
        ("VERDI CARLA", "tester", "marketing")]
    assert {(r.description, r.recontact_date) for r in actions} == {("Proporre la crociera", date(2027, 6, 8))}


async def test_the_preview_of_a_promo_says_its_purpose(db_url):
    from textual.widgets import Static

    from pegaso_tui.screens.sms.preview import SendPreviewScreen

    app = make_app(db_url, sender="FUTURA")
    make_client("0000002", name="ROSSI ANNA", mobile="349 111 1111")
    async with app.run_test(size=(110, 40)) as pilot:
        await pilot.press("2", "enter")
        await settle(pilot)
        app.screen.editor.text = "Offerte per te"
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, SendPreviewScreen)
        summary = str(app.screen.query_one("#preview-summary", Static).render())
        assert "Finalità: marketing" in summary


async def test_a_wrong_date_in_the_storico_richieste_is_said_as_it_is_left(db_url):
    """The same in Storico Richieste (mask 13), whose Dal, Al, Tipo and Stato share a row."""
    from pegaso_tui.widgets.form_field import FormField

    app = make_app(db_url, today=date.today())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "3")
        await settle(pilot)
        app.screen.query_one("#history-from").focus()
        await settle(pilot)
        await pilot.press(*"31022026", "tab")
        await settle(pilot)
        assert app.screen.query_one("#field-history-from", FormField).error == (
            "data impossibile: '31-02-2026'")
