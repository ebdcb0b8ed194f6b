"""What the registry lists (Clienti, Pratiche, Fornitori, Preferenze) have in common.

A search field on top (find as you type: every keystroke asks the database for the first
page in a worker; a newer keystroke cancels the older query), the list paged from the
database, and the keys of the original masks:

============  ==============  =================================================
key           alias           what
============  ==============  =================================================
F3            ctrl+n          Nuovo
F4 / Invio    ctrl+o          Varia (opens the highlighted row)
F8            ctrl+r          Elimina (always asks first)
F9            ctrl+t          Esporta (the whole list, CSV or XLSX)
F6            ctrl+f          Importa (a CSV file)
Esc           ctrl+g          leaves the mask
============  ==============  =================================================

``↓`` from the search goes to the list; typing a letter in the list goes back to the search.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Generic, TypeVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header, Input

from pegaso_tui.db.paging import KeysetPager
from pegaso_tui.screens.base import MaskScreen
from pegaso_tui.widgets.export_dialog import export_binding, open_export
from pegaso_tui.widgets.key_footer import KeyFooter
from pegaso_tui.widgets.paged_table import Column, PagedTable
from pegaso_tui.widgets.search_field import SearchField, route_search_keys

T = TypeVar("T")

STYLES = Path(__file__).parent.parent.parent / "styles"

NEW_KEYS = "f3,ctrl+n"
EDIT_KEYS = "f4,ctrl+o"
DELETE_KEYS = "f8,ctrl+r"
IMPORT_KEYS = "f6,ctrl+f"

#: How long the typing must pause before the matches are counted.
COUNT_PAUSE_S = 0.25


@cache
def import_available() -> bool:
    """Whether the CSV importer (``pegaso_tui.db.importer``) and its screen are installed."""
    from importlib.util import find_spec

    return find_spec("pegaso_tui.db.importer") is not None and find_spec(
        "pegaso_tui.screens.registry.import_screen"
    ) is not None


class RegistryListScreen(MaskScreen, Generic[T]):
    """A searchable list with Nuovo / Varia / Elimina / Esporta / Importa."""

    CSS_PATH = STYLES / "registry.tcss"

    BINDINGS = [
        Binding(NEW_KEYS, "new", "Nuovo", id="new", tooltip="Inserisce un nuovo elemento"),
        Binding(EDIT_KEYS, "edit", "Varia", id="edit", tooltip="Apre l'elemento evidenziato"),
        Binding(DELETE_KEYS, "delete", "Elimina", id="delete", tooltip="Elimina l'elemento evidenziato"),
        export_binding(),
        Binding(IMPORT_KEYS, "import", "Importa", id="import", tooltip="Importa un file CSV"),
    ]

    #: placeholder of the search field
    SEARCH_HINT = "cerca…"
    #: the base name of an exported file
    EXPORT_NAME = "elenco"
    #: the import kind (CLI.md: preferences, clients, practices, suppliers)
    IMPORT_KIND = ""
    EMPTY_TEXT = "Nessun elemento"

    def __init__(self) -> None:
        super().__init__(classes="registry-list")

    # -- what a list defines ---------------------------------------------------------------

    def columns(self) -> list[Column[T]]:
        raise NotImplementedError

    def make_pager(self, search: str) -> KeysetPager[T]:
        """The domain function of the list (builds the query; runs nothing)."""
        raise NotImplementedError

    def open_form(self, row: T | None) -> None:
        """Open the form of ``row`` (None: a new one)."""
        raise NotImplementedError

    def delete_row(self, row: T) -> None:
        """Ask, then delete ``row``."""
        raise NotImplementedError

    # -- composing ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield SearchField(placeholder=self.SEARCH_HINT, id="search")
        yield PagedTable(self.columns(), empty_text=self.EMPTY_TEXT, id="list")
        yield KeyFooter()

    def on_mount(self) -> None:
        super().on_mount()
        self.search_field.listing = self.table.table
        self.search_field.focus()
        self.refresh_list()

    @property
    def search_field(self) -> Input:
        return self.query_one("#search", Input)

    @property
    def table(self) -> PagedTable[T]:
        return self.query_one("#list", PagedTable)

    @property
    def current(self) -> T | None:
        return self.table.current_row

    def refresh_list(self) -> None:
        """Search again with the text typed: the first page at once, the count of all the
        matches once the typing pauses (it reads every match: not at every keystroke)."""
        self.table.show(self.make_pager(self.search_field.value), count_after=COUNT_PAUSE_S)

    def after_form(self, saved_id: int | None) -> None:
        """A form closed: if it saved, the list shows the saved record under the cursor,
        wherever its code or name put it (a new client is found at once, not at row 1)."""
        if saved_id is not None:
            self.table.show_record(saved_id)

    # -- find as you type ---------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "search":
            event.stop()
            self.refresh_list()

    def on_key(self, event: events.Key) -> None:
        if route_search_keys(event, self.focused, self.search_field, self.table.table):
            event.stop()

    def on_paged_table_selected(self, event: PagedTable.Selected) -> None:
        event.stop()
        self.open_form(event.row)

    # -- the keys -------------------------------------------------------------------------------

    def action_new(self) -> None:
        self.open_form(None)

    def action_edit(self) -> None:
        row = self.current
        if row is None:
            self.app.bell()
            return
        self.open_form(row)

    def action_confirm(self) -> None:
        self.action_edit()

    def action_delete(self) -> None:
        row = self.current
        if row is None:
            self.app.bell()
            return
        self.delete_row(row)

    def action_export(self) -> None:
        table = self.table
        if not self.IMPORT_KIND or table.pager is None:
            open_export(self, table.pager, table.columns, self.EXPORT_NAME)
            return
        # the whole record under the headers the import reads: the file imports back as is
        from pegaso_tui.db.export_columns import clients_export_pager, record_columns

        pager = table.pager
        if self.IMPORT_KIND == "clients":
            pager = clients_export_pager(pager)
        open_export(self, pager, record_columns(self.IMPORT_KIND), self.EXPORT_NAME)

    def action_import(self) -> None:
        if not import_available():
            self.notify("Importazione non disponibile in questa versione (manca l'importatore CSV)",
                        severity="warning")
            return
        from pegaso_tui.screens.registry.import_screen import ImportScreen

        self.app.push_screen(ImportScreen(self.IMPORT_KIND), lambda _result: self.refresh_list())

    def ask(self, question: str, then, *, title: str = "Conferma") -> None:
        """Ask ``question`` (F10 yes, Esc no) and call ``then()`` on yes."""
        from pegaso_tui.widgets.confirm import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if yes:
                then()

        self.app.push_screen(ConfirmDialog(question, title=title), answered)

    def deleted(self, message: str) -> None:
        """After a delete: say so and re-read the list."""
        self.notify(message, title="Eliminato", markup=False)
        self.table.reload()
