"""Modelli (mask 16, seed 004: "salvare questo modello per utilizzi successivi"): named SMS
texts. The mask keeps them (F3 new, Enter/F4 change, F8 delete); every SMS mask opens the
picker with F6: Enter puts the highlighted model in the editor, F3 saves the editor's text as
a new model."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Header, Input, Static

from pegaso_tui.db.models import SmsTemplate
from pegaso_tui.screens.base import CONFIRM_KEYS, MaskScreen
from pegaso_tui.screens.comms import COMMS_CSS
from pegaso_tui.widgets.dialog import DialogScreen
from pegaso_tui.widgets.form_field import FormField
from pegaso_tui.widgets.paged_table import Column, PagedTable
from pegaso_tui.widgets.plain import plain
from pegaso_tui.widgets.sms_editor import SmsEditor

LABEL_WIDTH = 8

TEMPLATE_COLUMNS: list[Column[SmsTemplate]] = [
    Column("Nome", lambda t: t.name, width=28),
    Column("Testo", lambda t: " ".join(t.text.split())[:200], width=80),
]


def _compact(root: Any) -> None:
    for widget in root.query("Input"):
        widget.compact = True


def _error_line(dialog: Any, exc: BaseException) -> None:
    from pegaso_tui.errors import first_line

    dialog.query_one(".dialog-error", Static).update(plain(first_line(exc)))
    dialog.app.bell()


class TemplateDialog(DialogScreen[Any]):
    """A model to create or change: Nome and Testo (the SMS editor). F10 saves."""

    CSS_PATH = COMMS_CSS

    def __init__(self, template: SmsTemplate | None = None, *, text: str = "") -> None:
        super().__init__(id="template-dialog", classes="comms-dialog")
        self.template = template
        self.initial_text = template.text if template else text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Varia modello" if self.template else "Nuovo modello", classes="dialog-title")
            yield FormField("Nome:", Input(self.template.name if self.template else "",
                                           id="template-name", max_length=80),
                            label_width=LABEL_WIDTH, id="field-template-name")
            yield FormField("Testo:", SmsEditor(self.initial_text, id="template-text"),
                            label_width=LABEL_WIDTH, id="field-template-text")
            yield Static("", classes="dialog-error")
            yield Static("F10 salva · Esc annulla", classes="dialog-keys")

    def on_mount(self) -> None:
        _compact(self)
        self.query_one("#template-name", Input).focus()

    def action_confirm(self) -> None:
        from pegaso_tui.db.templates import save_template

        name = self.query_one("#template-name", Input).value
        text = self.query_one("#template-text", SmsEditor).text
        old = self.template

        def save() -> SmsTemplate:
            if old is not None and " ".join(name.split()) != old.name:
                from pegaso_tui.db.templates import rename_template

                rename_template(old.id, name)  # refused when another model has the name
            return save_template(name, text, replace=old is not None)

        self.run_db(save, done=self.dismiss, failed=lambda exc: _error_line(self, exc),
                    group="template-save")


class TemplatesScreen(MaskScreen):
    """Modelli: every model, by name."""

    CSS_PATH = COMMS_CSS
    MASK_TITLE = "Modelli"
    BINDINGS = [
        Binding(CONFIRM_KEYS, "edit", "Varia", id="confirm", show=False),
        Binding("f3,ctrl+n", "new", "Nuovo", id="new"),
        Binding("f4,ctrl+o", "edit", "Varia", id="edit"),
        Binding("f8,delete,ctrl+r", "delete", "Elimina", id="delete"),
    ]

    def __init__(self) -> None:
        super().__init__(id="comms-templates")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("I testi salvati per gli SMS: in ogni maschera SMS F6 ne inserisce uno nel testo.",
                     classes="comms-heading")
        yield PagedTable(TEMPLATE_COLUMNS, id="templates", classes="comms-list",
                         empty_text="Nessun modello: F3 per crearne uno")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        from pegaso_tui.db.templates import templates_pager

        self.table.show(templates_pager())
        self.table.table.focus()

    @property
    def table(self) -> PagedTable:
        return self.query_one("#templates", PagedTable)

    def _changed(self, template: SmsTemplate | None) -> None:
        if template is not None:
            self.notify(f"Modello '{template.name}' salvato", markup=False)
            from pegaso_tui.db.templates import templates_pager

            self.table.show(templates_pager())

    def action_new(self) -> None:
        self.app.push_screen(TemplateDialog(), self._changed)

    def action_edit(self) -> None:
        template = self.table.current_row
        if template is None:
            self.app.bell()
            return
        self.app.push_screen(TemplateDialog(template), self._changed)

    def on_paged_table_selected(self, event: PagedTable.Selected) -> None:
        self.action_edit()

    def action_delete(self) -> None:
        template = self.table.current_row
        if template is None:
            self.app.bell()
            return
        from pegaso_tui.db.templates import delete_template, templates_pager
        from pegaso_tui.widgets.confirm import ConfirmDialog

        def deleted(_: Any) -> None:
            self.notify(f"Modello '{template.name}' eliminato", markup=False)
            self.table.show(templates_pager())

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_db(delete_template, template.name, done=deleted, group="template-delete")

        self.app.push_screen(ConfirmDialog(f"Eliminare il modello '{template.name}'?",
                                           title="Elimina modello", yes="Elimina (F10)"), answered)


class TemplatePicker(DialogScreen[Any]):
    """F6 in an SMS mask: Enter (or F10) puts the highlighted model's text in the editor;
    F3 saves the editor's text as a new model."""

    CSS_PATH = COMMS_CSS
    BINDINGS = [
        Binding("f3,ctrl+n", "save_text", "Salva testo come modello", id="new"),
    ]

    def __init__(self, text: str) -> None:
        super().__init__(id="template-picker", classes="comms-dialog")
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Modelli", classes="dialog-title")
            yield PagedTable(TEMPLATE_COLUMNS, id="picker-templates", classes="dialog-table",
                             empty_text="Nessun modello salvato")
            yield Static("Invio inserisce il modello nel testo · F3 salva il testo attuale come "
                         "modello · Esc annulla", classes="dialog-keys")

    def on_mount(self) -> None:
        from pegaso_tui.db.templates import templates_pager

        table = self.query_one("#picker-templates", PagedTable)
        table.show(templates_pager())
        table.table.focus()

    def action_confirm(self) -> None:
        template = self.query_one("#picker-templates", PagedTable).current_row
        if template is None:
            self.app.bell()
            return
        self.dismiss(template.text)

    def on_paged_table_selected(self, event: PagedTable.Selected) -> None:
        self.action_confirm()

    def action_save_text(self) -> None:
        if not self.text.strip():
            self.notify("Il testo dell'SMS è vuoto: niente da salvare", severity="warning")
            return

        def saved(template: SmsTemplate | None) -> None:
            if template is not None:
                self.notify(f"Modello '{template.name}' salvato", markup=False)
                self.dismiss(None)

        self.app.push_screen(TemplateDialog(text=self.text), saved)
