"""Registra soggetto: an unregistered subject becomes a contact or a client (a contact may
become a client) with the data its requests already hold: nothing to retype."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Select, Static

from pegaso_tui.db.crm.subjects import CLIENT, CONTACT, Registration, Subject, guess_names
from pegaso_tui.screens.crm.common import CRM_CSS, make_compact, show_field_error
from pegaso_tui.screens.unsaved import GuardUnsaved
from pegaso_tui.sms.phone import display_number
from pegaso_tui.widgets.dialog import DialogScreen
from pegaso_tui.widgets.form_field import FormField
from pegaso_tui.widgets.plain import plain

LABEL_WIDTH = 16


def _next_code() -> str:
    from pegaso_tui.db.clients import next_client_code

    return next_client_code()


class RegisterSubjectDialog(GuardUnsaved, DialogScreen[Subject]):
    """Choose contact or client, check the data, F10 registers; dismisses with the new subject."""

    CSS_PATH = CRM_CSS

    def __init__(self, subject: Subject) -> None:
        super().__init__(id="crm-register", classes="crm-dialog")
        self.subject = subject

    def compose(self) -> ComposeResult:
        subject = self.subject
        kinds = [("Cliente", CLIENT)] if subject.kind == CONTACT else [("Contatto", CONTACT), ("Cliente", CLIENT)]
        surname, first_name = guess_names(subject.name)
        with Vertical():
            yield Static(plain(f"Registra {subject.name} ({subject.kind_label.lower()})"), classes="dialog-title")
            yield Static("Le sue richieste passeranno al nuovo contatto o cliente.", classes="dialog-note")
            yield FormField("Registra come:", Select(kinds, value=kinds[0][1], allow_blank=False, id="register-kind"),
                            label_width=LABEL_WIDTH, id="field-kind")
            yield FormField("Nominativo:", Input(subject.name, id="register-name", max_length=200), label_width=LABEL_WIDTH, id="field-name")
            yield FormField("Telefono:", Input(subject.phone, id="register-phone", max_length=40), label_width=LABEL_WIDTH, id="field-phone")
            yield FormField("Cellulare:", Input(display_number(subject.mobile), id="register-mobile", max_length=40),
                            label_width=LABEL_WIDTH, id="field-mobile")
            yield FormField("E-mail:", Input(subject.email, id="register-email", max_length=200), label_width=LABEL_WIDTH, id="field-email")
            with Vertical(id="register-client-fields"):
                yield FormField("Codice cliente:", Input("", id="register-code", max_length=20, placeholder="il prossimo libero"),
                                label_width=LABEL_WIDTH, id="field-code")
                yield FormField("Cognome:", Input(surname, id="register-last-name", max_length=100), label_width=LABEL_WIDTH, id="field-last-name")
                yield FormField("Nome:", Input(first_name, id="register-first-name", max_length=100), label_width=LABEL_WIDTH, id="field-first-name")
            yield Static("Un nuovo cliente non ha consensi SMS: darli nella sua scheda.  F10 registra · Esc annulla",
                         classes="dialog-keys")

    def on_mount(self) -> None:
        make_compact(self)
        self.query_one("#register-kind", Select).focus()
        self._show_client_fields()
        self.mark_saved()
        self.run_db(_next_code, done=self._code_loaded, group="crm-next-code")

    def _code_loaded(self, code: str) -> None:
        self.query_one("#register-code", Input).placeholder = f"{code} (il prossimo libero)"

    def on_select_changed(self, event: Select.Changed) -> None:
        self._show_client_fields()

    def _show_client_fields(self) -> None:
        as_client = self.query_one("#register-kind", Select).value == CLIENT
        self.query_one("#register-client-fields").display = as_client

    def form_state(self) -> Any:
        return tuple(widget.value for widget in self.query("Input, Select"))  # type: ignore[attr-defined]

    def _value(self, widget_id: str) -> str:
        return self.query_one(f"#register-{widget_id}", Input).value

    def action_confirm(self) -> None:
        from pegaso_tui.db.crm.subjects import register_subject

        for field in self.query(FormField):
            field.set_error(None)
        as_kind = str(self.query_one("#register-kind", Select).value)
        data = Registration(
            name=self._value("name"),
            phone=self._value("phone"),
            mobile=self._value("mobile"),
            email=self._value("email"),
            code=self._value("code") if as_kind == CLIENT else "",
            last_name=self._value("last-name") if as_kind == CLIENT else "",
            first_name=self._value("first-name") if as_kind == CLIENT else "",
        )
        self.run_db(register_subject, self.subject, as_kind, data, done=self._registered, failed=self._failed,
                    group="crm-register")

    def _registered(self, subject: Subject) -> None:
        self.mark_saved()
        self.dismiss(subject)

    def _failed(self, exc: BaseException) -> None:
        fields = {key: self.query_one(f"#field-{key.replace('_', '-')}", FormField)
                  for key in ("kind", "name", "phone", "mobile", "email", "code")}
        if not show_field_error(fields, exc):
            self.notify_error(exc)

    def action_cancel(self) -> None:
        self.leave_guarded(lambda: self.dismiss(None))
