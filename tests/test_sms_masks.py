"""The SMS masks driven by the pilot, by keyboard: fill, preview (F10), confirm (F10), and the
messages reach "Consegnato" through the sandbox gateway on loopback."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import Input

from pegaso_tui.db.models import DELIVERED, Message, Preference
from pegaso_tui.screens.sms.preview import SendPreviewScreen
from pegaso_tui.widgets.confirm import ConfirmDialog
from pegaso_tui.widgets.form_field import FormField
from pegaso_tui.widgets.sms_editor import SmsEditor
from tests.apputil import make_app, wait_for_workers, wait_until
from tests.factories import give_preference, make_client, make_practice

TODAY = date(2026, 11, 23)


@pytest.fixture
def agency(db):
    """Three clients of this year's practices, one without a mobile; preferences; a birthday."""
    anna = make_client("0000002", name="BIANCHI ANNA", first_name="Anna", last_name="Bianchi",
                       mobile="349 111 1111", birth_date=date(1980, 11, 25))
    bruno = make_client("0000003", name="VERDI BRUNO", first_name="Bruno", last_name="Verdi",
                        mobile="349 222 2222", birth_date=date(1975, 3, 1))
    make_client("0000004", name="NERI CARLA", first_name="Carla", last_name="Neri", mobile="",
                birth_date=date(1990, 11, 24))
    make_practice(anna, "2026/0001", practice_date=date(2026, 2, 1))
    make_practice(bruno, "2026/0002", practice_date=date(2026, 3, 1))
    cruises = Preference.create(code="CROC", description="Crociere")
    Preference.create(code="MAR", description="Mare")
    give_preference(bruno, cruises)
    return db


def error_of(app, field_id: str) -> str | None:
    return app.screen.query_one(f"#{field_id}", FormField).error


async def open_mask(pilot, number: str) -> None:
    await pilot.press(*number, "enter")
    await wait_for_workers(pilot)


async def type_text(pilot, text: str) -> None:
    editor = pilot.app.screen.query_one(SmsEditor)
    editor.text = ""
    editor.text_area.focus()
    await pilot.press(*text)


async def send_and_follow(pilot, expected: int, asks: str = "") -> SendPreviewScreen:
    """F10 to the preview, F10 to confirm, F10 (yes); wait until the campaign is delivered.

    ``asks``: a text the confirmation must show."""
    app = pilot.app
    await pilot.press("f10")
    assert await wait_until(pilot, lambda: isinstance(app.screen, SendPreviewScreen))
    preview = app.screen
    await wait_for_workers(pilot)
    await pilot.press("f10")
    assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
    assert asks in app.screen.message
    await pilot.press("f10")
    assert await wait_until(pilot, lambda: preview.queued)
    assert await wait_until(
        pilot, lambda: Message.select().where(Message.status == DELIVERED).count() == expected, timeout=15
    )
    assert await wait_until(pilot, lambda: "Invio completato" in str(preview.query_one("#progress-counts").render()))
    return preview


async def test_sms_pratiche_previews_confirms_and_delivers(agency, db_url, sandbox):
    app = make_app(db_url, sandbox=sandbox(deliver_after_ms=30), today=TODAY, sender="FUTURA")
    async with app.run_test(size=(120, 50)) as pilot:
        await open_mask(pilot, "1")
        assert app.screen.title == "SMS Pratiche"
        # the mask proposes this year and the status's preset text
        assert app.screen.query_one("#practice-from", Input).value == "01-01-2026"
        assert app.screen.query_one("#practice-to", Input).value == "31-12-2026"
        assert "pratica {pratica}" in app.screen.query_one(SmsEditor).text
        await type_text(pilot, "Gentile {nome}, il saldo della pratica {pratica} scade a breve.")
        await pilot.press("f10")
        assert await wait_until(pilot, lambda: isinstance(app.screen, SendPreviewScreen))
        preview = app.screen
        await wait_for_workers(pilot)
        summary = str(preview.query_one("#preview-summary").render())
        assert "Destinatari: 2 · inviabili 2" in summary
        assert "crediti necessari: 2" in summary
        assert "Crediti disponibili: 1.000" in str(preview.query_one("#preview-credit").render())
        assert "Gentile Anna, il saldo della pratica 2026/0001" in str(preview.query_one("#preview-text").render())
        await pilot.press("escape")  # back: nothing sent
        assert Message.select().count() == 0
        preview = await send_and_follow(pilot, expected=2)
        # sent: the preview no longer offers F10, and pressing it sends nothing more
        assert "confirm" not in {b.binding.action for b in app.screen.active_bindings.values()}
        await pilot.press("f10")
        await pilot.pause(0.3)
        assert app.screen is preview and Message.select().count() == 2
        texts = sorted(m.text for m in Message.select())
        assert texts[1] == "Gentile Bruno, il saldo della pratica 2026/0002 scade a breve."
        assert {m.sender for m in Message.select()} == {"FUTURA"}
        await pilot.press("escape")
        # the practices now have their notice: the next preview finds nobody
        await pilot.press("f10")
        await wait_for_workers(pilot)
        assert "Nessun destinatario" in str(app.screen.query_one("#mask-error").render())


async def test_sms_promozionali_with_preferences(agency, db_url, sandbox):
    app = make_app(db_url, sandbox=sandbox(deliver_after_ms=30), today=TODAY, sender="FUTURA")
    async with app.run_test(size=(120, 50)) as pilot:
        await open_mask(pilot, "2")
        screen = app.screen
        screen.query_one("#by-preferences").focus()
        await pilot.press("space")  # Filtra per Preferenze
        await wait_for_workers(pilot)
        screen.query_one("#preferences").focus()
        await pilot.press("space")  # the first preference: CROC
        await type_text(pilot, "Crociere in offerta per te, {nome}!")
        await wait_for_workers(pilot)
        await send_and_follow(pilot, expected=1)
        [message] = Message.select()
        assert message.text == "Crociere in offerta per te, Bruno!"
        assert message.campaign.purpose == "marketing"


async def test_the_live_count_comes_first_and_the_counter_then_counts_the_longest_text(agency, db_url):
    """The mask shows the database's count at once, then builds the rows so the editor counts
    the longest rendered text, as the preview will."""
    app = make_app(db_url, today=TODAY, sender="FUTURA")
    async with app.run_test(size=(120, 50)) as pilot:
        await open_mask(pilot, "2")
        screen = app.screen
        await type_text(pilot, "Ciao {nome}!")
        editor = screen.query_one(SmsEditor)
        assert await wait_until(pilot, lambda: editor.counted_text == "Ciao Bruno!")
        # Anna and Bruno can receive it; Carla has no mobile and is not counted in the text
        assert "Destinatari: 3 · inviabili 2" in str(screen.query_one("#recipients-line").render())
        screen.query_one("#client-from Input", Input).focus()
        await pilot.press("4", "tab")  # from 0000004: only Carla, who has no mobile
        assert await wait_until(pilot, lambda: "Destinatari: 1 · inviabili 0" in str(
            screen.query_one("#recipients-line").render()))
        await wait_for_workers(pilot)
        assert editor.counted_text == "Ciao {nome}!"  # nobody to render for: the text itself


async def test_buon_compleanno_defaults_to_the_coming_week(agency, db_url, sandbox):
    app = make_app(db_url, sandbox=sandbox(deliver_after_ms=30), today=TODAY, sender="FUTURA")
    async with app.run_test(size=(120, 50)) as pilot:
        await open_mask(pilot, "3")
        screen = app.screen
        assert screen.query_one("#birthday-from", Input).value == "23-11-2026"
        assert screen.query_one("#birthday-to", Input).value == "30-11-2026"
        assert screen.query_one(SmsEditor).text == "Tanti Auguri dalla tua Agenzia di Viaggi preferita!"
        assert await wait_until(pilot, lambda: "Destinatari: 2 · inviabili 1" in str(screen.query_one("#recipients-line").render()))
        preview = await send_and_follow(pilot, expected=1)
        assert "non inviabili 1" in str(preview.query_one("#preview-summary").render())
        [message] = Message.select()
        assert message.client_code == "0000002"


@pytest.mark.parametrize("mask, first_field", [
    ("1", "#client-from"), ("2", "#client-from"), ("3", "#birthday-from"), ("4", "#recipient-kind"),
])
async def test_each_sending_mask_opens_with_the_cursor_in_its_first_field(agency, db_url, mask, first_field):
    app = make_app(db_url, today=TODAY)
    async with app.run_test(size=(120, 50)) as pilot:
        await open_mask(pilot, mask)
        field = app.screen.query_one(first_field)
        focused = app.focused
        assert focused is not None
        assert focused is field or field in focused.ancestors, f"focus on {focused!r}"


async def test_invio_sms_singolo_to_a_client_found_with_the_lens(agency, db_url, sandbox):
    app = make_app(db_url, sandbox=sandbox(deliver_after_ms=30), today=TODAY, sender="FUTURA")
    async with app.run_test(size=(120, 50)) as pilot:
        await open_mask(pilot, "4")
        screen = app.screen
        assert screen.kind == "client"  # the usual recipient, proposed
        assert app.focused is screen.query_one("#recipient-kind")  # the mask opens on it
        await pilot.press("tab")  # to the client's code
        assert app.focused is screen.query_one("#client").input
        await pilot.press("f2")
        await wait_for_workers(pilot)
        await pilot.press(*"verdi", "enter")
        await wait_for_workers(pilot)
        assert screen.query_one("#mobile", Input).value == "349 222 2222"
        await type_text(pilot, "Gentile {nome}, i suoi documenti sono pronti.")
        await send_and_follow(pilot, expected=1)
        [message] = Message.select()
        assert (message.text, message.phone, message.client_code) == (
            "Gentile Bruno, i suoi documenti sono pronti.", "+393492222222", "0000003")


async def test_a_single_sms_to_another_number(agency, db_url, sandbox):
    app = make_app(db_url, sandbox=sandbox(deliver_after_ms=30), today=TODAY, sender="FUTURA")
    async with app.run_test(size=(120, 50)) as pilot:
        await open_mask(pilot, "4")
        screen = app.screen
        # the mask opens on "Destinatario"
        await pilot.press("down", "down", "space")  # Altro
        await pilot.pause()
        assert screen.kind == "other"
        screen.query_one("#other-name", Input).focus()
        await pilot.press(*"Mario", "tab")
        screen.query_one("#mobile", Input).focus()
        await pilot.press(*"3331234567", "tab")
        assert screen.query_one("#mobile", Input).value == "333 123 4567"
        await type_text(pilot, "Ciao {ragione_sociale}")
        await send_and_follow(pilot, expected=1, asks="Inviare 1 SMS a 333 123 4567")
        [message] = Message.select()
        assert (message.text, message.phone) == ("Ciao Mario", "+393331234567")


# --- Bad input: a clear message next to its field, and nothing queued ---------------------------


async def test_bad_input_in_sms_pratiche_is_explained_next_to_each_field(agency, db_url, sandbox):
    app = make_app(db_url, sandbox=sandbox(), today=TODAY, sender="")
    async with app.run_test(size=(120, 50)) as pilot:
        await open_mask(pilot, "1")
        screen = app.screen
        screen.query_one("#practice-from", Input).value = "31-02-2026"
        screen.query_one("#departure-from", Input).value = "10-08-2026"
        screen.query_one("#departure-to", Input).value = "01-08-2026"
        await type_text(pilot, "")
        await pilot.press("f10")
        await wait_for_workers(pilot)
        assert error_of(app, "field-practice-from") == "data impossibile: '31-02-2026'"
        assert "prima di iniziare" in error_of(app, "field-departure-to")
        assert error_of(app, "field-text") == "Il testo dell'SMS è vuoto"
        assert error_of(app, "field-sender").startswith("Mittente mancante")
        assert isinstance(app.screen, type(screen))
    assert Message.select().count() == 0


async def test_a_placeholder_without_a_value_names_the_recipients(agency, db_url, sandbox):
    from pegaso_tui.db.models import Client

    Client.update(first_name="").where(Client.code == "0000003").execute()
    app = make_app(db_url, sandbox=sandbox(), today=TODAY, sender="FUTURA")
    async with app.run_test(size=(120, 50)) as pilot:
        await open_mask(pilot, "1")
        await type_text(pilot, "Gentile {nome}, ci chiami")
        await pilot.press("f10")
        await wait_for_workers(pilot)
        message = error_of(app, "field-text")
        assert message == "{nome} manca per 1 destinatario: 0000003 VERDI BRUNO (pratica 2026/0002)"
    assert Message.select().count() == 0


async def test_an_invalid_sender_and_no_recipients(agency, db_url, sandbox):
    app = make_app(db_url, sandbox=sandbox(), today=TODAY, sender="AGENZIA VIAGGI ROSSI")
    async with app.run_test(size=(120, 50)) as pilot:
        await open_mask(pilot, "1")
        await pilot.press("f10")
        await wait_for_workers(pilot)
        assert "al massimo 11 caratteri" in error_of(app, "field-sender")
        app.screen.query_one("#sender", Input).value = "FUTURA"
        app.screen.query_one("#practice-from", Input).value = "01-01-2020"
        app.screen.query_one("#practice-to", Input).value = "31-12-2020"
        await pilot.press("f10")
        await wait_for_workers(pilot)
        assert "Nessun destinatario" in str(app.screen.query_one("#mask-error").render())
    assert Message.select().count() == 0


async def test_esc_in_the_confirmation_sends_nothing(agency, db_url, sandbox):
    app = make_app(db_url, sandbox=sandbox(), today=TODAY, sender="FUTURA")
    async with app.run_test(size=(120, 50)) as pilot:
        await open_mask(pilot, "1")
        await pilot.press("f10")
        assert await wait_until(pilot, lambda: isinstance(app.screen, SendPreviewScreen))
        await wait_for_workers(pilot)
        await pilot.press("f10")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("escape")
        await pilot.press("escape")
        await pilot.pause()
    assert Message.select().count() == 0


async def test_a_credit_shortfall_is_said_plainly_and_nothing_is_queued(agency, db_url, sandbox):
    app = make_app(db_url, sandbox=sandbox(credits=1), today=TODAY, sender="FUTURA")
    async with app.run_test(size=(120, 50)) as pilot:
        await open_mask(pilot, "1")
        await pilot.press("f10")
        assert await wait_until(pilot, lambda: isinstance(app.screen, SendPreviewScreen))
        await wait_for_workers(pilot)
        assert "credito insufficiente" in str(app.screen.query_one("#preview-credit").render())
        await pilot.press("f10")
        await pilot.pause()
        assert "Credito insufficiente: servono 2 SMS, ne restano 1" in str(app.screen.query_one("#preview-error").render())
    assert Message.select().count() == 0


# --- Pannello di Controllo SMS ---------------------------------------------------------------------


def dots(panel) -> list[tuple[str, str]]:
    """(Inviato, Consegnato) of each row, as colours."""
    from pegaso_tui.widgets.message_list import MessageList, delivered_dot, sent_dot

    table = panel.query_one(MessageList).table
    return [(sent_dot(m).style, delivered_dot(m).style) for m in table.rows]


async def test_verifica_lists_the_sent_sms_and_their_dots_move_live(agency, db_url, sandbox):
    from pegaso_tui.db.campaigns import plan_single, queue_campaign
    from pegaso_tui.widgets.day_chart import DayChart
    from pegaso_tui.widgets.message_list import MessageList

    app = make_app(db_url, sandbox=sandbox(deliver_after_ms=400, undeliverable_suffix="13"),
                   today=date.today(), sender="FUTURA")
    async with app.run_test(size=(120, 50)) as pilot:
        await open_mask(pilot, "5")
        panel = app.screen
        assert panel.title == "Pannello di Controllo SMS"
        assert panel.query_one(MessageList).table.rows == []
        # two SMS queued from another terminal: one will be delivered, one not
        queue_campaign(plan_single("Il suo documento è pronto", number="349 555 0000"), sender="FUTURA")
        queue_campaign(plan_single("Il suo documento è pronto", number="349 555 0013"), sender="FUTURA")
        # the list follows without a key being pressed: first sent, then the reports
        assert await wait_until(pilot, lambda: len(panel.query_one(MessageList).table.rows) == 2)
        assert await wait_until(pilot, lambda: dots(panel) == [("green", "green"), ("green", "red")], timeout=15)
        # the text of the highlighted SMS, and the reason of the undelivered one
        panel.query_one(MessageList).table.table.focus()
        await pilot.press("end")
        await wait_for_workers(pilot)
        text = str(panel.query_one(".message-text").render())
        assert "Il suo documento è pronto" in text and "non consegnato" in text
        await pilot.press("f5")
        await wait_for_workers(pilot)
        chart = panel.query_one(DayChart)
        assert (chart.days[-1].sent, chart.days[-1].delivered) == (2, 1)


async def test_verifica_reads_its_list_count_and_chart_once_on_opening_and_again_on_f5(
        agency, db_url, sandbox, monkeypatch):
    from pegaso_tui.db import message_stats

    asked = {"count": 0, "chart": 0}
    real_count, real_chart = message_stats.count_messages, message_stats.daily_counts

    def counting(*args):
        asked["count"] += 1
        return real_count(*args)

    def charting(*args):
        asked["chart"] += 1
        return real_chart(*args)

    monkeypatch.setattr(message_stats, "count_messages", counting)
    monkeypatch.setattr(message_stats, "daily_counts", charting)
    monkeypatch.setattr("pegaso_tui.screens.sms.panel.LIVE_EVERY_S", 3600)  # no live re-read here
    app = make_app(db_url, sandbox=sandbox(), today=TODAY, sender="FUTURA")
    async with app.run_test(size=(120, 50)) as pilot:
        await open_mask(pilot, "5")
        await wait_for_workers(pilot)
        # the date fields announce their first values: the same range is not read again
        assert asked == {"count": 1, "chart": 1}
        await pilot.press("f5")
        await wait_for_workers(pilot)
        assert asked == {"count": 2, "chart": 2}


async def test_verifica_explains_a_wrong_date(agency, db_url, sandbox):
    app = make_app(db_url, sandbox=sandbox(), today=TODAY, sender="FUTURA")
    async with app.run_test(size=(120, 50)) as pilot:
        await open_mask(pilot, "5")
        panel = app.screen
        panel.query_one("#sent-from", Input).value = "31-02-2026"
        await wait_for_workers(pilot)
        assert error_of(app, "field-sent-from") == "data impossibile: '31-02-2026'"
        panel.query_one("#sent-from", Input).value = "30-11-2026"
        await wait_for_workers(pilot)
        assert "prima di iniziare" in error_of(app, "field-sent-to")


async def test_controlla_shows_the_credit_and_the_sms_sent(agency, db_url, sandbox):
    from textual.widgets import TabbedContent

    from pegaso_tui.db.campaigns import plan_single, queue_campaign

    queue_campaign(plan_single("Ciao", number="349 555 0000"), sender="FUTURA")
    app = make_app(db_url, sandbox=sandbox(credits=250, deliver_after_ms=20), today=TODAY, sender="FUTURA")
    async with app.run_test(size=(120, 50)) as pilot:
        await open_mask(pilot, "5")
        panel = app.screen
        panel.query_one("#panel-tabs", TabbedContent).active = "controlla"
        assert await wait_until(pilot, lambda: Message.get().status == DELIVERED)
        await pilot.press("f5")
        await wait_for_workers(pilot)
        status = str(panel.query_one("#account-status").render())
        assert "SMS rimanenti:  249" in status
        assert "SMS inviati:    1" in status


async def test_controlla_says_when_the_gateway_cannot_be_reached(agency, db_url, sandbox):
    from dataclasses import replace

    from textual.widgets import TabbedContent

    app = make_app(db_url, today=TODAY)
    app.services.settings = replace(app.services.settings, gateway=replace(
        app.services.settings.gateway, url="http://127.0.0.1:9/", key="k", secret="s", timeout_s=1))
    async with app.run_test(size=(120, 50)) as pilot:
        await open_mask(pilot, "5")
        app.screen.query_one("#panel-tabs", TabbedContent).active = "controlla"
        await wait_for_workers(pilot)
        status = str(app.screen.query_one("#account-status").render())
        assert "SMS rimanenti:  non disponibile" in status


async def test_quitting_with_an_sms_text_being_typed_asks_first(agency, db_url):
    app = make_app(db_url, today=TODAY)
    async with app.run_test(size=(120, 50)) as pilot:
        await open_mask(pilot, "2")
        await type_text(pilot, "Offerta speciale: Maldive a settembre")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and app.return_code is None
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.query_one(SmsEditor).text == "Offerta speciale: Maldive a settembre"


async def test_verifica_at_80x24_shows_the_newest_sms_it_opens_on(db_url):
    """At 80x24 the list is a few lines high: the row under the cursor (the newest SMS, which
    the detail below describes) must be among them, not scrolled out of sight."""
    from pegaso_tui.widgets.message_list import MessageList
    from tests.outboxutil import queue_numbers

    app = make_app(db_url, today=date.today())
    queue_numbers(40)
    # names as long as the agency's: the columns are wider than 80, so a horizontal scrollbar
    # takes a line of the list once its rows are in
    Message.update(recipient_name="AGENZIA VIAGGI GIRAMONDO DI ROSSI MARIO E FIGLI S.R.L.").execute()
    # delivered: the detail under the list says when, on a second line at 80 columns
    from datetime import datetime

    Message.update(status=DELIVERED, sent_at=datetime.now(), delivered_at=datetime.now(),
                   provider_id="1").execute()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5", "enter")
        assert await wait_until(pilot, lambda: app.screen.title == "Pannello di Controllo SMS")
        await wait_for_workers(pilot)
        await pilot.pause(0.3)
        table = app.screen.query_one(MessageList).table.table
        assert table.cursor_row == table.row_count - 1 == 39
        shown = table.scrollable_content_region.height - table.header_height
        assert shown >= 1
        assert table.scroll_y <= table.cursor_row < table.scroll_y + shown
