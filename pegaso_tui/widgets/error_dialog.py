"""The dialog of an unexpected error: one line, and where its details were written."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Static

from pegaso_tui.widgets.dialog import DialogScreen
from pegaso_tui.widgets.plain import plain


class ErrorDialog(DialogScreen[None]):
    """"Errore imprevisto": the error in one line and the log's path; any of F10, Esc or
    Enter closes it and the operator carries on where they were."""

    DEFAULT_CSS = """
    ErrorDialog {
        align: center middle;
    }
    ErrorDialog > Vertical {
        width: 76;
        max-width: 100%;
        height: auto;
        border: thick $error;
        background: $surface;
        padding: 1 2;
    }
    ErrorDialog #error-title {
        text-style: bold;
        margin-bottom: 1;
    }
    ErrorDialog Button {
        margin-top: 1;
    }
    """

    def __init__(self, line: str, log_path: str | None) -> None:
        super().__init__()
        self.line = line
        self.log_path = log_path

    @property
    def message(self) -> str:
        """What the dialog says (for tests and the log path)."""
        where = f"Dettagli in {self.log_path}" if self.log_path else "Dettagli non salvati"
        return f"{self.line}\n{where}. Si può continuare a lavorare."

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Errore imprevisto", id="error-title")
            yield Static(plain(self.message), id="error-message")
            yield Button("Ok (F10)", id="ok", variant="error")

    def on_mount(self) -> None:
        self.query_one("#ok", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_confirm(self) -> None:
        self.dismiss(None)
