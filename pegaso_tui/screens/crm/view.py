"""Vedi Richiesta: the whole request, its full description included."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static, TextArea

from pegaso_tui.dates import format_date
from pegaso_tui.db.crm.requests import RequestDetail
from pegaso_tui.screens.crm.common import CRM_CSS, make_compact, outcome_text
from pegaso_tui.sms.phone import display_number
from pegaso_tui.widgets.dialog import DialogScreen


def describe(detail: RequestDetail) -> Text:
    """The request's fields, one per line, as the dialog shows them."""
    subject = detail.subject
    code = f" {subject.code}" if subject.code else ""
    status = "Aperta" if detail.is_open else f"Chiusa il {format_date(detail.closed_at)}"
    lines = [
        ("Soggetto", f"{subject.name} — {subject.kind_label}{code}"),
        ("Telefono", detail.phone),
        ("Cellulare", display_number(detail.mobile)),
        ("E-mail", detail.email),
        ("Tipo richiesta", detail.type_label),
        ("Destinazioni", detail.destinations),
        ("Data", format_date(detail.created_at)),
        ("Ricontattare il", format_date(detail.recontact_date)),
        ("Operatore", detail.operator),
        ("Stato", status),
        ("Attività", str(detail.activity_count)),
    ]
    text = Text()
    for label, value in lines:
        text.append(f"{label:>16}: ", style="bold")
        text.append(f"{value}\n")
    text.append(f"{'Ultimo esito':>16}: ", style="bold")
    text.append_text(outcome_text(detail.outcome_name, detail.outcome_colour))
    return text


class RequestViewDialog(DialogScreen[None]):
    """The request read in a worker and shown whole; Esc or F10 closes."""

    CSS_PATH = CRM_CSS

    def __init__(self, request_id: int) -> None:
        super().__init__(id="crm-view", classes="crm-dialog")
        self.request_id = request_id

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Vedi Richiesta", classes="dialog-title")
            yield Static("caricamento…", id="view-fields")
            yield TextArea("", id="view-description", read_only=True, soft_wrap=True)
            yield Static("Esc chiude", classes="dialog-keys")

    def on_mount(self) -> None:
        from pegaso_tui.db.crm.requests import get_request

        make_compact(self)
        self.run_db(get_request, self.request_id, done=self._show, failed=self._failed, group="crm-view")

    def _show(self, detail: RequestDetail) -> None:
        self.query_one("#view-fields", Static).update(describe(detail))
        area = self.query_one("#view-description", TextArea)
        area.text = detail.description
        area.focus()  # arrows scroll a long description

    def _failed(self, exc: BaseException) -> None:
        self.notify_error(exc)
        self.dismiss(None)

    def action_confirm(self) -> None:
        self.dismiss(None)
