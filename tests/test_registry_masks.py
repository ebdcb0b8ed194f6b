"""The registry masks driven by the pilot on a real SQLite file: Clienti, Pratiche,
Fornitori, Preferenze, and exporting a list."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import openpyxl

from pegaso_tui.db.models import Campaign, Client, ClientMobile, ClientPreference, Message, Practice, Preference, Supplier
from pegaso_tui.db.selections import PracticeFilters, PracticeStatus, PromoFilters, practices_to_notify, promo_recipients
from pegaso_tui.screens.registry.client_form import ClientFormScreen
from pegaso_tui.screens.registry.clients import ClientsScreen
from pegaso_tui.screens.registry.practice_form import PracticeFormScreen
from pegaso_tui.screens.registry.registry_list import COUNT_PAUSE_S
from pegaso_tui.widgets.confirm import ConfirmDialog
from pegaso_tui.widgets.paged_table import PagedTable
from tests.apputil import make_app, settle
from tests.factories import give_preference, make_client, make_practice, make_preference, record_notice

SIZE = (110, 40)
PERSON_CF = "RCCMNL83S18D969H"  # born 18-11-1983
VAT = "02263470235"


async def open_mask(pilot, number: str) -> None:
    await pilot.press(number)
    await settle(pilot)


async def new_client_form(pilot) -> ClientFormScreen:
    """Clienti (mask 6), then F3: the form of a new client, as the user opens it."""
    await open_mask(pilot, "6")
    await pilot.press("f3")
    await settle(pilot)
    return pilot.app.screen


def fill(screen, **values) -> None:
    """Type values into a form's fields (long texts are set, not typed: keys cost time)."""
    for name, value in values.items():
        widget = screen.query_one(f"#{name}")
        widget.value = value


def listed(app) -> list[str]:
    return [row.code for row in app.screen.query_one("#list", PagedTable).rows]


def error_of(screen, name: str) -> str | None:
    return screen.query_one(f"#f-{name}").error


def notifications(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_a_person_is_created_found_as_you_type_edited_and_deleted(db_url, db):
    make_client("0000001", name="BIANCHI ANNA", first_name="Anna", last_name="Bianchi", city="Roma")
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        form = await new_client_form(pilot)
        assert isinstance(form, ClientFormScreen) and form.query_one("#code").value == "0000002"
        fill(form, last_name="Rossi", first_name="Mario", city="Verona", fiscal_code=PERSON_CF,
             birth_date="18-11-1983", mobile="349/9999999")
        form.query_one("#sms_promo").value = True
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, ClientsScreen)
        rossi = Client.get(Client.code == "0000002")
        assert (rossi.name, rossi.mobile, rossi.sms_promo, rossi.birth_date) == (
            "ROSSI MARIO", "+393499999999", True, date(1983, 11, 18))

        await pilot.press(*"ros")  # the search field has the focus
        await settle(pilot)
        assert listed(app) == ["0000002"]
        app.screen.search_field.value = "roma"
        await settle(pilot)
        assert listed(app) == ["0000001"]

        app.screen.search_field.value = "ver"
        await settle(pilot)
        await pilot.press("enter", "enter")  # to the list, open the row
        await settle(pilot)
        assert app.screen.query_one("#name").value == "ROSSI MARIO"
        fill(app.screen, city="Verona (VR)")
        await pilot.press("f10")
        await settle(pilot)
        assert Client.get_by_id(rossi.id).city == "Verona (VR)"

        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("f10")
        await settle(pilot)
        assert Client.get_or_none(Client.id == rossi.id) is None
        assert listed(app) == []


async def test_a_company_is_created_with_its_mobiles_and_legal_representative_then_deleted(db_url, db):
    make_client("0000280", name="ROSSO STEFANO")
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_mask(pilot, "6")
        await pilot.press("ctrl+n")  # the alias of F3
        await settle(pilot)
        form = app.screen
        form.query_one("#kind-company").value = True
        await pilot.pause()
        assert form.has_class("-company") and not form.query_one("#f-birth_date").display
        fill(form, name="FUTURA VIAGGI WWW", vat_number="IT 02263470235", city="Sommacampagna")
        await pilot.press("f5")  # the "Azienda" tab
        await pilot.pause()
        form.query_one("#legal_representative").input.value = "280"
        form.query_one("#new-mobile").focus()
        form.query_one("#new-mobile").value = "3471234567"
        await pilot.press("enter")
        assert form.extra_mobiles == ["347 123 4567"]
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, ClientsScreen)
        company = Client.get(Client.name == "FUTURA VIAGGI WWW")
        assert (company.kind, company.vat_number, company.legal_representative.code) == (
            "company", VAT, "0000280")
        assert [m.mobile for m in ClientMobile.select()] == ["+393471234567"]

        app.screen.search_field.value = "futura"
        await settle(pilot)
        await pilot.press("enter", "f8")
        await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)
        assert Client.get_or_none(Client.id == company.id) is None
        assert ClientMobile.select().count() == 0
        assert Client.get(Client.code == "0000280").name == "ROSSO STEFANO"


async def test_wrong_fiscal_code_and_vat_number_are_shown_next_to_their_fields(db_url, db):
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        form = await new_client_form(pilot)
        fill(form, name="MARIO ROSSI", fiscal_code="RCCMNL83S18D969X")
        form.query_one("#fiscal_code").focus()
        await pilot.press("tab")  # leaving the field checks it
        assert error_of(form, "fiscal_code") == "codice fiscale: carattere di controllo errato"
        await pilot.press("f10")  # and saving is refused with the same reason
        await settle(pilot)
        assert app.screen is form and Client.select().count() == 0
        fill(form, fiscal_code=PERSON_CF, birth_date="19-11-1983")
        await pilot.press("f10")
        await settle(pilot)
        assert error_of(form, "fiscal_code").startswith("il codice fiscale non corrisponde alla data di nascita")

        form.query_one("#kind-company").value = True
        await pilot.pause()
        fill(form, fiscal_code="", vat_number="02263470236")
        form.query_one("#vat_number").focus()
        await pilot.press("tab")
        assert error_of(form, "vat_number") == "partita IVA: carattere di controllo errato"
        fill(form, country="GERMANIA")  # a foreign client is not held to the Italian rules
        await pilot.press("f10")
        await settle(pilot)
        assert Client.get(Client.name == "MARIO ROSSI").vat_number == "02263470236"


async def test_the_mobile_is_normalised_when_left_and_a_landline_is_flagged(db_url, db):
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        form = await new_client_form(pilot)
        mobile = form.query_one("#mobile")
        mobile.focus()
        await pilot.press(*"045510712", "tab")  # typed, then left
        assert mobile.value == "045 510712"
        assert error_of(form, "mobile") == "numero fisso, non cellulare: il cliente non riceverà SMS"
        mobile.focus()
        mobile.value = "0039349/9999999"
        await pilot.press("tab")
        assert mobile.value == "349 999 9999" and error_of(form, "mobile") is None


async def test_a_mobile_with_letters_is_refused_next_to_the_field(db_url, db):
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        form = await new_client_form(pilot)
        fill(form, last_name="Rossi", first_name="Mario")
        mobile = form.query_one("#mobile")
        mobile.focus()
        await pilot.press(*"349O123456", "tab")
        assert mobile.value == "349O123456"  # never turned into someone else's number
        await pilot.press("f10")
        await settle(pilot)
        assert app.screen is form and "contiene lettere" in error_of(form, "mobile")
        assert Client.select().count() == 0


async def test_leaving_with_unsaved_changes_asks_first(db_url, db):
    client = make_client("0000002", name="ROSSI MARIO")
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_mask(pilot, "6")
        await pilot.press("f4")
        await settle(pilot)
        form = app.screen
        await pilot.press("escape")  # nothing changed: it just leaves
        assert isinstance(app.screen, ClientsScreen)
        await pilot.press("enter", "enter")
        await settle(pilot)
        form = app.screen
        fill(form, city="Verona")
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # stay
        assert app.screen is form
        await pilot.press("escape", "f10")  # leave without saving
        assert isinstance(app.screen, ClientsScreen)
        assert Client.get_by_id(client.id).city == ""


async def test_the_flags_of_the_form_change_who_a_selection_returns(db_url, db):
    client = make_client("0000002", name="ROSSI MARIO", sms_practices=False, sms_promo=True)
    make_practice(client, practice_date=date(2026, 3, 1))
    practices = PracticeFilters(PracticeStatus.BALANCE_NOT_NOTIFIED)
    assert [r.client for r in promo_recipients(PromoFilters()).rows] == ["0000002"]
    assert practices_to_notify(practices).rows == []
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_mask(pilot, "6")
        await pilot.press("f4")
        await settle(pilot)
        form = app.screen
        form.query_one("#sms_promo").focus()
        await pilot.press("space")
        form.query_one("#sms_practices").focus()
        await pilot.press("space", "f10")
        await settle(pilot)
    assert promo_recipients(PromoFilters()).rows == []
    assert [r.client for r in practices_to_notify(practices).rows] == ["0000002"]


async def test_the_sms_tab_applies_preferences_creates_one_and_lists_the_sms_sent(db_url, db):
    croc = make_preference("CROC", "CROCIERE")
    mare = make_preference("MAR", "MARE")
    client = make_client("0000280", name="ROSSO STEFANO")
    give_preference(client, croc)
    campaign = Campaign.create(kind="promo", template="t")
    for i, status in enumerate(("delivered", "failed")):
        Message.create(campaign=campaign, client=client, client_code=client.code, recipient_name=client.name,
                       phone=client.mobile, text=f"Offerta {i}", transaction_id=f"t{i}", status=status,
                       queued_at=datetime(2026, 3, 2, 10, i), last_error="numero inesistente" if i else None)
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_mask(pilot, "6")
        await pilot.press("f4")
        await settle(pilot)
        form = app.screen
        await pilot.press("alt+4")  # the "SMS" tab
        await settle(pilot)
        sms = form.query_one("#client-sms").table
        assert [m.text for m in sms.rows] == ["Offerta 0", "Offerta 1"]
        text = str(form.query_one(".message-text").render())
        assert "Offerta 1" in text and "motivo: numero inesistente" in text  # the last one, highlighted
        checklist = form.query_one("#preferences")
        assert checklist.selected == [croc.id]
        checklist.deselect(croc.id)
        checklist.select(mare.id)
        fill(form, **{"new-pref-code": "eco", "new-pref-description": "economy"})
        form.query_one("#new-pref-description").focus()
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)
    eco = Preference.get(Preference.code == "ECO")
    assert eco.description == "economy"
    assert sorted(link.preference_id for link in ClientPreference.select()) == sorted([mare.id, eco.id])


async def test_a_client_with_practices_is_not_deleted_and_the_list_says_how_many(db_url, db):
    client = make_client("0000002", name="ROSSI MARIO")
    make_practice(client)
    make_practice(client)
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_mask(pilot, "6")
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, ClientsScreen)  # no question: it cannot be done
        assert "ROSSI MARIO ha 2 pratiche: non può essere eliminato." in notifications(app)
    assert Client.get_or_none(Client.id == client.id) is not None


async def test_deleting_a_preference_used_by_clients_asks_and_says_how_many(db_url, db):
    croc = make_preference("CROC", "CROCIERE")
    for _ in range(3):
        give_preference(make_client(), croc)
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_mask(pilot, "9")
        await pilot.press("f8")
        await settle(pilot)
        message = str(app.screen.query_one("#confirm-message").render())
        assert "3 clienti la usano" in message
        await pilot.press("escape")
        await settle(pilot)
        assert Preference.select().count() == 1
        await pilot.press("ctrl+r", "f10")
        await settle(pilot)
    assert Preference.select().count() == 0 and ClientPreference.select().count() == 0
    assert Client.select().count() == 3


async def test_a_practice_is_created_and_its_sms_detail_lists_the_notices_sent(db_url, db):
    client = make_client("0000280", name="ROSSO STEFANO")
    practice = make_practice(client, "2026/0001")
    campaign = Campaign.create(kind="practice", template="t")
    sms = Message.create(campaign=campaign, client=client, practice=practice, client_code=client.code,
                         recipient_name=client.name, phone=client.mobile, text="Saldo da versare",
                         transaction_id="t1", status="delivered", queued_at=datetime(2026, 3, 2, 10, 0),
                         sent_at=datetime(2026, 3, 2, 10, 0, 5))
    notice = record_notice(practice, "balance-not-notified")
    notice.message = sms
    notice.save()
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_mask(pilot, "7")
        await pilot.press("enter", "enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PracticeFormScreen)
        await pilot.press("f5")  # "Dettaglio Stato Pratica > SMS"
        await settle(pilot)
        notices = form.query_one("#notices")
        first = [str(cell) for cell in notices.get_row_at(0)]
        assert first[0] == "Non Avvisati per Saldo" and first[3] == "02-03-2026 10:00:05"
        assert first[4] == "consegnato"
        assert [str(c) for c in notices.get_row_at(1)][1] == "○"
        assert [m.text for m in form.query_one("#practice-sms").table.rows] == ["Saldo da versare"]
        await pilot.press("escape", "f3")
        await settle(pilot)
        form = app.screen
        assert form.query_one("#number").value == "2026/0002"
        form.query_one("#client").input.value = "280"
        fill(form, destination="Parigi", amount="1.200,00", practice_date="01-03-2026", departure_date="01-06-2026")
        form.query_one("#paid").value = True
        await pilot.press("f10")
        await settle(pilot)
    created = Practice.get(Practice.number == "2026/0002")
    assert (created.client_id, created.destination, created.amount, created.paid) == (
        client.id, "Parigi", Decimal("1200"), True)


async def test_a_supplier_is_created_from_its_list(db_url, db):
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_mask(pilot, "8")
        await pilot.press("f3")
        await settle(pilot)
        fill(app.screen, name="ALPITOUR", mobile="333 1234567")
        await pilot.press("f10")
        await settle(pilot)
        assert listed(app) == ["0000001"]
    assert Supplier.get(Supplier.code == "0000001").mobile == "+393331234567"


async def test_the_whole_client_list_is_exported_to_xlsx_and_read_back(db_url, db, tmp_path):
    Client.insert_many([
        dict(code=f"{i:07d}", name=f"CLIENTE {i}", city="Roma", sms_promo=i % 2 == 0, search_text=f"cliente {i} roma")
        for i in range(1, 301)
    ]).execute()
    target = tmp_path / "out" / "clienti.xlsx"
    target.parent.mkdir()
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_mask(pilot, "6")
        await pilot.press("f9")
        await settle(pilot)
        app.screen.query_one("#export-path").value = str(target)
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, ClientsScreen), str(app.screen.query_one("#export-status").render())
    rows = list(openpyxl.load_workbook(target, read_only=True).active.values)
    # every field of the record, under the names the import reads (it imports back as is)
    assert rows[0][:4] == ("Codice", "Ragione Sociale", "Tipo", "Nome")
    assert "Invio Sms Pratiche" in rows[0] and "Sms Prat" not in rows[0]
    assert len(rows) == 301  # every client, not only the rows on screen
    second = dict(zip(rows[0], rows[2]))
    assert (second["Codice"], second["Ragione Sociale"], second["Tipo"], second["Città"]) == (
        "0000002", "CLIENTE 2", "persona", "Roma")
    assert (second["Invio Sms Promo"], second["Invio Sms Pratiche"]) == (True, False)


def _fixed_registry() -> None:
    croc = make_preference("CROC", "CROCIERE")
    make_preference("MAR", "MARE")
    rossi = make_client("0000280", name="ROSSO STEFANO", city="Verona", province="VR")
    futura = make_client("0000002", name="FUTURA VIAGGI WWW", kind="company", first_name="", last_name="",
                         city="Sommacampagna", province="VR", mobile="045 510712", sms_promo=False)
    give_preference(rossi, croc)
    make_practice(rossi, "2026/0001", practice_date=date(2026, 3, 1), departure_date=date(2026, 7, 1),
                  destination="Sharm el Sheikh", notified_balance=True)
    make_practice(futura, "2026/0002", practice_date=date(2026, 3, 5), departure_date=None,
                  destination="Parigi", amount=980)
    Supplier.create(code="0000001", name="ALPITOUR", mobile="333 1234567", email="booking@alpitour.it")


def _snapshot_app(tmp_path):
    # under HOME, so the header shows "~/pegaso.db" and not a temporary path
    url = str(tmp_path / "home" / "pegaso.db")
    app = make_app(url)
    _fixed_registry()
    return app


def _open(number: str):
    async def run_before(pilot) -> None:
        await pilot.press(number)
        await pilot.pause(COUNT_PAUSE_S + 0.05)  # the count comes once the typing pauses
        await settle(pilot)
        pilot.app.screen.query_one("#search").cursor_blink = False

    return run_before


def test_the_client_list_looks_right(snap_compare, tmp_path):
    assert snap_compare(_snapshot_app(tmp_path), terminal_size=(110, 14), run_before=_open("6"))


def test_the_practice_list_looks_right(snap_compare, tmp_path):
    assert snap_compare(_snapshot_app(tmp_path), terminal_size=(120, 14), run_before=_open("7"))


def test_the_supplier_list_looks_right(snap_compare, tmp_path):
    assert snap_compare(_snapshot_app(tmp_path), terminal_size=(110, 14), run_before=_open("8"))


def test_the_preference_list_looks_right(snap_compare, tmp_path):
    assert snap_compare(_snapshot_app(tmp_path), terminal_size=(110, 14), run_before=_open("9"))


async def test_the_sms_dots_on_the_client_card_move_as_the_sender_reports(db_url, db):
    from pegaso_tui.app import OutboxUpdated

    client = make_client("0000280", name="ROSSO STEFANO")
    campaign = Campaign.create(kind="promo", template="t")
    sms = Message.create(campaign=campaign, client=client, client_code=client.code, recipient_name=client.name,
                         phone=client.mobile, text="Offerta", transaction_id="t1", status="sent",
                         queued_at=datetime(2026, 3, 2, 10, 0))
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_mask(pilot, "6")
        await pilot.press("f4")
        await settle(pilot)
        table = app.screen.query_one("#client-sms").table
        assert table.current_row.status == "sent"
        Message.update(status="delivered").where(Message.id == sms.id).execute()
        app.post_message(OutboxUpdated(()))
        await settle(pilot)
        assert table.current_row.status == "delivered"


async def test_a_status_report_reaches_the_screen_once_and_does_not_come_back(db_url, db, monkeypatch):
    from pegaso_tui.app import OutboxUpdated, PegasoApp
    from pegaso_tui.screens.registry.record_form import RecordFormScreen

    relayed, received = [], []
    relay = PegasoApp.on_outbox_updated
    monkeypatch.setattr(PegasoApp, "on_outbox_updated", lambda app, m: (relayed.append(m), relay(app, m)))
    monkeypatch.setattr(RecordFormScreen, "on_outbox_updated", lambda screen, m: received.append(m))
    make_client("0000280")
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_mask(pilot, "6")
        await pilot.press("f4")
        await settle(pilot)
        app.post_message(OutboxUpdated(()))
        await pilot.pause(0.2)
    # the app hands it to the screen on top, which does not send it back up to be relayed again
    assert (len(relayed), len(received)) == (1, 1)


async def test_quitting_with_a_client_being_typed_asks_first(db_url, db):
    from pegaso_tui.widgets.confirm import ConfirmDialog

    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        form = await new_client_form(pilot)
        fill(form, name="MARIO ROSSI")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and app.return_code is None
        await pilot.press("escape")  # No: the form is still there, as typed
        await pilot.pause()
        assert app.screen is form and form.query_one("#name").value == "MARIO ROSSI"
