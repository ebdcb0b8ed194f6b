"""The registry masks as the operator's walk of issue 14 found them: each test is a finding."""

from __future__ import annotations

from textual import events

from pegaso_tui.screens.registry.clients import ClientsScreen
from tests.apputil import make_app, settle
from tests.factories import make_client


def type_fast(app, text: str) -> None:
    """Keys as a fast typist sends them: all queued before the app handles the first."""
    for character in text:
        app.post_message(events.Key(character, character))


async def test_typing_in_the_client_list_keeps_every_letter_in_the_search(db_url, db):
    make_client("0000001", name="ROSSI MARIO")
    make_client("0000002", name="SARTORI LUCA")
    app = make_app(db_url)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_mask(6)
        await settle(pilot)
        assert isinstance(app.screen, ClientsScreen)
        await pilot.press("down", *"rossi")
        await settle(pilot)
        assert app.screen.search_field.value == "rossi"

        app.screen.search_field.value = ""
        await settle(pilot)
        await pilot.press("down")
        type_fast(app, "sartori")
        await settle(pilot)
        assert app.screen.search_field.value == "sartori"
        assert [row.code for row in app.screen.table.rows] == ["0000002"]


def test_alt_digit_from_the_terminal_reaches_the_app_as_alt_digit(db_url, db):
    """tmux, PuTTY and xterm send Alt+2 as ESC 2: it is alt+2, not the macOS symbol ™."""
    from textual._xterm_parser import XTermParser

    make_app(db_url)  # the app, once built, reads the terminal this way
    parser = XTermParser()
    tokens = [*parser.feed("\x1b2"), *parser.feed("")]  # (the end of input ends the sequence)
    keys = [event for event in tokens if isinstance(event, events.Key)]
    assert [(key.key, key.character) for key in keys] == [("alt+2", "2")]


async def test_alt_digit_switches_the_tab_and_never_writes_into_a_field(db_url, db):
    from textual.widgets import TabbedContent

    from tests.test_registry_masks import new_client_form

    app = make_app(db_url)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await new_client_form(pilot)
        name = form.query_one("#last_name")
        name.focus()
        await pilot.press(*"rossi")
        # the key as the terminal's parser makes it: alt+2 with its character, "2"
        app.post_message(events.Key("alt+2", "2"))
        await settle(pilot)
        assert name.value == "rossi"
        assert form.query_one(TabbedContent).active == "tab-notes"  # a person has no "Azienda"
        app.post_message(events.Key("alt+1", "1"))
        await settle(pilot)
        assert form.query_one(TabbedContent).active == "tab-registry"
        assert name.value == "rossi"


async def test_alt_digit_in_a_mask_without_tabs_writes_nothing(db_url, db):
    from pegaso_tui.widgets.sms_editor import SmsEditor

    app = make_app(db_url)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_mask(4)
        await settle(pilot)
        sender = app.screen.query_one("#sender")
        sender.focus()
        sender.value = "PEGASO"
        sender.cursor_position = 6
        app.post_message(events.Key("alt+2", "2"))
        await settle(pilot)
        assert sender.value == "PEGASO"
        assert app.screen.query(SmsEditor)  # still the same mask


async def test_one_f10_in_the_client_form_shows_every_error_and_goes_to_the_first(db_url, db):
    from pegaso_tui.db.models import Client
    from pegaso_tui.widgets.form_field import FormField
    from tests.test_registry_masks import fill, new_client_form

    app = make_app(db_url)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await new_client_form(pilot)
        fill(form, birth_date="31-02-1983", email="rossi@", zip="371")
        await pilot.press("f10")
        await settle(pilot)
        errors = {f.id: f.error for f in form.query(FormField) if f.error}
        assert set(errors) >= {"f-name", "f-birth_date", "f-email", "f-zip"}, errors
        assert form.focused is form.query_one("#last_name") or form.focused is form.query_one("#name")
        assert Client.select().count() == 0
        fill(form, zip="37100")  # fixed: its error goes as the value changes
        await pilot.pause()
        assert form.query_one("#f-zip", FormField).error is None
        assert form.query_one("#f-email", FormField).error


async def test_the_command_palette_speaks_italian(db_url, db):
    from textual.command import CommandInput, CommandList

    app = make_app(db_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await settle(pilot)
        palette_input = app.screen.query_one(CommandInput)
        assert palette_input.placeholder == "Cerca comandi…"
        await pilot.press(*"zzzqqq")
        await pilot.pause(1.5)  # the "no matches" line comes after a moment
        options = app.screen.query_one(CommandList)
        texts = [str(options.get_option_at_index(i).prompt.renderable) for i in range(options.option_count)]
        assert any("Nessun risultato" in t for t in texts), texts
        await pilot.press("ctrl+u", *"esci")
        await pilot.pause(0.5)
        texts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any("Esci" in t for t in texts), texts


async def test_a_new_client_has_no_email_consent_until_it_is_ticked(db_url, db):
    """Consent is given, not presumed (GDPR): the box starts empty, and so does the record."""
    from pegaso_tui.db.models import Client
    from pegaso_tui.widgets.toggles import Checkbox
    from tests.test_registry_masks import fill, new_client_form

    app = make_app(db_url)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await new_client_form(pilot)
        assert form.query_one("#email_consent", Checkbox).value is False
        fill(form, last_name="Rossi", first_name="Mario")
        await pilot.press("f10")
        await settle(pilot)
    assert Client.get(Client.name == "ROSSI MARIO").email_consent is False


def test_an_imported_new_client_without_the_consent_column_has_no_consent(tmp_path, db):
    from pegaso_tui.db.importer import import_csv
    from pegaso_tui.db.models import Client

    make_client("0000001", name="GIÀ CLIENTE", email_consent=True)
    path = tmp_path / "clienti.csv"
    path.write_text("codice;ragione_sociale\n1;GIÀ CLIENTE\n2;NUOVO CLIENTE\n", encoding="utf-8")
    report = import_csv(path, "clients")
    assert (report.imported, report.updated) == (1, 1)
    assert Client.get(Client.code == "0000001").email_consent is True  # its own, kept
    assert Client.get(Client.code == "0000002").email_consent is False  # none presumed


async def test_after_saving_a_new_client_the_cursor_is_on_it(db_url, db):
    from tests.test_registry_masks import fill, new_client_form

    for number in range(1, 120):  # more than a page: the new one is far from row 1
        make_client(f"{number:07d}", name=f"CLIENTE {number:03d}")
    app = make_app(db_url)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await new_client_form(pilot)
        fill(form, last_name="Zanella", first_name="Ugo")
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, ClientsScreen)
        assert app.screen.current.name == "ZANELLA UGO"
        await pilot.press("f4")  # Varia opens the client just saved
        await settle(pilot)
        assert app.screen.query_one("#name").value == "ZANELLA UGO"


def test_every_demo_client_can_be_saved_as_it_is(db):
    """Nine demo clients had a birth date their fiscal code contradicted: no edit was saved."""
    from pegaso_tui.db.clients import check_client, client_card
    from pegaso_tui.db.demo_data import generate_demo_data
    from pegaso_tui.db.models import Client

    generate_demo_data()
    refused = {}
    for client in Client.select():
        _, errors = check_client(client_card(client.id).data)
        if errors:
            refused[client.code] = errors
    assert refused == {}
