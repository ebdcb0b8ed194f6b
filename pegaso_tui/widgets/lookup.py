"""The lookup of the original masks (the lens button): find a record as you type and pick it.

``LookupDialog`` is generic: the caller gives a domain function ``search(text) ->
KeysetPager`` and the columns; the dialog shows the first page of matches at each keystroke
(in a worker: a newer keystroke cancels the older query) and dismisses with the chosen row,
or None with Esc.

Keys typed right behind the Invio that picks ("rossi", Invio, Tab, "Buongiorno" arriving
together, as a fast typist or a terminal over SSH sends them) are the form's, not the
dialog's: the search field holds them from its Invio on, and the caller hands them on with
``release_keys`` once it has put the pick in its field. Before, the Tab moved the focus inside
the dialog, still open, and the words behind it were lost in its list.
"""

from __future__ import annotations

from typing import Any, Callable, Generic, TypeVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from pegaso_tui.db.paging import KeysetPager
from pegaso_tui.widgets.dialog import DialogScreen
from pegaso_tui.widgets.enter_input import EnterInput
from pegaso_tui.widgets.paged_table import Column, PagedTable
from pegaso_tui.widgets.typing_order import KeyHold

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
        #: Enter typed before the matches arrived (None: picked, the dialog is closing)
        self._pick_when_found: bool | None = False
        self._searched = initial  # the text whose matches the list shows, or is fetching
        #: keys typed behind F2, before the search field has the focus ("F2 rossi" typed
        #: together): the field that opened the dialog holds them for it
        self.opening = KeyHold()
        #: keys typed behind the picking Invio, for the form (``release_keys``)
        self.picking = KeyHold(holding=False)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"{self.dialog_title} — digita per cercare, Invio per scegliere", id="lookup-title")
            # its Invio picks at once, in the field's turn (Input.Submitted would reach the
            # dialog after the keys typed behind the Invio), and those keys wait for the form
            yield EnterInput(value=self.initial, placeholder="codice, nome, cellulare, città…",
                             id="lookup-search", on_enter=lambda _: self.action_confirm(),
                             held=self.picking)
            yield PagedTable(self.columns, page_size=50, id="lookup-results")

    def on_mount(self) -> None:
        field = self.query_one("#lookup-search", Input)
        field.focus()
        self._search(self.initial)
        # after the focus (it is set through the app's queue), before any key typed later
        self.app.call_later(lambda: self.opening.release(self.app, field))

    def on_input_changed(self, event: Input.Changed) -> None:
        # the field's text now, not the event's: an Invio typed behind the letters may have
        # searched it already (action_confirm), and the letters' own messages, coming after,
        # must not search their shorter texts again
        if event.input.id == "lookup-search" and event.input.value != self._searched:
            self._search(event.input.value)

    def on_key(self, event) -> None:
        if event.key == "down" and self.focused is self.query_one("#lookup-search", Input):
            self.query_one(PagedTable).table.focus()
            event.stop()

    def _search(self, text: str) -> None:
        self._searched = text
        if self._pick_when_found is not None:  # not once picked
            self._pick_when_found = False
        self.query_one(PagedTable).show(self.search(text), count=True)

    def on_paged_table_highlighted(self, event: PagedTable.Highlighted) -> None:
        if not self._pick_when_found:
            return
        table = self.query_one(PagedTable)
        if table.loading_rows:
            return  # announced by the rows of the text before: the matches are still coming
        # the row under the cursor now, not the event's: the event may be older than them
        row: Any = table.current_row
        if row is not None:
            self._pick(row)
        else:
            # nothing matches: no pick after all, and what was typed behind the Invio is
            # for this dialog again, in order
            self._pick_when_found = False
            self.app.bell()
            self.picking.release(self.app)

    def on_paged_table_selected(self, event: PagedTable.Selected) -> None:
        self._pick(event.row)

    def _pick(self, row: Any) -> None:
        """Close with ``row``, once: the list announces its cursor more than once as a
        result arrives, and a second dismiss would close the mask under the dialog."""
        if self._pick_when_found is None:
            return
        self._pick_when_found = None
        self.dismiss(row)

    def action_confirm(self) -> None:
        if self._pick_when_found is None:
            return  # picked already
        text = self.query_one("#lookup-search", Input).value
        if text != self._searched:
            # Invio typed right behind the letters, before their messages reached this
            # dialog: the list still shows the matches of the text before them
            self._search(text)
        table = self.query_one(PagedTable)
        row: Any = table.current_row
        if table.loading_rows:
            # typed fast: the rows shown may be those of a shorter text; take the match
            # under the cursor when the matches come
            self.picking.start()
            self._pick_when_found = True
        elif row is not None:
            self.picking.start()
            self._pick(row)
        else:
            self.app.bell()

    def release_keys(self) -> None:
        """The caller has put the pick in its form: the keys typed behind the Invio go to
        whatever has the focus now, in the order they were typed, and so do any still on
        their way to the search field."""
        self.picking.release(self.app)
