"""A list draws only the rows it shows.

- A list that opens on its last row (the panel's newest SMS) scrolls there before its first
  paint: it drew its top rows first, to throw them away a frame later.
"""

from __future__ import annotations

from textual.app import App, ComposeResult

from pegaso_tui.config import Settings
from pegaso_tui.db.clients import clients_pager
from pegaso_tui.db.models import Client
from pegaso_tui.services import AppServices
from pegaso_tui.widgets.paged_table import Column, PagedTable, _WindowTable
from tests.apputil import wait_for_workers

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
