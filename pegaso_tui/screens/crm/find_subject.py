"""Cerca Soggetto (mask 12): find a subject as you type, see whether it is a client, a
contact or an unregistered subject, and list all its requests. F5 registers an unregistered
subject as a contact or a client (a contact as a client); F9 writes a new request for it.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Header, Input, Static

from pegaso_tui.db.crm.requests import RequestRow
from pegaso_tui.db.crm.subjects import CLIENT, Subject
from pegaso_tui.screens.base import CONFIRM_KEYS, MaskScreen
from pegaso_tui.screens.crm.common import (
    CRM_CSS,
    REQUEST_ACTION_BINDINGS,
    RequestActions,
    crm_today,
    make_compact,
    request_columns,
    subject_columns,
)
from pegaso_tui.widgets.form_field import FormField
from pegaso_tui.widgets.key_footer import KeyFooter
from pegaso_tui.widgets.paged_table import PagedTable
from pegaso_tui.widgets.plain import plain
from pegaso_tui.widgets.search_field import SearchField


class FindSubjectScreen(RequestActions, MaskScreen):
    """Subjects above, the highlighted subject's requests below."""

    CSS_PATH = CRM_CSS
    MASK_TITLE = "Cerca Soggetto"
    BINDINGS = [
        Binding(CONFIRM_KEYS, "crm_view", "Vedi", id="confirm", show=False),
        Binding("f5,ctrl+e", "register", "Registra", id="crm_register",
                tooltip="Registra il soggetto come contatto o cliente"),
        *REQUEST_ACTION_BINDINGS,
    ]

    def __init__(self) -> None:
        super().__init__(id="crm-find-subject")
        self.subject: Subject | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(classes="crm-filters"):
            yield FormField("Soggetto:", SearchField(placeholder="nome, codice, cellulare, e-mail", id="find-input"),
                            label_width=11)
        yield PagedTable(subject_columns(), id="find-subjects", page_size=50, empty_text="Nessun soggetto trovato")
        yield Static("", id="find-summary", classes="crm-heading")
        yield PagedTable(request_columns(lambda: crm_today(self.app), status=True), id="find-requests",
                         empty_text="Nessuna richiesta")
        yield KeyFooter()

    def on_mount(self) -> None:
        super().on_mount()
        make_compact(self)
        search = self.query_one("#find-input", SearchField)
        search.listing = self.subjects.table  # Invio and ↓ go to the subjects, at once
        search.focus()
        self._search()

    @property
    def subjects(self) -> PagedTable:
        return self.query_one("#find-subjects", PagedTable)

    @property
    def requests(self) -> PagedTable:
        return self.query_one("#find-requests", PagedTable)

    def _search(self) -> None:
        from pegaso_tui.db.crm.subjects import search_subjects

        self.subjects.show(search_subjects(self.query_one("#find-input", Input).value))

    def on_input_changed(self, event: Input.Changed) -> None:
        self._search()

    def on_paged_table_highlighted(self, event: PagedTable.Highlighted) -> None:
        if event.table is self.subjects:
            self._show_subject(event.row)

    def on_paged_table_selected(self, event: PagedTable.Selected) -> None:
        if event.table is self.subjects:
            self.requests.table.focus()
        else:
            self.action_crm_view()

    def _show_subject(self, subject: Subject | None) -> None:
        from pegaso_tui.db.crm.requests import subject_requests_pager

        self.subject = subject
        summary = self.query_one("#find-summary", Static)
        if subject is None:
            summary.update("")
            self.requests.show(subject_requests_pager(None), count=False)
            return
        code = f" {subject.code}" if subject.code else ""
        hint = "" if subject.kind == CLIENT else " · F5 per registrarlo"
        summary.update(plain(f"{subject.name} — {subject.kind_label}{code}{hint}"))
        self.requests.show(subject_requests_pager(subject))

    def action_register(self) -> None:
        subject = self.subject
        if subject is None:
            self.app.bell()
            return
        if subject.kind == CLIENT:
            self.notify(f"{subject.name} è già un cliente ({subject.code})", severity="warning", markup=False)
            return
        from pegaso_tui.screens.crm.register import RegisterSubjectDialog

        def registered(new: Subject | None) -> None:
            if new is None:
                return
            code = f" con codice {new.code}" if new.code else ""
            self.notify(f"{new.name} registrato come {new.kind_label.lower()}{code}", markup=False)
            search = self.query_one("#find-input", Input)
            with search.prevent(Input.Changed):
                search.value = new.name
            self._search()

        self.app.push_screen(RegisterSubjectDialog(subject), registered)

    # -- RequestActions --------------------------------------------------------------------------------

    def current_request(self) -> RequestRow | None:
        return self.requests.current_row

    def requests_changed(self) -> None:
        self.subjects.reload()
        self.requests.reload()

    def new_request_subject(self) -> Subject | None:
        return self.subject
