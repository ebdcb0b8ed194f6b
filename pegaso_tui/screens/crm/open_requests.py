"""Richieste Aperte (mask 11): every open request at a glance, the most urgent recontact first,
overdue recontacts in red; Varia, Elimina, Gestisci, Storico, Vedi Richiesta and SMS on the
highlighted one (keys in ``crm_common``).
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Header, Input, Select, Static

from pegaso_tui.db.crm.requests import RequestRow
from pegaso_tui.screens.base import CONFIRM_KEYS, MaskScreen
from pegaso_tui.screens.crm.common import (
    CRM_CSS,
    REQUEST_ACTION_BINDINGS,
    RequestActions,
    crm_today,
    make_compact,
    request_columns,
)
from pegaso_tui.sms.phone import display_number
from pegaso_tui.widgets.form_field import FormField
from pegaso_tui.widgets.key_footer import KeyFooter
from pegaso_tui.widgets.paged_table import PagedTable
from pegaso_tui.widgets.plain import plain_text
from pegaso_tui.widgets.search_field import SearchField, route_search_keys

ALL_OPERATORS = ""


def request_preview(row: RequestRow | None) -> Text:
    """The highlighted request's numbers and description, under the list (plain text: a name
    or a description is shown as written, never read as markup)."""
    if row is None:
        return Text("")
    numbers = " · ".join(n for n in (row.phone, display_number(row.mobile)) if n)
    destinations = f" · {row.destinations}" if row.destinations else ""
    head = f"{row.subject_name} — {row.kind_label}{' · ' + numbers if numbers else ''}{destinations}"
    return Text(f"{head}\n{row.description}")


class OpenRequestsScreen(RequestActions, MaskScreen):
    """The open requests; Enter manages the highlighted one."""

    CSS_PATH = CRM_CSS
    MASK_TITLE = "Richieste Aperte"
    BINDINGS = [
        Binding(CONFIRM_KEYS, "crm_manage", "Gestisci", id="confirm", show=False),
        *REQUEST_ACTION_BINDINGS,
    ]

    def __init__(self) -> None:
        super().__init__(id="crm-open-requests")

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(classes="crm-filters"):
            yield FormField("Cerca:", SearchField(placeholder="nome, cellulare…", id="open-search"), label_width=8)
            yield FormField("Operatore:", Select([("Tutti", ALL_OPERATORS)], value=ALL_OPERATORS, allow_blank=False, id="open-operator"),
                            label_width=12)
        yield PagedTable(request_columns(lambda: crm_today(self.app)), id="open-requests",
                         empty_text="Nessuna richiesta aperta")
        yield Static("", id="open-preview", classes="crm-preview")
        yield KeyFooter()

    def on_mount(self) -> None:
        super().on_mount()
        make_compact(self)
        self.query_one("#open-search", SearchField).listing = self.table.table
        self.table.table.focus()
        self._show()
        from pegaso_tui.db.crm.requests import operator_usernames

        self.run_db(operator_usernames, done=self._operators_loaded, group="crm-operators")

    @property
    def table(self) -> PagedTable:
        return self.query_one("#open-requests", PagedTable)

    def _operators_loaded(self, names: list[str]) -> None:
        select = self.query_one("#open-operator", Select)
        with select.prevent(Select.Changed):
            select.set_options([("Tutti", ALL_OPERATORS), *[(plain_text(n), n) for n in names]])
            select.value = ALL_OPERATORS

    def _show(self) -> None:
        from pegaso_tui.db.crm.requests import open_requests_pager

        search = self.query_one("#open-search", Input).value
        operator = self.query_one("#open-operator", Select).value
        self.table.show(open_requests_pager(search, str(operator) if operator else None))

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "open-search":
            self._show()

    def on_key(self, event: events.Key) -> None:
        # as in the registry lists: typing in the list filters it
        if route_search_keys(event, self.focused, self.query_one("#open-search", Input), self.table.table):
            event.stop()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "open-operator":
            self._show()

    def on_paged_table_highlighted(self, event: PagedTable.Highlighted) -> None:
        self.query_one("#open-preview", Static).update(request_preview(event.row))

    def on_paged_table_selected(self, event: PagedTable.Selected) -> None:
        self.action_crm_manage()

    # -- RequestActions --------------------------------------------------------------------------------

    def current_request(self) -> RequestRow | None:
        return self.table.current_row

    def requests_changed(self) -> None:
        self.table.reload()
