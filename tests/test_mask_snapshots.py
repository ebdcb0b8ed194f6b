"""Every mask (1–14) as it first opens, at 80×24 and at 120×40 (SVG snapshots).

80×24 is a supported size (issue 14): each mask must fit it without scrolling, the SMS
editor's counter and the lists' rows included. A layout change shows up here as a changed
picture: look at it (``pytest --snapshot-update`` writes the new ones, and the report shows the
difference) before accepting it.

Fixed data and a fixed "today"; the header's database path is replaced by a fixed one, text
cursors do not blink (``make_app``), so two runs draw the same picture.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from pegaso_tui.masks import MASKS
from tests.apputil import make_app, wait_for_workers
from tests.factories import give_preference, make_client, make_practice, make_preference

TODAY = date(2026, 3, 10)
SIZES = {"80x24": (80, 24), "120x40": (120, 40)}


@pytest.fixture
def office(db):
    """A small agency with something in every mask: clients (one a company), practices,
    preferences, a supplier, SMS sent last week, CRM requests."""
    from pegaso_tui.db.campaigns import plan_single, queue_campaign
    from pegaso_tui.db.crm.requests import RequestInput, create_request
    from pegaso_tui.db.models import DELIVERED, UNDELIVERED, Message, Supplier
    from pegaso_tui.db.operators import current_operator

    current_operator("tester")
    croc = make_preference("CROC", "CROCIERE")
    make_preference("MAR", "MARE")
    make_preference("8", "MONTAGNA")
    anna = make_client("0000002", name="BIANCHI ANNA", first_name="Anna", last_name="Bianchi",
                       mobile="349 111 1111", birth_date=date(1980, 3, 12), city="Verona", province="VR")
    bruno = make_client("0000003", name="VERDI BRUNO", first_name="Bruno", last_name="Verdi",
                        mobile="349 222 2222", birth_date=date(1975, 7, 1), city="Bussolengo", province="VR")
    make_client("0000004", name="FUTURA VIAGGI SRL", kind="company", first_name="", last_name="",
                mobile="045 510712", city="Sommacampagna", province="VR", sms_promo=False)
    give_preference(bruno, croc)
    make_practice(anna, "2026/0001", practice_date=date(2026, 2, 1), departure_date=date(2026, 7, 1),
                  destination="Sharm el Sheikh", amount=2140.5, balance=1200)
    make_practice(bruno, "2026/0002", practice_date=date(2026, 3, 1), departure_date=date(2026, 5, 15),
                  destination="Parigi", amount=980, balance=0)
    Supplier.create(code="0000001", name="ALPITOUR", mobile="333 1234567", email="booking@alpitour.it")
    sent = datetime(2026, 3, 6, 9, 30)
    for client, status in ((anna, DELIVERED), (bruno, UNDELIVERED)):
        queue_campaign(plan_single("Gentile {nome}, la sua pratica è pronta. FUTURA VIAGGI", client=client),
                       sender="FUTURA")
        Message.update(status=status, queued_at=sent, sent_at=sent, delivered_at=sent,
                       updated_at=sent).where(Message.client == client).execute()
    for subject, text, recontact, created in (
        ("VERDI GINO", "Crociera nel Mediterraneo ad agosto, 4 persone", date(2026, 3, 5),
         datetime(2026, 2, 20, 10, 30)),
        ("2", "Mar Rosso a Pasqua", TODAY, datetime(2026, 3, 1, 9, 0)),
    ):
        row = create_request(RequestInput(subject, text, recontact_date=recontact, mobile="3471234567"),
                             "tester", date(2026, 3, 1))
        from pegaso_tui.db.models import Request

        Request.update(created_at=created).where(Request.id == row.id).execute()
    return db


def _open(app, mask: int):
    async def run_before(pilot) -> None:
        app.sub_title = "pegaso.db · operatore tester"
        app.open_mask(mask)
        await wait_for_workers(pilot)
        await pilot.pause(0.5)  # live counts and searches wait for a pause in typing
        await wait_for_workers(pilot)
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("mask", [m.number for m in MASKS if m.number <= 14])
def test_every_mask_fits_the_screen(office, db_url, sandbox, snap_compare, mask, size):
    # the control panel asks the gateway for the credit: the sandbox answers, always the same
    gateway = sandbox() if mask == 5 else None
    app = make_app(db_url, sandbox=gateway, today=TODAY, sender="FUTURA")
    assert snap_compare(app, run_before=_open(app, mask), terminal_size=SIZES[size])


@pytest.mark.parametrize("size", list(SIZES))
def test_the_home_screen_fits_the_screen(office, db_url, snap_compare, size):
    app = make_app(db_url, today=TODAY)

    async def run_before(pilot) -> None:
        app.sub_title = "pegaso.db · operatore tester"
        await wait_for_workers(pilot)
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=SIZES[size])


# Forms and dialogs opened from the masks: (mask, keys pressed once it is open)
FORMS = {
    "scheda_cliente": (6, ["f4"]),
    "scheda_cliente_sms": (6, ["f4", "f5", "f5"]),  # a person: Anagrafici, Note, SMS
    "scheda_azienda": (6, ["down", "down", "down", "f4", "f5"]),  # FUTURA VIAGGI SRL, tab Azienda
    "scheda_pratica": (7, ["f4"]),
    "gestisci_richiesta": (11, ["f4"]),
    "anteprima_invio": (1, ["f10"]),
    "aiuto": (1, ["f1"]),
    "cerca_cliente": (1, ["f2"]),
    "nuovo_esito": (14, ["f9"]),
    "vedi_richiesta": (11, ["f3"]),
    "storico_attivita": (11, ["f6"]),
    "elimina_richiesta": (11, ["f8"]),
}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("form", list(FORMS))
def test_every_form_and_dialog_fits_the_screen(office, db_url, snap_compare, form, size):
    mask, keys = FORMS[form]
    app = make_app(db_url, today=TODAY, sender="FUTURA")
    open_mask = _open(app, mask)

    async def run_before(pilot) -> None:
        await open_mask(pilot)
        for key in keys:
            await pilot.press(key)
            await wait_for_workers(pilot)
            await pilot.pause(0.2)
        await wait_for_workers(pilot)
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=SIZES[size])


# -- 80×24 in numbers: what the pictures above show, asserted --------------------------------


def _cut_off(screen, width: int, height: int, *, bottom: bool = True) -> list[str]:
    """The visible fields and footer keys that do not fit the terminal (``bottom=False``:
    only those cut off at the right, for a mask that scrolls down by design)."""
    cut = []
    for widget in screen.query("Input, Select, TextArea, Checkbox, RadioSet, FooterKey"):
        if not widget.display or not widget.visible or widget.region.area == 0:
            continue  # not on screen at all (another tab, a hidden field)
        region = widget.region
        if region.right > width or (bottom and region.bottom > height):
            cut.append(f"{type(widget).__name__}#{widget.id} {region}")
    # nor does one footer key hide part of another
    keys = [key for key in screen.query("FooterKey") if key.display and key.region.area]
    for n, key in enumerate(keys):
        for other in keys[n + 1:]:
            if key.region.overlaps(other.region):
                cut.append(f"FooterKey {key.description!r} sotto {other.description!r}")
    return cut


# every mask, those added after 14 too (their pictures are their authors' to take)
@pytest.mark.parametrize("mask", [m.number for m in MASKS])
async def test_at_80x24_no_field_nor_key_is_cut_off_and_nothing_scrolls(office, db_url, mask):
    from textual.containers import ScrollableContainer

    app = make_app(db_url, today=TODAY, sender="FUTURA")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, mask)(pilot)
        screen = app.screen
        assert _cut_off(screen, 80, 24) == []
        # the masks' forms (not their lists) need no scrolling to reach a field; Configurazione
        # (20) shows each field's note below the form, so it fits as well
        for body in screen.query(ScrollableContainer):
            if body.id in ("sms-body", "request-form", "config-body"):
                assert body.max_scroll_y == 0, f"{body.id} scorre di {body.max_scroll_y} righe"


@pytest.mark.parametrize("mask", [1, 2, 3, 4])
async def test_at_80x24_the_sms_counter_is_on_screen(office, db_url, mask):
    app = make_app(db_url, today=TODAY, sender="FUTURA")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, mask)(pilot)
        counter = app.screen.query_one("#sms-counter")
        assert counter.region.area > 0 and counter.region.right <= 80 and counter.region.bottom <= 23
        assert "/ 160" in str(counter.render())


async def test_at_80x24_the_control_panel_lists_its_messages(office, db_url, sandbox):
    from pegaso_tui.widgets.paged_table import PagedTable

    app = make_app(db_url, sandbox=sandbox(), today=TODAY, sender="FUTURA")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, 5)(pilot)
        table = app.screen.query_one(PagedTable).table
        # a header and at least three rows of messages: both messages of the office are seen
        assert table.region.height >= 4
        assert table.row_count == 2


@pytest.mark.parametrize("form", ["scheda_cliente", "scheda_azienda", "scheda_pratica", "gestisci_richiesta", "scheda_cliente_sms"])
async def test_at_80x24_the_forms_fit_without_scrolling(office, db_url, form):
    mask, keys = FORMS[form]
    app = make_app(db_url, today=TODAY, sender="FUTURA")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, mask)(pilot)
        for key in keys:
            await pilot.press(key)
            await wait_for_workers(pilot)
        await pilot.pause()
        screen = app.screen
        assert _cut_off(screen, 80, 24) == []
        for body in screen.query(".form-body, .crm-dialog VerticalScroll"):
            if body.display and body.region.area:
                assert body.max_scroll_y == 0, f"{form}: scorre di {body.max_scroll_y} righe"
