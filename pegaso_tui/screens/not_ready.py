"""A mask whose screen is not built yet says so plainly, and names the issue that builds it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.widgets import Footer, Header, Static

from pegaso_tui.masks import Mask
from pegaso_tui.screens.base import MaskScreen


class NotReadyScreen(MaskScreen):
    """Shown for a mask that another issue builds; Esc goes back."""

    def __init__(self, mask: Mask) -> None:
        super().__init__(id="not-ready")
        self.mask = mask
        self.MASK_TITLE = mask.title

    def compose(self) -> ComposeResult:
        yield Header()
        with Middle():
            with Center():
                yield Static(
                    f"[b]{self.mask.title}[/b]\n\n{self.mask.help}\n\n"
                    f"Questa maschera non è ancora pronta (issue {self.mask.issue}).\n"
                    "Premi Esc per tornare al menu.",
                    id="not-ready-text",
                )
        yield Footer()
