"""Invia prova: the number to send the test SMS to (proposed: the operator's last one)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from pegaso_tui.widgets.dialog import DialogScreen
from pegaso_tui.widgets.form_field import FormField
from pegaso_tui.widgets.plain import plain


class SampleSendDialog(DialogScreen[str]):
    """The test SMS's text and the number; F10 dismisses with the number typed."""

    DEFAULT_CSS = """
    SampleSendDialog {
        align: center middle;
    }
    SampleSendDialog > Vertical {
        width: 76;
        max-width: 100%;
        height: auto;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    SampleSendDialog #sample-title {
        text-style: bold;
    }
    SampleSendDialog #sample-text {
        color: $text-muted;
        max-height: 6;
    }
    SampleSendDialog Input {
        width: 24;
    }
    """

    def __init__(self, text: str, number: str) -> None:
        from pegaso_tui.sms.phone import display_number

        super().__init__(id="sample-send")
        self.text = text
        self.number = display_number(number) if number else ""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Invia prova", id="sample-title")
            yield Static(plain(self.text), id="sample-text")
            yield FormField("Al numero:", Input(self.number, placeholder="347 123 4567", id="sample-number"),
                            label_width=12, id="field-sample-number")
            yield Static("F10 invia la prova (un SMS, dalla coda come gli altri) · Esc annulla")

    def on_mount(self) -> None:
        self.query_one("#sample-number", Input).focus()

    def action_confirm(self) -> None:
        from pegaso_tui.sms.phone import check_mobile

        number = self.query_one("#sample-number", Input).value.strip()
        check = check_mobile(number)
        if not check.sendable:
            self.query_one("#field-sample-number", FormField).set_error(
                f"numero {number or '(vuoto)'}: {check.reason}")
            return
        self.dismiss(number)

    def on_input_submitted(self) -> None:
        self.action_confirm()
