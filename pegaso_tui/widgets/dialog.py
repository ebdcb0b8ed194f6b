"""The base of every dialog: a modal screen where F10 is OK and Esc is cancel.

The keys are the masks' own (``F10``/``ctrl+s`` confirm, ``Esc``/``ctrl+g`` leave), with the
same binding ids, so a remapping in the settings applies to dialogs too.
"""

from __future__ import annotations

from typing import TypeVar

from textual import events, on
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from pegaso_tui.widgets.compact import make_compact
from pegaso_tui.widgets.db_work import DbWorkMixin

T = TypeVar("T")

CONFIRM_KEYS = "f10,ctrl+s"
LEAVE_KEYS = "escape,ctrl+g"


class DialogScreen(DbWorkMixin, ModalScreen[T]):
    """A modal dialog: F10 is OK, Esc is cancel (dismisses with None)."""

    BINDINGS = [
        Binding(LEAVE_KEYS, "cancel", "Annulla", id="leave"),
        Binding(CONFIRM_KEYS, "confirm", "Ok", id="confirm"),
    ]

    @on(events.Mount)
    def _compact_fields(self) -> None:
        # one line per field, as in the masks (widgets.compact)
        make_compact(self)

    @on(Input.Changed)
    def _clear_stale_error(self, event: Input.Changed) -> None:
        # the line under the fields said what was wrong at the last F10: once the operator
        # types, it may no longer be so ("nome della ricerca mancante" under a name typed)
        if event.input.has_focus:
            for error in self.query(".dialog-error").results(Static):
                error.update("")

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_confirm(self) -> None:
        """F10: subclasses dismiss with their value."""
