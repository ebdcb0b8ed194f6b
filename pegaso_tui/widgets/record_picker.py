"""A record field as in the original masks: the code, the record's name beside it, and the
lens (``F2``, alias ``ctrl+l``) that opens a lookup searched as you type.

Subclasses say which records: ``ClientPicker`` (clients), ``SupplierPicker`` (suppliers).
The code may be typed short (``2`` is ``0000002``); when the field is left, the record is
looked up (in a worker) and its name shown, or "inesistente".
"""

from __future__ import annotations

from typing import Any, Callable

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Static

from pegaso_tui.db.models import CLIENT_CODE_WIDTH, normalize_code
from pegaso_tui.widgets.db_work import DbWorkMixin
from pegaso_tui.widgets.fitted_input import FittedInput
from pegaso_tui.widgets.paged_table import Column
from pegaso_tui.widgets.plain import plain
from pegaso_tui.widgets.typing_order import KeyHold

LOOKUP_KEYS = "f2,ctrl+l"


class _CodeInput(FittedInput):
    """The code field. Its F2 opens the lookup in the field's turn (``typing_order``
    runs the function keys bound above a field at once), and the keys typed behind it wait
    here until the lookup's search field has the focus: "F2 rossi" typed together searches
    "rossi"."""

    #: the lookup opened from here, until its search field has the focus
    opening: KeyHold | None = None

    async def _on_key(self, event: events.Key) -> None:
        # the keys typed behind F2 are still on their way here: they are the lookup's
        # search, which is not open yet (runs before Input's handler, in MRO order)
        if self.opening is not None and not self.opening.hold(event):
            self.opening = None


class RecordPicker(DbWorkMixin, Horizontal):
    """The code of a record, with its name and a lookup. ``.code`` is the normalised code."""

    DEFAULT_CSS = """
    RecordPicker {
        height: auto;
        width: auto;
    }
    RecordPicker > Input {
        width: auto;
    }
    RecordPicker > .record-name {
        width: 40;
        padding: 0 1;
        color: $text-muted;
    }
    RecordPicker.-unknown > .record-name {
        color: $error;
    }
    """

    BINDINGS = [Binding(LOOKUP_KEYS, "lookup", "Cerca", id="lookup")]

    #: the lookup dialog's title, the text for an unknown code
    LOOKUP_TITLE = "Cerca"
    UNKNOWN_TEXT = "inesistente"
    COLUMNS: list[Column[Any]] = []

    class Changed(Message):
        """The record of the field changed (``record`` is None when empty or unknown)."""

        def __init__(self, picker: "RecordPicker", record: Any | None) -> None:
            super().__init__()
            self.picker = picker
            self.record = record

        @property
        def control(self) -> "RecordPicker":
            return self.picker

    def __init__(self, code: str = "", *, id: str | None = None, disabled: bool = False) -> None:
        super().__init__(id=id, disabled=disabled)
        self._initial = code
        self.record: Any | None = None

    # -- what a subclass provides (domain functions: they run in a worker) -------------------

    @staticmethod
    def find_by_code(code: str) -> Any | None:
        raise NotImplementedError

    @staticmethod
    def pager(search: str):
        raise NotImplementedError

    # -- the field -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # a code is 7 digits (longer ones scroll): room for it and the cursor
        yield _CodeInput(value=self._initial, placeholder="codice", max_length=20, visible_chars=CLIENT_CODE_WIDTH)
        yield Static("", classes="record-name")

    def on_mount(self) -> None:
        if self._initial:
            self._resolve(self.code)

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def code(self) -> str:
        """The code typed, normalised (``2`` → ``0000002``); empty when nothing is typed."""
        return normalize_code(self.input.value)

    @property
    def unknown(self) -> bool:
        """True when a code is typed but no record has it."""
        return bool(self.code) and self.record is None and self.has_class("-unknown")

    def _changed(self, record: Any | None) -> Message:
        return self.Changed(self, record)

    @property
    def name_label(self) -> Static:
        """The name shown beside the code."""
        return self.query_one(".record-name", Static)

    def show_code_and_name(self, code: str, name: str) -> None:
        """Fill the field from data already at hand (a form being loaded), without a lookup
        and without a Changed message."""
        with self.input.prevent(Input.Changed):
            self.input.value = code
        self.name_label.update(plain(name))
        self.remove_class("-unknown")

    def set_record(self, record: Any | None) -> None:
        """Fill the field with ``record`` (None empties it)."""
        self.record = record
        with self.input.prevent(Input.Changed):
            self.input.value = record.code if record else ""
        self._show(record, typed=bool(record))
        self.post_message(self._changed(record))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        from pegaso_tui.widgets.form_field import FormField

        FormField.changed_inside(self)  # an error about the old code goes with it
        self.record = None
        self.remove_class("-unknown")
        self.query_one(".record-name", Static).update("")

    def on_descendant_blur(self) -> None:
        if self.code and (self.record is None or self.record.code != self.code):
            self._resolve(self.code)
        elif not self.code:
            self.post_message(self._changed(None))

    def _resolve(self, code: str) -> None:
        self.run_db(self.find_by_code, code, done=self._resolved, group=f"picker-{id(self)}")

    def _resolved(self, record: Any | None) -> None:
        if record is None:
            self.record = None
            self._show(None, typed=True)
            self.post_message(self._changed(None))
        else:
            self.set_record(record)

    def _show(self, record: Any | None, typed: bool) -> None:
        label = self.query_one(".record-name", Static)
        if record is not None:
            label.update(plain(record.name))
            self.remove_class("-unknown")
        elif typed and self.code:
            label.update(self.UNKNOWN_TEXT)
            self.add_class("-unknown")
        else:
            label.update("")
            self.remove_class("-unknown")

    def action_lookup(self) -> None:
        """The lens: pick the record from a list searched as you type."""
        from pegaso_tui.widgets.lookup import LookupDialog

        def picked(record: Any | None) -> None:
            if record is not None:
                self.set_record(record)
                if self.screen.focused is None:
                    self.input.focus()
            # only now the keys typed behind the Invio: a Tab among them must leave a field
            # that already holds the pick (it took the focus back to the code before, and
            # the words typed after the Tab went into the code)
            dialog.release_keys()

        search: Callable[[str], Any] = self.pager
        dialog = LookupDialog(self.LOOKUP_TITLE, search, self.COLUMNS)
        self.query_one(_CodeInput).opening = dialog.opening
        self.app.push_screen(dialog, picked)
