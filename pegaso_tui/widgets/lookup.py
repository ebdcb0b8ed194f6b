"""The lookup of the original masks (the lens button): find a record as you type and pick it.

``LookupDialog`` is generic: the caller gives a domain function ``search(text) ->
KeysetPager`` and the columns; the dialog shows the first page of matches at each keystroke
(in a worker: a newer keystroke cancels the older query) and dismisses with the chosen row,
or None with Esc.
"""

from __future__ import annotations

from typing import Any, Callable, Generic, TypeVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from pegaso_tui.db.paging import KeysetPager
from pegaso_tui.widgets.dialog import DialogScreen
from pegaso_tui.widgets.paged_table import Column, PagedTable

T = TypeVar("T")


class LookupDialog(DialogScreen[T], Generic[T]):
    """Type to search, arrows to choose, Enter or F10 to pick, Esc to give up."""

    DEFAULT_CSS = """
    LookupDialog {
        align: center middle;
    }
    LookupDialog > Vertical {
        width: 90%;
        height: 80%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    LookupDialog #lookup-title {
        text-style: bold;
        padding: 1 0 0 0;
    }
    """

    def __init__(
        self,
        title: str,
        search: Callable[[str], KeysetPager[T]],
        columns: list[Column[T]],
        *,
        initial: str = "",
    ) -> None:
        super().__init__()
        self.dialog_title = title
        self.search = search
        self.columns = columns
        self.initial = initial
        self._pick_when_found = False  # Enter typed before the matches arrived

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"{self.dialog_title} — digita per cercare, Invio per scegliere", id="lookup-title")
            yield Input(value=self.initial, placeholder="codice, nome, cellulare, città…", id="lookup-search")
            yield PagedTable(self.columns, page_size=50, id="lookup-results")

    def on_mount(self) -> None:
        self.query_one("#lookup-search", Input).focus()
        self._search(self.initial)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "lookup-search":
            self._search(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        # Enter in the search field picks the first match (or the one under the cursor)
        self.action_confirm()

    def on_key(self, event) -> None:
        if event.key == "down" and self.focused is self.query_one("#lookup-search", Input):
            self.query_one(PagedTable).table.focus()
            event.stop()

    def _search(self, text: str) -> None:
        self._pick_when_found = False
        self.query_one(PagedTable).show(self.search(text), count=True)

    def on_paged_table_highlighted(self, event: PagedTable.Highlighted) -> None:
        if self._pick_when_found and event.row is not None:
            self.dismiss(event.row)

    def on_paged_table_selected(self, event: PagedTable.Selected) -> None:
        self.dismiss(event.row)

    def action_confirm(self) -> None:
        table = self.query_one(PagedTable)
        row: Any = table.current_row
        if row is not None:
            self.dismiss(row)
        elif table.loading_rows:
            self._pick_when_found = True  # typed fast: take the first match when it comes
        else:
            self.app.bell()
