"""The client form's line about the opt-out (the "SMS" tab): whether the client objected to
marketing, since when and how, and the button that records or lifts the objection at once
(like "Crea nuova preferenza", it does not wait for the form's F10)."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Static

from pegaso_tui.dates import format_date
from pegaso_tui.db.optouts import VIA_LABELS, OptOutRow
from pegaso_tui.widgets.db_work import DbWorkMixin


def describe_opt_out(row: OptOutRow | None) -> str:
    """``Non disturbare: dal 01-06-2027 (telefono) — non vuole offerte`` or that there is none."""
    if row is None:
        return "Opposizione al marketing: nessuna"
    text = f"[b]Non disturbare[/b]: dal {format_date(row.at)} ({VIA_LABELS.get(row.via, row.via)})"
    if row.reason:
        text += f" — {escape(row.reason)}"
    return text


class ClientOptOutBar(DbWorkMixin, Horizontal):
    """One line: the client's objection, and "Registra opposizione" / "Togli opposizione"."""

    DEFAULT_CSS = """
    ClientOptOutBar {
        height: auto;
    }
    ClientOptOutBar > Static {
        width: 1fr;
        padding: 0 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.client_id: int | None = None
        self.client_name = ""
        self.current: OptOutRow | None = None

    def compose(self) -> ComposeResult:
        yield Static(describe_opt_out(None), id="optout-status")
        yield Button("Registra opposizione", id="optout-toggle", disabled=True, compact=True)

    def show(self, client_id: int | None, name: str) -> None:
        """Read the objection of this client (None: a new client, not saved yet)."""
        from pegaso_tui.db.optouts import client_opt_out

        self.client_id, self.client_name = client_id, name
        if client_id is None:
            self.query_one(Static).update("Opposizione al marketing: salvare prima il cliente")
            return
        self.run_db(client_opt_out, client_id, done=self._shown, group="client-optout")

    def _shown(self, row: OptOutRow | None) -> None:
        self.current = row
        self.query_one(Static).update(describe_opt_out(row))
        button = self.query_one(Button)
        button.label = "Togli opposizione" if row else "Registra opposizione"
        button.disabled = False

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if self.client_id is None:
            return
        if self.current is None:
            from pegaso_tui.screens.comms.do_not_disturb import OptOutDialog

            self.app.push_screen(OptOutDialog(self.client_id, self.client_name), self._changed)
            return
        from pegaso_tui.db.optouts import remove_client_opt_out
        from pegaso_tui.widgets.confirm import ConfirmDialog

        client_id = self.client_id

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_db(remove_client_opt_out, client_id, done=self._changed, group="client-optout")

        self.app.push_screen(ConfirmDialog(
            f"Togliere l'opposizione di {self.client_name}? Riceverà di nuovo SMS promozionali.",
            title="Togli opposizione", yes="Togli (F10)"), answered)

    def _changed(self, _: Any) -> None:
        self.show(self.client_id, self.client_name)
