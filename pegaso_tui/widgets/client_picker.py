"""The client field of the masks: code, name, and the lens (F2 / ctrl+l) over every client."""

from __future__ import annotations

from pegaso_tui.db.clients import client_by_code, clients_pager
from pegaso_tui.db.models import Client
from pegaso_tui.sms.phone import display_number
from pegaso_tui.widgets.paged_table import Column
from pegaso_tui.widgets.record_picker import LOOKUP_KEYS, RecordPicker

__all__ = ["CLIENT_COLUMNS", "LOOKUP_KEYS", "ClientPicker"]

CLIENT_COLUMNS: list[Column[Client]] = [
    Column("Codice", lambda c: c.code, width=9),
    Column("Ragione Sociale", lambda c: c.name, width=34),
    Column("Città", lambda c: c.city, width=18),
    Column("Cellulare", lambda c: display_number(c.mobile), width=16),
]


class ClientPicker(RecordPicker):
    """The code of a client; ``.client`` is the Client once known."""

    LOOKUP_TITLE = "Cerca cliente"
    UNKNOWN_TEXT = "cliente inesistente"
    COLUMNS = CLIENT_COLUMNS

    class Changed(RecordPicker.Changed):
        """The client of the field changed (``client`` is None when empty or unknown)."""

        @property
        def client(self) -> Client | None:
            return self.record

    find_by_code = staticmethod(client_by_code)
    pager = staticmethod(clients_pager)

    @property
    def client(self) -> Client | None:
        return self.record

