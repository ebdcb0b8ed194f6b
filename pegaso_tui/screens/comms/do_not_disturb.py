"""Non disturbare (mask 18): the numbers and clients that objected to marketing.

An alphanumeric sender is one-way: an objection arrives by phone, e-mail or at the desk, and
the operator records it here with its reason and how it came (F9). The search filters by
number, client code or name as you type; F8 lifts the highlighted objection (asked first).
A number on the list never gets a marketing or auguri SMS; service SMS still go.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, Input, Select, Static

from pegaso_tui.dates import format_date
from pegaso_tui.db.optouts import VIA_LABELS, OptOutRow
from pegaso_tui.screens.base import MaskScreen
from pegaso_tui.screens.crm.common import CRM_CSS, make_compact
from pegaso_tui.sms.phone import display_number
from pegaso_tui.widgets.dialog import DialogScreen
from pegaso_tui.widgets.form_field import FormField
from pegaso_tui.widgets.key_footer import KeyFooter
from pegaso_tui.widgets.paged_table import Column, PagedTable

LABEL_WIDTH = 14

OPT_OUT_COLUMNS: list[Column[OptOutRow]] = [
    Column("Data", lambda r: format_date(r.at), width=10),
    Column("Cellulare", lambda r: display_number(r.mobile) if r.mobile else "", width=15),
    Column("Cliente", lambda r: r.client or "", width=8),
    Column("Ragione Sociale", lambda r: r.name, width=24),
    Column("Come", lambda r: VIA_LABELS.get(r.via, r.via), width=10),
    Column("Motivo", lambda r: r.reason.replace("\n", " "), width=30),
]


def _record(number: str, reason: str, via: str, operator: str,
            client_id: int | None = None) -> tuple[OptOutRow, bool]:
    from pegaso_tui.db.operators import current_operator
    from pegaso_tui.db.optouts import add_client_opt_out, add_opt_out

    staff = current_operator(operator)
    if client_id is not None:
        return add_client_opt_out(client_id, reason=reason, via=via, operator=staff)
    return add_opt_out(number, reason=reason, via=via, operator=staff)


class OptOutDialog(DialogScreen[OptOutRow]):
    """A new objection: the number (or the client of the form it was opened from), how it
    came and why. F10 records it."""

    CSS_PATH = CRM_CSS

    def __init__(self, client_id: int | None = None, client_name: str = "") -> None:
        super().__init__(id="optout-new", classes="crm-dialog")
        self.client_id = client_id
        self.client_name = client_name

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Nuova opposizione al marketing", classes="dialog-title")
            if self.client_id is None:
                yield FormField("Cellulare:", Input(id="optout-number", placeholder="349 999 9999"),
                                label_width=LABEL_WIDTH, id="field-number")
            else:
                yield FormField("Cliente:", Static(self.client_name, id="optout-client"),
                                label_width=LABEL_WIDTH, id="field-number")
            yield FormField("Arrivata per:", Select([(label, key) for key, label in VIA_LABELS.items()],
                                                    value="phone", allow_blank=False, id="optout-via"),
                            label_width=LABEL_WIDTH, id="field-via")
            yield FormField("Motivo:", Input(id="optout-reason"), label_width=LABEL_WIDTH, id="field-reason")
            yield Static("F10 registra · Esc annulla", classes="dialog-keys")

    def on_mount(self) -> None:
        make_compact(self)
        self.query_one("#optout-number" if self.client_id is None else "#optout-via").focus()

    def action_confirm(self) -> None:
        self.query_one("#field-number", FormField).set_error(None)
        number = "" if self.client_id is not None else self.query_one("#optout-number", Input).value
        self.run_db(
            _record,
            number,
            self.query_one("#optout-reason", Input).value,
            str(self.query_one("#optout-via", Select).value),
            self.app.services.operator_username,
            self.client_id,
            done=lambda result: self.dismiss(result[0]),
            failed=self._failed,
            group="optout-save",
        )

    def _failed(self, exc: BaseException) -> None:
        from pegaso_tui.db.optouts import OptOutError

        if isinstance(exc, OptOutError):
            self.query_one("#field-number", FormField).set_error(str(exc))
        else:
            self.notify_error(exc)

    def action_cancel(self) -> None:
        self.dismiss(None)


class DoNotDisturbScreen(MaskScreen):
    """Non disturbare: the opt-out list, newest first."""

    CSS_PATH = CRM_CSS
    MASK_TITLE = "Non disturbare"
    BINDINGS = [
        Binding("f9,ctrl+n", "new", "Nuova", id="optout_new"),
        Binding("f8,delete,ctrl+d", "delete", "Elimina", id="optout_delete"),
    ]

    def __init__(self) -> None:
        super().__init__(id="do-not-disturb")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Chi si è opposto al marketing non riceve SMS promozionali né di auguri; "
                     "gli SMS di servizio continuano.", classes="crm-heading")
        with Horizontal(classes="crm-filters"):
            yield FormField("Cerca:", Input(id="optout-search", placeholder="cellulare, codice o nome"),
                            label_width=7)
        yield PagedTable(OPT_OUT_COLUMNS, id="optouts", empty_text="Nessuna opposizione: F9 per registrarne una")
        yield KeyFooter()

    def on_mount(self) -> None:
        super().on_mount()
        make_compact(self)
        self.refresh_list()
        self.query_one("#optout-search", Input).focus()

    @property
    def table(self) -> PagedTable:
        return self.query_one("#optouts", PagedTable)

    def refresh_list(self) -> None:
        from pegaso_tui.db.optouts import opt_out_pager

        self.table.show(opt_out_pager(self.query_one("#optout-search", Input).value))

    def on_input_changed(self, event: Input.Changed) -> None:
        self.refresh_list()

    def action_confirm(self) -> None:
        self.refresh_list()

    def _recorded(self, row: OptOutRow | None) -> None:
        if row is not None:
            self.notify(f"{display_number(row.mobile)} nella lista Non disturbare", markup=False)
            self.refresh_list()

    def action_new(self) -> None:
        self.app.push_screen(OptOutDialog(), self._recorded)

    def action_delete(self) -> None:
        row: OptOutRow | None = self.table.current_row
        if row is None:
            self.app.bell()
            return
        from pegaso_tui.db.optouts import remove_opt_out_row
        from pegaso_tui.widgets.confirm import ConfirmDialog

        shown = display_number(row.mobile) if row.mobile else f"{row.client} {row.name}"

        def removed(_: Any) -> None:
            self.notify(f"{shown} tolto dalla lista Non disturbare", markup=False)
            self.refresh_list()

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_db(remove_opt_out_row, row.id, done=removed, group="optout-delete")

        self.app.push_screen(ConfirmDialog(f"Togliere {shown} dalla lista Non disturbare? "
                                           "Riceverà di nuovo SMS promozionali.",
                                           title="Elimina opposizione", yes="Togli (F10)"), answered)
