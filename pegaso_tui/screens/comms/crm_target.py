"""Comunicazione CRM a un target (seed 004): from the selection of an SMS mask, one CRM action
per client instead of an SMS.

``F4`` (alias ``ctrl+y``, binding id ``crm_target``) in SMS Pratiche, SMS Promozionali and
Buon Compleanno opens the dialog: Tipo comunicazione, Testo (the SMS text is proposed),
Operatori (several, comma separated: the clients are shared out in turn), Completare entro
and the Finalità (the mask's by default). ``F10`` creates the actions on the mask's current
selection (``db.crm.assignments``); they are open requests, in the operators' agendas.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Select, Static

from pegaso_tui.db.crm.requests import REQUEST_TYPE_LABELS
from pegaso_tui.db.models import PURPOSES
from pegaso_tui.screens.crm.common import CRM_CSS, make_compact
from pegaso_tui.screens.sms.mask import FieldErrors, SmsMaskScreen
from pegaso_tui.widgets.date_input import DateInput
from pegaso_tui.widgets.dialog import DialogScreen
from pegaso_tui.widgets.form_field import FormField

LABEL_WIDTH = 19
#: "Completare entro": a week from today unless changed.
DEFAULT_DUE_DAYS = 7


def _assign(select, filters, values: dict[str, Any]):
    from pegaso_tui.db.crm.assignments import assign_crm_actions

    return assign_crm_actions(select(filters), **values)


class CrmTargetDialog(DialogScreen[Any]):
    """The CRM action for every client of the mask's selection; dismisses with the result."""

    CSS_PATH = CRM_CSS

    def __init__(self, mask: "CrmTargetMaskScreen", filters: Any) -> None:
        super().__init__(id="crm-target", classes="crm-dialog")
        self.mask = mask
        self.filters = filters

    def compose(self) -> ComposeResult:
        today = self.app.services.today()
        with Vertical():
            yield Static(f"Azione CRM ai clienti di «{self.mask.MASK_TITLE}»", classes="dialog-title")
            yield FormField("Tipo:", Select([(label, key) for key, label in REQUEST_TYPE_LABELS.items()],
                                            value="call", allow_blank=False, id="target-type"),
                            label_width=LABEL_WIDTH, id="field-request_type")
            yield FormField("Testo:", Input(self.mask.editor.text, id="target-text"),
                            label_width=LABEL_WIDTH, id="field-text")
            yield FormField("Operatori:", Input(self.app.services.operator_username, id="target-operators",
                                                placeholder="mario, lucia (a turno)"),
                            label_width=LABEL_WIDTH, id="field-operators")
            yield FormField("Completare entro:", DateInput(today + timedelta(days=DEFAULT_DUE_DAYS), id="target-due"),
                            label_width=LABEL_WIDTH, id="field-due")
            yield FormField("Finalità:", Select([(p, p) for p in PURPOSES], value=self.mask.CRM_PURPOSE,
                                                allow_blank=False, id="target-purpose"),
                            label_width=LABEL_WIDTH, id="field-purpose")
            yield Static("", id="target-error")
            yield Static("F10 crea le azioni · Esc annulla", classes="dialog-keys")

    def on_mount(self) -> None:
        make_compact(self)
        self.query_one("#target-text", Input).focus()

    def action_confirm(self) -> None:
        for field in self.query(FormField):
            field.set_error(None)
        due_input = self.query_one("#target-due", DateInput)
        if due_input.error:
            self.query_one("#field-due", FormField).set_error(due_input.error)
            return
        values = dict(
            request_type=str(self.query_one("#target-type", Select).value),
            text=self.query_one("#target-text", Input).value,
            operators=[n for n in self.query_one("#target-operators", Input).value.replace(";", ",").split(",")],
            due=due_input.date,
            purpose=str(self.query_one("#target-purpose", Select).value),
            created_by=self.app.services.operator_username,
            today=self.app.services.today(),
        )
        self.run_db(_assign, self.mask.select, self.filters, values, done=self.dismiss,
                    failed=self._failed, group="crm-target")

    def _failed(self, exc: BaseException) -> None:
        from pegaso_tui.db.crm.errors import CrmError

        field = getattr(exc, "field", None)
        if isinstance(exc, CrmError) and field and self.query(f"#field-{field}"):
            self.query_one(f"#field-{field}", FormField).set_error(str(exc))
        elif isinstance(exc, CrmError):
            self.query_one("#target-error", Static).update(str(exc))
        else:
            self.notify_error(exc)

    def action_cancel(self) -> None:
        self.dismiss(None)


class CrmTargetMaskScreen(SmsMaskScreen):
    """An SMS mask whose selection can be given CRM actions instead of an SMS (F4)."""

    BINDINGS = [
        Binding("f4,ctrl+y", "crm_target", "Azioni CRM", id="crm_target", priority=True,
                tooltip="Un'azione CRM per ogni cliente selezionato, invece dell'SMS"),
    ]

    #: the purpose proposed for the actions: the mask's own
    CRM_PURPOSE = "servizio"

    def action_crm_target(self) -> None:
        self.clear_errors()
        try:
            filters = self.read_filters()
        except FieldErrors as exc:
            self.show_errors(exc.errors)
            return

        def created(result) -> None:
            if result is not None:
                shares = ", ".join(f"{name} {count}" for name, count in result.by_operator.items())
                self.notify(f"{result.created} azioni CRM create ({shares})", title="Azioni CRM",
                            markup=False)

        self.app.push_screen(CrmTargetDialog(self, filters), created)
