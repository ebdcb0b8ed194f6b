"""The agenda on the home screen: the current operator's recontacts due today and overdue.

At start-up its first page comes from the helper process that read it while the app started
(``pegaso_tui.agenda_preview``): in the first frame if it has arrived by then, or as soon as
it does. Otherwise the list (and the modules it needs) comes once the database is open, its
rows read in a worker, so start-up never waits for the database. ``load()`` reads it again
(the home screen calls it when the database opens and each time it comes back).
Enter on an item posts ``AgendaPanel.Chosen`` (the home screen opens "Gestisci" for it).
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any, Callable

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from pegaso_tui.agenda_preview import PAGE_SIZE
from pegaso_tui.widgets.db_work import DbWorkMixin
from pegaso_tui.widgets.plain import plain

#: How often, and how long at most, the agenda looks again for the start-up helper's page
#: when it had not arrived by the first frame.
PREVIEW_POLL_S = 0.005
PREVIEW_WAIT_S = 2.0


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
        self._preview_counts: tuple[int, int] | None = None
        self._pending_preview: Any = None
        self._table_lock = asyncio.Lock()
        self._preview_polls = 0
        self._preview_timer: Any = None

    def compose(self) -> ComposeResult:
        yield Static("Agenda", id="agenda-title")
        yield Static("", id="agenda-counts")
        preview = self._take_preview()
        if preview is not None and preview.done():
            # read by the helper while the app started: the agenda is in the first frame
            table = self._preview_table(preview.take())
            if table is not None:
                yield table
        elif preview is not None:
            self._pending_preview = preview  # looked at again until the database opens

    def _take_preview(self):
        """The start-up helper (``pegaso_tui.agenda_preview``), once."""
        services = getattr(self.app, "services", None)
        preview = getattr(services, "agenda_preview", None)
        if preview is not None:
            services.agenda_preview = None
        return preview

    def _preview_table(self, data: dict | None):
        """The list holding the helper's page (None when it brought none)."""
        if data is None:
            return None
        from pegaso_tui.db.crm.request_row import agenda_key
        from pegaso_tui.db.paging import Page

        counts = (data["overdue"], data["due"])
        self._table = self._new_table(page=Page(data["rows"], at_start=True, at_end=data["at_end"]),
                                      key_of=agenda_key, total=sum(counts))
        self._preview_counts = counts
        return self._table

    def _new_table(self, **first_page):
        from pegaso_tui.widgets.paged_table import PagedTable

        return PagedTable(_agenda_columns(self.today_of), page_size=PAGE_SIZE, id="agenda-list",
                          empty_text="Nessun ricontatto per oggi", **first_page)

    def on_mount(self) -> None:
        if self._preview_counts is not None:
            self._show_heading()
        elif self._pending_preview is not None:
            self._preview_timer = self.set_interval(PREVIEW_POLL_S, self._poll_preview)

    async def _poll_preview(self) -> None:
        """The helper had not finished at the first frame: its page is shown as soon as it
        has, unless the database opened first (``load``) or it takes too long."""
        preview = self._pending_preview
        if preview is None:
            self._preview_timer.stop()
            return
        if not preview.done():
            self._preview_polls += 1
            if self._preview_polls * PREVIEW_POLL_S < PREVIEW_WAIT_S:
                return
        self._pending_preview = None
        self._preview_timer.stop()
        data = preview.take()  # None for a helper stopped here
        async with self._table_lock:  # not while load() builds the list
            if self._table is not None or data is None:
                return
            table = self._preview_table(data)
            await self.mount(table)
        self._show_heading()

    def _show_heading(self) -> None:
        self._show_title()
        if self._preview_counts is not None:
            self._counted(self._preview_counts)

    def _show_title(self) -> None:
        operator = self.app.services.operator_username
        self.query_one("#agenda-title", Static).update(plain(f"Agenda di {operator} — ricontatti di oggi e in ritardo"))

    @property
    def shown(self) -> bool:
        """The first page has been on screen (``Shown`` was posted)."""
        return self._shown

    @property
    def table(self):
        """The list (None until the first load)."""
        return self._table

    async def load(self) -> None:
        """Read the agenda again (in workers); the first call builds the list."""
        from pegaso_tui.db.crm.agenda import agenda_counts, agenda_pager

        if self._pending_preview is not None:  # the database was quicker than the helper
            self._pending_preview.discard()
            self._pending_preview = None
        async with self._table_lock:  # a helper's page may be being mounted: it comes first
            if self._table is None:
                from textual.widget import MountError

                table = self._new_table()
                try:
                    await self.mount(table)
                except MountError:  # the app closed before its first frame was followed up
                    return
                self._table = table
        operator = self.app.services.operator_username
        today = self.today_of()
        self._show_title()
        if self._table.pager is None and self._table.rows:
            # the page the helper read: the same rows again, the cursor where the user put it
            self._table.attach(agenda_pager(operator, today))
        else:
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
