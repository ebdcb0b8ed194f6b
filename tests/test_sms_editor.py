"""The SMS editor driven by the pilot: the live counter, the GSM key, the limit of parts."""

from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

from pegaso_tui.sms.placeholders import Recipient, TemplatePreview
from pegaso_tui.widgets.sms_editor import SmsEditor
from tests.apputil import make_app

SEED = "Tanti Auguri dalla tua Agenzia di Viaggi preferita!"


class EditorApp(App):
    """A mask in miniature: the editor, and the Changed messages it posts."""

    def __init__(self, text: str = "", max_parts: int | None = None):
        super().__init__()
        self.text = text
        self.max_parts = max_parts
        self.changes: list[SmsEditor.Changed] = []

    def compose(self) -> ComposeResult:
        yield SmsEditor(self.text, max_parts=self.max_parts, placeholder="Testo Sms")
        yield Footer()

    def on_mount(self) -> None:
        editor = self.query_one(SmsEditor)
        editor.text_area.cursor_blink = False  # a steady cursor: snapshots do not flicker
        editor.focus()

    def on_sms_editor_changed(self, event: SmsEditor.Changed) -> None:
        self.changes.append(event)


def counter(app: App) -> str:
    return str(app.query_one("#sms-counter").render())


def hint(app: App) -> str:
    return str(app.query_one("#sms-hint").render())


async def type_text(pilot, text: str) -> None:
    await pilot.press(*["space" if c == " " else c for c in text])
    await pilot.pause()


async def paste(pilot, text: str) -> None:
    """What staff do with a text from a word processor (the terminal sends it to the App)."""
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


async def test_typing_updates_the_counter_in_the_seed_form():
    app = EditorApp()
    async with app.run_test() as pilot:
        assert counter(app) == "0 / 160"
        await type_text(pilot, "Ciao Anna")
        assert counter(app) == "9 / 160"
        editor = app.query_one(SmsEditor)
        assert editor.text == "Ciao Anna"
        assert app.changes[-1].text == "Ciao Anna" and app.changes[-1].info.units == 9


async def test_the_seed_text_counts_51():
    app = EditorApp(SEED)
    async with app.run_test():
        assert counter(app) == "51 / 160"


async def test_the_counter_grows_past_one_part_and_counts_escapes():
    app = EditorApp("a" * 158)
    async with app.run_test() as pilot:
        await pilot.press("end", "b")
        await pilot.pause()
        assert counter(app) == "159 / 160"
        await paste(pilot, "€")  # an escape pair: 2 septets
        assert counter(app) == "161 / 306 · 2 SMS"


async def test_a_pasted_typographic_text_turns_ucs2_and_is_highlighted():
    app = EditorApp()
    async with app.run_test() as pilot:
        await paste(pilot, "L’offerta È qui")
        assert counter(app) == "15 / 70 · UCS-2"
        assert "’→'" in hint(app) and "È→E'" in hint(app) and "F8" in hint(app)
        editor = app.query_one(SmsEditor)
        marks = [h for h in editor.text_area._highlights[0] if h[2] == "sms.non_gsm"]
        # UTF-8 byte ranges of ’ (3 bytes, at 1) and È (2 bytes, after "L’offerta ")
        assert marks == [(1, 4, "sms.non_gsm"), (12, 14, "sms.non_gsm")]
        assert editor.has_class("-ucs2")


async def test_the_gsm_key_fixes_the_text_and_undo_brings_it_back():
    app = EditorApp()
    async with app.run_test() as pilot:
        await paste(pilot, "L’offerta “Mare” — È valida… " + "x" * 100)
        assert counter(app) == "129 / 134 · 2 SMS · UCS-2"
        await pilot.press("f8")
        await pilot.pause()
        editor = app.query_one(SmsEditor)
        assert editor.text == "L'offerta \"Mare\" - E' valida... " + "x" * 100
        assert counter(app) == "132 / 160"
        assert editor.text_area.cursor_location == (0, len(editor.text))
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert editor.text.startswith("L’offerta")
        await pilot.press("ctrl+t")  # the ctrl alias, for terminals that keep F8
        await pilot.pause()
        assert editor.text.startswith("L'offerta")


async def test_the_gsm_key_says_what_has_no_replacement():
    app = EditorApp()
    async with app.run_test() as pilot:
        await paste(pilot, "Buon viaggio 😀")
        await pilot.press("f8")
        await pilot.pause()
        assert app.query_one(SmsEditor).text == "Buon viaggio 😀"
        assert "senza sostituzione GSM: 😀" in hint(app)
        assert any("Nessuna sostituzione GSM per: 😀" in str(n.message) for n in app._notifications)


async def test_the_gsm_key_can_be_remapped_by_its_binding_id():
    app = EditorApp()
    async with app.run_test() as pilot:
        app.set_keymap({"sms_gsm": "f9"})
        await paste(pilot, "È")
        await pilot.press("f9")
        await pilot.pause()
        assert app.query_one(SmsEditor).text == "E'"


async def test_the_limit_of_parts_holds_with_a_clear_message():
    app = EditorApp("a" * 300, max_parts=2)
    async with app.run_test() as pilot:
        editor = app.query_one(SmsEditor)
        assert editor.is_valid and counter(app) == "300 / 306 · 2 SMS"
        await pilot.press("end")
        await type_text(pilot, "bbbbbbbbbb")
        message = "Testo troppo lungo: 3 SMS, il massimo è 2 (306 septetti): togliere 4 caratteri"
        assert editor.error == message
        assert editor.validate() == message and not editor.is_valid
        assert hint(app) == message and editor.has_class("-error")
        assert app.changes[-1].error == message
        await pilot.press("backspace", "backspace", "backspace", "backspace")
        await pilot.pause()
        assert editor.is_valid and editor.error is None and not editor.has_class("-error")
        assert counter(app) == "306 / 306 · 2 SMS"


async def test_the_limit_comes_from_the_settings(db_url):
    app = make_app(db_url, max_parts=1)  # the real application, as pegaso-tui builds it

    class Mask(Screen):
        def compose(self) -> ComposeResult:
            yield SmsEditor("a" * 161)

    async with app.run_test() as pilot:
        await app.push_screen(Mask())
        await pilot.pause()
        editor = app.screen.query_one(SmsEditor)
        assert editor.max_parts == 1
        assert editor.validate() == (
            "Testo troppo lungo: 2 SMS, il massimo è 1 (160 septetti): togliere 1 carattere"
        )


async def test_an_empty_text_cannot_be_sent():
    app = EditorApp()
    async with app.run_test():
        editor = app.query_one(SmsEditor)
        assert editor.error is None  # no red while nothing is typed
        assert editor.validate() == "Il testo dell'SMS è vuoto"


async def test_an_unknown_placeholder_is_an_error():
    app = EditorApp()
    async with app.run_test() as pilot:
        await paste(pilot, "Ciao {nom}")
        editor = app.query_one(SmsEditor)
        assert editor.validate() == "Segnaposto sconosciuto: {nom}"
        highlights = editor.text_area._highlights[0]
        assert (5, 10, "sms.unknown") in highlights


async def test_with_recipients_the_counter_counts_the_longest_rendered_text():
    recipients = [
        Recipient("0000001 BIANCHI ANNA", {"nome": "Anna"}),
        Recipient("0000002 DE LA FUENTE", {"nome": "Maria Guadalupe"}),
    ]
    app = EditorApp()
    async with app.run_test() as pilot:
        editor = app.query_one(SmsEditor)
        editor.set_preview(TemplatePreview(recipients, agency="Futura"))
        await paste(pilot, "Ciao {nome}, da {agenzia}")
        assert editor.counted_text == "Ciao Maria Guadalupe, da Futura"
        assert counter(app) == "31 / 160"
        assert hint(app) == "Conteggio sul testo più lungo tra i destinatari"
        assert (5, 11, "sms.placeholder") in editor.text_area._highlights[0]
        await paste(pilot, " {pratica}")
        assert editor.validate() == (
            "{pratica} manca per tutti i 2 destinatari: 0000001 BIANCHI ANNA, 0000002 DE LA FUENTE"
        )
        editor.set_preview(None)
        await pilot.pause()
        assert editor.counted_text == editor.text and editor.is_valid


async def test_setting_the_text_from_the_mask():
    app = EditorApp()
    async with app.run_test() as pilot:
        editor = app.query_one(SmsEditor)
        editor.text = SEED
        await pilot.pause()
        assert counter(app) == "51 / 160" and editor.text == SEED
        assert app.changes[-1].info.units == 51


def test_the_editor_looks_right(snap_compare):
    app = EditorApp("Gentile {nome}, l’offerta “Mare” — È valida fino al 30-06 a 10 € 😀")
    assert snap_compare(app, terminal_size=(72, 12))


async def test_a_windows_text_counts_one_septet_per_line_break():
    app = EditorApp("Riga uno\r\nRiga due")
    async with app.run_test() as pilot:
        editor = app.query_one(SmsEditor)
        assert editor.text == "Riga uno\nRiga due" and counter(app) == "17 / 160"
        editor.text = "a\r\nb"
        await pilot.pause()
        assert editor.text == "a\nb" and editor.info.units == 3
