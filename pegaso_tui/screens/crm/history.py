"""Storico Richieste (mask 13): every request, filtered by date range, type, status, operator,
destination, outcome and subject; the list follows the filters as they are typed.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Header, Input, Select, Static

from pegaso_tui.db.crm.requests import REQUEST_TYPE_LABELS, STATUS_CLOSED, STATUS_OPEN, RequestFilter, RequestRow
from pegaso_tui.screens.base import CONFIRM_KEYS, MaskScreen
from pegaso_tui.screens.crm.common import (
    CRM_CSS,
    REQUEST_ACTION_BINDINGS,
    RequestActions,
    crm_today,
    make_compact,
    request_columns,
)
from pegaso_tui.screens.crm.open_requests import request_preview
from pegaso_tui.widgets.date_input import DateInput
from pegaso_tui.widgets.form_field import FormField
from pegaso_tui.widgets.key_footer import KeyFooter
from pegaso_tui.widgets.paged_table import PagedTable
from pegaso_tui.widgets.plain import plain_text

ANY = ""
TYPE_OPTIONS = [("Tutti", ANY), *[(label, code) for code, label in REQUEST_TYPE_LABELS.items()]]
STATUS_OPTIONS = [("Tutte", ANY), ("Aperte", STATUS_OPEN), ("Chiuse", STATUS_CLOSED)]


def _choices():
    """The operators and outcomes the filters offer (obsolete outcomes too: old requests
    may have them)."""
    from pegaso_tui.db.crm.outcomes import list_outcomes
    from pegaso_tui.db.crm.requests import operator_usernames

    return operator_usernames(), [(o.name, o.id) for o in list_outcomes(include_obsolete=True)]


class RequestHistoryScreen(RequestActions, MaskScreen):
    """All requests, the newest first, narrowed by the filters above the list."""

    CSS_PATH = CRM_CSS
    MASK_TITLE = "Storico Richieste"
    BINDINGS = [
        Binding(CONFIRM_KEYS, "apply_filters", "Cerca", id="confirm"),
        *REQUEST_ACTION_BINDINGS,
    ]

    def __init__(self) -> None:
        super().__init__(id="crm-history")

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(classes="crm-filters"):
            yield FormField("Soggetto:", Input(id="history-search", placeholder="nome, cellulare…"), label_width=10)
            yield FormField("Destinazione:", Input(id="history-destination"), label_width=14)
        with Horizontal(classes="crm-filters"):
            yield FormField("Dal:", DateInput(id="history-from"), label_width=5, id="field-history-from")
            yield FormField("Al:", DateInput(id="history-to"), label_width=4, id="field-history-to")
            yield FormField("Tipo:", Select(TYPE_OPTIONS, value=ANY, allow_blank=False, id="history-type"), label_width=6)
            yield FormField("Stato:", Select(STATUS_OPTIONS, value=ANY, allow_blank=False, id="history-status"), label_width=7)
        with Horizontal(classes="crm-filters"):
            yield FormField("Operatore:", Select([("Tutti", ANY)], value=ANY, allow_blank=False, id="history-operator"), label_width=11)
            yield FormField("Esito:", Select([("Tutti", ANY)], value=ANY, allow_blank=False, id="history-outcome"), label_width=7)
        yield PagedTable(request_columns(lambda: crm_today(self.app), status=True, destinations=True),
                         id="history-requests", empty_text="Nessuna richiesta con questi filtri")
        yield Static("", id="history-preview", classes="crm-preview")
        yield KeyFooter()

    def on_mount(self) -> None:
        super().on_mount()
        make_compact(self)
        self.query_one("#history-search", Input).focus()
        self.action_apply_filters()
        self.run_db(_choices, done=self._choices_loaded, group="crm-choices")

    @property
    def table(self) -> PagedTable:
        return self.query_one("#history-requests", PagedTable)

    def _choices_loaded(self, choices) -> None:
        operators, outcomes = choices
        for widget_id, options in (("#history-operator", [(plain_text(n), n) for n in operators]),
                                   ("#history-outcome", [(plain_text(label), v) for label, v in outcomes])):
            select = self.query_one(widget_id, Select)
            with select.prevent(Select.Changed):
                select.set_options([("Tutti", ANY), *options])
                select.value = ANY

    def filters(self, show_errors: bool = True) -> RequestFilter | None:
        """The filters as typed; None while a date is not a date (its error shown next to it
        with ``show_errors``: not while it is being typed)."""
        values: dict[str, Any] = {}
        for key, widget_id in (("date_from", "#history-from"), ("date_to", "#history-to")):
            date_input = self.query_one(widget_id, DateInput)
            field = self.query_one(f"#field-{widget_id[1:]}", FormField)
            if date_input.error:
                if show_errors:
                    field.set_error(date_input.error)
                return None
            field.set_error(None)
            values[key] = date_input.date
        outcome = self.query_one("#history-outcome", Select).value
        return RequestFilter(
            request_type=str(self.query_one("#history-type", Select).value or ""),
            status=str(self.query_one("#history-status", Select).value or ""),
            operator=str(self.query_one("#history-operator", Select).value or ""),
            outcome_id=int(outcome) if outcome not in (ANY, Select.NULL) else None,  # type: ignore[arg-type]
            destination=self.query_one("#history-destination", Input).value,
            search=self.query_one("#history-search", Input).value,
            **values,
        )

    def action_apply_filters(self, show_errors: bool = True) -> None:
        """F10 (and, quietly, every change of a filter): show the requests that match."""
        from pegaso_tui.db.crm import CrmError
        from pegaso_tui.db.crm.requests import history_pager

        filters = self.filters(show_errors)
        if filters is None:
            return
        try:
            pager = history_pager(filters)  # builds the query only: no database work here
        except CrmError as exc:  # the range ends before it starts
            self.query_one("#field-history-to", FormField).set_error(str(exc))
            return
        self.table.show(pager)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.action_apply_filters(show_errors=False)

    def on_select_changed(self, event: Select.Changed) -> None:
        self.action_apply_filters(show_errors=False)

    def on_paged_table_highlighted(self, event: PagedTable.Highlighted) -> None:
        self.query_one("#history-preview", Static).update(request_preview(event.row))

    def on_paged_table_selected(self, event: PagedTable.Selected) -> None:
        self.action_crm_view()

    # -- RequestActions --------------------------------------------------------------------------------

    def current_request(self) -> RequestRow | None:
        return self.table.current_row

    def requests_changed(self) -> None:
        self.table.reload()
