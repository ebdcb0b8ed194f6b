"""The list of sent SMS, as the original shows it on the client card and in "Verifica".

Columns: Data Invio, Num., Ora Invio, Cliente, Ragione Sociale, Num Cellulare, and the two
dots Inviato / Consegnato; under the list, the text of the highlighted SMS with its status
(and the gateway's reason when it failed). It pages from the database like every list, and
opens on the most recent message::

    messages = MessageList(id="client-sms")
    messages.show(messages_pager(client=client_id))

The control panel (issue 5) reuses it with ``messages_pager(dates=...)``; its "Esporta" is
``open_export(screen, messages.pager, messages.columns, "sms-inviati")`` (widgets.export_dialog).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from pegaso_tui.dates import format_date, format_time
from pegaso_tui.db.messages import ACCEPTED, status_label
from pegaso_tui.db.models import (
    CANCELLED,
    DELIVERED,
    FAILED,
    QUEUED,
    SENDING,
    UNCERTAIN,
    UNDELIVERED,
    Message,
)
from pegaso_tui.db.paging import KeysetPager
from pegaso_tui.sending.rules import QUIET_HOURS_CODE, WAITING_FOR_WINDOW
from pegaso_tui.sms.phone import display_number
from pegaso_tui.widgets.paged_table import Column, PagedTable

# Each state has its own glyph, not only its colour: with 16 colours (TERM=linux) green,
# yellow and red dots looked alike. The seed's ● (done) and empty circle (not yet).
DOT = "●"
NOT_YET = "○"
NO = "×"


def sent_dot(message: Message) -> Text:
    """Inviato: ● green once the gateway took it, ○ yellow while waiting (or while nobody
    knows: "esito incerto"), × red when it failed."""
    if message.status in ACCEPTED:
        return Text(DOT, style="green")
    if message.status in (QUEUED, SENDING, UNCERTAIN):
        return Text(NOT_YET, style="yellow")
    return Text(NO, style="red")


def delivered_dot(message: Message) -> Text:
    """Consegnato: ● green when delivered, × red when not delivered, ○ dim while unknown."""
    if message.status == DELIVERED:
        return Text(DOT, style="green")
    if message.status in (UNDELIVERED, FAILED, CANCELLED):
        return Text(NO, style="red")
    return Text(NOT_YET, style="dim")


def _when(message: Message):
    return message.sent_at or message.queued_at


#: Rows read at a time (the first page, and each page the cursor reaches beyond).
MESSAGE_PAGE = 100

MESSAGE_COLUMNS: list[Column[Message]] = [
    Column("Data Invio", lambda m: format_date(_when(m)), width=10, value=lambda m: _when(m)),
    Column("Num.", lambda m: str(m.id), width=7, value=lambda m: m.id),  # 1.000.000 and beyond
    Column("Ora Invio", lambda m: format_time(_when(m)), width=9, value=lambda m: format_time(_when(m))),
    Column("Cliente", lambda m: m.client_code, width=8),
    Column("Ragione Sociale", lambda m: m.recipient_name, width=24),
    Column("Num Cellulare", lambda m: display_number(m.phone), width=15),
    Column("Inviato", sent_dot, width=7, value=lambda m: m.status in ACCEPTED),
    Column("Consegnato", delivered_dot, width=10, value=lambda m: m.status == DELIVERED),
]


def describe_message(message: Message | None) -> str:
    """The panel under the list: the text and what happened to it."""
    if message is None:
        return "[b]Testo Sms[/b]\n"
    from rich.markup import escape

    status = status_label(message.status)
    when = _when(message)
    waiting = message.status == QUEUED and message.error_code == QUIET_HOURS_CODE
    if waiting and message.next_attempt_at:  # held for the allowed hours (Fasce orarie)
        opens = message.next_attempt_at
        status = f"{WAITING_FOR_WINDOW}, parte dal {format_date(opens)} alle {opens:%H:%M}"
    facts = [f"stato: {status}"]
    purpose = getattr(message.campaign, "purpose", None)
    if purpose:
        facts.append(f"finalità: {purpose}")
    if message.delivered_at:
        facts.append(f"consegnato il {format_date(message.delivered_at)} {format_time(message.delivered_at)}")
    elif when:
        facts.append(f"{format_date(when)} {format_time(when)}")
    if message.last_error and message.status not in (DELIVERED,) and not waiting:
        facts.append(f"motivo: {message.last_error}")
    return f"[b]Testo Sms[/b]  [dim]{escape(' · '.join(facts))}[/dim]\n{escape(message.text)}"


class MessageList(Vertical):
    """The SMS of a pager, with the text of the highlighted one below."""

    DEFAULT_CSS = """
    MessageList {
        height: 1fr;
    }
    MessageList > PagedTable {
        height: 1fr;
    }
    MessageList > .message-text {
        height: auto;
        min-height: 3;
        max-height: 8;
        padding: 0 1;
        border-top: solid $primary-background;
    }
    """

    def __init__(self, *, at_end: bool = True, empty_text: str = "Nessun SMS", id: str | None = None) -> None:
        super().__init__(id=id)
        self.at_end = at_end
        self.empty_text = empty_text

    def compose(self) -> ComposeResult:
        yield PagedTable(MESSAGE_COLUMNS, page_size=MESSAGE_PAGE, empty_text=self.empty_text)
        yield Static(describe_message(None), classes="message-text")

    @property
    def table(self) -> PagedTable[Message]:
        return self.query_one(PagedTable)

    @property
    def pager(self) -> KeysetPager[Message] | None:
        return self.table.pager

    @property
    def columns(self) -> list[Column[Message]]:
        return self.table.columns

    def show(self, pager: KeysetPager[Message], *, ahead=None) -> None:
        """Show the messages of ``pager``, the most recent highlighted (with ``at_end``);
        ``ahead``: its opening (``pager.opening(MESSAGE_PAGE, at_end=...)``) already being read."""
        self.table.show(pager, at_end=self.at_end, ahead=ahead)

    def reload(self) -> None:
        """Read the rows on screen again (their dots move as the sender reports)."""
        self.table.reload()

    def on_paged_table_highlighted(self, event: PagedTable.Highlighted) -> None:
        event.stop()
        row: Any = event.row
        self.query_one(".message-text", Static).update(describe_message(row))
