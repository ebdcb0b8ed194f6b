"""The SMS masks driven by the pilot, by keyboard: fill, preview (F10), confirm (F10), and the
messages reach "Consegnato" through the sandbox gateway on loopback."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import Input

from pegaso_tui.db.models import DELIVERED, Message, Preference
from pegaso_tui.screens.sms_preview import SendPreviewScreen
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


async def send_and_follow(pilot, expected: int) -> SendPreviewScreen:
    """F10 to the preview, F10 to confirm, F10 (yes); wait until the campaign is delivered."""
    app = pilot.app
    await pilot.press("f10")
    assert await wait_until(pilot, lambda: isinstance(app.screen, SendPreviewScreen))
    preview = app.screen
    await wait_for_workers(pilot)
    await pilot.press("f10")
    assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
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
        await send_and_follow(pilot, expected=2)
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


async def test_invio_sms_singolo_to_a_client_found_with_the_lens(agency, db_url, sandbox):
    app = make_app(db_url, sandbox=sandbox(deliver_after_ms=30), today=TODAY, sender="FUTURA")
    async with app.run_test(size=(120, 50)) as pilot:
        await open_mask(pilot, "4")
        screen = app.screen
        await pilot.press("down")  # Destinatario: from "Altro"... the radio set starts on Altro
        screen.query_one("#kind-client").value = True
        screen.query_one("#client").input.focus()
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
        screen.query_one("#other-name", Input).focus()
        await pilot.press(*"Mario", "tab")
        screen.query_one("#mobile", Input).focus()
        await pilot.press(*"3331234567", "tab")
        assert screen.query_one("#mobile", Input).value == "333 123 4567"
        await type_text(pilot, "Ciao {ragione_sociale}")
        await send_and_follow(pilot, expected=1)
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
    app = make_app(db_url, sandbox=sandbox(), today=TODAY, sender="FUTURA")
    async with app.run_test(size=(120, 50)) as pilot:
        await open_mask(pilot, "1")
        await type_text(pilot, "Partenza il {partenza}")
        await pilot.press("f10")
        await wait_for_workers(pilot)
        message = error_of(app, "field-text")
        assert message and "{partenza} manca per tutti i 2 destinatari" in message
        assert "0000002 BIANCHI ANNA" in message
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
