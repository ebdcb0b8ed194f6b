"""Ricerche salvate (mask 15, seed 004 "Salvataggio di una ricerca"): the searches saved with
F7 from SMS Pratiche, SMS Promozionali and Buon Compleanno.

Enter (or F4) opens the search's mask with its filters for today; F2 changes its name,
description, date mode and flags (the filters change by opening it and saving again with
F7); F8 deletes it (refused while a scheduled communication uses it).
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Static

from pegaso_tui.db.models import SavedSearch
from pegaso_tui.screens.base import CONFIRM_KEYS, MaskScreen
from pegaso_tui.screens.comms import COMMS_CSS
from pegaso_tui.widgets.paged_table import Column, PagedTable

KIND_LABELS = {"practice": "SMS Pratiche", "promo": "SMS Promozionali", "birthday": "Buon Compleanno"}
MODE_LABELS = {"none": "senza date", "fixed": "date fisse", "rolling": "date aggiornate"}

SEARCH_COLUMNS: list[Column[SavedSearch]] = [
    Column("Nome", lambda s: s.name, width=26),
    Column("Maschera", lambda s: KIND_LABELS.get(s.kind, s.kind), width=17),
    Column("Date", lambda s: MODE_LABELS.get(s.date_mode, s.date_mode), width=15),
    Column("Programm.", lambda s: "sì" if s.scheduling else "", width=9),
    Column("Menù", lambda s: "sì" if s.in_menu else "", width=5),
    Column("Descrizione", lambda s: s.description, width=40),
]


class SavedSearchesScreen(MaskScreen):
    """The saved searches, by name."""

    CSS_PATH = COMMS_CSS
    MASK_TITLE = "Ricerche salvate"
    BINDINGS = [
        Binding(CONFIRM_KEYS, "open", "Apri", id="confirm", show=False),
        Binding("f4,ctrl+o", "open", "Apri", id="edit"),
        Binding("f2,ctrl+e", "details", "Varia", id="search_details"),
        Binding("f8,delete,ctrl+r", "delete", "Elimina", id="delete"),
    ]

    def __init__(self) -> None:
        super().__init__(id="comms-searches")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Le ricerche salvate con F7 nelle maschere SMS. Invio apre la maschera con i "
                     "filtri; per cambiarli, salvare di nuovo con lo stesso nome.", classes="comms-heading")
        yield PagedTable(SEARCH_COLUMNS, id="searches", classes="comms-list",
                         empty_text="Nessuna ricerca salvata: F7 in SMS Pratiche, Promozionali o Buon Compleanno")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self._show()
        self.table.table.focus()

    def on_screen_resume(self) -> None:
        self._show()  # a search saved again from the mask it opened

    def _show(self) -> None:
        from pegaso_tui.db.searches import searches_pager

        self.table.show(searches_pager())

    @property
    def table(self) -> PagedTable:
        return self.query_one("#searches", PagedTable)

    def _current(self) -> SavedSearch | None:
        search = self.table.current_row
        if search is None:
            self.app.bell()
        return search

    def action_open(self) -> None:
        search = self._current()
        if search is not None:
            self.app.open_saved_search(search.id)

    def on_paged_table_selected(self, event: PagedTable.Selected) -> None:
        self.action_open()

    def action_details(self) -> None:
        from pegaso_tui.screens.comms.save_search import SaveSearchDialog, SearchInfo

        search = self._current()
        if search is None:
            return
        info = SearchInfo(search.name, search.description, search.date_mode, search.scheduling,
                          search.in_menu)

        def saved(name: str | None) -> None:
            if name:
                self.notify(f"Ricerca '{name}' salvata", markup=False)
                self._show()

        self.app.push_screen(SaveSearchDialog(search.kind, {}, info, search_id=search.id), saved)

    def action_delete(self) -> None:
        search = self._current()
        if search is None:
            return
        from pegaso_tui.db.searches import delete_search
        from pegaso_tui.widgets.confirm import ConfirmDialog

        def deleted(_: Any) -> None:
            self.notify(f"Ricerca '{search.name}' eliminata", markup=False)
            self._show()

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_db(delete_search, search.name, done=deleted, group="search-delete")

        self.app.push_screen(ConfirmDialog(f"Eliminare la ricerca '{search.name}'?",
                                           title="Elimina ricerca", yes="Elimina (F10)"), answered)
