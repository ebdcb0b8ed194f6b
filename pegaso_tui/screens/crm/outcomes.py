"""Esiti CRM (mask 14, seed 004 "Stati/Esiti"): the outcomes of the activities, with name,
colour, group (da iniziare, in corso, positivo, negativo), obsolete and default.

F9 adds an outcome, Enter (or F2) changes the highlighted one, F8 deletes it (asked first;
an outcome in use is refused: make it obsolete).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Header, Input, Select, Static

from pegaso_tui.db.crm.outcomes import COLOURS, GROUP_LABELS, OutcomeInput, group_label
from pegaso_tui.db.models import Outcome
from pegaso_tui.screens.base import CONFIRM_KEYS, MaskScreen
from pegaso_tui.screens.crm.common import CRM_CSS, make_compact, show_field_error
from pegaso_tui.screens.unsaved import GuardUnsaved
from pegaso_tui.widgets.dialog import DialogScreen
from pegaso_tui.widgets.form_field import FormField
from pegaso_tui.widgets.key_footer import KeyFooter
from pegaso_tui.widgets.paged_table import Column, PagedTable
from pegaso_tui.widgets.toggles import Checkbox

LABEL_WIDTH = 14
COLOUR_NAMES = {hex_: name for name, hex_ in COLOURS.items()}


def colour_name(colour: str) -> str:
    return COLOUR_NAMES.get(colour, colour)


OUTCOME_COLUMNS: list[Column[Outcome]] = [
    Column("Nome", lambda o: Text(f"● {o.name}", style=o.colour or ""), width=26),
    Column("Gruppo", lambda o: group_label(o.group), width=12),
    Column("Colore", lambda o: colour_name(o.colour), width=10),
    Column("Obsoleto", lambda o: "sì" if o.obsolete else "", width=9),
    Column("Predefinito", lambda o: "sì" if o.is_default else "", width=11),
    Column("Descrizione", lambda o: o.description, width=40),
]


class OutcomeDialog(GuardUnsaved, DialogScreen[Outcome]):
    """A new outcome, or one to change; F10 saves, dismissing with the saved outcome."""

    CSS_PATH = CRM_CSS

    def __init__(self, outcome: Outcome | None = None) -> None:
        super().__init__(id="crm-outcome", classes="crm-dialog")
        self.outcome = outcome

    def compose(self) -> ComposeResult:
        outcome = self.outcome
        colours = [(name, hex_) for name, hex_ in COLOURS.items()]
        colour = outcome.colour if outcome and outcome.colour else COLOURS["Grigio"]
        if colour not in COLOUR_NAMES:
            colours.append((colour, colour))
        with Vertical():
            yield Static("Varia esito" if outcome else "Nuovo esito", classes="dialog-title")
            yield FormField("Nome:", Input(outcome.name if outcome else "", id="outcome-name", max_length=100),
                            label_width=LABEL_WIDTH, id="field-name")
            yield FormField("Colore:", Select(colours, value=colour, allow_blank=False, id="outcome-colour"),
                            label_width=LABEL_WIDTH, id="field-colour")
            yield FormField("Gruppo:", Select([(label, group) for group, label in GROUP_LABELS.items()],
                                              value=outcome.group if outcome else "in_progress", allow_blank=False,
                                              id="outcome-group"), label_width=LABEL_WIDTH, id="field-group")
            yield FormField("", Checkbox("Obsoleto (non più proposto)", bool(outcome and outcome.obsolete), id="outcome-obsolete"),
                            label_width=LABEL_WIDTH, id="field-obsolete")
            yield FormField("", Checkbox("Predefinito", bool(outcome and outcome.is_default), id="outcome-default"),
                            label_width=LABEL_WIDTH, id="field-is-default")
            yield FormField("Descrizione:", Input(outcome.description if outcome else "", id="outcome-description"),
                            label_width=LABEL_WIDTH, id="field-description")
            yield Static("Positivo e negativo chiudono la richiesta.  F10 salva · Esc annulla", classes="dialog-keys")

    def on_mount(self) -> None:
        make_compact(self)
        self.query_one("#outcome-name", Input).focus()
        self.mark_saved()

    def form_state(self) -> Any:
        return tuple(getattr(w, "value", None) for w in self.query("Input, Select, Checkbox"))

    def action_confirm(self) -> None:
        from pegaso_tui.db.crm.outcomes import save_outcome

        for field in self.query(FormField):
            field.set_error(None)
        data = OutcomeInput(
            name=self.query_one("#outcome-name", Input).value,
            group=str(self.query_one("#outcome-group", Select).value),
            colour=str(self.query_one("#outcome-colour", Select).value),
            obsolete=self.query_one("#outcome-obsolete", Checkbox).value,
            is_default=self.query_one("#outcome-default", Checkbox).value,
            description=self.query_one("#outcome-description", Input).value,
        )
        outcome_id = self.outcome.id if self.outcome else None
        self.run_db(save_outcome, data, outcome_id, done=self._saved, failed=self._failed, group="crm-outcome-save")

    def _saved(self, outcome: Outcome) -> None:
        self.mark_saved()
        self.dismiss(outcome)

    def _failed(self, exc: BaseException) -> None:
        fields = {key: self.query_one(f"#field-{key.replace('_', '-')}", FormField)
                  for key in ("name", "colour", "group", "obsolete", "is_default")}
        if not show_field_error(fields, exc):
            self.notify_error(exc)

    def action_cancel(self) -> None:
        self.leave_guarded(lambda: self.dismiss(None))


class OutcomesScreen(MaskScreen):
    """The outcomes, by name."""

    CSS_PATH = CRM_CSS
    MASK_TITLE = "Esiti CRM"
    BINDINGS = [
        Binding(CONFIRM_KEYS, "edit", "Varia", id="confirm", show=False),
        Binding("f9,ctrl+n", "new", "Nuovo", id="crm_new"),
        Binding("f2,ctrl+o", "edit", "Varia", id="crm_edit"),
        Binding("f8,delete,ctrl+d", "delete", "Elimina", id="crm_delete"),
    ]

    def __init__(self) -> None:
        super().__init__(id="crm-outcomes")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Gli esiti positivi e negativi chiudono la richiesta; il predefinito è proposto "
                     "per le nuove richieste e attività.", classes="crm-heading")
        yield PagedTable(OUTCOME_COLUMNS, id="outcomes", empty_text="Nessun esito: F9 per aggiungerne uno")
        yield KeyFooter()

    def on_mount(self) -> None:
        super().on_mount()
        from pegaso_tui.db.crm.outcomes import outcomes_pager

        self.table.show(outcomes_pager())
        self.table.table.focus()

    @property
    def table(self) -> PagedTable:
        return self.query_one("#outcomes", PagedTable)

    def _changed(self, outcome: Outcome | None) -> None:
        if outcome is not None:
            self.notify(f"Esito '{outcome.name}' salvato", markup=False)
            self.table.reload()

    def action_new(self) -> None:
        self.app.push_screen(OutcomeDialog(), self._changed)

    def action_edit(self) -> None:
        outcome = self.table.current_row
        if outcome is None:
            self.app.bell()
            return
        self.app.push_screen(OutcomeDialog(outcome), self._changed)

    def on_paged_table_selected(self, event: PagedTable.Selected) -> None:
        self.action_edit()

    def action_delete(self) -> None:
        outcome = self.table.current_row
        if outcome is None:
            self.app.bell()
            return
        from pegaso_tui.db.crm.outcomes import delete_outcome, why_outcome_cannot_be_deleted
        from pegaso_tui.widgets.confirm import ConfirmDialog

        def deleted(_: Any) -> None:
            self.notify(f"Esito '{outcome.name}' eliminato", markup=False)
            self.table.reload()

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_db(delete_outcome, outcome.id, done=deleted, group="crm-outcome-delete")

        def checked(problem: str | None) -> None:
            if problem:  # said at once, instead of after a question whose answer is no use
                self.notify(problem, title="Elimina esito", severity="error", markup=False)
                return
            self.app.push_screen(ConfirmDialog(f"Eliminare l'esito '{outcome.name}'?", title="Elimina esito",
                                               yes="Elimina (F10)"), answered)

        self.run_db(why_outcome_cannot_be_deleted, outcome.id, done=checked, group="crm-outcome-delete")
