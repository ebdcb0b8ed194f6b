"""Pannello di Controllo SMS (seed 000, "5 - Pannello di Controllo sms").

- *Verifica*: the SMS sent in a date range, with the seed's columns (Data Invio, Num., Ora
  Invio, Cliente, Ragione Sociale, Num Cellulare, Inviato, Consegnato), the text of the
  selected SMS below (and the reason when it failed), and a chart of sent and delivered per
  day. The list pages from the database, so it opens at once on a million messages. The rows
  in view are read again as soon as this terminal's sender reports a change, and every few
  seconds for changes made by other terminals, so the dots move as delivery reports arrive.
- *Controlla*: the credit from the gateway (SMS rimanenti) and the SMS sent from here.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, Static, TabbedContent, TabPane

from pegaso_tui.dates import DateRange
from pegaso_tui.errors import first_line
from pegaso_tui.screens.base import MaskScreen
from pegaso_tui.screens.sms_mask import FieldErrors
from pegaso_tui.screens.sms_practices import date_range
from pegaso_tui.numbers import thousands
from pegaso_tui.widgets.date_input import DateInput
from pegaso_tui.widgets.day_chart import DayChart
from pegaso_tui.widgets.form_field import FormField
from pegaso_tui.widgets.key_footer import KeyFooter
from pegaso_tui.widgets.message_list import MessageList
from pegaso_tui.widgets.plain import plain

STYLES = Path(__file__).parent.parent / "styles"
#: How often the list is read again for changes made by other terminals' senders.
LIVE_EVERY_S = 3.0
#: Reports of this terminal's sender come in bursts: one re-read for each burst.
REPORTS_SETTLE_S = 0.2
DEFAULT_DAYS = 30
#: The chart shows at most this many days: the most recent of the range (it has no room for
#: more, and a long range would mean grouping every message of it).
CHART_DAYS = 60


def account_status(gateway_settings, call) -> dict:
    """Controlla: the credit (from the gateway; its error as text) and the SMS sent from here.

    ``call`` is ``AppServices.call``: a database connection for the totals only, not held
    while the gateway answers."""
    from pegaso_tui.db.sending import sms_totals
    from pegaso_tui.sms.gateway import credit_left

    totals = call(sms_totals)
    status = {"sent": totals.sent_parts, "waiting": totals.waiting, "left": None, "problem": None}
    try:
        status["left"] = credit_left(gateway_settings)
    except Exception as exc:  # the gateway's own message: shown as it is, nothing crashes
        status["problem"] = first_line(exc)
    return status


class SmsPanelScreen(MaskScreen):
    """Pannello di Controllo SMS: Verifica and Controlla."""

    MASK_TITLE = "Pannello di Controllo SMS"
    CSS_PATH = STYLES / "sms.tcss"
    BINDINGS = [
        *[b for b in MaskScreen.BINDINGS if b.id != "confirm"],
        Binding("f5,ctrl+r", "refresh", "Aggiorna", id="refresh"),
        Binding("f10,ctrl+s", "refresh", "Aggiorna", id="confirm", show=False),
    ]

    def compose(self) -> ComposeResult:
        today = self.app.services.today()
        yield Header()
        with TabbedContent(id="panel-tabs"):
            with TabPane("Verifica", id="verifica"):
                with Vertical(id="verifica-body"):
                    yield Static("Controllo Sms Inviati — verifica che gli sms che hai spedito siano andati a buon fine",
                                 classes="mask-intro")
                    with Horizontal(classes="field-row"):
                        yield FormField("Da data Invio:", DateInput(today - timedelta(days=DEFAULT_DAYS), id="sent-from"), id="field-sent-from")
                        yield FormField("A data Invio:", DateInput(today, id="sent-to"), id="field-sent-to")
                    yield DayChart(id="day-chart")
                    yield MessageList(id="sent-messages", empty_text="Nessun SMS nel periodo")
            with TabPane("Controlla", id="controlla"):
                with Vertical(id="controlla-body"):
                    yield Static("Stato dell'account SMS", classes="mask-intro")
                    yield Static("Verifica del credito in corso…", id="account-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        super().on_mount()
        self._range: DateRange | None = None
        self._reload_timer = None
        self._show_range()
        self._check_account()
        self.set_interval(LIVE_EVERY_S, self._live)

    def _read_range(self) -> DateRange:
        errors: dict[str, str] = {}
        dates = date_range(self, "sent-from", "sent-to", errors)
        if errors:
            raise FieldErrors(errors)
        return dates

    def _show_range(self) -> None:
        from pegaso_tui.db.messages import messages_pager
        from pegaso_tui.db.sending import daily_counts

        for field in self.query(FormField):
            field.set_error(None)
        try:
            dates = self._read_range()
        except FieldErrors as exc:
            for key, message in exc.errors.items():
                self.query_one(f"#{key}", FormField).set_error(message)
            return
        self._range = dates
        self.query_one(MessageList).show(messages_pager(dates=dates))
        end = dates.end or self.app.services.today()
        start = max(dates.start or date.min, end - timedelta(days=CHART_DAYS - 1))
        self.run_db(daily_counts, start, end, done=self.query_one(DayChart).set_days, group="chart")

    def on_input_changed(self, event) -> None:
        if getattr(event.input, "id", None) in ("sent-from", "sent-to"):
            # each date typed in full shows its range at once
            if len(event.value) == 10 or not event.value:
                self._show_range()

    def on_outbox_updated(self, message) -> None:
        """This terminal's sender committed status changes: show them (once per burst)."""
        if self._reload_timer is None:
            self._reload_timer = self.set_timer(REPORTS_SETTLE_S, self._reload_after_reports)

    def _reload_after_reports(self) -> None:
        self._reload_timer = None
        self._live()

    def _live(self) -> None:
        """Read again the rows on screen: the dots follow the sender's reports."""
        if self._range is not None and self.query_one("#panel-tabs", TabbedContent).active == "verifica":
            self.query_one(MessageList).reload()

    def _check_account(self) -> None:
        self.query_one("#account-status", Static).update("Verifica del credito in corso…")
        services = self.app.services
        self.run_db(account_status, services.settings.gateway, services.call, done=self._account,
                    group="account", database=False)

    def _account(self, status: dict) -> None:
        lines = []
        if status["left"] is not None:
            lines.append(f"SMS rimanenti:  {thousands(status['left'])}")
        else:
            lines.append(f"SMS rimanenti:  non disponibile — {status['problem']}")
        lines.append(f"SMS inviati:    {thousands(status['sent'])}")
        if status["waiting"]:
            lines.append(f"In coda:        {thousands(status['waiting'])}")
        self.query_one("#account-status", Static).update(plain("\n".join(lines)))

    def action_refresh(self) -> None:
        """F5: read the list, the chart and the credit again."""
        self._show_range()
        self._check_account()
