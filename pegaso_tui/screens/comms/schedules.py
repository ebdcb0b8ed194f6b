"""Comunicazioni programmate (mask 17, seed 004 "Comunicazioni automatiche" and "Modifica
Comunicazioni automatiche"): SMS sent by the senders to what a saved search selects, every
day (Ricorrente) or once (Singolo), at a time of day (Europe/Rome) — or, with "Genera: Azioni
CRM", one CRM action per client instead of an SMS (issue 15, item 7).

F3 new, Enter/F4 change, F5 pause or resume, F6 Storico Invii, F8 delete (one that already
ran is made obsolete instead: it never runs again and keeps its history).
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Header, Input, RadioSet, Select, Static

from pegaso_tui.dates import DateError, format_date
from pegaso_tui.db.schedules import RUN_LABELS, RunRow, ScheduleRow
from pegaso_tui.screens.base import CONFIRM_KEYS, MaskScreen
from pegaso_tui.screens.comms import COMMS_CSS
from pegaso_tui.widgets.date_input import DateInput
from pegaso_tui.widgets.dialog import DialogScreen
from pegaso_tui.widgets.fitted_input import FittedInput
from pegaso_tui.widgets.form_field import FormField
from pegaso_tui.widgets.key_footer import KeyFooter
from pegaso_tui.widgets.paged_table import Column, PagedTable
from pegaso_tui.widgets.plain import plain
from pegaso_tui.widgets.sms_editor import SmsEditor
from pegaso_tui.widgets.toggles import Checkbox, RadioButton

LABEL_WIDTH = 16
PURPOSE_LABELS = {"servizio": "Servizio", "marketing": "Marketing", "auguri": "Auguri"}
NO_TEMPLATE = "(testo)"
#: What a schedule makes at each run, as the mask names it.
KIND_LABELS = {"sms": "SMS", "crm": "Azioni CRM"}
#: The CRM action types (seed 002), as the requests mask names them.
CRM_TYPE_LABELS = {"call": "Telefonata", "meeting": "Incontro", "email": "e-mail", "other": "Altro"}

SCHEDULE_COLUMNS: list[Column[ScheduleRow]] = [
    Column("Nome", lambda r: r.name, width=24),
    Column("Genera", lambda r: KIND_LABELS.get(r.kind, r.kind), width=10),
    Column("Stato", lambda r: r.state, width=9),
    Column("Tipo", lambda r: "Singolo" if r.once else "Ricorrente", width=10),
    Column("Ora", lambda r: r.at, width=5),
    Column("Dal", lambda r: format_date(r.start), width=10),
    Column("Al", lambda r: format_date(r.end), width=10),
    Column("Ricerca", lambda r: r.search, width=20),
    Column("Finalità", lambda r: PURPOSE_LABELS.get(r.purpose, r.purpose), width=9),
    Column("Referente", lambda r: r.operator, width=10),
    Column("Ultimo invio", lambda r: r.last_run, width=22),
]

RUN_COLUMNS: list[Column[RunRow]] = [
    Column("Giorno", lambda r: format_date(r.day), width=10),
    Column("Esito", lambda r: RUN_LABELS.get(r.status, r.status), width=12),
    Column("Eseguito", lambda r: r.ran_at.strftime("%d-%m-%Y %H:%M") if r.ran_at and r.status != "missed" else "", width=16),
    Column("Accodati", lambda r: str(r.queued), width=8),
    Column("Consegnati", lambda r: str(r.delivered), width=10),
    Column("Azioni CRM", lambda r: "" if r.crm_actions is None else str(r.crm_actions), width=10),
    Column("Note", lambda r: r.error or "", width=50),
]

RECIPIENT_COLUMNS: list[Column[Any]] = [
    Column("Cliente", lambda m: m.client_code, width=8),
    Column("Nominativo", lambda m: m.recipient_name, width=28),
    Column("Cellulare", lambda m: m.phone, width=15),
    Column("Stato", lambda m: _status_label(m.status), width=14),
    Column("Errore", lambda m: m.last_error or "", width=40),
]


ACTION_COLUMNS: list[Column[Any]] = [
    Column("Soggetto", lambda a: a.subject, width=24),
    Column("Cellulare", lambda a: a.mobile, width=15),
    Column("Operatore", lambda a: a.operator, width=12),
    Column("Entro", lambda a: format_date(a.due), width=10),
    Column("Stato", lambda a: "aperta" if a.is_open else "chiusa", width=7),
]


def _status_label(status: str) -> str:
    from pegaso_tui.db.messages import STATUS_LABELS

    return STATUS_LABELS.get(status, status)


def _first_run_of(name: str):
    """When the schedule ``name`` will next run (None: never again); in a worker."""
    from pegaso_tui.db.schedules import get_schedule
    from pegaso_tui.sending.scheduler import first_run

    return first_run(get_schedule(name))


class ScheduleDialog(DialogScreen[Any]):
    """"Programmazione e Invio": a new scheduled communication, or one to change."""

    CSS_PATH = COMMS_CSS

    def __init__(self, data: dict[str, Any], operator: str, today) -> None:
        super().__init__(id="schedule-dialog", classes="comms-dialog")
        self.data = data
        self.schedule = data["schedule"]
        self.operator = operator
        self.today = today

    def compose(self) -> ComposeResult:
        s = self.schedule or {}
        searches = [(plain(name), name) for name, _kind in self.data["searches"]]
        templates = [(NO_TEMPLATE, NO_TEMPLATE)] + [(plain(n), n) for n in self.data["templates"]]
        with VerticalScroll():  # scrolls on a 24-line terminal
            yield Static("Varia comunicazione programmata" if s else "Nuova comunicazione programmata",
                         classes="dialog-title")
            yield FormField("Nome:", Input(s.get("name", ""), id="schedule-name", max_length=80),
                            label_width=LABEL_WIDTH, id="field-name")
            with Horizontal(classes="form-row"):
                yield Checkbox("Attivo", s.get("active", True), id="schedule-active")
                yield FormField("Referente:", Input(s.get("operator") or self.operator, id="schedule-operator"),
                                label_width=11, id="field-operator")
            yield FormField("Genera:", Select([(label, key) for key, label in KIND_LABELS.items()],
                                              value=s.get("kind", "sms"), allow_blank=False,
                                              id="schedule-generates"),
                            label_width=LABEL_WIDTH, id="field-generates")
            yield FormField("Programmazione:", RadioSet(
                RadioButton("Singolo", s.get("once", False), id="schedule-once"),
                RadioButton("Ricorrente", not s.get("once", False), id="schedule-daily"),
                id="schedule-kind"), label_width=LABEL_WIDTH, id="field-kind")
            with Horizontal(classes="form-row"):
                yield FormField("Ora invio:", FittedInput(s.get("at", "09:00"), id="schedule-at", max_length=5,
                                                            visible_chars=5),
                                label_width=LABEL_WIDTH, id="field-at")
                yield FormField("Dal:", DateInput(s.get("start", self.today), id="schedule-start"),
                                label_width=5, id="field-start")
                yield FormField("Al:", DateInput(s.get("end"), id="schedule-end"), label_width=4,
                                id="field-end")
            yield FormField("Ricerca:", Select(searches, value=s.get("search", Select.NULL),
                                               prompt="ricerca con comunicazioni programmate",
                                               id="schedule-search"),
                            label_width=LABEL_WIDTH, id="field-search")
            yield FormField("Modello:", Select(templates, value=s.get("template") or NO_TEMPLATE,
                                               allow_blank=False, id="schedule-template"),
                            label_width=LABEL_WIDTH, id="field-template")
            yield FormField("Testo:", SmsEditor(s.get("text", ""), id="schedule-text"),
                            label_width=LABEL_WIDTH, id="field-text")
            with Horizontal(classes="form-row crm-fields", id="row-crm-type"):
                yield FormField("Tipo azione:", Select(
                    [(label, key) for key, label in CRM_TYPE_LABELS.items()],
                    value=s.get("crm_type") or "call", allow_blank=False, id="schedule-crm-type"),
                    label_width=LABEL_WIDTH, id="field-crm-type")
                yield FormField("Entro giorni:", FittedInput(str(s.get("crm_due_days", 0)), max_length=4,
                                                             visible_chars=4, id="schedule-due-days"),
                                label_width=14, id="field-due-days")
            with Horizontal(classes="form-row crm-fields", id="row-crm-operators"):
                yield FormField("Operatori:", Input(", ".join(s.get("crm_operators") or []),
                                                    placeholder="nomi separati da virgola, a turno",
                                                    id="schedule-crm-operators"),
                                label_width=LABEL_WIDTH, id="field-crm-operators")
            with Horizontal(classes="form-row"):
                yield FormField("Mittente:", Input(s.get("sender", ""), placeholder="dalle impostazioni",
                                                   max_length=20, id="schedule-sender"),
                                label_width=LABEL_WIDTH, id="field-sender")
                yield FormField("Finalità:", Select([(label, key) for key, label in PURPOSE_LABELS.items()],
                                                    value=s.get("purpose", Select.NULL),
                                                    prompt="secondo la ricerca", id="schedule-purpose"),
                                label_width=10, id="field-purpose")
            yield Static("", classes="dialog-error")
            yield Static("Ora di Roma. Un giorno passato senza invio resta saltato, mai inviato in "
                         "ritardo.  F10 salva · Esc annulla", classes="dialog-keys")

    def on_mount(self) -> None:
        for widget in self.query("Input, Checkbox, Select, RadioSet"):
            widget.compact = True
        self.query_one("#schedule-name", Input).focus()
        self._template_changed()
        self._kind_changed()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "schedule-template":
            self._template_changed()
        elif event.select.id == "schedule-generates":
            self._kind_changed()

    def _crm(self) -> bool:
        return self.query_one("#schedule-generates", Select).value == "crm"

    def _kind_changed(self) -> None:
        """Azioni CRM shows the action's fields and hides the sender (actions are not sent)."""
        crm = self._crm()
        for widget in self.query(".crm-fields"):
            widget.display = crm
        self.query_one("#field-sender").display = not crm

    def _template_changed(self) -> None:
        uses_model = self.query_one("#schedule-template", Select).value != NO_TEMPLATE
        self.query_one("#schedule-text", SmsEditor).disabled = uses_model

    def action_confirm(self) -> None:
        from pegaso_tui.db.operators import current_operator
        from pegaso_tui.db.schedules import ScheduleFields, save_schedule

        error = self.query_one(".dialog-error", Static)
        try:
            start = self.query_one("#schedule-start", DateInput).date
            end = self.query_one("#schedule-end", DateInput).date
        except DateError as exc:
            error.update(plain(str(exc)))
            self.app.bell()
            return
        if start is None:
            error.update("Indicare la data da cui inviare")
            self.app.bell()
            return
        crm = self._crm()
        due_text = self.query_one("#schedule-due-days", Input).value.strip() or "0"
        if crm and not due_text.isdigit():
            error.update("Entro giorni: indicare un numero di giorni (0 = il giorno dell'invio)")
            self.app.bell()
            return
        search = self.query_one("#schedule-search", Select).value
        template = self.query_one("#schedule-template", Select).value
        purpose = self.query_one("#schedule-purpose", Select).value
        operator = self.query_one("#schedule-operator", Input).value.strip() or self.operator
        fields = ScheduleFields(
            name=self.query_one("#schedule-name", Input).value,
            search="" if search in (Select.NULL, Select.BLANK) else str(search),
            at=self.query_one("#schedule-at", Input).value, start=start, end=end,
            text="" if template != NO_TEMPLATE else self.query_one("#schedule-text", SmsEditor).text,
            template=None if template == NO_TEMPLATE else str(template),
            once=self.query_one("#schedule-once", RadioButton).value,
            purpose=None if purpose in (Select.NULL, Select.BLANK) else str(purpose),
            sender="" if crm else self.query_one("#schedule-sender", Input).value,
            active=self.query_one("#schedule-active", Checkbox).value,
            kind="crm" if crm else "sms",
            crm_type=str(self.query_one("#schedule-crm-type", Select).value) if crm else "",
            crm_operators=tuple(n.strip() for n in
                                self.query_one("#schedule-crm-operators", Input).value.split(","))
            if crm else (),
            crm_due_days=int(due_text) if crm else 0,
        )
        schedule_id = self.schedule["id"] if self.schedule else None

        def save():
            fields.operator = current_operator(operator)
            return save_schedule(fields, schedule_id=schedule_id).name

        def failed(exc: BaseException) -> None:
            from pegaso_tui.errors import first_line

            error.update(plain(first_line(exc)))
            self.app.bell()

        self.run_db(save, done=self.dismiss, failed=failed, group="schedule-save")


class ScheduleHistoryScreen(MaskScreen):
    """Storico Invii of one communication: its runs, and the recipients of the highlighted one."""

    CSS_PATH = COMMS_CSS

    def __init__(self, schedule_id: int, name: str) -> None:
        super().__init__(id="comms-history")
        self.schedule_id = schedule_id
        self.MASK_TITLE = f"Storico Invii · {name}"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Ogni esecuzione con i destinatari e il loro esito (per le Azioni CRM, "
                     "quante ne ha create e a chi: sono in Richieste Aperte).", classes="comms-heading")
        yield PagedTable(RUN_COLUMNS, id="history-runs", empty_text="Nessun invio ancora")
        yield PagedTable(RECIPIENT_COLUMNS, id="history-recipients", empty_text="Nessun destinatario")
        yield PagedTable(ACTION_COLUMNS, id="history-actions", empty_text="Nessuna azione CRM")
        yield KeyFooter()

    def on_mount(self) -> None:
        super().on_mount()
        from pegaso_tui.db.schedules import runs_pager

        runs = self.query_one("#history-runs", PagedTable)
        runs.show(runs_pager(self.schedule_id))
        runs.table.focus()
        self.query_one("#history-actions").display = False

    def on_paged_table_highlighted(self, event: PagedTable.Highlighted) -> None:
        if event.control.id != "history-runs":
            return
        from pegaso_tui.db.schedules import actions_pager, recipients_pager

        run = event.row
        recipients = self.query_one("#history-recipients", PagedTable)
        actions = self.query_one("#history-actions", PagedTable)
        crm = bool(run and run.assignment)
        # an Azioni CRM run lists the actions it created where an SMS run lists its recipients
        recipients.display, actions.display = not crm, crm
        if crm:
            actions.show(actions_pager(run.assignment))
        else:
            recipients.show(recipients_pager(run.campaign if run and run.campaign else 0))

    def action_confirm(self) -> None:
        self.dismiss()


class SchedulesScreen(MaskScreen):
    """The scheduled communications, by name (the obsolete ones too)."""

    CSS_PATH = COMMS_CSS
    MASK_TITLE = "Comunicazioni programmate"
    BINDINGS = [
        Binding(CONFIRM_KEYS, "edit", "Varia", id="confirm", show=False),
        Binding("f3,ctrl+n", "new", "Nuova", id="new"),
        Binding("f4,ctrl+o", "edit", "Varia", id="edit"),
        Binding("f5,ctrl+t", "pause", "Sospendi/Riattiva", id="schedule_pause"),
        Binding("f6,ctrl+y", "history", "Storico Invii", id="schedule_history"),
        Binding("f8,delete,ctrl+r", "delete", "Elimina", id="delete"),
    ]

    def __init__(self) -> None:
        super().__init__(id="comms-schedules")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Gli SMS (o le azioni CRM) di ogni giorno (o di una volta) per una ricerca "
                     "salvata, all'ora indicata. Li esegue l'applicazione aperta o `pegaso-tui worker`.",
                     classes="comms-heading")
        yield PagedTable(SCHEDULE_COLUMNS, id="schedules", classes="comms-list",
                         empty_text="Nessuna comunicazione programmata: F3 per crearne una")
        yield KeyFooter()

    def on_mount(self) -> None:
        super().on_mount()
        self._show()
        self.table.table.focus()

    def _show(self) -> None:
        from pegaso_tui.db.schedules import schedules_pager

        self.table.show(schedules_pager(self.app.services.today()))

    @property
    def table(self) -> PagedTable:
        return self.query_one("#schedules", PagedTable)

    def _current(self) -> ScheduleRow | None:
        row = self.table.current_row
        if row is None:
            self.app.bell()
        return row

    def _open_dialog(self, schedule_id: int | None) -> None:
        from pegaso_tui.db.schedules import schedule_form_data

        def loaded(data: dict[str, Any]) -> None:
            if not data["searches"]:
                self.notify("Nessuna ricerca abilitata alle comunicazioni programmate: salvarne una "
                            "con F7 in una maschera SMS, con \"Abilita comunicazioni programmate\".",
                            severity="warning", timeout=8)
                return
            dialog = ScheduleDialog(data, self.app.services.operator_username, self.app.services.today())
            self.app.push_screen(dialog, self._saved)

        self.run_db(schedule_form_data, schedule_id, done=loaded, group="schedule-form")

    def _saved(self, name: str | None) -> None:
        if name:
            self._show()
            self.run_db(_first_run_of, name, done=lambda when: self._say_saved(name, when),
                        group="schedule-first-run")

    def _say_saved(self, name: str, when) -> None:
        # when it will first send: a daily 09:30 saved at 17:00 sends tomorrow, not now
        if when is None:
            self.notify(f"Comunicazione '{name}' salvata: nessun invio previsto", markup=False)
        else:
            self.notify(f"Comunicazione '{name}' salvata: primo invio il "
                        f"{format_date(when.date())} alle {when:%H:%M}", markup=False)

    def action_new(self) -> None:
        self._open_dialog(None)

    def action_edit(self) -> None:
        row = self._current()
        if row is not None:
            self._open_dialog(row.id)

    def on_paged_table_selected(self, event: PagedTable.Selected) -> None:
        self.action_edit()

    def action_pause(self) -> None:
        row = self._current()
        if row is None:
            return
        from pegaso_tui.db.schedules import toggle_pause

        def done(schedule) -> None:
            state = "riattivata" if schedule.active else "sospesa"
            self.notify(f"Comunicazione '{schedule.name}' {state}", markup=False)
            self._show()

        self.run_db(toggle_pause, row.id, self.app.services.today(), done=done, group="schedule-pause")

    def action_history(self) -> None:
        row = self._current()
        if row is not None:
            self.app.push_screen(ScheduleHistoryScreen(row.id, row.name))

    def action_delete(self) -> None:
        row = self._current()
        if row is None:
            return
        from pegaso_tui.db.schedules import delete_schedule
        from pegaso_tui.widgets.confirm import ConfirmDialog

        def deleted(outcome: str) -> None:
            if outcome == "obsolete":
                self.notify(f"'{row.name}' resa obsoleta: non sarà più eseguita, lo storico resta",
                            markup=False)
            else:
                self.notify(f"Comunicazione '{row.name}' eliminata", markup=False)
            self._show()

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_db(delete_schedule, row.name, done=deleted, group="schedule-delete")

        self.app.push_screen(ConfirmDialog(
            f"Eliminare la comunicazione '{row.name}'? Se è già stata eseguita diventa obsoleta "
            "e il suo storico resta.", title="Elimina comunicazione", yes="Elimina (F10)"), answered)
