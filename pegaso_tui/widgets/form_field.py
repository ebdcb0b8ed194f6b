"""A labelled field with its own error line, so every bad input is explained next to it.

The error goes away as soon as the field's value changes: it spoke of the value the user has
just fixed ("data non valida" under a good date misled). A check that runs as the user types
(a date, a recontact) puts it back at once if the new value is wrong too.
"""

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
        self._error_value: tuple | None = None

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
        # the value the message is about: a Changed message still on its way for the same
        # value (a mobile rewritten and then flagged) must not clear it
        self._error_value = self._value() if message else None

    def _value(self) -> tuple:
        widget = self.widget
        return tuple(repr(getattr(widget, name, None)) for name in ("value", "text", "code", "pressed_index", "selected"))

    def _value_changed(self) -> None:
        if self.has_class("-has-error") and self._value() != self._error_value:
            self.set_error(None)

    @staticmethod
    def changed_inside(widget: Widget) -> None:
        """For a composite field that stops its inner Input's Changed (a code picker): tell
        the FormField around it that its value changed."""
        field = next((a for a in widget.ancestors if isinstance(a, FormField)), None)
        if field is not None:
            field._value_changed()

    # the messages of the widgets a field holds; they go on bubbling to the screen
    def on_input_changed(self) -> None:
        self._value_changed()

    def on_text_area_changed(self) -> None:
        self._value_changed()

    def on_select_changed(self) -> None:
        self._value_changed()

    def on_checkbox_changed(self) -> None:
        self._value_changed()

    def on_radio_set_changed(self) -> None:
        self._value_changed()

    def on_selection_list_selected_changed(self) -> None:
        self._value_changed()

    def on_sms_editor_changed(self) -> None:
        self._value_changed()

    @property
    def error(self) -> str | None:
        """The message shown, or None."""
        if not self.has_class("-has-error"):
            return None
        return str(self.query_one(".form-error", Static).render())
