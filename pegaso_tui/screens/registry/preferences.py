"""Mask 9, "Preferenze": the agency's own list of client interests, list and form.

A code is unique (in any case). Deleting a preference that clients use asks first and says
how many clients have it; the clients stay, only the preference leaves them.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Header, Input, Static

from pegaso_tui.db.preferences import (
    PreferenceRow,
    delete_preference,
    preference_data,
    preference_usage,
    preferences_pager,
    save_preference,
)
from pegaso_tui.screens.registry.record_form import RecordFormScreen
from pegaso_tui.screens.registry.registry_list import RegistryListScreen
from pegaso_tui.widgets.form_field import FormField
from pegaso_tui.widgets.key_footer import KeyFooter
from pegaso_tui.widgets.paged_table import Column
from pegaso_tui.widgets.plain import esc

PREFERENCE_LIST_COLUMNS: list[Column[PreferenceRow]] = [
    Column("Cod.", lambda p: p.code, width=8),
    Column("Descrizione", lambda p: p.description, width=40),
    Column("Clienti", lambda p: f"{p.clients:>7}", width=7, value=lambda p: p.clients),
]


def delete_question(description: str, clients: int) -> str:
    """What the list asks before deleting a preference (Italian)."""
    if clients == 0:
        return f"Eliminare la preferenza {description}?\nNessun cliente la usa."
    who = "1 cliente la usa" if clients == 1 else f"{clients} clienti la usano"
    return (
        f"Eliminare la preferenza {description}?\n"
        f"{who}: sarà tolta dalla loro scheda (i clienti restano)."
    )


class PreferencesScreen(RegistryListScreen[PreferenceRow]):
    """Preferenze."""

    MASK_TITLE = "Preferenze"
    SEARCH_HINT = "cerca per codice o descrizione…"
    EXPORT_NAME = "preferenze"
    IMPORT_KIND = "preferences"
    EMPTY_TEXT = "Nessuna preferenza"

    def columns(self) -> list[Column[PreferenceRow]]:
        return PREFERENCE_LIST_COLUMNS

    def make_pager(self, search: str):
        return preferences_pager(search)

    def open_form(self, row: PreferenceRow | None) -> None:
        self.app.push_screen(PreferenceFormScreen(row.id if row else None), self.after_form)

    def delete_row(self, row: PreferenceRow) -> None:
        def asked(clients: int) -> None:
            self.ask(delete_question(f"{row.code} {row.description}", clients), lambda: self.run_db(
                delete_preference, row.id, done=lambda _: self.deleted(f"Preferenza {row.code} eliminata")
            ), title="Elimina preferenza")

        # counted again now: the list may be minutes old
        self.run_db(preference_usage, row.id, done=asked)


def _load(preference_id: int | None):
    if preference_id is None:
        return None
    return preference_data(preference_id)


class PreferenceFormScreen(RecordFormScreen):
    """Preferenze / Varia (or / Carica, as the original names the new one)."""

    NOUN = "la preferenza"

    def __init__(self, preference_id: int | None = None) -> None:
        super().__init__(preference_id)
        self.MASK_TITLE = "Preferenze / Varia" if preference_id else "Preferenze / Carica"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Inserisci nuova preferenza nell'elenco", id="form-heading")
        with VerticalScroll(classes="form-body"):
            yield FormField("Codice", Input(id="code", max_length=20), id="f-code")
            yield FormField("Preferenza", Input(id="description", max_length=120), id="f-description")
        yield KeyFooter()

    def load_function(self):
        return _load, (self.record_id,)

    def fill(self, preference) -> None:
        if preference is not None:
            self.query_one("#code", Input).value = preference.code
            self.query_one("#description", Input).value = preference.description
            self.query_one("#form-heading", Static).update(f"Preferenza [b]{esc(preference.code)}[/b]")

    def after_load(self) -> None:
        self.query_one("#code", Input).focus()

    def gather(self):
        return (self.query_one("#code", Input).value, self.query_one("#description", Input).value)

    def save_function(self):
        def save(values, preference_id):
            code, description = values
            return save_preference(code, description, preference_id)

        return save
