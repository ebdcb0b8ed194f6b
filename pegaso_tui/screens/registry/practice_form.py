""""Pratiche / Varia": a practice, its status flags, and "Dettaglio Stato Pratica > SMS".

- **Pratica**: number, client (``F2`` looks one up), practice date, departure date,
  destination, amount, balance still to pay, and the four status flags (Avvisato per Saldo,
  Avvisato per Documenti, Saldata, Consegnati Documenti).
- **Dettaglio Stato Pratica > SMS**: for each kind of notice of "SMS Pratiche", whether an SMS
  was queued or sent for this practice, when, and how it went (a practice with a notice is not
  selected again for that kind); below, every SMS sent for the practice with its text.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Header, Input, Static, TabbedContent, TabPane

from pegaso_tui.dates import format_date, format_time
from pegaso_tui.db.messages import messages_pager, status_label
from pegaso_tui.db.practices import (
    PracticeData,
    new_practice_card,
    practice_card,
    practice_notices,
    save_practice,
)
from pegaso_tui.screens.registry.record_form import RecordFormScreen
from pegaso_tui.widgets.client_picker import ClientPicker
from pegaso_tui.widgets.date_input import DateInput
from pegaso_tui.widgets.form_field import FormField
from pegaso_tui.widgets.key_footer import KeyFooter
from pegaso_tui.widgets.message_list import DOT, NOT_YET, MessageList
from pegaso_tui.widgets.plain import esc, plain_text
from pegaso_tui.widgets.toggles import Checkbox

FLAGS = (
    ("notified_balance", "Avvisato per Saldo"),
    ("notified_documents", "Avvisato per Documenti"),
    ("paid", "Saldata"),
    ("documents_delivered", "Consegnati Documenti"),
)


def _load(practice_id: int | None):
    if practice_id is None:
        return new_practice_card(), []
    return practice_card(practice_id), practice_notices(practice_id)


class PracticeFormScreen(RecordFormScreen):
    """Pratiche / Varia (or / Nuovo)."""

    NOUN = "la pratica"

    def __init__(self, practice_id: int | None = None) -> None:
        super().__init__(practice_id)
        self.MASK_TITLE = "Pratiche / Varia" if practice_id else "Pratiche / Nuovo"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="form-heading")
        with TabbedContent(id="practice-tabs"):
            with TabPane("Pratica", id="tab-practice"):
                with VerticalScroll(classes="form-body"):
                    yield FormField("Numero", Input(id="number", max_length=30), id="f-number")
                    yield FormField("Cliente", ClientPicker(id="client"), id="f-client")
                    yield FormField("Data Pratica", DateInput(id="practice_date", required=True), id="f-practice_date")
                    yield FormField("Data Partenza", DateInput(id="departure_date"), id="f-departure_date")
                    yield FormField("Destinazione", Input(id="destination", max_length=200), id="f-destination")
                    yield FormField("Importo", Input(id="amount", restrict=r"[0-9.,€ ]*", max_length=20), id="f-amount")
                    yield FormField("Saldo da pagare", Input(id="balance", restrict=r"[0-9.,€ ]*", max_length=20), id="f-balance")
                    with Vertical(id="flags"):
                        for name, label in FLAGS:
                            yield Checkbox(label, id=name)
            with TabPane("Dettaglio Stato Pratica > SMS", id="tab-sms"):
                yield Static("Avvisi SMS della pratica", classes="section-title")
                yield DataTable(id="notices", cursor_type="row", zebra_stripes=True)
                yield Static("Sms inviati per la pratica", classes="section-title")
                yield MessageList(id="practice-sms", empty_text="Nessun SMS per questa pratica")
        yield KeyFooter()

    def load_function(self):
        return _load, (self.record_id,)

    def on_mount(self) -> None:
        table = self.query_one("#notices", DataTable)
        for label, width in (("Avviso", 36), ("Sms", 3), ("Registrato", 19), ("Inviato", 19), ("Stato", 14), ("Operatore", 12)):
            table.add_column(label, width=width)
        super().on_mount()

    def fill(self, loaded) -> None:
        card, notices = loaded
        data: PracticeData = card.data
        self.query_one("#number", Input).value = data.number
        self.query_one("#client", ClientPicker).show_code_and_name(data.client, card.client_name or "")
        self.query_one("#practice_date", DateInput).date = data.practice_date
        self.query_one("#departure_date", DateInput).date = data.departure_date
        self.query_one("#destination", Input).value = data.destination
        self.query_one("#amount", Input).value = data.amount
        self.query_one("#balance", Input).value = data.balance
        for name, _ in FLAGS:
            self.query_one(f"#{name}", Checkbox).value = bool(getattr(data, name))
        self.query_one("#form-heading", Static).update(
            f"Pratica: [b]{esc(data.number)}[/b]  {esc(card.client_name)}"
        )
        self._show_notices(notices)
        if self.record_id is not None:
            self.query_one(MessageList).show(messages_pager(practice=self.record_id))

    def _show_notices(self, notices) -> None:
        table = self.query_one("#notices", DataTable)
        table.clear()
        for notice in notices:
            def when(moment):
                return f"{format_date(moment)} {format_time(moment)}" if moment else ""

            table.add_row(
                notice.label,
                Text(DOT, style="green") if notice.sent else Text(NOT_YET, style="dim"),
                when(notice.created_at),
                when(notice.sent_at),
                plain_text(self._notice_status(notice)),
                plain_text(notice.operator),
                key=notice.kind,
            )

    @staticmethod
    def _notice_status(notice) -> str:
        if notice.status:
            return status_label(notice.status)
        # a notice without its message: recorded by hand or by an older program
        return "registrato" if notice.sent else ""

    def after_load(self) -> None:
        target = "#destination" if self.record_id else "#number"
        self.query_one(target, Input).focus()

    def gather(self) -> PracticeData:
        dates = self.read_dates("practice_date", "departure_date")
        return PracticeData(
            number=self.query_one("#number", Input).value,
            client=self.query_one("#client", ClientPicker).code,
            destination=self.query_one("#destination", Input).value,
            amount=self.query_one("#amount", Input).value,
            balance=self.query_one("#balance", Input).value,
            **dates,
            **{name: self.query_one(f"#{name}", Checkbox).value for name, _ in FLAGS},
        )

    def save_function(self):
        return save_practice

    def check_function(self):
        from pegaso_tui.db.practices import check_practice

        return check_practice
