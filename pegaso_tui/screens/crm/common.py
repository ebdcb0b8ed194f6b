"""What the CRM masks share: the day they work on, how a request looks in a list, and the
actions on the highlighted request (Varia, Elimina, Gestisci, Storico, Vedi Richiesta, SMS).

| action          | key  | alias  |
|-----------------|------|--------|
| Varia           | F2   | ctrl+o |
| Vedi Richiesta  | F3   | ctrl+r |
| Gestisci        | F4 (Enter on the row) | ctrl+t |
| Storico         | F6   | ctrl+y |
| Invia SMS       | F7   | ctrl+b |
| Elimina         | F8, Delete | ctrl+d |
| Nuova Richiesta | F9   | ctrl+n |

The aliases are the ctrl keys a text field does not use itself; every binding has an id
(``crm_edit``, ...) so that it can be remapped in the settings' ``[keys]``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.binding import Binding

from pegaso_tui.dates import format_date
from pegaso_tui.sms.phone import display_number
from pegaso_tui.widgets.paged_table import Column

if TYPE_CHECKING:
    from pegaso_tui.db.crm.requests import RequestRow

CRM_CSS = Path(__file__).parent.parent.parent / "styles" / "crm.tcss"

OVERDUE_STYLE = "bold red"


def crm_today(app: Any) -> date:
    """The day the CRM works on: the app's today (``AppServices.today``, which tests fix)."""
    return app.services.today()


def managed_message(row: "RequestRow", result: Any) -> str:
    """What "Gestisci" did, as the notification says it (``result``: the ActivityDialog's)."""
    if result.closed:
        return f"Richiesta di {row.subject_name} chiusa: {result.outcome_name}"
    if result.reopened:
        return f"Richiesta di {row.subject_name} riaperta: {result.outcome_name}"
    return f"Attività registrata per {row.subject_name}"


def outcome_text(name: str, colour: str) -> Text:
    """An outcome's name in its colour."""
    if not name:
        return Text("—", style="dim")
    return Text(f"● {name}", style=colour or "")


def recontact_text(row: "RequestRow", today: date) -> Text:
    """The recontact date, red with a mark when it has passed on an open request."""
    if row.recontact_date is None:
        return Text("")
    if row.is_overdue(today):
        return Text(f"{format_date(row.recontact_date)} !", style=OVERDUE_STYLE)
    if row.is_open and row.recontact_date == today:
        return Text(format_date(row.recontact_date), style="bold")
    return Text(format_date(row.recontact_date))


def subject_text(row: "RequestRow") -> str:
    code = f" ({row.client_code})" if row.client_code else ""
    return f"{row.subject_name}{code}"


def request_columns(today_of, *, status: bool = False, destinations: bool = False) -> list[Column]:
    """The columns of a list of requests (``today_of()`` gives the day for overdue marks)."""
    columns: list[Column] = [
        Column("Soggetto", subject_text, width=28),
        Column("Tipo", lambda r: r.type_label, width=10),
        Column("Data", lambda r: format_date(r.created_at), width=10),
        Column("Ricontatto", lambda r: recontact_text(r, today_of()), width=12),
        Column("Ultimo esito", lambda r: outcome_text(r.outcome_name, r.outcome_colour), width=20),
        Column("Operatore", lambda r: r.operator, width=10),
    ]
    if status:
        columns.insert(3, Column("Stato", lambda r: r.status_label, width=7))
    if destinations:
        columns.append(Column("Destinazioni", lambda r: r.destinations, width=20))
    columns.append(Column("Richiesta", lambda r: r.summary, width=40))
    return columns


def subject_columns() -> list[Column]:
    """The columns of a list of subjects (clients, contacts, unregistered)."""
    return [
        Column("Tipo", lambda s: s.kind_label, width=14),
        Column("Nominativo", lambda s: s.name, width=30),
        Column("Codice", lambda s: s.code, width=9),
        Column("Telefono", lambda s: s.phone, width=14),
        Column("Cellulare", lambda s: display_number(s.mobile), width=15),
        Column("E-mail", lambda s: s.email, width=24),
    ]


REQUEST_ACTION_BINDINGS = [
    Binding("f2,ctrl+o", "crm_edit", "Varia", id="crm_edit", tooltip="Modifica la richiesta"),
    Binding("f3,ctrl+r", "crm_view", "Vedi", id="crm_view", tooltip="Tutta la descrizione della richiesta"),
    Binding("f4,ctrl+t", "crm_manage", "Gestisci", id="crm_manage", tooltip="Aggiunge un'attività con il suo esito"),
    Binding("f6,ctrl+y", "crm_history", "Storico", id="crm_history", tooltip="Le attività della richiesta"),
    Binding("f7,ctrl+b", "crm_sms", "SMS", id="crm_sms", tooltip="Invia un SMS al soggetto della richiesta"),
    Binding("f8,delete,ctrl+d", "crm_delete", "Elimina", id="crm_delete", tooltip="Elimina la richiesta"),
    Binding("f9,ctrl+n", "crm_new", "Nuova", id="crm_new", tooltip="Nuova richiesta"),
]


class RequestActions:
    """The actions on the highlighted request; the screen says which one it is
    (``current_request``) and what to refresh after a change (``requests_changed``)."""

    def current_request(self) -> "RequestRow | None":
        raise NotImplementedError

    def requests_changed(self) -> None:
        """A request was changed, deleted or managed: show the lists again."""

    def new_request_subject(self):
        """The subject a new request (F9) starts with, if any."""
        return None

    # -- helpers ---------------------------------------------------------------------------------

    def _selected(self) -> "RequestRow | None":
        row = self.current_request()
        if row is None:
            self.app.bell()  # type: ignore[attr-defined]
            self.notify("Nessuna richiesta selezionata", severity="warning")  # type: ignore[attr-defined]
        return row

    # -- the actions ---------------------------------------------------------------------------------

    def action_crm_new(self) -> None:
        from pegaso_tui.screens.crm.request import RequestFormScreen

        self.app.push_screen(RequestFormScreen(subject=self.new_request_subject()), lambda _: self.requests_changed())  # type: ignore[attr-defined]

    def action_crm_edit(self) -> None:
        row = self._selected()
        if row is None:
            return
        from pegaso_tui.screens.crm.request import RequestFormScreen

        def edited(saved: Any) -> None:
            if saved is not None:
                self.notify(f"Richiesta di {saved.subject_name} modificata", markup=False)  # type: ignore[attr-defined]
                self.requests_changed()

        self.app.push_screen(RequestFormScreen(request_id=row.id), edited)  # type: ignore[attr-defined]

    def action_crm_view(self) -> None:
        row = self._selected()
        if row is not None:
            from pegaso_tui.screens.crm.view import RequestViewDialog

            self.app.push_screen(RequestViewDialog(row.id))  # type: ignore[attr-defined]

    def action_crm_manage(self) -> None:
        row = self._selected()
        if row is None:
            return
        from pegaso_tui.screens.crm.activity import ActivityDialog

        def managed(result: Any) -> None:
            if result is None:
                return
            self.notify(managed_message(row, result), markup=False)  # type: ignore[attr-defined]
            self.requests_changed()

        self.app.push_screen(ActivityDialog(row), managed)  # type: ignore[attr-defined]

    def action_crm_history(self) -> None:
        row = self._selected()
        if row is not None:
            from pegaso_tui.screens.crm.activity import ActivitiesDialog

            self.app.push_screen(ActivitiesDialog(row))  # type: ignore[attr-defined]

    def action_crm_sms(self) -> None:
        row = self._selected()
        if row is None:
            return
        from pegaso_tui.db.crm.requests import request_sms_draft

        def open_sms(draft: Any) -> None:
            if not draft.mobile:
                self.notify(f"{draft.name}: nessun cellulare, indicarlo nel messaggio", severity="warning", markup=False)  # type: ignore[attr-defined]
            self.app.open_single_sms(draft)  # type: ignore[attr-defined]

        self.run_db(request_sms_draft, row.id, done=open_sms, group="crm-sms")  # type: ignore[attr-defined]

    def action_crm_delete(self) -> None:
        row = self._selected()
        if row is None:
            return
        from pegaso_tui.db.crm.requests import delete_request
        from pegaso_tui.widgets.confirm import ConfirmDialog

        def deleted(_: Any) -> None:
            self.notify(f"Richiesta di {row.subject_name} eliminata", markup=False)  # type: ignore[attr-defined]
            self.requests_changed()

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_db(delete_request, row.id, done=deleted, group="crm-delete")  # type: ignore[attr-defined]

        question = (
            f"Eliminare la richiesta di {row.subject_name} del {format_date(row.created_at)}?\n"
            "Anche le sue attività saranno eliminate."
        )
        self.app.push_screen(ConfirmDialog(question, title="Elimina richiesta", yes="Elimina (F10)"), answered)  # type: ignore[attr-defined]


def make_compact(root: Any) -> None:
    """One line per field, as in the original masks (no borders round inputs)."""
    for widget in root.query("Input, Select, TextArea, Checkbox"):
        widget.compact = True


def show_field_error(fields: dict[str, Any], exc: BaseException) -> bool:
    """Show each CrmError of ``exc`` next to its field (a FormField) and focus the first;
    False when none is about a field of this form (the caller notifies it)."""
    from pegaso_tui.db.crm.errors import all_errors

    order = list(fields)  # the form's order: the cursor goes to the topmost bad field
    shown = sorted((error for error in all_errors(exc) if error.field in fields), key=lambda e: order.index(e.field))
    if not shown:
        return False
    for error in shown:
        fields[error.field].set_error(str(error))
    first = fields[shown[0].field]
    getattr(first.widget, "input", first.widget).focus()
    return True
