"""The agenda on the home screen: the current operator's recontacts due today and overdue.

It draws only a heading at first: the list (and the modules it needs) come after the home
screen has been painted, and its rows are read in a worker, so start-up does not wait for
the database. ``load()`` reads it again (the home screen calls it each time it comes back).
Enter on an item posts ``AgendaPanel.Chosen`` (the home screen opens "Gestisci" for it).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Callable

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from pegaso_tui.widgets.db_work import DbWorkMixin
from pegaso_tui.widgets.plain import plain


def _agenda_columns(today_of):
    from rich.text import Text

    from pegaso_tui.dates import format_date
    from pegaso_tui.sms.phone import display_number
    from pegaso_tui.widgets.paged_table import Column

    def when(row) -> Text:
        if row.is_overdue(today_of()):
            return Text(f"{format_date(row.recontact_date)} !", style="bold red")
        return Text("oggi", style="bold")

    def outcome(row) -> Text:
        return Text(row.outcome_name, style=row.outcome_colour or "") if row.outcome_name else Text("")

    return [
        Column("Quando", when, width=12),
        Column("Soggetto", lambda r: r.subject_name, width=24),
        Column("Numero", lambda r: display_number(r.mobile) or r.phone, width=14),
        Column("Esito", outcome, width=16),
        Column("Da fare", lambda r: (r.last_activity or r.summary).replace("\n", " "), width=40),
    ]


class AgendaPanel(DbWorkMixin, Vertical):
    """Heading with the counts, then the list of recontacts (oldest first)."""

    DEFAULT_CSS = """
    AgendaPanel {
        height: 1fr;
    }
    AgendaPanel > #agenda-title {
        text-style: bold;
        padding: 1 0 0 0;
    }
    AgendaPanel > #agenda-counts {
        color: $text-muted;
        padding: 0 0 1 0;
    }
    AgendaPanel.-overdue > #agenda-counts {
        color: $error;
    }
    """

    class Shown(Message):
        """The agenda's first page is on screen (its rows, or "Nessun ricontatto"): the app
        starts the outbox sender only then, so that the sender's start does not delay it."""

    class Chosen(Message):
        """Enter on an item of the agenda (``row`` is its RequestRow)."""

        def __init__(self, row: Any) -> None:
            super().__init__()
            self.row = row

    def __init__(self, today_of: Callable[[], date] = date.today, *, id: str | None = "agenda") -> None:
        super().__init__(id=id)
        self.today_of = today_of
        #: the first page has been on screen (``Shown`` was posted)
        self._shown = False
        self._table: Any = None

    def compose(self) -> ComposeResult:
        yield Static("Agenda", id="agenda-title")
        yield Static("", id="agenda-counts")

    @property
    def table(self):
        """The list (None until the first load)."""
        return self._table

    async def load(self) -> None:
        """Read the agenda again (in workers); the first call builds the list."""
        from pegaso_tui.db.crm.agenda import agenda_counts, agenda_pager

        if self._table is None:
            from textual.widget import MountError

            from pegaso_tui.widgets.paged_table import PagedTable

            table = PagedTable(_agenda_columns(self.today_of), page_size=50, id="agenda-list",
                               empty_text="Nessun ricontatto per oggi")
            try:
                await self.mount(table)
            except MountError:  # the app closed before its first frame was followed up
                return
            self._table = table
        operator = self.app.services.operator_username
        today = self.today_of()
        self.query_one("#agenda-title", Static).update(plain(f"Agenda di {operator} — ricontatti di oggi e in ritardo"))
        self._table.show(agenda_pager(operator, today))
        self.run_db(agenda_counts, operator, today, done=self._counted, group="agenda-counts")

    def _counted(self, counts: tuple[int, int]) -> None:
        overdue, due = counts
        parts = []
        if overdue:
            parts.append(f"{overdue} in ritardo")
        parts.append(f"{due} per oggi")
        self.query_one("#agenda-counts", Static).update(" · ".join(parts) + " · Tab per sceglierli, Invio per gestire")
        self.set_class(bool(overdue), "-overdue")

    def on_paged_table_highlighted(self, event) -> None:
        # not stopped: the table's highlight goes on up as before
        if not self._shown:
            self._shown = True
            self.post_message(self.Shown())

    def on_paged_table_selected(self, event) -> None:
        event.stop()
        self.post_message(self.Chosen(event.row))
