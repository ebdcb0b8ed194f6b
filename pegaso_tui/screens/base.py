"""What every mask has in common: the keys of the originals and database work off the UI thread.

- ``F10`` confirms (alias ``ctrl+s``: some terminals keep F10 for their menu); ``Esc`` leaves
  (alias ``ctrl+g``). Their binding ids, ``confirm`` and ``leave``, can be remapped in the
  settings' ``[keys]`` table.
- ``run_db`` (from ``widgets.db_work``) runs a domain function in a thread worker with its
  own database connection and hands the result back on the UI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import events, on
from textual.binding import Binding
from textual.screen import Screen

from pegaso_tui.widgets.compact import make_compact
from pegaso_tui.widgets.db_work import DbWorkMixin
from pegaso_tui.widgets.dialog import CONFIRM_KEYS, LEAVE_KEYS, DialogScreen

__all__ = ["CONFIRM_KEYS", "LEAVE_KEYS", "DialogScreen", "MaskScreen"]

if TYPE_CHECKING:
    from pegaso_tui.app import PegasoApp


#: below this many rows a mask has the class "-short" (80×24 is a supported size)
SHORT_SCREEN_ROWS = 32
#: below this many columns a mask has the class "-narrow"
NARROW_SCREEN_COLUMNS = 110


class MaskScreen(DbWorkMixin, Screen[Any]):
    """A mask of the application: F10 confirms, Esc leaves."""

    BINDINGS = [
        Binding(LEAVE_KEYS, "leave", "Esci", id="leave", tooltip="Chiude la maschera senza salvare"),
        Binding(CONFIRM_KEYS, "confirm", "Ok", id="confirm", tooltip="Conferma"),
    ]

    #: The title shown in the header while the mask is open.
    MASK_TITLE = ""

    @property
    def app(self) -> "PegasoApp":  # type: ignore[override]
        return super().app  # type: ignore[return-value]

    @on(events.Mount)
    def _compact_fields(self) -> None:
        # a handler of its own (not on_mount, which masks override): every mask is compact
        make_compact(self)

    @on(events.Resize)
    def _fit_size(self, event: events.Resize) -> None:
        # "-short" lets the stylesheets give a 24-line terminal lower charts and lists;
        # "-narrow" lays the footer's keys out on two lines rather than cutting them
        self.set_class(event.size.height < SHORT_SCREEN_ROWS, "-short")
        self.set_class(event.size.width < NARROW_SCREEN_COLUMNS, "-narrow")

    def on_mount(self) -> None:
        if self.MASK_TITLE:
            self.title = self.MASK_TITLE

    def action_leave(self) -> None:
        """Leave the mask (subclasses ask first when something would be lost)."""
        self.dismiss()

    def action_confirm(self) -> None:
        """F10: what it means depends on the mask."""
