"""Aiuto (F1): the manual's page of the mask in use, in Textual's Markdown viewer.

The page is chosen by ``pegaso_tui.manual``; links in it open the other pages. ``Esc``, ``F1``
or ``F10`` close it and give the mask back as it was.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import MarkdownViewer, Static

from pegaso_tui.widgets.dialog import CONFIRM_KEYS, LEAVE_KEYS


class HelpScreen(ModalScreen[None]):
    """One page of the manual over the mask."""

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > Vertical {
        width: 100;
        max-width: 100%;
        height: 100%;
        border: thick $primary;
        background: $surface;
    }
    HelpScreen MarkdownViewer {
        height: 1fr;
    }
    HelpScreen .help-keys {
        height: 1;
        padding: 0 1;
        color: $text-muted;
        background: $primary-background;
    }
    """

    BINDINGS = [
        # (F1, the app's key, closes it too: PegasoApp.action_help)
        Binding(f"{LEAVE_KEYS},{CONFIRM_KEYS}", "close", "Chiudi", id="leave"),
    ]

    def __init__(self, page: Path) -> None:
        super().__init__()
        self.page = page

    def compose(self) -> ComposeResult:
        with Vertical():
            yield MarkdownViewer(self.page.read_text(encoding="utf-8"), show_table_of_contents=False)
            yield Static("Aiuto — ↑↓ PagSu PagGiù per scorrere · Esc (o F1) per tornare alla maschera",
                         classes="help-keys")

    def on_mount(self) -> None:
        # the document scrolls with the arrows at once, without a Tab first
        self.query_one(MarkdownViewer).focus()

    def action_close(self) -> None:
        self.dismiss(None)
