"""Asking before anything irreversible: F10 says yes, Esc says no."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from pegaso_tui.widgets.dialog import DialogScreen
from pegaso_tui.widgets.plain import plain


class ConfirmDialog(DialogScreen[bool]):
    """A question with Sì (F10) and No (Esc); dismisses with True or False."""

    DEFAULT_CSS = """
    ConfirmDialog {
        align: center middle;
    }
    ConfirmDialog > Vertical {
        width: 70;
        height: auto;
        border: thick $warning;
        background: $surface;
        padding: 1 2;
    }
    ConfirmDialog #confirm-title {
        text-style: bold;
        margin-bottom: 1;
    }
    ConfirmDialog Horizontal {
        height: auto;
        align: center middle;
        margin-top: 1;
    }
    ConfirmDialog Button {
        margin: 0 2;
    }
    """

    def __init__(self, message: str, *, title: str = "Conferma", yes: str = "Sì (F10)", no: str = "No (Esc)") -> None:
        super().__init__()
        self.message = message
        self.dialog_title = title
        self.yes_label = yes
        self.no_label = no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(self.dialog_title), id="confirm-title")
            yield Static(plain(self.message), id="confirm-message")
            with Horizontal():
                yield Button(self.yes_label, id="yes", variant="warning")
                yield Button(self.no_label, id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()  # a stray Enter must not confirm

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
