"""The command palette (Ctrl+P) in Italian, like every other word on screen.

Textual writes "Search for commands…" as the palette's default placeholder and "No matches
found" inside the method that shows it; both are replaced here.
"""

from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

PLACEHOLDER = "Cerca comandi…"
NO_MATCHES = "Nessun risultato"


class ItalianCommandPalette(CommandPalette):
    """Textual's CommandPalette with Italian words."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("placeholder", PLACEHOLDER)
        super().__init__(*args, **kwargs)

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual's own, with the message in Italian (it is written inside this method)
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text(NO_MATCHES, style="not bold")), disabled=True, id=self._NO_MATCHES)
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
