"""Pannello di Controllo SMS (seed 000, "5 - Pannello di Controllo sms").

- *Verifica*: the SMS sent in a date range, with the seed's columns (Data Invio, Num., Ora
  Invio, Cliente, Ragione Sociale, Num Cellulare, Inviato, Consegnato), the text of the
  selected SMS below (and the reason when it failed), and a chart of sent and delivered per
  day. The list pages from the database, so it opens at once on a million messages. The rows
  in view are read again as soon as this terminal's sender reports a change, and every few
  seconds for changes made by other terminals, so the dots move as delivery reports arrive;
  the chart and its legend follow (at once for this terminal's reports, within
  ``CHART_EVERY_S`` for other terminals': it counts every message of the days it shows).
- *Controlla*: the credit from the gateway (SMS rimanenti) and the SMS sent from here.

An SMS "esito incerto" (a gateway that cannot be asked, Kannel, gave no answer and no report)
waits for the operator: ``F6`` sends it again, ``F9`` marks it failed (each asks first).
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
from pegaso_tui.screens.sms.fields import FieldErrors, date_range
from pegaso_tui.numbers import thousands
from pegaso_tui.widgets.date_input import DateInput
from pegaso_tui.widgets.day_chart import DayChart
from pegaso_tui.widgets.form_field import FormField
from pegaso_tui.widgets.key_footer import KeyFooter
from pegaso_tui.widgets.message_list import MESSAGE_PAGE, MessageList
from pegaso_tui.widgets.plain import plain

STYLES = Path(__file__).parent.parent.parent / "styles"
#: How often the list is read again for changes made by other terminals' senders.
LIVE_EVERY_S = 3.0
#: The chart counts every message of up to CHART_DAYS days: for other terminals' changes it
#: is read again at most this often (this terminal's reports re-read it at once).
CHART_EVERY_S = 15.0
#: Reports of this terminal's sender come in bursts: one re-read for each burst.
REPORTS_SETTLE_S = 0.2
DEFAULT_DAYS = 30


def default_range(today: date) -> DateRange:
    """The range the panel opens on: the last DEFAULT_DAYS days up to today."""
    return DateRange(today - timedelta(days=DEFAULT_DAYS), today)
#: The chart shows at most this many days: the most recent of the range (it has no room for
#: more, and a long range would mean grouping every message of it).
CHART_DAYS = 60


def account_status(gateway_settings, call) -> dict:
    """Controlla: the credit (from the gateway; its error as text) and the SMS sent from here.

    ``call`` is ``AppServices.call``: a database connection for the totals only, not held
    while the gateway answers."""
    from pegaso_tui.db.message_stats import sms_totals
    from pegaso_tui.db.sample_sends import sample_parts_sent
    from pegaso_tui.gateways import credit_left

    totals = call(sms_totals)
    status = {"sent": totals.sent_parts, "waiting": totals.waiting, "left": None, "problem": None,
              "samples": call(sample_parts_sent)}
    try:
        status["left"] = credit_left(gateway_settings)
    except Exception as exc:  # the gateway's own message: shown as it is, nothing crashes
        status["problem"] = first_line(exc)
    return status


def _who(row) -> str:
    """The recipient of a message as a question names it: the name, or the number as shown."""
    from pegaso_tui.sms.phone import display_number

    return row.recipient_name or display_number(row.phone)


class SmsPanelScreen(MaskScreen):
    """Pannello di Controllo SMS: Verifica and Controlla."""

    MASK_TITLE = "Pannello di Controllo SMS"
    CSS_PATH = STYLES / "sms.tcss"
    BINDINGS = [
        *[b for b in MaskScreen.BINDINGS if b.id != "confirm"],
        Binding("f5,ctrl+r", "refresh", "Aggiorna", id="refresh"),
        Binding("f10,ctrl+s", "refresh", "Aggiorna", id="confirm", show=False),
        Binding("f8,ctrl+d", "cancel_message", "Annulla SMS", id="cancel_message"),
        Binding("f7,ctrl+k", "cancel_campaign", "Annulla campagna", id="cancel_campaign"),
        Binding("f6,ctrl+y", "resend_uncertain", "Reinvia", id="sms_resend"),
        Binding("f9,ctrl+b", "fail_uncertain", "Segna fallito", id="sms_fail"),
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The list's last page and its count are read while Textual composes the screen, so
        # that they are in its first frame (see ReadAhead): the default range, as composed.
        self._ahead = None
        try:
            app = self.app
        except Exception:  # created outside a running app: it reads when mounted
            return
        from pegaso_tui.db.messages import messages_pager
        from pegaso_tui.widgets.db_work import ReadAhead

        dates = default_range(app.services.today())
        pager = messages_pager(dates=dates)
        self._ahead = (dates, pager, ReadAhead(app, pager.opening, MESSAGE_PAGE, at_end=True))

    def compose(self) -> ComposeResult:
        dates = default_range(self.app.services.today())
        yield Header()
        with TabbedContent(id="panel-tabs"):
            with TabPane("Verifica", id="verifica"):
                with Vertical(id="verifica-body"):
                    yield Static("Controllo Sms Inviati — verifica che gli sms che hai spedito siano andati a buon fine",
                                 classes="mask-intro")
                    with Horizontal(classes="field-row"):
                        yield FormField("Da data Invio:", DateInput(dates.start, id="sent-from"), id="field-sent-from")
                        yield FormField("A data Invio:", DateInput(dates.end, id="sent-to"), id="field-sent-to")
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
        self._chart_read_at = 0.0
        self._show_range()
        self._check_account()
        self.set_interval(LIVE_EVERY_S, self._live)

    def _read_range(self) -> DateRange:
        errors: dict[str, str] = {}
        dates = date_range(self, "sent-from", "sent-to", errors)
        if errors:
            raise FieldErrors(errors)
        return dates

    def _show_range(self, *, again: bool = False) -> None:
        """List (and chart) the range in the date fields; a range already shown is read again
        only when ``again`` (F5): the fields announce their first values once mounted, which
        would otherwise read the list, its count and the chart three times on opening."""
        from pegaso_tui.db.messages import messages_pager

        for field in self.query(FormField):
            field.set_error(None)
        try:
            dates = self._read_range()
        except FieldErrors as exc:
            for key, message in exc.errors.items():
                self.query_one(f"#{key}", FormField).set_error(message)
            return
        if dates == self._range and not again:
            return
        self._range = dates
        ahead, self._ahead = self._ahead, None
        if ahead is not None and ahead[0] == dates and not again:
            self.query_one(MessageList).show(ahead[1], ahead=ahead[2])
        else:
            self.query_one(MessageList).show(messages_pager(dates=dates))
        self._read_chart()

    def _read_chart(self) -> None:
        """Count the range's messages per day again: the chart and its legend ("consegnati
        706") follow the dots, not only F5."""
        import time

        from pegaso_tui.db.message_stats import daily_counts

        if self._range is None:
            return
        self._chart_read_at = time.monotonic()
        end = self._range.end or self.app.services.today()
        start = max(self._range.start or date.min, end - timedelta(days=CHART_DAYS - 1))
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
        self._live(chart=True)

    def _live(self, chart: bool = False) -> None:
        """Read again the rows on screen and the chart: they follow the sender's reports."""
        import time

        if self._range is not None and self.query_one("#panel-tabs", TabbedContent).active == "verifica":
            self.query_one(MessageList).reload()
            if chart or time.monotonic() - self._chart_read_at >= CHART_EVERY_S:
                self._read_chart()

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
        samples = f" (di cui di prova {thousands(status['samples'])})" if status.get("samples") else ""
        lines.append(f"SMS inviati:    {thousands(status['sent'])}{samples}")
        if status["waiting"]:
            lines.append(f"In coda:        {thousands(status['waiting'])}")
        self.query_one("#account-status", Static).update(plain("\n".join(lines)))

    def action_refresh(self) -> None:
        """F5: read the list, the chart and the credit again."""
        self._show_range(again=True)
        self._check_account()

    # -- esito incerto: the operator decides -------------------------------------------------

    def _uncertain_row(self):
        from pegaso_tui.db.models import UNCERTAIN

        row = self.query_one(MessageList).table.current_row
        if row is None or row.status != UNCERTAIN:
            self.notify("Solo un SMS con esito incerto si può reinviare o segnare fallito",
                        severity="warning", markup=False)
            return None
        return row

    def action_resend_uncertain(self) -> None:
        """F6: send again an SMS whose outcome is unknown (it may arrive twice)."""
        from pegaso_tui.db.uncertain import resend_uncertain
        from pegaso_tui.widgets.confirm import ConfirmDialog

        row = self._uncertain_row()
        if row is None:
            return
        question = (f"Reinviare l'SMS {row.id} a {_who(row)}? L'esito del primo "
                    "invio è incerto: il destinatario potrebbe riceverlo due volte.")

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_db(resend_uncertain, row.id, self.app.services.operator_username,
                            done=lambda ok: self._decided(ok, "rimesso in coda"), group="uncertain")

        self.app.push_screen(ConfirmDialog(question, title="Reinvia SMS", yes="Reinvia (F10)"), answered)

    def action_fail_uncertain(self) -> None:
        """F9: mark failed an SMS whose outcome is unknown (its practice is selected again)."""
        from pegaso_tui.db.uncertain import fail_uncertain
        from pegaso_tui.widgets.confirm import ConfirmDialog

        row = self._uncertain_row()
        if row is None:
            return
        question = f"Segnare fallito l'SMS {row.id} a {_who(row)}?"

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_db(fail_uncertain, row.id, self.app.services.operator_username,
                            done=lambda ok: self._decided(ok, "segnato fallito"), group="uncertain")

        self.app.push_screen(ConfirmDialog(question, title="Segna fallito", yes="Segna fallito (F10)"),
                             answered)

    def _decided(self, ok: bool, what: str) -> None:
        self.notify(f"SMS {what}" if ok else "L'SMS non ha più un esito incerto: nulla è cambiato",
                    markup=False)
        self.query_one(MessageList).reload()

    # --- cancelling what has not left yet ---------------------------------------------------

    def _highlighted(self):
        if self.query_one("#panel-tabs", TabbedContent).active != "verifica":
            return None
        row = self.query_one(MessageList).table.current_row  # a property
        if row is None:
            self.notify("Nessun SMS selezionato.", severity="warning")
        return row

    def action_cancel_message(self) -> None:
        """F8: cancel the SMS under the cursor, if it has not been handed to the gateway."""
        from pegaso_tui.db.cancelling import cancel_message
        from pegaso_tui.widgets.confirm import ConfirmDialog

        row = self._highlighted()
        if row is None:
            return
        if row.status != "queued":
            self.notify("Questo SMS non è più in coda: non si può annullare.", severity="warning")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_db(cancel_message, row.id, done=self._cancelled, group="cancel")

        self.app.push_screen(ConfirmDialog(
            f"Annullare l'SMS a {_who(row)}? Non sarà inviato.",
            title="Annulla SMS"), answered)

    def action_cancel_campaign(self) -> None:
        """F7: cancel every SMS of the highlighted one's campaign still in the queue."""
        from pegaso_tui.db.cancelling import pending_count

        row = self._highlighted()
        if row is None:
            return
        campaign = row.campaign_id
        self.run_db(pending_count, campaign, done=lambda n: self._ask_campaign(campaign, n), group="cancel")

    def _ask_campaign(self, campaign: int, pending: int) -> None:
        from pegaso_tui.db.cancelling import cancel_campaign
        from pegaso_tui.widgets.confirm import ConfirmDialog

        if not pending:
            self.notify(f"La campagna {campaign} non ha SMS in coda da annullare.", severity="warning")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_db(cancel_campaign, campaign, done=self._cancelled, group="cancel")

        self.app.push_screen(ConfirmDialog(
            f"Annullare i {thousands(pending)} SMS ancora in coda della campagna {campaign}? "
            "Quelli già consegnati al gateway finiscono come dice il gateway.",
            title="Annulla campagna"), answered)

    def _cancelled(self, result) -> None:
        text = f"{thousands(result.cancelled)} SMS annullati"
        if result.already_sent:
            text += f", {thousands(result.already_sent)} già consegnati al gateway"
        self.notify(text + ".", title="Annullamento")
        self._show_range(again=True)
