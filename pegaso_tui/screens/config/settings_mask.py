"""Mask 20, "Configurazione": the agency, the sender alias, the SMS limits and the gateway.

What the originals kept in "Configurazioni → Account SMS" (seed 004: AUTH_KEY, AUTH_SECRET,
"Convalida Alias") and "Sms Rimasti: Login, Password, Controlla" (seed 000). ``F10`` checks
every field and writes the settings file with the same code as ``pegaso-tui config set``
(``pegaso_tui.config_edit``); only the fields changed here are written, so a value that comes
from the environment is not copied into the file. Secrets are never shown: their field is
empty, says ``••••`` when one is set, and a value typed there replaces it.

``F5`` "Verifica connessione" asks the gateway — with the values typed, saved or not — for
the credit and the registered aliases, in a worker, and says in one line what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Input, Select, Static

from pegaso_tui.config import BY_KEY, GATEWAY_KINDS, SECRET_MASK, SettingsError
from pegaso_tui.screens.base import MaskScreen
from pegaso_tui.screens.unsaved import GuardUnsaved
from pegaso_tui.widgets.form_field import FormField
from pegaso_tui.widgets.key_footer import KeyFooter

STYLES = Path(__file__).parent.parent.parent / "styles"

KIND_LABELS = {
    "smshosting": "SMSHosting",
    "kannel": "Kannel (SMPP)",
    "sandbox": "Sandbox (prova)",
}


@dataclass(frozen=True)
class Field:
    """One field of the mask and the setting it edits."""

    key: str
    label: str
    placeholder: str = ""
    help: str = ""
    secret: bool = False
    max_length: int = 0


SECTIONS: tuple[tuple[str, tuple[Field, ...]], ...] = (
    ("Agenzia e SMS", (
        Field("agency", "Nome agenzia:", "es. Futura Viaggi",
              "Il segnaposto {agenzia} degli SMS.", max_length=40),
        Field("sender", "Mittente (alias):", "alias o +39…", max_length=20),
        Field("max_parts", "Parti massime per SMS:", "3", "Un testo più lungo non si può inviare (1-10).",
              max_length=2),
    )),
    ("Invii promozionali e auguri", (
        Field("sending.quiet_hours", "Fascia oraria:", "09:00-20:00 (vuoto: sempre)",
              "Fuori da questa fascia gli SMS promozionali e di auguri attendono.", max_length=11),
        Field("sending.quiet_days", "Giorni:", "mon-sat (vuoto: tutti)",
              "mon…sun o lun…dom, intervalli e elenchi: mon-fri,sun.", max_length=40),
    )),
    ("Account SMS (gateway)", (
        Field("gateway.url", "Indirizzo:", "https://api.smshosting.it/rest/api"),
        Field("gateway.key", "AUTH_KEY:", secret=True),
        Field("gateway.secret", "AUTH_SECRET:", secret=True),
        Field("gateway.timeout_s", "Tempo massimo (s):", "15", max_length=6),
        Field("gateway.dlr_port", "Porta ricevute Kannel:", "0 (una libera)", max_length=5),
    )),
)

#: what the key and the secret are called, by gateway kind
CREDENTIAL_LABELS = {
    "smshosting": ("AUTH_KEY:", "AUTH_SECRET:"),
    "sandbox": ("AUTH_KEY:", "AUTH_SECRET:"),
    "kannel": ("Utente sendsms:", "Password sendsms:"),
}

FIELDS = {field.key: field for _, fields in SECTIONS for field in fields}


def _field_id(key: str) -> str:
    return "cfg-" + key.replace(".", "-").replace("_", "-")


class ConfigScreen(GuardUnsaved, MaskScreen):
    """Configurazione: F10 saves, F5 asks the gateway, Esc leaves (asking if unsaved)."""

    MASK_TITLE = "Configurazione"
    CSS_PATH = STYLES / "config.tcss"
    BINDINGS = [
        Binding("escape,ctrl+g", "leave", "Esci", id="leave"),
        Binding("f10,ctrl+s", "confirm", "Salva", id="confirm"),
        Binding("f5,ctrl+r", "verify", "Verifica connessione", id="verify"),
    ]

    def __init__(self) -> None:
        super().__init__(id="config-mask")
        #: what each field showed when loaded or saved (secrets: "")
        self._loaded: dict[str, str] = {}
        #: the note of each field (by widget id), shown in #config-hint while it has the focus
        self._notes: dict[str, str] = {}

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        from pegaso_tui.config_edit import overridden_by, value_of
        from pegaso_tui.sms.sender import ALIAS_NOTICE

        settings = self.app.services.settings
        env = {} if self.app.services.demo else None
        yield Header()
        with VerticalScroll(id="config-body", can_focus=False):
            for heading, fields in SECTIONS:
                yield Static(heading, classes="config-heading")
                if heading.startswith("Account"):
                    kind = settings.gateway.kind
                    yield FormField("Tipo:", Select(
                        [(KIND_LABELS[k], k) for k in GATEWAY_KINDS], value=kind, allow_blank=False,
                        compact=True, id=_field_id("gateway.kind"),
                    ), label_width=24, id="field-" + _field_id("gateway.kind"))
                for field in fields:
                    value = value_of(settings, field.key)
                    if field.secret:
                        placeholder = (f"{SECRET_MASK} (impostata: scrivere per cambiarla)"
                                       if value else "(non impostata)")
                        widget = Input("", placeholder=placeholder, password=True, id=_field_id(field.key))
                    else:
                        widget = Input(str(value), placeholder=field.placeholder,
                                       max_length=field.max_length, id=_field_id(field.key))
                    yield FormField(field.label, widget, label_width=24, id="field-" + _field_id(field.key))
                    note = field.help
                    # in the demo the environment is not read: its settings are its own
                    source = overridden_by(BY_KEY[field.key]) if env is None else None
                    if source:
                        note = (note + " " if note else "") + f"Ora vale ${source}, che prevale sul file."
                    if field.key == "sender":
                        note = (note + " " if note else "") + ALIAS_NOTICE
                        yield Static("", id="cfg-aliases", classes="config-help")
                    # each field's note is shown below the form while the field has the focus:
                    # under every field they made the mask three screens tall at 80x24
                    self._notes[_field_id(field.key)] = note
            yield Static(Text(f"File: {self._path()}"), classes="config-help", id="cfg-file")
        yield Static("", id="config-hint")
        yield Static("", id="config-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        super().on_mount()
        self._loaded = self._values()
        self.mark_saved()
        self.query_one("#cfg-aliases", Static).display = False  # until the gateway is asked
        self._label_credentials(self.app.services.settings.gateway.kind)
        self.query_one("#config-body Input", Input).focus()

    def on_descendant_focus(self, event) -> None:
        """The focused field's note (the AGCOM rule for the sender) below the form."""
        note = self._notes.get(getattr(event.widget, "id", None) or "", "")
        self.query_one("#config-hint", Static).update(Text(note))

    # -- the form ----------------------------------------------------------------------------

    def _path(self) -> Path:
        from pegaso_tui.config import config_path

        return self.app.services.config_path or config_path()

    def _values(self) -> dict[str, str]:
        values = {key: self.query_one("#" + _field_id(key), Input).value for key in FIELDS}
        kind = self.query_one("#" + _field_id("gateway.kind"), Select).value
        values["gateway.kind"] = str(kind)
        return values

    def form_state(self) -> Any:
        return tuple(sorted(self._values().items()))

    def _changes(self) -> dict[str, str]:
        """The fields the user changed (a secret: when something was typed in it)."""
        changes = {}
        for key, value in self._values().items():
            field = FIELDS.get(key)
            if field is not None and field.secret:
                if value:
                    changes[key] = value
            elif value != self._loaded.get(key):
                changes[key] = value
        return changes

    def _field(self, key: str) -> FormField:
        return self.query_one("#field-" + _field_id(key), FormField)

    def _status(self, message: str, kind: str = "") -> None:
        status = self.query_one("#config-status", Static)
        status.update(Text(message))
        for name in ("-error", "-warning", "-ok"):
            status.set_class(name == kind, name)

    def _show_errors(self, errors: dict[str, str]) -> bool:
        for key in list(FIELDS) + ["gateway.kind"]:
            self._field(key).set_error(errors.get(key))
        if errors:
            first = next(iter(errors))
            widget = self._field(first).widget
            widget.focus()
            self._status(f"Da correggere: {len(errors)} campo/i.", "error")
            self.app.bell()
        return bool(errors)

    # -- F10: save ---------------------------------------------------------------------------

    def action_confirm(self) -> None:
        from pegaso_tui.config_edit import check_values, save_values

        changes = self._changes()
        if not changes:
            self._show_errors({})
            self._status("Nessuna modifica da salvare.")
            return
        if self._show_errors(check_values(changes)):
            return
        self.run_db(save_values, changes, self._path(), done=self._saved,
                    failed=self._save_failed, group="save", database=False)

    def _saved(self, stored: dict) -> None:
        from pegaso_tui.config_edit import value_of, with_values

        # the demo's settings are its own: the environment does not override them
        env = {} if self.app.services.demo else None
        settings = with_values(self.app.services.settings, stored, env)
        self.app.apply_settings(settings)
        for key in FIELDS:
            widget = self.query_one("#" + _field_id(key), Input)
            if FIELDS[key].secret:
                widget.value = ""
                widget.placeholder = (f"{SECRET_MASK} (impostata: scrivere per cambiarla)"
                                      if value_of(settings, key) else "(non impostata)")
            else:  # as stored: "9:00 - 20:00" becomes "09:00-20:00"
                widget.value = str(value_of(settings, key))
        self._loaded = self._values()
        self.mark_saved()
        self._status(f"Impostazioni salvate in {self._path()}.", "ok")

    def _save_failed(self, exc: BaseException) -> None:
        from pegaso_tui.errors import first_line

        self._status(f"Impostazioni non salvate: {first_line(exc)}", "error")
        self.app.bell()

    # -- F5: ask the gateway -----------------------------------------------------------------

    def action_verify(self) -> None:
        """Ask the gateway, with the values typed, for the credit and the aliases."""
        from pegaso_tui.config_edit import check_value, check_values

        values = self._values()
        names = ["gateway.kind", "gateway.url", "gateway.timeout_s", "gateway.key", "gateway.secret"]
        typed = {k: values[k] for k in names if values[k] or not FIELDS.get(k, Field(k, "")).secret}
        if self._show_errors(check_values(typed)):
            return
        gateway = self.app.services.settings.gateway
        try:
            gateway = replace(gateway, **{k.split(".", 1)[1]: check_value(k, v) for k, v in typed.items()})
        except SettingsError as exc:  # checked above; kept for safety of the replace
            self._status(str(exc), "error")
            return
        sender = values["sender"]
        self._status("Verifica connessione in corso…")
        from pegaso_tui.sms.account import check_account

        self.run_db(check_account, gateway, sender, done=self._verified, group="verify",
                    database=False)

    def _verified(self, check) -> None:
        aliases = self.query_one("#cfg-aliases", Static)
        if check.aliases is not None:
            aliases.update(Text("Alias registrati presso il gateway: " + (", ".join(check.aliases) or "nessuno")))
            aliases.display = True
        if check.problem:
            self._status(check.summary(), "error")
        elif check.alias_warning:
            self._status(check.summary(), "warning")
        else:
            self._status(check.summary(), "ok")

    # -- the gateway's kind names its credentials ---------------------------------------------

    def on_select_changed(self, event: Select.Changed) -> None:
        self._label_credentials(str(event.value))

    def _label_credentials(self, kind: str) -> None:
        """SMSHosting calls them AUTH_KEY and AUTH_SECRET; Kannel, the sendsms user's name
        and password (CLI.md): the labels follow the kind chosen."""
        from textual.widgets import Label

        names = CREDENTIAL_LABELS.get(kind, CREDENTIAL_LABELS["smshosting"])
        for key, label in zip(("gateway.key", "gateway.secret"), names):
            self._field(key).query_one(".form-label", Label).update(label)

    # -- leaving -----------------------------------------------------------------------------

    def action_leave(self) -> None:
        self.leave_guarded(self.dismiss)

