"""Mask 6, "Clienti": the client list, searched as you type, with Nuovo / Varia / Elimina.

The search matches any part of the code, name, mobile, phone, city or e-mail; every word
typed must match (``rossi verona``). Deleting a client asks first and says what stays (its
preferences, its SMS history); a client with practices cannot be deleted, and the list says
how many it has.
"""

from __future__ import annotations

from rich.text import Text

from pegaso_tui.db.clients import client_usage, clients_pager, delete_client
from pegaso_tui.db.models import COMPANY, Client
from pegaso_tui.screens.registry.registry_list import RegistryListScreen
from pegaso_tui.sms.phone import OK, display_number
from pegaso_tui.widgets.paged_table import Column

CHECK = "✓"


def flag(value: bool) -> str:
    """A flag as a list shows it."""
    return CHECK if value else ""


def mobile_cell(client) -> Text:
    """The mobile the Italian way; in red when it cannot receive an SMS."""
    text = display_number(client.mobile)
    return Text(text) if client.mobile_status == OK else Text(text, style="red")


CLIENT_LIST_COLUMNS: list[Column[Client]] = [
    Column("Codice", lambda c: c.code, width=8),
    Column("Ragione Sociale", lambda c: c.name, width=26),
    Column("Tipo", lambda c: "Azienda" if c.kind == COMPANY else "Persona", width=7),
    Column("Città", lambda c: c.city, width=14),
    Column("PR", lambda c: c.province, width=2),
    Column("Cellulare", mobile_cell, width=14, value=lambda c: display_number(c.mobile)),
    Column("Sms Prat", lambda c: flag(c.sms_practices), width=8, value=lambda c: c.sms_practices),
    Column("Sms Promo", lambda c: flag(c.sms_promo), width=9, value=lambda c: c.sms_promo),
]


class ClientsScreen(RegistryListScreen[Client]):
    """Clienti."""

    MASK_TITLE = "Clienti"
    SEARCH_HINT = "cerca per codice, nome, cellulare, città… (ogni parola deve comparire)"
    EXPORT_NAME = "clienti"
    IMPORT_KIND = "clients"
    EMPTY_TEXT = "Nessun cliente"

    def columns(self) -> list[Column[Client]]:
        return CLIENT_LIST_COLUMNS

    def make_pager(self, search: str):
        return clients_pager(search)

    def open_form(self, row: Client | None) -> None:
        from pegaso_tui.screens.registry.client_form import ClientFormScreen

        self.app.push_screen(ClientFormScreen(row.id if row else None), self.after_form)

    def delete_row(self, row: Client) -> None:
        def asked(usage) -> None:
            if usage.practices:
                noun = "pratica" if usage.practices == 1 else "pratiche"
                self.notify(
                    f"{row.name} ha {usage.practices} {noun}: non può essere eliminato.",
                    title="Eliminazione impossibile",
                    severity="warning",
                    timeout=8,
                    markup=False,
                )
                return
            self.ask(usage.delete_question(row.name), lambda: self.run_db(
                delete_client, row.id, done=lambda _: self.deleted(f"Cliente {row.code} eliminato")
            ), title="Elimina cliente")

        self.run_db(client_usage, row.id, done=asked)
