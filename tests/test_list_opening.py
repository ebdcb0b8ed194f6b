"""A list shows its rows in its first frame, and draws only the rows it shows.

- The control panel reads its last page and its count while Textual composes the screen
  (``ReadAhead``): on a million messages, a read started once the screen was mounted came
  back only after the first layout, and the list was laid out and drawn a second time.
- A list that opens on its last row (the panel's newest SMS) scrolls there before its first
  paint: it drew its top rows first, to throw them away a frame later.
"""

from __future__ import annotations

import threading

from textual.app import App, ComposeResult

from pegaso_tui.config import Settings
from pegaso_tui.db.clients import clients_pager
from pegaso_tui.db.models import Client
from pegaso_tui.db.paging import KeysetPager
from pegaso_tui.services import AppServices
from pegaso_tui.widgets.db_work import ReadAhead
from pegaso_tui.widgets.paged_table import Column, PagedTable, _WindowTable
from tests.apputil import make_app, wait_for_workers, wait_until

COLUMNS = [Column("Codice", lambda c: c.code, width=8), Column("Ragione Sociale", lambda c: c.name, width=30)]


class ListApp(App[None]):
    """A PagedTable of clients, shown by the test."""

    def __init__(self, db_url: str) -> None:
        super().__init__()
        self.services = AppServices(settings=Settings(), database_url=db_url, operator_username="t")

    def compose(self) -> ComposeResult:
        yield PagedTable(COLUMNS, page_size=100)


def status(app) -> str:
    return str(app.query_one("#paged-table-status").render())


def add_clients(n: int) -> None:
    Client.insert_many([dict(code=f"{i:07d}", name=f"CLIENTE {i}") for i in range(1, n + 1)]).execute()


async def test_a_list_opening_on_its_last_row_draws_only_the_rows_it_shows(db, db_url, monkeypatch):
    add_clients(300)
    drawn: set[int] = set()
    real_render_cell = _WindowTable._render_cell

    def render_cell(self, row_index, *args, **kwargs):
        drawn.add(row_index)
        return real_render_cell(self, row_index, *args, **kwargs)

    monkeypatch.setattr(_WindowTable, "_render_cell", render_cell)
    app = ListApp(db_url)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(PagedTable)
        table.show(clients_pager(), at_end=True)
        await wait_for_workers(pilot)
        await pilot.pause()
        rows = table.table
        assert table.current_row.code == "0000300"
        assert status(app) == "riga 300 di 300"
        shown = range(int(rows.scroll_y), int(rows.scroll_y) + rows.scrollable_content_region.height)
        assert rows.cursor_row in shown  # the newest row is on screen, under the cursor
        data_rows = {index for index in drawn if index >= 0}  # -1 is the heading
        assert min(data_rows) >= shown.start, f"drew rows {min(data_rows)}.. for {shown}"


async def test_a_read_begun_ahead_is_shown_at_once_when_it_is_over(db, db_url):
    add_clients(150)
    app = ListApp(db_url)
    async with app.run_test(size=(80, 24)) as pilot:
        pager = clients_pager()
        ahead = ReadAhead(app, pager.opening, 100, at_end=True)
        await wait_for_workers(pilot)  # the read is over
        table = app.query_one(PagedTable)
        table.show(pager, at_end=True, ahead=ahead)
        # no worker, no frame in between: the rows and their count are there
        assert len(table.rows) == 100 and table.current_row.code == "0000150"
        assert status(app) == "riga 150 di 150"


async def test_a_read_begun_ahead_still_running_is_shown_when_it_ends(db, db_url):
    add_clients(150)
    app = ListApp(db_url)
    release = threading.Event()

    def slow_opening(pager):
        release.wait(10)
        return pager.opening(100)

    async with app.run_test(size=(80, 24)) as pilot:
        pager = clients_pager()
        ahead = ReadAhead(app, slow_opening, pager)
        table = app.query_one(PagedTable)
        table.show(pager, ahead=ahead)
        await pilot.pause()
        assert status(app) == "caricamento…"
        release.set()
        assert await wait_until(pilot, lambda: status(app) == "riga 1 di 150")
        assert table.current_row.code == "0000001"


async def test_a_read_ahead_that_failed_is_read_again_the_usual_way(db, db_url):
    add_clients(150)
    app = ListApp(db_url)

    def broken(pager):
        raise RuntimeError("connessione persa")

    async with app.run_test(size=(80, 24)) as pilot:
        pager = clients_pager()
        ahead = ReadAhead(app, broken, pager)
        await wait_for_workers(pilot)
        table = app.query_one(PagedTable)
        table.show(pager, ahead=ahead)
        assert await wait_until(pilot, lambda: status(app) == "riga 1 di 150")


async def test_the_panel_shows_its_newest_sms_and_their_count_from_its_first_frame(db, db_url, monkeypatch):
    from pegaso_tui.db.campaigns import plan_single, queue_campaign
    from pegaso_tui.screens.sms.panel import SmsPanelScreen
    from pegaso_tui.widgets.message_list import MessageList

    for i in range(40):
        queue_campaign(plan_single(f"Promemoria {i}", number=f"349 555 {i:04d}"), sender="FUTURA")
    # Composing waits (at most 5 s) for a read of the list begun before it: on a big
    # database Textual's own work on the screen lasts longer than the read.
    read = threading.Event()
    real_opening, real_compose, real_mount = KeysetPager.opening, SmsPanelScreen.compose, SmsPanelScreen.on_mount

    def opening(self, *args, **kwargs):
        try:
            return real_opening(self, *args, **kwargs)
        finally:
            read.set()

    def compose(self):
        read.wait(5)
        return real_compose(self)

    at_mount = {}

    def on_mount(self):
        real_mount(self)
        table = self.query_one(MessageList).table
        at_mount.update(rows=len(table.rows), status=str(self.query_one("#paged-table-status").render()))

    monkeypatch.setattr(KeysetPager, "opening", opening)
    monkeypatch.setattr(SmsPanelScreen, "compose", compose)
    monkeypatch.setattr(SmsPanelScreen, "on_mount", on_mount)
    app = make_app(db_url, sender="FUTURA")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5")
        assert await wait_until(pilot, lambda: bool(at_mount))
        # mounted, not yet drawn: the first frame holds the list and its count
        assert at_mount == {"rows": 40, "status": "riga 40 di 40"}
        await wait_for_workers(pilot)
        assert app.screen.query_one(MessageList).table.current_row.text == "Promemoria 39"
