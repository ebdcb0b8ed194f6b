"""What the registry forms have in common: load in a worker, F10 saves, Esc asks first.

- The record is read in a worker; until it arrives F10 does nothing.
- ``F10`` (``ctrl+s``) saves in a worker. The domain function checks everything; its
  ``InvalidRecord`` errors are shown next to their fields (``FormField`` with id
  ``f-<field>``), the first one's tab is opened and its field focused.
- ``Esc`` (``ctrl+g``) leaves; with unsaved changes it asks first.
- ``F5`` goes to the next tab (``alt+1``… to a tab by number: the app binds them, see
  ``PegasoApp.action_tab``).

A form dismisses with the saved record's id (None when left without saving), so the list
that opened it knows to re-read its rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from textual import events
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Input, RadioSet, TabbedContent, TabPane, TextArea

from pegaso_tui.db.records import InvalidRecord
from pegaso_tui.screens.base import MaskScreen
from pegaso_tui.widgets.form_field import FormField
from pegaso_tui.widgets.toggles import Checkbox, RadioButton, SelectionList
from pegaso_tui.widgets.typing_order import KeyHold

STYLES = Path(__file__).parent.parent.parent / "styles"


class RecordFormScreen(MaskScreen):
    """A form over one record of the registry."""

    CSS_PATH = STYLES / "registry.tcss"

    BINDINGS = [
        Binding("f5", "next_tab", "Scheda succ.", id="next_tab", tooltip="Passa alla scheda successiva"),
    ]

    #: what the form is called in messages ("il cliente", "la pratica", ...)
    NOUN = "l'elemento"

    def __init__(self, record_id: int | None = None) -> None:
        super().__init__(classes="record-form")
        self.record_id = record_id
        self.loaded = False
        self._saving = False
        self._dates_as_none = False
        self._initial: tuple = ()
        #: keys typed before the record is on screen and its first field focused (F3 and the
        #: code typed together): given to that field then, not lost, not overwritten
        self.typed_ahead = KeyHold()

    # -- what a form defines -----------------------------------------------------------------

    def load_function(self) -> tuple[Callable[..., Any], tuple]:
        """The domain call that reads the record (or prepares a new one) and its arguments."""
        raise NotImplementedError

    def fill(self, card: Any) -> None:
        """Show ``card`` in the fields (UI thread)."""
        raise NotImplementedError

    def gather(self) -> Any:
        """The data typed, for the save function."""
        raise NotImplementedError

    def read_dates(self, *names: str) -> dict[str, Any]:
        """The dates typed in the DateInputs with these ids (None when empty);
        InvalidRecord naming each impossible one."""
        from pegaso_tui.dates import DateError
        from pegaso_tui.widgets.date_input import DateInput

        dates, errors = {}, {}
        for name in names:
            try:
                dates[name] = self.query_one(f"#{name}", DateInput).date
            except DateError as exc:
                errors[name] = str(exc)
                dates[name] = None
        if errors and not self._dates_as_none:
            raise InvalidRecord(errors)
        return dates

    def check_function(self) -> Callable[[Any], dict[str, str]] | None:
        """The domain check of the gathered data (errors by field), run in a worker when a
        date cannot be read, so that one F10 shows every error; None: dates only."""
        return None

    def save_function(self) -> Callable[..., Any]:
        """The domain call that saves: ``fn(data, record_id, *save_args())``."""
        raise NotImplementedError

    def save_args(self) -> tuple:
        return ()

    def extra_state(self) -> tuple:
        """State not held by an input widget (lists the form edits), for the unsaved check."""
        return ()

    # -- loading --------------------------------------------------------------------------------

    def on_mount(self) -> None:
        super().on_mount()
        fn, args = self.load_function()
        self.run_db(fn, *args, done=self._loaded, failed=self._load_failed, group="form-load")

    def _loaded(self, card: Any) -> None:
        self.fill(card)
        # the snapshot is taken once the widgets have applied the values
        self.call_after_refresh(self._mark_clean)

    def _mark_clean(self) -> None:
        self._initial = self.snapshot()
        self.loaded = True
        self.after_load()
        # after after_load's focus(), which waits its turn in the app's queue
        self.app.call_later(lambda: self.typed_ahead.release(self.app))

    def on_key(self, event: events.Key) -> None:
        # a key that reached the form itself, before any of its fields had the focus
        self.typed_ahead.hold(event)

    def after_load(self) -> None:
        """Called once the record is on screen (focus the first field, ...)."""

    def _load_failed(self, exc: BaseException) -> None:
        self.typed_ahead.discard()
        self.notify_error(exc)
        self.dismiss(None)

    # -- unsaved changes ---------------------------------------------------------------------

    def snapshot(self) -> tuple:
        """The values of every field, to tell whether something changed."""
        values: list[Any] = []
        for widget in self.query("Input, Checkbox, RadioSet, TextArea, SelectionList"):
            if not widget.id or widget.has_class("no-snapshot"):
                continue
            if isinstance(widget, Input):
                values.append((widget.id, widget.value))
            elif isinstance(widget, Checkbox):
                values.append((widget.id, widget.value))
            elif isinstance(widget, RadioSet):
                # the buttons' own values: pressed_index follows them only via a message
                values.append((widget.id, tuple(b.value for b in widget.query(RadioButton))))
            elif isinstance(widget, TextArea):
                values.append((widget.id, widget.text))
            elif isinstance(widget, SelectionList):
                values.append((widget.id, tuple(sorted(map(str, widget.selected)))))
        return tuple(values) + self.extra_state()

    @property
    def dirty(self) -> bool:
        """True when something was changed since the record was loaded or saved."""
        return self.loaded and self.snapshot() != self._initial

    def has_unsaved_changes(self) -> bool:
        """What Ctrl+Q asks every screen before quitting (see ``app.action_quit``)."""
        return self.dirty

    def action_leave(self) -> None:
        if not self.dirty:
            self.dismiss(None)
            return
        from pegaso_tui.widgets.confirm import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmDialog(
                "Ci sono modifiche non salvate.\nUscire senza salvarle?",
                title="Modifiche non salvate",
                yes="Esci senza salvare (F10)",
                no="Resta (Esc)",
            ),
            answered,
        )

    # -- saving ---------------------------------------------------------------------------------

    def action_confirm(self) -> None:
        if not self.loaded or self._saving:
            return
        try:
            data = self.gather()
        except InvalidRecord as exc:  # a field the form itself cannot read (e.g. a date)
            self._explain_all(exc.errors)
            return
        self._saving = True
        self.run_db(
            self.save_function(), data, self.record_id, *self.save_args(),
            done=self._saved, failed=self._save_failed, group="form-save",
        )

    def _explain_all(self, unreadable: dict[str, str]) -> None:
        """Show the fields the form cannot read together with every other error of the data
        (else F10 revealed them one round at a time)."""
        check = self.check_function()
        if check is None:
            self.show_errors(unreadable)
            return
        self._dates_as_none = True
        try:
            data = self.gather()
        finally:
            self._dates_as_none = False
        self.run_db(check, data, done=lambda others: self.show_errors({**others, **unreadable}),
                    group="form-save")

    def _saved(self, record: Any) -> None:
        self._saving = False
        self.show_errors({})
        self.notify(f"Salvato: {self.describe_saved(record)}", title="Salvataggio", markup=False)
        self.dismiss(getattr(record, "id", record))

    def describe_saved(self, record: Any) -> str:
        return str(getattr(record, "code", "") or getattr(record, "number", "") or "")

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        if isinstance(exc, InvalidRecord):
            self.show_errors(exc.errors)
            return
        self.notify_error(exc)

    # -- errors next to the fields ----------------------------------------------------------

    def field(self, name: str) -> FormField:
        return self.query_one(f"#f-{name}", FormField)

    def set_field_error(self, name: str, message: str | None) -> None:
        """Show (or clear with None) the error under one field."""
        try:
            self.field(name).set_error(message)
        except Exception:  # a field this form does not show
            if message:
                self.notify(message, severity="error", markup=False)

    def show_errors(self, errors: dict[str, str]) -> None:
        """Show ``errors`` under their fields, clear the others, go to the first one."""
        for field in self.query(FormField):
            name = (field.id or "").removeprefix("f-")
            if name and name in errors:
                field.set_error(errors[name])
            elif field.error:
                field.set_error(None)
        shown = {(f.id or "").removeprefix("f-") for f in self.query(FormField)}
        for name, message in errors.items():
            if name not in shown:
                self.notify(message, title="Errore", severity="error", markup=False)
        # the topmost bad field, in the order of the form
        first = next((name for f in self.query(FormField) if (name := (f.id or "").removeprefix("f-")) in errors), None)
        if first is not None:
            self.focus_field(first)

    def focus_field(self, name: str) -> None:
        """Open the tab of a field and put the cursor in it."""
        field = self.field(name)
        self._open_tab_of(field)
        target = field.widget
        focusable = target if target.can_focus else next(
            (w for w in target.query("*") if w.can_focus), None
        )
        if focusable is not None:
            self.call_after_refresh(focusable.focus)

    def _open_tab_of(self, widget: Widget) -> None:
        pane = next((a for a in widget.ancestors if isinstance(a, TabPane)), None)
        if pane is None or pane.id is None:
            return
        tabs = next((a for a in pane.ancestors if isinstance(a, TabbedContent)), None)
        if tabs is not None:
            tabs.active = pane.id

    # -- live SMS ---------------------------------------------------------------------------

    def on_outbox_updated(self, message) -> None:
        """The sender changed some messages' status: the SMS lists on the form re-read their
        rows, so the Inviato / Consegnato dots move while the form is open."""
        from pegaso_tui.widgets.message_list import MessageList

        for messages in self.query(MessageList):
            if messages.pager is not None:
                messages.reload()

    # -- tabs ------------------------------------------------------------------------------------

    def _visible_panes(self) -> tuple[TabbedContent, list[str]] | None:
        try:
            tabs = self.query_one(TabbedContent)
        except Exception:
            return None
        # a pane that is not active is hidden too: what counts is whether its tab is shown
        panes = [
            p.id for p in tabs.query(TabPane)
            if p.id and not p.disabled and tabs.get_tab(p.id).display
        ]
        return tabs, panes

    def action_next_tab(self) -> None:
        found = self._visible_panes()
        if not found or not found[1]:
            return
        tabs, panes = found
        index = panes.index(tabs.active) if tabs.active in panes else -1
        tabs.active = panes[(index + 1) % len(panes)]
        self._focus_pane(tabs)

    def action_tab(self, number: int) -> None:
        found = self._visible_panes()
        if not found:
            return
        tabs, panes = found
        if 1 <= number <= len(panes):
            tabs.active = panes[number - 1]
            self._focus_pane(tabs)

    def _focus_pane(self, tabs: TabbedContent) -> None:
        pane = tabs.active_pane
        if pane is None:
            return
        first = next((w for w in pane.query("*") if w.focusable), None)
        if first is not None:
            self.call_after_refresh(first.focus)
