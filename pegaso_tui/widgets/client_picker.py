"""A client field as in the original masks: the code, the client's name beside it, and the
lens (``F2``, alias ``ctrl+l``) that opens a lookup by code, name, mobile or city.

The code may be typed short (``2`` is ``0000002``); when the field is left the name of the
client is looked up (in a worker) and shown, or "cliente inesistente".
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Static

from pegaso_tui.db.clients import client_by_code, clients_pager
from pegaso_tui.db.models import Client, normalize_code
from pegaso_tui.widgets.db_work import DbWorkMixin
from pegaso_tui.widgets.paged_table import Column

LOOKUP_KEYS = "f2,ctrl+l"

CLIENT_COLUMNS: list[Column[Client]] = [
    Column("Codice", lambda c: c.code, width=9),
    Column("Ragione Sociale", lambda c: c.name, width=34),
    Column("Città", lambda c: c.city, width=18),
    Column("Cellulare", lambda c: c.mobile, width=16),
]


class ClientPicker(DbWorkMixin, Horizontal):
    """The code of a client, with its name and a lookup. ``.code`` is the normalised code."""

    DEFAULT_CSS = """
    ClientPicker {
        height: auto;
        width: auto;
    }
    ClientPicker > Input {
        width: 13;
    }
    ClientPicker > .client-name {
        width: 40;
        padding: 1 1 0 1;
        color: $text-muted;
    }
    ClientPicker.-unknown > .client-name {
        color: $error;
    }
    """

    BINDINGS = [Binding(LOOKUP_KEYS, "lookup", "Cerca cliente", id="lookup")]

    class Changed(Message):
        """The client of the field changed (``client`` is None when empty or unknown)."""

        def __init__(self, picker: "ClientPicker", client: Client | None) -> None:
            super().__init__()
            self.picker = picker
            self.client = client

        @property
        def control(self) -> "ClientPicker":
            return self.picker

    def __init__(self, code: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._initial = code
        self.client: Client | None = None

    def compose(self) -> ComposeResult:
        yield Input(value=self._initial, placeholder="codice", max_length=20)
        yield Static("", classes="client-name")

    def on_mount(self) -> None:
        if self._initial:
            self._resolve(self._initial)

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def code(self) -> str:
        """The code typed, normalised (``2`` → ``0000002``); empty when nothing is typed."""
        return normalize_code(self.input.value)

    @property
    def unknown(self) -> bool:
        """True when a code is typed but no client has it."""
        return bool(self.code) and self.client is None and self.has_class("-unknown")

    def set_client(self, client: Client | None) -> None:
        """Fill the field with ``client`` (None empties it)."""
        self.client = client
        with self.input.prevent(Input.Changed):
            self.input.value = client.code if client else ""
        self._show(client, typed=bool(client))
        self.post_message(self.Changed(self, client))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.client = None
        self.remove_class("-unknown")
        self.query_one(".client-name", Static).update("")

    def on_descendant_blur(self) -> None:
        if self.code and (self.client is None or self.client.code != self.code):
            self._resolve(self.code)
        elif not self.code:
            self.post_message(self.Changed(self, None))

    def _resolve(self, code: str) -> None:
        self.run_db(client_by_code, code, done=lambda c: self.set_client_from_lookup(c, code), group=f"client-{id(self)}")

    def set_client_from_lookup(self, client: Client | None, code: str) -> None:
        if client is None:
            self.client = None
            self._show(None, typed=True)
            self.post_message(self.Changed(self, None))
        else:
            self.set_client(client)

    def _show(self, client: Client | None, typed: bool) -> None:
        label = self.query_one(".client-name", Static)
        if client is not None:
            label.update(client.name)
            self.remove_class("-unknown")
        elif typed and self.code:
            label.update("cliente inesistente")
            self.add_class("-unknown")
        else:
            label.update("")
            self.remove_class("-unknown")

    def action_lookup(self) -> None:
        """The lens: pick the client from a list searched as you type."""
        from pegaso_tui.widgets.lookup import LookupDialog

        def picked(client: Client | None) -> None:
            if client is not None:
                self.set_client(client)
                self.input.focus()

        self.app.push_screen(LookupDialog("Cerca cliente", clients_pager, CLIENT_COLUMNS, initial=""), picked)
