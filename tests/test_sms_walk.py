"""The SMS masks as the operator's walk of issue 14 found them: each test is a finding."""

from __future__ import annotations

from datetime import date

from pegaso_tui.db.models import DELIVERED, SENT, Message
from tests.apputil import make_app, settle, wait_until


def queue_one(number: str = "349 555 0000") -> Message:
    from pegaso_tui.db.campaigns import plan_single, queue_campaign

    queue_campaign(plan_single("Il suo documento è pronto", number=number), sender="FUTURA")
    return Message.select().order_by(Message.id.desc()).get()


async def test_the_panel_chart_and_its_legend_follow_the_dots_without_f5(db_url, db):
    from pegaso_tui.app import OutboxUpdated
    from pegaso_tui.widgets.day_chart import DayChart

    message = queue_one()
    Message.update(status=SENT).where(Message.id == message.id).execute()
    app = make_app(db_url, today=date.today())
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_mask(5)
        await settle(pilot)
        chart = app.screen.query_one(DayChart)
        assert "consegnati 0" in chart.render_line(0).text
        # the delivery report arrives (the sender commits it, then tells the screen)
        Message.update(status=DELIVERED).where(Message.id == message.id).execute()
        app.post_message(OutboxUpdated(()))
        assert await wait_until(pilot, lambda: "consegnati 1" in chart.render_line(0).text, timeout=3)
        assert (chart.days[-1].sent, chart.days[-1].delivered) == (1, 1)


async def test_f10_goes_to_the_first_bad_field_and_a_fixed_field_loses_its_error(db_url, db):
    from pegaso_tui.widgets.form_field import FormField
    from pegaso_tui.widgets.sms_editor import SmsEditor

    app = make_app(db_url, today=date(2026, 11, 23), sender="")
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_mask(3)  # Buon Compleanno: two dates, Mittente, Testo Sms
        await settle(pilot)
        screen = app.screen
        screen.query_one("#birthday-to").value = "31-02-2026"
        screen.query_one("#sms-text", SmsEditor).text = ""
        screen.query_one("#sms-text", SmsEditor).focus()
        await pilot.press("f10")
        await settle(pilot)
        fields = {f.id: f.error for f in screen.query(FormField) if f.error}
        assert set(fields) >= {"field-birthday-to", "field-sender", "field-text"}
        assert screen.focused is screen.query_one("#birthday-to")  # the topmost bad field

        await pilot.press("ctrl+u", *"30-11-2026")
        await pilot.pause()
        assert screen.query_one("#field-birthday-to", FormField).error is None
        screen.query_one("#sms-text", SmsEditor).text = "Tanti auguri da tutti noi!"
        await pilot.pause()
        assert screen.query_one("#field-text", FormField).error is None
        assert screen.query_one("#field-sender", FormField).error  # still empty: still said


async def test_the_too_long_message_counts_true_with_an_emoji_in_the_middle(db_url, db):
    """It said 'togliere 11 caratteri' (the end, emoji included); 11 taken anywhere else did
    not make the text fit."""
    import re

    from pegaso_tui.widgets.sms_editor import SmsEditor

    app = make_app(db_url, today=date(2026, 11, 23), max_parts=3)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_mask(4)
        await settle(pilot)
        editor = app.screen.query_one("#sms-text", SmsEditor)
        text = "a" * 300 + "😀" + "b" * 10
        editor.text = text
        await pilot.pause()
        message = editor.validate()
        n = int(re.search(r"togliere (\d+) caratteri", message).group(1))
        editor.text = text[n:]  # taken off the start, where the operator chose to cut
        await pilot.pause()
        assert editor.validate() is None, message
        editor.text = text[n - 1:]  # one fewer is not enough
        await pilot.pause()
        assert editor.validate() is not None
        editor.text = text.replace("😀", "")  # the other way out the message offers
        await pilot.pause()
        assert "togliere 😀" in message and editor.validate() is None


async def test_dates_typed_as_digits_only_are_taken_and_shown_whole(db_url, db):
    from pegaso_tui.widgets.date_input import DateInput

    app = make_app(db_url, today=date(2026, 11, 23))
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_mask(5)
        await settle(pilot)
        field = app.screen.query_one("#sent-to", DateInput)
        field.focus()
        await pilot.press("ctrl+u", *"31122026")
        assert field.error is None and field.date == date(2026, 12, 31)
        await pilot.press("tab")  # left: shown the canonical way
        await pilot.pause()
        assert field.value == "31-12-2026"
        field.focus()
        await pilot.press("ctrl+u", *"311226")
        assert field.date == date(2026, 12, 31)
        await pilot.press("ctrl+u", *"180383")
        assert field.date == date(1983, 3, 18)
        await pilot.press("ctrl+u", *"310226")
        assert "impossibile" in field.error


async def test_a_fallback_placeholder_serves_companies_and_the_counter_prices_it(db_url, db):
    """{nome} failed for a company; {nome|Gentile Cliente} writes the fallback for it."""
    from pegaso_tui.screens.sms.preview import SendPreviewScreen
    from pegaso_tui.widgets.sms_editor import SmsEditor
    from tests.factories import make_client

    make_client("0000001", name="FUTURA VIAGGI SRL", kind="company", first_name="", last_name="",
                mobile="349 111 1111")
    make_client("0000002", name="ROSSI UGO", first_name="Ugo", last_name="Rossi", mobile="349 222 2222")
    app = make_app(db_url, today=date(2026, 11, 23), sender="FUTURA")
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_mask(2)  # SMS Promozionali: every client with "Invio Sms Promo"
        await settle(pilot)
        editor = app.screen.query_one("#sms-text", SmsEditor)
        editor.text = "Ciao {nome}, offerte per te"
        await pilot.pause(0.6)
        await settle(pilot)
        assert "{nome} manca per 1 destinatario" in (editor.validate() or "")
        editor.text = "Ciao {nome|Gentile Cliente}, offerte per te"
        await pilot.pause(0.6)
        await settle(pilot)
        assert editor.validate() is None
        assert editor.counted_text == "Ciao Gentile Cliente, offerte per te"  # the longest
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, SendPreviewScreen)
        texts = sorted(m.text for m in app.screen.job.plan.messages)
        assert texts == ["Ciao Gentile Cliente, offerte per te", "Ciao Ugo, offerte per te"]


async def test_invia_prova_sends_the_row_under_the_cursor_to_the_operators_number(db_url, db, sandbox):
    """F7 in the preview: the rendered text of the highlighted row goes through the outbox to
    the number typed once (remembered for this operator); the panel counts it as a test."""
    from textual.widgets import TabbedContent

    from pegaso_tui.db.models import Campaign
    from pegaso_tui.screens.sms.preview import SendPreviewScreen
    from pegaso_tui.widgets.sample_dialog import SampleSendDialog
    from pegaso_tui.widgets.sms_editor import SmsEditor
    from tests.factories import make_client

    make_client("0000001", name="ROSSI UGO", first_name="Ugo", last_name="Rossi", mobile="349 222 2222")
    make_client("0000002", name="BIANCHI ANNA", first_name="Anna", last_name="Bianchi", mobile="349 333 3333")
    app = make_app(db_url, sandbox=sandbox(deliver_after_ms=20), today=date(2026, 11, 23), sender="FUTURA")
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_mask(2)
        await settle(pilot)
        app.screen.query_one("#sms-text", SmsEditor).text = "Ciao {nome}, offerte per te"
        await pilot.press("f10")
        assert await wait_until(pilot, lambda: isinstance(app.screen, SendPreviewScreen))
        await settle(pilot)
        preview = app.screen
        await pilot.press("down")  # the second row: its text, not the first one's
        await pilot.pause()
        wanted = preview.query_one("#preview-rows").current_row.text
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, SampleSendDialog)
        assert app.screen.query_one("#sample-number").value == ""  # the first time: none
        await pilot.press(*"347 999 0001", "f10")
        await settle(pilot)
        assert app.screen is preview
        assert await wait_until(pilot, lambda: Message.select().where(Message.status == DELIVERED).count() == 1)
        sample = Message.get()
        assert (sample.text, sample.phone, sample.campaign.kind) == (wanted, "+393479990001", "test")
        assert not preview.queued  # the campaign itself is still to be confirmed

        await pilot.press("f7")  # the number is proposed the next time
        await settle(pilot)
        assert app.screen.query_one("#sample-number").value == "347 999 0001"
        await pilot.press("escape", "escape", "escape")
        await settle(pilot)
        app.open_mask(5)
        await settle(pilot)
        panel = app.screen
        panel.query_one("#panel-tabs", TabbedContent).active = "controlla"
        await pilot.press("f5")
        await settle(pilot)
        assert await wait_until(pilot, lambda: "di cui di prova 1" in str(panel.query_one("#account-status").render()))
    assert Campaign.select().count() == 1


async def test_balance_reminders_warn_about_zero_balances_and_departed_trips_and_f6_leaves_them_out(
        db_url, db, sandbox):
    from pegaso_tui.screens.sms.preview import SendPreviewScreen
    from pegaso_tui.widgets.confirm import ConfirmDialog
    from pegaso_tui.widgets.sms_editor import SmsEditor
    from tests.factories import make_client, make_practice

    anna = make_client("0000001", name="BIANCHI ANNA", first_name="Anna", mobile="349 111 1111")
    bruno = make_client("0000002", name="VERDI BRUNO", first_name="Bruno", mobile="349 222 2222")
    carla = make_client("0000003", name="NERI CARLA", first_name="Carla", mobile="349 333 3333")
    make_practice(anna, "2026/0001", departure_date=date(2026, 12, 20), balance=500)
    make_practice(bruno, "2026/0002", departure_date=date(2026, 12, 20), balance=0)
    make_practice(carla, "2026/0003", departure_date=date(2026, 11, 1), balance=300)
    app = make_app(db_url, sandbox=sandbox(deliver_after_ms=20), today=date(2026, 11, 23), sender="FUTURA")
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_mask(1)  # SMS Pratiche, "Non Avv. per Saldo" by default
        await settle(pilot)
        app.screen.query_one("#sms-text", SmsEditor).text = "Gentile {nome}, il saldo è {saldo}"
        await pilot.press("f10")
        assert await wait_until(pilot, lambda: isinstance(app.screen, SendPreviewScreen))
        await settle(pilot)
        preview = app.screen
        summary = str(preview.query_one("#preview-summary").render())
        assert "1 con saldo € 0,00" in summary and "1 già partite" in summary and "F6" in summary
        await pilot.press("f6")
        await settle(pilot)
        assert [r.code for r in preview.job.rows] == ["0000001"]
        assert "Attenzione" not in str(preview.query_one("#preview-summary").render())
        await pilot.press("f10")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("f10")
        assert await wait_until(pilot, lambda: preview.queued)
    assert [m.client_code for m in Message.select()] == ["0000001"]


async def test_a_client_code_error_goes_as_soon_as_the_code_is_changed(db_url, db):
    from pegaso_tui.widgets.form_field import FormField

    app = make_app(db_url, today=date(2026, 11, 23))
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_mask(2)
        await settle(pilot)
        field = app.screen.query_one("#field-client-from", FormField)
        field.set_error("codice inesistente")
        field.widget.input.focus()
        await pilot.press("1")
        await pilot.pause()
        assert field.error is None
