"""Registro invii (mask 19): every communication, who made it, when, its purpose, how many.

The privacy law asks the agency to account for what it sends and why ("Finalità di invio",
seed 004). One row per SMS campaign and per batch of CRM actions, in a date range (the last
30 days by default); F10 (or any change of a date) reads it again.
"""

from __future__ import annotations

from datetime import timedelta

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Header, Input, Static

from pegaso_tui.dates import format_date, format_time
from pegaso_tui.db.audit import AuditEntry
from pegaso_tui.db.paging import ListPager
from pegaso_tui.numbers import thousands
from pegaso_tui.screens.base import MaskScreen
from pegaso_tui.screens.crm.common import CRM_CSS, make_compact
from pegaso_tui.widgets.date_input import DateInput
from pegaso_tui.widgets.form_field import FormField
from pegaso_tui.widgets.key_footer import KeyFooter
from pegaso_tui.widgets.paged_table import Column, PagedTable

DEFAULT_DAYS = 30

AUDIT_COLUMNS: list[Column[AuditEntry]] = [
    Column("Data", lambda e: format_date(e.at), width=10),
    Column("Ora", lambda e: format_time(e.at), width=8),
    Column("Operatore", lambda e: e.operator, width=12),
    Column("Comunicazione", lambda e: e.kind_label, width=24),
    Column("Finalità", lambda e: e.purpose, width=9),
    Column("Destinatari", lambda e: thousands(e.count), width=11),
    Column("Testo", lambda e: e.text.replace("\n", " "), width=40),
]


class AuditLogScreen(MaskScreen):
    """Registro invii: the communications of a period, oldest first."""

    CSS_PATH = CRM_CSS
    MASK_TITLE = "Registro invii"

    def __init__(self) -> None:
        super().__init__(id="audit-log")

    def compose(self) -> ComposeResult:
        today = self.app.services.today()
        yield Header()
        yield Static("Chi ha inviato quale comunicazione, quando, con quale finalità e a quanti "
                     "destinatari.", classes="crm-heading")
        with Horizontal(classes="crm-filters"):
            yield FormField("Dal:", DateInput(today - timedelta(days=DEFAULT_DAYS), id="audit-from"),
                            label_width=5, id="field-audit-from")
            yield FormField("Al:", DateInput(today, id="audit-to"), label_width=4, id="field-audit-to")
        yield PagedTable(AUDIT_COLUMNS, id="audit", empty_text="Nessuna comunicazione nel periodo")
        yield KeyFooter()

    def on_mount(self) -> None:
        super().on_mount()
        make_compact(self)
        self.action_confirm()
        self.query_one("#audit-from", DateInput).focus()

    @property
    def table(self) -> PagedTable:
        return self.query_one("#audit", PagedTable)

    def action_confirm(self, show_errors: bool = True) -> None:
        """Read the Registro of the period typed."""
        from pegaso_tui.db.audit import audit_entries

        dates = []
        for widget_id in ("audit-from", "audit-to"):
            date_input = self.query_one(f"#{widget_id}", DateInput)
            field = self.query_one(f"#field-{widget_id}", FormField)
            if date_input.error:
                if show_errors:
                    field.set_error(date_input.error)
                return
            field.set_error(None)
            dates.append(date_input.date)
        self.run_db(audit_entries, *dates, done=lambda entries: self.table.show(ListPager(entries)),
                    group="audit-read")

    def on_input_changed(self, event: Input.Changed) -> None:
        self.action_confirm(show_errors=False)
