"""Nuova Richiesta (mask 10), and the same form for "Varia".

Built to be typed during a phone call: the contact field comes first and searches as you
type; picking a subject fills phone, mobile and e-mail, and both a pick and a new name move
on to the description (what is being asked), then Tab to the numbers. The type is
Telefonata, the operator the one at the keyboard, no recontact date: F10 saves, and the form
is ready for the next call. Every bad input is
explained next to its field; Esc with something typed asks before discarding it.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Header, Input, Select, TextArea

from pegaso_tui.db.crm.errors import CrmError, CrmErrors
from pegaso_tui.db.crm.requests import REQUEST_TYPE_LABELS, RequestDetail, RequestInput, RequestRow
from pegaso_tui.db.crm.subjects import Subject
from pegaso_tui.screens.base import MaskScreen
from pegaso_tui.screens.crm.common import CRM_CSS, crm_today, make_compact, show_field_error
from pegaso_tui.screens.unsaved import GuardUnsaved
from pegaso_tui.sms.phone import display_number
from pegaso_tui.widgets.date_input import DateInput
from pegaso_tui.widgets.form_field import FormField
from pegaso_tui.widgets.key_footer import KeyFooter
from pegaso_tui.widgets.plain import plain_text
from pegaso_tui.widgets.subject_picker import SubjectPicker

LABEL_WIDTH = 18
TYPE_OPTIONS = [(label, code) for code, label in REQUEST_TYPE_LABELS.items()]


def _operators(current: str) -> list[str]:
    from pegaso_tui.db.crm.requests import operator_usernames

    names = operator_usernames()
    return names if current in names else sorted([*names, current])


class RequestFormScreen(GuardUnsaved, MaskScreen):
    """A new request, or a request to change (``request_id``); dismisses with the saved
    RequestRow when changing, and stays open for the next request when new."""

    CSS_PATH = CRM_CSS
    MASK_TITLE = "Nuova Richiesta"

    def __init__(self, request_id: int | None = None, subject: Subject | None = None) -> None:
        super().__init__(id="crm-request")
        self.request_id = request_id
        self.initial_subject = subject
        self._operator_names: list[str] = []
        self._loaded = request_id is None
        if request_id is not None:
            self.MASK_TITLE = "Varia Richiesta"

    # -- layout ----------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="request-form", classes="crm-form"):
            yield FormField("Contatto:", SubjectPicker(id="subject"), label_width=LABEL_WIDTH, id="field-subject")
            yield FormField("Descrizione:", TextArea(id="description", soft_wrap=True), label_width=LABEL_WIDTH, id="field-description")
            with Horizontal(classes="form-row"):
                yield FormField("Telefono:", Input(id="phone", max_length=40), label_width=LABEL_WIDTH, id="field-phone")
                yield FormField("Cellulare:", Input(id="mobile", max_length=40), label_width=12, id="field-mobile")
            yield FormField("E-mail:", Input(id="email", max_length=200), label_width=LABEL_WIDTH, id="field-email")
            with Horizontal(classes="form-row"):
                yield FormField("Tipo richiesta:", Select(TYPE_OPTIONS, value="call", allow_blank=False, id="request-type"),
                                label_width=LABEL_WIDTH, id="field-type")
                yield FormField("Ricontattare il:", DateInput(id="recontact"), label_width=17, id="field-recontact")
            yield FormField("Destinazioni:", Input(id="destinations", max_length=300, placeholder="es. Mar Rosso, Maldive"),
                            label_width=LABEL_WIDTH, id="field-destinations")
            yield FormField("Operatore:", Select([(self._username, self._username)], value=self._username, allow_blank=False, id="operator"),
                            label_width=LABEL_WIDTH, id="field-operator")
        yield KeyFooter()

    @property
    def _username(self) -> str:
        return self.app.services.operator_username

    def on_mount(self) -> None:
        super().on_mount()
        make_compact(self)
        self.query_one(SubjectPicker).input.focus()
        self.mark_saved()
        self.run_db(_operators, self._username, done=self._operators_loaded, group="crm-operators")
        if self.request_id is not None:
            from pegaso_tui.db.crm.requests import get_request

            self.run_db(get_request, self.request_id, done=self._fill, failed=self._load_failed, group="crm-load")
        elif self.initial_subject is not None:
            # a new request for a subject chosen elsewhere ("Cerca Soggetto", F9)
            self.query_one(SubjectPicker).pick(self.initial_subject, announce=False)
            self._take_subject(self.initial_subject)
            self.mark_saved()

    def _operators_loaded(self, names: list[str]) -> None:
        was_saved = not self.has_unsaved_changes()
        self._set_operators(names, self.query_one("#operator", Select).value)
        if was_saved:
            self.mark_saved()

    def _set_operators(self, names: list[str], value: Any) -> None:
        """Offer ``names`` (and the value shown, kept) in the operator field."""
        names = sorted(set(names) | {self._username} | ({value} if isinstance(value, str) else set()))
        self._operator_names = names
        select = self.query_one("#operator", Select)
        with select.prevent(Select.Changed):
            select.set_options([(plain_text(n), n) for n in names])
            select.value = value if value in names else self._username

    def _fill(self, detail: RequestDetail) -> None:
        self.query_one(SubjectPicker).pick(detail.subject, announce=False)
        self.query_one("#phone", Input).value = detail.phone
        self.query_one("#mobile", Input).value = display_number(detail.mobile)
        self.query_one("#email", Input).value = detail.email
        self.query_one("#request-type", Select).value = detail.request_type
        self.query_one("#recontact", DateInput).date = detail.recontact_date
        self.query_one("#destinations", Input).value = detail.destinations
        self._set_operators(self._operator_names, detail.operator or self._username)
        self.query_one("#description", TextArea).text = detail.description
        self._loaded = True
        self.mark_saved()

    def _load_failed(self, exc: BaseException) -> None:
        self.notify_error(exc)
        self.dismiss(None)

    # -- what the form holds -----------------------------------------------------------------------------

    def form_state(self) -> Any:
        picker = self.query_one(SubjectPicker)
        subject = picker.subject
        return (
            (subject.kind, subject.id) if subject else None,
            picker.text.strip(),
            self.query_one("#phone", Input).value.strip(),
            self.query_one("#mobile", Input).value.strip(),
            self.query_one("#email", Input).value.strip(),
            self.query_one("#request-type", Select).value,
            self.query_one("#recontact", DateInput).value.strip(),
            self.query_one("#destinations", Input).value.strip(),
            self.query_one("#operator", Select).value,
            self.query_one("#description", TextArea).text.strip(),
        )

    def _fields(self) -> dict[str, FormField]:
        return {
            "subject": self.query_one("#field-subject", FormField),
            "phone": self.query_one("#field-phone", FormField),
            "mobile": self.query_one("#field-mobile", FormField),
            "email": self.query_one("#field-email", FormField),
            "request_type": self.query_one("#field-type", FormField),
            "recontact_date": self.query_one("#field-recontact", FormField),
            "destinations": self.query_one("#field-destinations", FormField),
            "operator": self.query_one("#field-operator", FormField),
            "description": self.query_one("#field-description", FormField),
        }

    def _clear_errors(self) -> None:
        for field in self._fields().values():
            field.set_error(None)

    # -- reacting as the user types ----------------------------------------------------------------------

    def on_subject_picker_picked(self, event: SubjectPicker.Picked) -> None:
        self._take_subject(event.subject)

    def _take_subject(self, subject: Subject) -> None:
        """A subject picked: its numbers fill the fields, and on to the description."""
        self.query_one("#field-subject", FormField).set_error(None)
        for widget_id, value in (("phone", subject.phone), ("mobile", display_number(subject.mobile)), ("email", subject.email)):
            if value:
                self.query_one(f"#{widget_id}", Input).value = value
        self._on_to_description()

    def on_subject_picker_accepted(self, event: SubjectPicker.Accepted) -> None:
        self.query_one("#field-subject", FormField).set_error(None)
        self._on_to_description()

    def _on_to_description(self) -> None:
        # at once (set_focus; focus() waits its turn in the app's queue), then the keys the
        # picker held since the Invio: "melot", Invio, "Chiede preventivo" typed together
        # is a subject and its description
        self.set_focus(self.query_one("#description", TextArea))
        self.query_one(SubjectPicker).release_keys()

    def on_subject_picker_not_found(self, event: SubjectPicker.NotFound) -> None:
        from pegaso_tui.db.models import normalize_code

        self.query_one("#field-subject", FormField).set_error(
            f"nessun cliente con codice {normalize_code(event.code)}: sceglierlo dall'elenco o scrivere un nome"
        )

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "recontact":
            self._check_recontact()

    def _check_recontact(self) -> bool:
        from pegaso_tui.db.crm import CrmError
        from pegaso_tui.db.crm.requests import check_recontact

        field = self.query_one("#field-recontact", FormField)
        recontact = self.query_one("#recontact", DateInput)
        if recontact.error:
            field.set_error(recontact.error)
            return False
        try:
            # a date already stored may have passed since it was set: only a new one must not
            if self.request_id is None or recontact.value.strip() != self._saved_recontact():
                check_recontact(recontact.date, crm_today(self.app))
        except CrmError as exc:
            field.set_error(str(exc))
            return False
        field.set_error(None)
        return True

    def _saved_recontact(self) -> str:
        return self._saved_state[6] if self._saved_state else ""

    # -- saving and leaving --------------------------------------------------------------------------------

    def action_confirm(self) -> None:
        if not self._loaded:
            return
        self._clear_errors()
        recontact = self.query_one("#recontact", DateInput)
        picker = self.query_one(SubjectPicker)
        data = RequestInput(
            subject_text=picker.text,
            subject=picker.subject,
            description=self.query_one("#description", TextArea).text,
            phone=self.query_one("#phone", Input).value,
            mobile=self.query_one("#mobile", Input).value,
            email=self.query_one("#email", Input).value,
            request_type=str(self.query_one("#request-type", Select).value),
            destinations=self.query_one("#destinations", Input).value,
            recontact_date=None if recontact.error else recontact.date,
            operator=str(self.query_one("#operator", Select).value),
        )
        from pegaso_tui.db.crm.requests import create_request, request_problems, update_request

        today = crm_today(self.app)
        if recontact.error:
            # a date that cannot be read: said with every other problem of the form at once
            unreadable = CrmError(recontact.error, "recontact_date")

            def explain(problems) -> None:
                self._save_failed(CrmErrors([unreadable, *problems]))

            self.run_db(request_problems, data, today, done=explain, group="crm-save")
            return
        if self.request_id is None:
            self.run_db(create_request, data, self._username, today, done=self._saved, failed=self._save_failed, group="crm-save")
        else:
            self.run_db(update_request, self.request_id, data, self._username, today, done=self._saved,
                        failed=self._save_failed, group="crm-save")

    def _saved(self, row: RequestRow) -> None:
        if self.request_id is not None:
            self.mark_saved()
            self.dismiss(row)
            return
        self.notify(f"Richiesta di {row.subject_name} registrata", title="Nuova Richiesta", markup=False)
        self._reset()

    def _reset(self) -> None:
        """An empty form for the next call (type and operator back to their defaults)."""
        self.query_one(SubjectPicker).pick(None, announce=False)
        for widget_id in ("phone", "mobile", "email", "destinations"):
            self.query_one(f"#{widget_id}", Input).value = ""
        self.query_one("#recontact", DateInput).value = ""
        self.query_one("#request-type", Select).value = "call"
        self.query_one("#operator", Select).value = self._username
        self.query_one("#description", TextArea).text = ""
        self._clear_errors()
        self.query_one(SubjectPicker).input.focus()
        self.mark_saved()

    def _save_failed(self, exc: BaseException) -> None:
        if not show_field_error(self._fields(), exc):
            self.notify_error(exc)

    def action_leave(self) -> None:
        picker = self.query_one(SubjectPicker)
        if picker.is_open:  # the first Esc closes the list of matches
            picker.close_list()
            picker.input.focus()
            return
        self.leave_guarded(lambda: self.dismiss(None))
