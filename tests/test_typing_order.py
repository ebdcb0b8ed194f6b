"""Keys that reach the app together (a fast typist, a terminal over SSH) take effect in the
order they were typed, editing keys included: Textual ran a text field's backspace only once
the key had bubbled up to the app, after the letters typed behind it."""

from __future__ import annotations

from textual import events
from textual.widgets import RadioSet

from pegaso_tui.screens.crm.request import RequestFormScreen
from pegaso_tui.screens.registry.clients import ClientsScreen
from tests.apputil import make_app, settle
from tests.factories import make_client

SIZE = (110, 40)


def burst(app, *keys: str) -> None:
    """Post ``keys`` at once, as the terminal driver does with the keys of one read."""
    for key in keys:
        character = key if len(key) == 1 else {"backspace": "\x7f"}.get(key)
        app.post_message(events.Key(key, character))


async def open_mask(app, pilot, digits: str):
    """Type the mask's number on the menu and return the mask once it has settled."""
    await pilot.press(*digits)
    await settle(pilot)
    return app.screen


async def open_dialog(app, pilot, mask: str, key: str, field: str):
    """Open mask ``mask`` (its digits), press ``key`` there, and return the dialog once its
    field ``field`` (a selector) is mounted and everything has settled."""
    from tests.apputil import wait_until

    await open_mask(app, pilot, mask)
    await pilot.press(key)
    assert await wait_until(pilot, lambda: app.screen.query(field))
    await settle(pilot)
    return app.screen


async def test_a_burst_with_backspaces_edits_the_search_as_typed(db_url, db):
    make_client("0000001", name="ROSSI MARIO", city="Verona")
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mask(app, pilot, "6")
        assert isinstance(screen, ClientsScreen)
        await pilot.press(*"ros")
        burst(app, "backspace", "backspace", "q", "x")
        await settle(pilot)
        # before: "ros" (q and x went in, then both backspaces took them out again)
        assert screen.search_field.value == "rqx"
        burst(app, "ctrl+u", "v", "e", "r", "left", "left", "left", "z")
        await settle(pilot)
        assert screen.search_field.value == "zver"


async def test_a_burst_in_a_text_area_keeps_its_order(db_url, db):
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "0")  # Nuova Richiesta
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RequestFormScreen)
        area = screen.query_one("#description")
        area.focus()
        await settle(pilot)
        burst(app, "m", "a", "r", "e", "backspace", "backspace", "l", "d", "i", "v", "e")
        await settle(pilot)
        assert area.text == "maldive"


async def test_text_typed_after_a_tab_goes_to_the_next_field(db_url, db):
    """Walked in Modelli (mask 16), F3: "Saldo", Tab, "Gentile" typed together wrote
    "SaldoGentile" in Nome and left Testo empty."""
    from pegaso_tui.widgets.sms_editor import SmsEditor

    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(app, pilot, "16", "f3", "#template-name")
        burst(app, "S", "a", "l", "d", "o", "tab", "G", "e", "n", "t", "i", "l", "e")
        await settle(pilot)
        assert dialog.query_one("#template-name").value == "Saldo"
        assert dialog.query_one(SmsEditor).text == "Gentile"
        # and back: Shift+Tab (which selects the name, as Textual does), End, more of it
        burst(app, "shift+tab", "end", "!", "tab", "x")
        await settle(pilot)
        assert dialog.query_one("#template-name").value == "Saldo!"
        assert dialog.query_one(SmsEditor).text == "Gentilex"


async def test_a_code_typed_after_a_tab_from_a_radio_set_reaches_its_field(db_url, db):
    """Walked in Invio SMS Singolo (mask 4): Tab, "2", Tab typed together from the
    Destinatario choice lost the "2": it went to the radio buttons, which ignore digits."""
    make_client("0000002", name="FUTURA VIAGGI", mobile="349 999 9999")
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mask(app, pilot, "4")
        assert isinstance(screen.focused, RadioSet)  # Destinatario: Cliente
        burst(app, "tab", "2")
        await settle(pilot)
        assert screen.focused.value == "2"


async def test_a_search_typed_with_the_masks_number_reaches_the_mask(db_url, db):
    """Walked: "6rossi" arriving in one burst opened Clienti with an empty search; the
    letters had gone to the menu. At a typist's usual pace they already reached the mask."""
    make_client("0000001", name="ROSSI MARIO", city="Verona")
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(app, "6", "r", "o", "s", "s", "i")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ClientsScreen)
        assert screen.search_field.value == "rossi"
        # and the menu, back on top, takes its digits again
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        assert isinstance(app.screen, ClientsScreen) and app.screen.search_field.value == ""


async def test_keys_typed_past_a_choice_list_reach_the_field_after_it(db_url, db):
    """Walked in Gestisci (Richieste Aperte, F4): "Richiamata", Tab, Tab, "15-12-2026" typed
    together lost the date to the Esito choice between the two fields."""
    from pegaso_tui.db.crm.requests import RequestInput, create_request
    from pegaso_tui.db.operators import current_operator
    from pegaso_tui.widgets.date_input import DateInput

    create_request(RequestInput("MELOTTI ILARIA", "Chiede disponibilità"), current_operator("mario").username)
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(app, pilot, "11", "f4", "#activity-next")
        burst(app, *"Richiamata", "tab", "tab", *"15122026")
        await settle(pilot)
        assert dialog.query_one("#activity-next", DateInput).value.replace("-", "") == "15122026"
        # the choice itself still works key by key: Enter opens its list, Down and Enter pick
        # the next outcome and close it (the list's Enter, bubbling up to the choice, must not
        # run the choice's own Enter, which opened the list again)
        outcome = dialog.query_one("#activity-outcome")
        outcome.focus()
        await settle(pilot)
        before = outcome.value
        await pilot.press("enter", "down", "enter")
        await settle(pilot)
        assert app.screen is dialog and not outcome.expanded
        assert outcome.value != before


async def test_a_search_then_enter_enter_typed_together_opens_the_first_client(db_url, db):
    """Walked in Clienti: "rossi", Invio, Invio typed together searched and moved to the list,
    but the second Invio was read by the search too, and no client opened."""
    from pegaso_tui.screens.registry.client_form import ClientFormScreen

    make_client("0000001", name="ROSSI MARIO", city="Verona")
    make_client("0000002", name="BIANCHI ANNA", city="Roma")
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await settle(pilot)
        burst(app, *"rossi", "enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ClientFormScreen)
        assert app.screen.query_one("#name").value == "ROSSI MARIO"
        await pilot.press("escape")
        await settle(pilot)
        # ↓ does the same as Invio, and the list then goes on with the keys behind it
        clients = app.screen
        clients.search_field.value = ""
        clients.search_field.focus()
        await settle(pilot)
        burst(app, "down", "down", "enter")  # to the list (on ROSSI), to the next row, open it
        await settle(pilot)
        assert isinstance(app.screen, ClientFormScreen)
        assert app.screen.query_one("#name").value == "BIANCHI ANNA"


async def test_cerca_soggetto_takes_invio_invio_typed_with_the_name(db_url, db):
    """Cerca Soggetto (mask 12) moved the focus from its Submitted handler, like the lists:
    "mel", Invio, Invio typed together must reach the subject's requests."""
    from pegaso_tui.db.crm.requests import RequestInput, create_request
    from pegaso_tui.db.operators import current_operator

    create_request(RequestInput("MELOTTI ILARIA", "Chiede disponibilità"), current_operator("mario").username)
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mask(app, pilot, "12")
        burst(app, "m", "e", "l", "enter", "enter")
        await settle(pilot)
        assert screen.query_one("#find-input").value == "mel"
        assert app.focused is screen.requests.table  # Invio on the subject: to its requests


async def test_an_enter_that_reaches_the_list_before_the_matches_opens_a_match(db_url, db):
    """Walked at 120x40: "6rossi", Invio, Invio in one burst opened CLIENTE LIBERO, the first
    client of the whole list, once in three tries: the second Invio reached the list before
    the screen had read the search's change and asked for its matches. The Invio now waits
    for the matches and opens the one under the cursor."""
    make_client("0000001", name="CLIENTE LIBERO", city="Milano")
    make_client("0000002", name="ROSSI MARIO", city="Verona")
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mask(app, pilot, "6")
        assert isinstance(screen, ClientsScreen)
        listing = screen.search_field.listing
        # the keys as they are read: the search's text at once, its Changed message after
        screen.search_field.insert_text_at_cursor("rossi")
        screen.set_focus(listing)
        listing.action_select_cursor()  # Invio on the list, still showing every client
        await settle(pilot)
        form = app.screen
        assert form is not screen
        assert form.query_one("#name").value == "ROSSI MARIO"  # not CLIENTE LIBERO


async def test_a_search_and_its_invio_typed_with_the_masks_number_open_the_match(db_url, db):
    """Walked at 120x40: "6rossi", Invio, Invio in one burst showed Clienti searching "rossi"
    and opened nothing, once in four tries: the keys were handed to the search as soon as the
    mask had a focused field, the first Invio moved the focus to the list, and the focus()
    of the mask's start, still waiting, took it back: the second Invio searched again."""
    make_client("0000001", name="CLIENTE LIBERO", city="Milano")
    make_client("0000002", name="ROSSI MARIO", city="Verona")
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(app, "6", "r", "o", "s", "s", "i", "enter", "enter")
        await settle(pilot)
        assert app.screen.query_one("#name").value == "ROSSI MARIO"


async def _single_sms_lookup(app, pilot, search: str = ""):
    """Invio SMS Singolo (mask 4), on Cliente, F2: the lookup, with ``search`` typed and its
    matches shown."""
    from pegaso_tui.widgets.lookup import LookupDialog

    screen = await open_mask(app, pilot, "4")
    await pilot.press("tab")  # from Destinatario (Cliente) to the client's code
    await settle(pilot)
    await pilot.press("f2")
    await settle(pilot)
    assert isinstance(app.screen, LookupDialog)
    if search:
        await pilot.press(*search)
        await settle(pilot)
    return screen


async def test_keys_typed_behind_the_lookups_invio_go_to_the_form(db_url, db):
    """Walked: in the lens (F2), "rossi", Invio, Tab and the words behind it typed together
    lost the words: the Tab moved the focus inside the dialog, still open, and the words went
    to its list. The pick's callback then took the focus back to the code."""
    from pegaso_tui.widgets.sms_editor import SmsEditor

    make_client("0000001", name="ROSSI MARIO", city="Verona", mobile="349 111 1111")
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _single_sms_lookup(app, pilot, "rossi")
        burst(app, "enter", "tab", "tab", "tab", *"Buongiorno")
        await settle(pilot)
        assert app.screen is screen
        assert screen.query_one("#client").code == "0000001"
        assert screen.query_one("#mobile").value == "349 111 1111"
        assert screen.query_one(SmsEditor).text == "Buongiorno"


async def test_an_invio_typed_before_the_lookups_matches_picks_and_leaves_the_rest_to_the_form(db_url, db):
    """The same keys with the search itself, all in one burst: the Invio waits for the
    matches of "rossi" and picks the first, and what follows still reaches the form."""
    from pegaso_tui.widgets.sms_editor import SmsEditor

    make_client("0000001", name="BIANCHI ANNA", city="Roma", mobile="349 222 2222")
    make_client("0000002", name="ROSSI MARIO", city="Verona", mobile="349 111 1111")
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _single_sms_lookup(app, pilot)
        burst(app, *"rossi", "enter", "tab", "tab", "tab", *"Buongiorno")
        await settle(pilot)
        assert app.screen is screen
        assert screen.query_one("#client").code == "0000002"
        assert screen.query_one(SmsEditor).text == "Buongiorno"


async def test_an_invio_on_no_match_leaves_the_keys_behind_it_to_the_lookup(db_url, db):
    """Nothing matches: there is no pick, the dialog stays, and the keys typed behind the
    Invio go on into its search, in order."""
    from pegaso_tui.widgets.lookup import LookupDialog

    make_client("0000001", name="ROSSI MARIO", city="Verona", mobile="349 111 1111")
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _single_sms_lookup(app, pilot)
        burst(app, *"zzz", "enter", "backspace", *"ossi")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, LookupDialog)
        assert dialog.query_one("#lookup-search").value == "zzossi"
        burst(app, "ctrl+u", *"rossi", "enter")
        await settle(pilot)
        assert app.screen is screen and screen.query_one("#client").code == "0000001"


async def test_a_search_typed_with_its_f2_goes_to_the_lookup(db_url, db):
    """Walked at 80x24: F2, "mel", Invio, Tab, Tab, Tab, "Ciao" typed together wrote "mel"
    in the client's code and never opened the lookup: F2 was the picker's key, run only once
    it had bubbled up to the app, after the letters and the Tabs behind it had moved on."""
    from pegaso_tui.widgets.sms_editor import SmsEditor

    make_client("0000001", name="BIANCHI ANNA", city="Roma", mobile="349 222 2222")
    make_client("0000002", name="MELOTTI ILARIA", city="Verona", mobile="349 111 1111")
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mask(app, pilot, "4")
        await pilot.press("tab")  # from Destinatario (Cliente) to the client's code
        await settle(pilot)
        burst(app, "f2", *"mel", "enter", "tab", "tab", "tab", *"Ciao")
        await settle(pilot)
        assert app.screen is screen
        assert screen.query_one("#client").code == "0000002"
        assert screen.query_one(SmsEditor).text == "Ciao"
        # and F2 alone, then the search at a typist's pace, as before
        await pilot.press("shift+tab", "shift+tab", "shift+tab", "f2")
        await settle(pilot)
        await pilot.press(*"bia", "enter")
        await settle(pilot)
        assert app.screen is screen and screen.query_one("#client").code == "0000001"


async def test_a_masks_number_typed_with_its_esc_opens_the_next_mask(db_url, db):
    """Walked: "Esc 8" typed together to go from Clienti to Fornitori wrote the 8 into
    Clienti's search and left for the menu only: Esc, the mask's key, ran once it had
    bubbled up to the app, after the 8 behind it."""
    from pegaso_tui.screens.registry.suppliers import SuppliersScreen

    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mask(app, pilot, "6")
        assert isinstance(screen, ClientsScreen)
        burst(app, "escape", "8")
        await settle(pilot)
        assert isinstance(app.screen, SuppliersScreen)
        assert app.screen.search_field.value == ""


async def test_f2_and_esc_typed_together_leave_the_focus_where_the_tab_behind_them_sends_it(db_url, db):
    """The lookup opened and closed by F2 Esc typed together, then Tab: the Tab is the
    form's, and moves on from the client's code. The Esc ran after the Tab before, and the
    Tab was lost in the dialog."""
    make_client("0000001", name="ROSSI MARIO", city="Verona", mobile="349 111 1111")
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mask(app, pilot, "4")
        await pilot.press("tab")  # to the client's code
        await settle(pilot)
        burst(app, "f2", "escape", "tab")
        await settle(pilot)
        assert app.screen is screen
        assert app.focused is screen.query_one("#mobile")


async def test_a_new_preference_and_mobiles_typed_with_their_invio_are_taken_whole(db_url, db):
    """The client form's fields whose Invio acts (Codice to Preferenza, Preferenza creates
    it, Altri cellulari adds the number): "ECO", Invio, "economy", Invio typed together wrote
    "ECOeconomy" in Codice, as the Invio was acted on only after the letters behind it."""
    from pegaso_tui.db.models import Client, ClientMobile, Preference
    from pegaso_tui.screens.registry.client_form import ClientFormScreen

    make_client("0000001", name="ROSSI VIAGGI SRL", kind="company", city="Verona", mobile="349 111 1111")
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_mask(app, pilot, "6")
        await pilot.press("f4")  # Varia, on ROSSI VIAGGI (a company: it has Altri cellulari)
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ClientFormScreen)
        form.query_one("#new-mobile").focus()
        await settle(pilot)
        burst(app, *"347 1234567", "enter", *"348 7654321", "enter")
        await settle(pilot)
        assert form.extra_mobiles == ["347 123 4567", "348 765 4321"]
        await pilot.press("alt+4")  # the "SMS" tab
        await settle(pilot)
        form.query_one("#new-pref-code").focus()
        await settle(pilot)
        burst(app, *"eco", "enter", *"economy", "enter")
        await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)
    eco = Preference.get(Preference.code == "ECO")
    assert eco.description == "economy"
    client = Client.get(Client.code == "0000001")
    assert sorted(m.mobile for m in ClientMobile.select().where(ClientMobile.client == client)) == [
        "+393471234567", "+393487654321"]


async def test_a_contact_and_its_description_typed_with_the_invio_between_them(db_url, db):
    """Walked in Nuova Richiesta at 80x24: "melot", Invio, "Chiede preventivo" typed
    together wrote "melotChiede preventivo" in Contatto and left Descrizione empty: the Invio
    reached the picker after the words. Likewise with a client's code, looked up in a worker."""
    make_client("0000002", name="MELOTTI ILARIA", city="Verona", mobile="349 111 1111")
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mask(app, pilot, "10")
        assert isinstance(screen, RequestFormScreen)
        burst(app, *"melot", "enter", *"Chiede preventivo")
        await settle(pilot)
        assert screen.query_one("#subject").text == "melot"
        assert screen.query_one("#description").text == "Chiede preventivo"
        screen.query_one("#subject").input.value = ""
        screen.query_one("#description").text = ""
        screen.query_one("#subject").input.focus()
        await settle(pilot)
        burst(app, "2", "enter", *"Richiama")
        await settle(pilot)
        assert screen.query_one("#subject").subject.name == "MELOTTI ILARIA"
        assert screen.query_one("#description").text == "Richiama"


async def test_a_new_practice_typed_with_its_f3_is_taken_whole(db_url, db):
    """Walked in Pratiche at 80x24: F3, Tab, F2 and the practice's fields typed before the
    form had read its new number were lost: the first keys went to a form with no field
    focused yet, the next into fields that the form's values then overwrote. The form now
    keeps them for its first field, focused once it is filled."""
    from pegaso_tui.screens.registry.practice_form import PracticeFormScreen

    make_client("0000002", name="ROSSI MARIO", city="Verona", mobile="349 111 1111")
    app = make_app(db_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_mask(app, pilot, "7")
        burst(app, "f3", "tab", "f2", *"rossi", "enter", "tab", "tab", *"15062027", "tab", *"Parigi",
              "tab", *"1500")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PracticeFormScreen)
        assert form.query_one("#client").code == "0000002"
        values = {name: form.query_one(f"#{name}").value
                  for name in ("departure_date", "destination", "amount")}
        assert values == {"departure_date": "15-06-2027", "destination": "Parigi", "amount": "1500"}
