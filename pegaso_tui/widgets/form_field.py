"""A labelled field with its own error line, so every bad input is explained next to it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Label, Static

from pegaso_tui.widgets.plain import plain


class FormField(Vertical):
    """``Label  [widget]`` on one line and, under it, the field's error (hidden when none)."""

    DEFAULT_CSS = """
    FormField {
        height: auto;
        margin-bottom: 0;
    }
    FormField > Horizontal {
        height: auto;
    }
    FormField .form-label {
        width: 20;
        padding: 0 1 0 0;  /* fields are one line (widgets.compact): the label beside them */
        text-align: right;
    }
    FormField .form-error {
        color: $error;
        padding-left: 20;
        height: auto;
        display: none;
    }
    FormField.-has-error .form-error {
        display: block;
    }
    """

    def __init__(self, label: str, widget: Widget, *, label_width: int | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.label = label
        self.widget = widget
        self.label_width = label_width

    def compose(self) -> ComposeResult:
        with Horizontal():
            label = Label(self.label, classes="form-label")
            if self.label_width:
                label.styles.width = self.label_width
            yield label
            yield self.widget
        error = Static("", classes="form-error")
        if self.label_width:
            error.styles.padding = (0, 0, 0, self.label_width)
        yield error

    def set_error(self, message: str | None) -> None:
        """Show ``message`` under the field (None clears it)."""
        self.query_one(".form-error", Static).update(plain(message))  # may quote what was typed
        self.set_class(bool(message), "-has-error")

    @property
    def error(self) -> str | None:
        """The message shown, or None."""
        if not self.has_class("-has-error"):
            return None
        return str(self.query_one(".form-error", Static).render())
