"""The contact field of "Nuova Richiesta": type a name and the subjects that contain it appear
under the field, clients, contacts and unregistered subjects together, each with its kind.

- typing searches (in a worker; a newer keystroke replaces the older search);
- ``↓`` goes into the list, ``Enter`` on a row picks that subject (``Picked``);
- ``Enter`` in the field keeps what is typed: a new, unregistered subject (``Accepted``);
  only digits are a client's code, looked up at once ("nessun cliente con codice ..." when
  there is none);
- ``Esc`` closes the list (a second ``Esc`` leaves the mask).
"""

from __future__ import annotations

from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Static

from pegaso_tui.db.crm.subjects import Subject, search_subjects
from pegaso_tui.sms.phone import display_number
from pegaso_tui.widgets.db_work import DbWorkMixin
from pegaso_tui.widgets.enter_input import EnterInput
from pegaso_tui.widgets.paged_table import Column, PagedTable
from pegaso_tui.widgets.plain import plain
from pegaso_tui.widgets.typing_order import KeyHold

SUBJECT_COLUMNS: list[Column[Subject]] = [
    Column("Tipo", lambda s: s.kind_label, width=14),
    Column("Nominativo", lambda s: s.name, width=30),
    Column("Codice", lambda s: s.code, width=9),
    Column("Telefono", lambda s: s.phone, width=14),
    Column("Cellulare", lambda s: display_number(s.mobile), width=15),
]


def _client_by_code(code: str) -> Subject | None:
    from pegaso_tui.db.clients import client_by_code
    from pegaso_tui.db.crm.subjects import subject_of_client

    client = client_by_code(code)
    return None if client is None else subject_of_client(client)


class SubjectPicker(DbWorkMixin, Vertical):
    """A name typed, or a subject picked from the matches. ``.subject`` is the picked one
    (None for a name typed), ``.text`` what the field holds."""

    DEFAULT_CSS = """
    SubjectPicker {
        height: auto;
        width: 1fr;
    }
    SubjectPicker > Horizontal {
        height: auto;
    }
    SubjectPicker #subject-input {
        width: 40;
    }
    SubjectPicker #subject-kind {
        width: 1fr;
        padding: 0 1;
        color: $text-muted;
    }
    SubjectPicker #subject-input.-textual-compact {
        width: 40;
    }
    SubjectPicker #subject-list {
        display: none;
        height: 9;
        border: round $primary;
    }
    SubjectPicker.-open #subject-list {
        display: block;
    }
    """

    BINDINGS = [Binding("escape", "close_list", "Chiudi elenco", show=False)]

    class Picked(Message):
        """A subject was picked from the list (or found by its client code)."""

        def __init__(self, picker: "SubjectPicker", subject: Subject) -> None:
            super().__init__()
            self.picker = picker
            self.subject = subject

        @property
        def control(self) -> "SubjectPicker":
            return self.picker

    class Accepted(Message):
        """Enter on a typed name: a new, unregistered subject."""

        def __init__(self, picker: "SubjectPicker", text: str) -> None:
            super().__init__()
            self.picker = picker
            self.text = text

        @property
        def control(self) -> "SubjectPicker":
            return self.picker

    class NotFound(Message):
        """A client code was typed and no client has it."""

        def __init__(self, picker: "SubjectPicker", code: str) -> None:
            super().__init__()
            self.picker = picker
            self.code = code

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        #: keys typed behind an Invio in the field, until the mask has taken the subject
        self.held = KeyHold(holding=False)
        self.subject: Subject | None = None

    def compose(self) -> ComposeResult:
        with Horizontal():
            # its Invio is the picker's at once, in the field's turn, and the keys behind it
            # wait until the mask has moved on to the description: "melot", Invio, "Chiede
            # preventivo" typed together wrote "melotChiede preventivo" in Contatto, as
            # Input.Submitted reached the picker after the words
            yield EnterInput(placeholder="nome, codice cliente o cellulare", id="subject-input",
                             max_length=200, on_enter=lambda _: self.enter(), held=self.held)
            yield Static("", id="subject-kind")
        yield PagedTable(SUBJECT_COLUMNS, page_size=30, id="subject-list",
                         empty_text="nessun soggetto trovato: Invio per un nuovo soggetto")

    # -- what the form reads and sets ---------------------------------------------------------------

    @property
    def input(self) -> Input:
        return self.query_one("#subject-input", Input)

    @property
    def table(self) -> PagedTable:
        return self.query_one("#subject-list", PagedTable)

    @property
    def text(self) -> str:
        return self.input.value

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def pick(self, subject: Subject | None, *, announce: bool = True) -> None:
        """Show ``subject`` as the field's subject (None empties the field)."""
        self.subject = subject
        with self.input.prevent(Input.Changed):
            self.input.value = subject.name if subject else ""
        self._show_kind()
        self.close_list()
        if subject is not None and announce:
            self.post_message(self.Picked(self, subject))

    def close_list(self) -> None:
        self.remove_class("-open")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Esc is the picker's only while its list is open: otherwise the mask's own "esc Esci"
        # shows in the footer (it showed "^g Esci", the alias, in this mask alone)
        if action == "close_list":
            return self.is_open
        return True

    # -- typing and choosing ---------------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input is not self.input:
            return
        event.stop()
        from pegaso_tui.widgets.form_field import FormField

        FormField.changed_inside(self)  # an error about the old name goes with it
        self.subject = None
        self._show_kind()
        text = event.value.strip()
        if text:
            self.add_class("-open")
            self.refresh_bindings()
            self.table.show(search_subjects(text), count=False)
        else:
            self.close_list()

    def enter(self) -> None:
        """Invio in the field: a client's code is looked up, a name is a new subject. The keys
        typed behind it are held until the mask has taken the subject (``release_keys``)."""
        text = self.text.strip()
        if not text:
            return
        self.held.start()
        if text.isdigit():
            self.run_db(_client_by_code, text, done=lambda s: self._found_by_code(s, text), group="subject-code")
            return
        self.close_list()
        self.post_message(self.Accepted(self, text))

    def release_keys(self) -> None:
        """The mask has taken the subject and moved the focus on: the keys typed behind the
        Invio go there, in order."""
        self.held.release(self.app)

    def _found_by_code(self, subject: Subject | None, code: str) -> None:
        if subject is None:
            self.release_keys()  # no subject: what was typed behind is the field's again
            self.post_message(self.NotFound(self, code))
        else:
            self.pick(subject)

    def on_key(self, event) -> None:
        if event.key == "down" and self.is_open and self.screen.focused is self.input:
            event.stop()
            event.prevent_default()
            self.table.table.focus()

    def on_paged_table_selected(self, event: PagedTable.Selected) -> None:
        event.stop()
        self.pick(event.row)

    def on_paged_table_highlighted(self, event: PagedTable.Highlighted) -> None:
        event.stop()  # the mask's own lists must not take the list's cursor for theirs

    def action_close_list(self) -> None:
        if not self.is_open:
            raise SkipAction()  # Esc then leaves the mask
        self.close_list()
        self.input.focus()

    def on_descendant_blur(self) -> None:
        # the list closes once the focus has left the field and its list
        self.call_after_refresh(self._close_if_left)

    def _close_if_left(self) -> None:
        if not self.is_attached:
            return  # the mask closed meanwhile (Esc right after the focus moved): nothing to close
        focused = self.screen.focused
        if focused is None or self not in focused.ancestors_with_self:
            self.close_list()

    def _show_kind(self) -> None:
        label = self.query_one("#subject-kind", Static)
        subject = self.subject
        text = self.text.strip()
        if subject is not None:
            code = f" {subject.code}" if subject.code else ""
            label.update(plain(f"{subject.kind_label}{code}"))
        elif text.isdigit():
            label.update("codice cliente: Invio per cercarlo")
        elif text:
            label.update("nuovo soggetto · ↓ per scegliere dall'elenco")
        else:
            label.update("")
