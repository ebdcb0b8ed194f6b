"""Gestisci (an activity on a request, with its outcome) and Storico (its activities).

An outcome of the positive or negative group closes the request; the next recontact is the
day it comes back in the agenda.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Select, Static, TextArea

from pegaso_tui.dates import format_date
from pegaso_tui.db.crm.requests import ActivityInput, ActivityResult, RequestRow
from pegaso_tui.screens.crm.common import CRM_CSS, crm_today, make_compact, outcome_text, show_field_error
from pegaso_tui.screens.unsaved import GuardUnsaved
from pegaso_tui.widgets.date_input import DateInput
from pegaso_tui.widgets.dialog import DialogScreen
from pegaso_tui.widgets.form_field import FormField
from pegaso_tui.widgets.paged_table import Column, PagedTable
from pegaso_tui.widgets.plain import plain, plain_text

LABEL_WIDTH = 22


def request_heading(row: RequestRow) -> str:
    """``ROSSI MARIO (0000280) · Telefonata del 10-03-2026``"""
    code = f" ({row.client_code})" if row.client_code else ""
    return f"{row.subject_name}{code} · {row.type_label} del {format_date(row.created_at)}"


def _outcomes_and_proposed(request_id: int):
    from pegaso_tui.db.crm.outcomes import group_label, list_outcomes
    from pegaso_tui.db.crm.requests import proposed_outcome_id

    options = [(f"{o.name} ({group_label(o.group).lower()})", o.id) for o in list_outcomes()]
    return options, proposed_outcome_id(request_id)


class ActivityDialog(GuardUnsaved, DialogScreen[ActivityResult]):
    """Gestisci: date, description, outcome and next recontact; F10 saves."""

    CSS_PATH = CRM_CSS

    def __init__(self, request: RequestRow) -> None:
        super().__init__(id="crm-activity", classes="crm-dialog")
        self.request = request

    def compose(self) -> ComposeResult:
        today = crm_today(self.app)
        with Vertical():
            yield Static(plain(f"Gestisci — {request_heading(self.request)}"), classes="dialog-title")
            yield Static(plain(self.request.summary), classes="dialog-note")
            yield FormField("Data:", DateInput(today, required=True, id="activity-date"), label_width=LABEL_WIDTH, id="field-activity-date")
            yield FormField("Descrizione:", TextArea(id="activity-description", soft_wrap=True), label_width=LABEL_WIDTH, id="field-activity-description")
            yield FormField("Esito:", Select([], prompt="caricamento…", id="activity-outcome"), label_width=LABEL_WIDTH, id="field-activity-outcome")
            yield FormField("Prossimo ricontatto:", DateInput(id="activity-next"), label_width=LABEL_WIDTH, id="field-activity-next")
            yield Static("Un esito positivo o negativo chiude la richiesta.  F10 salva · Esc annulla", classes="dialog-keys")

    def on_mount(self) -> None:
        make_compact(self)
        self.query_one("#activity-description", TextArea).focus()
        self.mark_saved()
        self.run_db(_outcomes_and_proposed, self.request.id, done=self._outcomes_loaded, group="crm-outcomes")

    def _outcomes_loaded(self, loaded) -> None:
        options, default_id = loaded
        select = self.query_one("#activity-outcome", Select)
        was_saved = not self.has_unsaved_changes()
        # the blank line of the list is "no outcome" (a note only), not "loading" any more
        select.prompt = "nessun esito (solo una nota)"
        select.set_options([(plain_text(label), value) for label, value in options])
        if default_id is not None and any(v == default_id for _, v in options):
            select.value = default_id
        if was_saved:
            self.mark_saved()

    def form_state(self) -> Any:
        return (
            self.query_one("#activity-date", DateInput).value.strip(),
            self.query_one("#activity-description", TextArea).text.strip(),
            self.query_one("#activity-outcome", Select).value,
            self.query_one("#activity-next", DateInput).value.strip(),
        )

    def _fields(self) -> dict[str, FormField]:
        return {
            "activity_date": self.query_one("#field-activity-date", FormField),
            "description": self.query_one("#field-activity-description", FormField),
            "outcome": self.query_one("#field-activity-outcome", FormField),
            "next_recontact": self.query_one("#field-activity-next", FormField),
        }

    def action_confirm(self) -> None:
        fields = self._fields()
        for field in fields.values():
            field.set_error(None)
        for key, widget_id in (("activity_date", "#activity-date"), ("next_recontact", "#activity-next")):
            error = self.query_one(widget_id, DateInput).error
            if error:
                fields[key].set_error(error)
                self.query_one(widget_id, DateInput).focus()
                return
        outcome = self.query_one("#activity-outcome", Select).value
        data = ActivityInput(
            request_id=self.request.id,
            activity_date=self.query_one("#activity-date", DateInput).date,
            description=self.query_one("#activity-description", TextArea).text,
            # Select.NULL is "no outcome" (the Select may be cleared): the activity is only a note
            outcome_id=None if outcome is Select.NULL else int(outcome),  # type: ignore[arg-type]
            next_recontact=self.query_one("#activity-next", DateInput).date,
        )
        from pegaso_tui.db.crm.requests import add_activity

        self.run_db(add_activity, data, self.app.services.operator_username, crm_today(self.app),
                    done=self._saved, failed=self._failed, group="crm-activity-save")

    def _saved(self, result: ActivityResult) -> None:
        self.mark_saved()
        self.dismiss(result)

    def _failed(self, exc: BaseException) -> None:
        if not show_field_error(self._fields(), exc):
            self.notify_error(exc)

    def action_cancel(self) -> None:
        self.leave_guarded(lambda: self.dismiss(None))


ACTIVITY_COLUMNS = [
    Column("Data", lambda a: format_date(a.activity_date), width=10),
    Column("Descrizione", lambda a: a.description.replace("\n", " "), width=40),
    Column("Esito", lambda a: outcome_text(a.outcome_name, a.outcome_colour), width=20),
    Column("Ricontatto", lambda a: format_date(a.next_recontact), width=10),
    Column("Operatore", lambda a: a.operator, width=10),
]


class ActivitiesDialog(DialogScreen[None]):
    """Storico: the activities of a request with their outcomes; Esc or F10 closes."""

    CSS_PATH = CRM_CSS

    def __init__(self, request: RequestRow) -> None:
        super().__init__(id="crm-activities", classes="crm-dialog")
        self.request = request

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(f"Storico attività — {request_heading(self.request)}"), classes="dialog-title")
            yield Static(plain(self.request.summary), classes="dialog-note")
            yield PagedTable(ACTIVITY_COLUMNS, page_size=50, id="activities", classes="dialog-table",
                             empty_text="Nessuna attività: Gestisci (F4) per aggiungerne una")
            yield Static("Esc chiude", classes="dialog-keys")

    def on_mount(self) -> None:
        from pegaso_tui.db.crm.requests import activities_pager

        table = self.query_one(PagedTable)
        table.show(activities_pager(self.request.id))
        table.table.focus()

    def action_confirm(self) -> None:
        self.dismiss(None)
