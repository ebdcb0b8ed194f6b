"""The send flow, the same in every SMS mask: preview, confirm, queue, follow.

1. The preview lists every recipient of the selection with the count, the ones that cannot be
   sent and why, the parts of each message, the credits needed and left, and the longest
   rendered message; the text of the row under the cursor is shown below the list.
2. ``F10`` asks for confirmation (focus on "No": a stray Enter sends nothing).
3. The campaign is queued in one transaction (``pegaso_tui.db.campaigns.queue_campaign``)
   and a progress bar follows the sender until every message is final. ``Esc`` leaves at any
   moment: before the confirmation nothing is sent; after it, sending goes on in the
   background and the control panel shows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Header, ProgressBar, Static

from pegaso_tui.db.paging import ListPager
from pegaso_tui.errors import first_line
from pegaso_tui.numbers import thousands
from pegaso_tui.screens.base import MaskScreen
from pegaso_tui.sms.phone import display_number
from pegaso_tui.widgets.confirm import ConfirmDialog
from pegaso_tui.widgets.key_footer import KeyFooter
from pegaso_tui.widgets.paged_table import Column, PagedTable
from pegaso_tui.widgets.plain import plain

STYLES = Path(__file__).parent.parent.parent / "styles"
PROGRESS_EVERY_S = 0.5


@dataclass(frozen=True)
class PreviewRow:
    """One row of the preview: a recipient, its message (when it can be sent) or why not."""

    code: str
    name: str
    mobile: str
    detail: str = ""  # the practice number, the birthday, ...
    parts: int | None = None
    reason: str | None = None
    text: str | None = None
    #: why sending to it is doubtful (a balance reminder for € 0,00, a trip already left)
    doubt: str = ""
    practice_id: int | None = None


@dataclass
class SendJob:
    """Everything the preview shows and the queue needs: built by a mask in its worker."""

    title: str
    plan: object  # pegaso_tui.db.campaigns.CampaignPlan
    rows: list[PreviewRow]
    sender: str
    detail_label: str = ""
    #: what the mask's filters were, said in words (shown under the title)
    description: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def sendable(self) -> int:
        return sum(1 for r in self.rows if r.reason is None)

    @property
    def credits(self) -> int:
        return self.plan.segments  # type: ignore[attr-defined]

    @property
    def longest(self) -> str:
        longest = self.plan.longest  # type: ignore[attr-defined]
        return longest.text if longest else ""


def rows_of(selection, plan, today=None) -> list[PreviewRow]:
    """The preview rows of a selection and its plan: each sendable row with its message, and
    (given ``today``) what makes a balance reminder to it doubtful."""
    from pegaso_tui.dates import format_date
    from pegaso_tui.db.reminder_checks import reminder_doubt

    status = selection.filters.get("status") if selection.kind == "practice" else None
    messages = iter(plan.messages)
    rows = []
    for row in selection.rows:
        detail = row.practice or (format_date(row.birthday) if row.birthday else "")
        if row.sendable:
            message = next(messages)
            doubt = reminder_doubt(row, status, today) if today is not None else ""
            rows.append(PreviewRow(row.client, row.name, display_number(row.mobile), detail,
                                   message.segments, None, message.text, doubt, row.practice_id))
        else:
            rows.append(PreviewRow(row.client, row.name, row.mobile, detail, None, row.reason, None))
    return rows


def queue_job(plan, sender: str, operator_username: str, credits_left: int | None) -> int:
    """Queue the campaign of a preview (in a worker); its id."""
    from pegaso_tui.db.campaigns import queue_campaign
    from pegaso_tui.db.operators import current_operator

    operator = current_operator(operator_username)
    return queue_campaign(plan, sender=sender, operator=operator, credits_left=credits_left).id


def _status_cell(row: PreviewRow) -> Text:
    if row.reason is None and row.doubt:
        # "!" as the agenda marks what is overdue: the words fit the column, the colour is extra
        return Text(f"! {row.doubt}", style="yellow")
    if row.reason is None:
        return Text("inviabile", style="green")
    return Text(f"non inviabile: {row.reason}", style="red")


class SendPreviewScreen(MaskScreen):
    """Anteprima invio: who gets what, at what cost; F10 sends, Esc goes back."""

    CSS_PATH = STYLES / "sms.tcss"
    BINDINGS = [
        Binding("escape,ctrl+g", "leave", "Indietro", id="leave"),
        Binding("f10,ctrl+s", "confirm", "Invia", id="confirm"),
        Binding("f7,ctrl+y", "send_sample", "Invia prova", id="send_sample",
                tooltip="Il testo della riga sotto il cursore, al proprio cellulare"),
        Binding("f6,ctrl+e", "leave_out_doubtful", "Escludi dubbi", id="leave_out",
                tooltip="Toglie dall'invio i saldi a € 0,00 e le pratiche già partite"),
    ]

    def __init__(self, job: SendJob) -> None:
        super().__init__(id="send-preview")
        self.job = job
        self.MASK_TITLE = f"Anteprima invio — {job.title}"
        self.credits_left: int | None = None
        self.credit_problem: str | None = None
        #: the sender is an alias the gateway has not registered: it will be replaced
        self.alias_warning: str | None = None
        self.campaign_id: int | None = None
        self._timer = None
        self._sending = False

    def compose(self) -> ComposeResult:
        job = self.job
        yield Header()
        with Vertical(id="preview-body"):
            yield Static(plain(job.description), id="preview-description")
            yield Static(plain(self._summary()), id="preview-summary")
            yield Static("Crediti disponibili: verifica in corso…", id="preview-credit")
            yield Static("", id="preview-alias")
            yield PagedTable(self._columns(), id="preview-rows")
            yield Static("", id="preview-text")
            yield Static("", id="preview-error")
            with Vertical(id="preview-progress"):
                yield ProgressBar(total=max(1, job.sendable), show_eta=False, id="progress-bar")
                yield Static("", id="progress-counts")
        yield KeyFooter()

    def _columns(self) -> list[Column[PreviewRow]]:
        columns = [
            Column("Cliente", lambda r: r.code, width=9),
            Column("Ragione Sociale", lambda r: r.name, width=28),
            Column("Num Cellulare", lambda r: r.mobile, width=16),
        ]
        if self.job.detail_label:
            columns.append(Column(self.job.detail_label, lambda r: r.detail, width=12))
        columns += [
            Column("Parti", lambda r: "" if r.parts is None else str(r.parts), width=5),
            Column("Stato", _status_cell, width=40),
        ]
        return columns

    def _summary(self) -> str:
        job = self.job
        excluded = job.count - job.sendable
        lines = [
            f"Destinatari: {thousands(job.count)} · inviabili {thousands(job.sendable)}"
            + (f" · non inviabili {thousands(excluded)}" if excluded else ""),
        ]
        doubtful = [r for r in job.rows if r.reason is None and r.doubt]
        if doubtful:
            from pegaso_tui.db.reminder_checks import DEPARTED, ZERO_BALANCE

            zero = sum(1 for r in doubtful if ZERO_BALANCE in r.doubt)
            gone = sum(1 for r in doubtful if DEPARTED in r.doubt)
            said = [f"{thousands(zero)} con saldo € 0,00" if zero else "",
                    f"{thousands(gone)} già partite" if gone else ""]
            lines.append(f"Attenzione: {' · '.join(s for s in said if s)} — F6 le esclude dall'invio")
        if job.sendable:
            longest = self.job.plan.longest  # type: ignore[attr-defined]
            parts = longest.segments if longest else 0
            encoding = longest.encoding if longest else ""
            lines.append(
                f"Parti per messaggio: fino a {parts} ({encoding}) · "
                f"crediti necessari: {thousands(job.credits)}"
            )
            lines.append(f"Messaggio più lungo: {job.longest}")
        else:
            lines.append("Nessun destinatario inviabile: nessun SMS può essere inviato.")
        lines.append(self._purpose_line())
        return "\n".join(lines)

    def _purpose_line(self) -> str:
        """The campaign's Finalità, and when a promo queued now would wait for its hours."""
        from datetime import datetime

        from pegaso_tui.sending.rules import window_note

        purpose = getattr(self.job.plan, "purpose", "")
        note = window_note(purpose, datetime.now(), self.app.services.settings.sending.window())
        return f"Finalità: {purpose}" + (f" · {note}" if note else "")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#preview-progress").display = False
        self.query_one(PagedTable).show(ListPager(self.job.rows))
        from pegaso_tui.gateways import credit_left

        self.run_db(
            credit_left,
            self.app.services.settings.gateway,
            done=self._credit_known,
            failed=self._credit_unknown,
            group="credit",
            database=False,  # a question to the gateway: no connection held while it answers
        )
        from pegaso_tui.sms.account import sender_warning

        self.run_db(sender_warning, self.app.services.settings.gateway, self.job.sender,
                    done=self._alias_known, group="alias", database=False)

    def _alias_known(self, warning: str | None) -> None:
        self.alias_warning = warning
        if warning:
            line = self.query_one("#preview-alias", Static)
            line.update(Text("Attenzione: " + warning + "."))
            line.add_class("-warning")

    # -- credit ------------------------------------------------------------------------------

    def _credit_known(self, credits_left: int) -> None:
        self.credits_left = credits_left
        line = f"Crediti disponibili: {thousands(credits_left)}"
        short = bool(self.job.sendable) and credits_left < self.job.credits
        if short:
            line += f" — credito insufficiente: servono {thousands(self.job.credits)} SMS"
        self.query_one("#preview-credit", Static).set_class(short, "-error")
        self.query_one("#preview-credit", Static).update(line)

    def _credit_unknown(self, exc: BaseException) -> None:
        from pegaso_tui.gateways import CreditUnknownError

        if isinstance(exc, CreditUnknownError):  # Kannel: no credit to check, nothing wrong
            self.query_one("#preview-credit", Static).update(f"Crediti disponibili: non disponibile ({exc})")
            return
        self.credit_problem = first_line(exc)
        self.query_one("#preview-credit", Static).update(
            f"Credito non verificabile: {self.credit_problem}. I messaggi accodati restano in "
            "coda finché il gateway non risponde."
        )
        self.query_one("#preview-credit", Static).add_class("-warning")

    # -- the row under the cursor -----------------------------------------------------------

    def on_paged_table_highlighted(self, event: PagedTable.Highlighted) -> None:
        row: PreviewRow | None = event.row
        text = ""
        if row is not None:
            text = row.text if row.text is not None else f"Non inviabile: {row.reason}"
        self.query_one("#preview-text", Static).update(Text(text))

    # -- doubtful balance reminders ----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # once queued (or while queuing) there is nothing left to send: F10 leaves the footer
        if action in ("confirm", "leave_out_doubtful") and (self.campaign_id is not None or self._sending):
            return False
        if action == "leave_out_doubtful" and not any(r.doubt for r in self.job.rows if r.reason is None):
            return False  # nothing to leave out: the key is not offered
        return True

    def action_leave_out_doubtful(self) -> None:
        """F6: leave out the balance reminders for € 0,00 and for trips already left."""
        from dataclasses import replace

        job = self.job
        out = {r.practice_id for r in job.rows if r.reason is None and r.doubt}
        if not out or self.campaign_id is not None or self._sending:
            return
        plan = replace(job.plan, messages=[m for m in job.plan.messages if m.practice_id not in out])  # type: ignore[arg-type]
        self.job = replace(job, plan=plan, rows=[r for r in job.rows if not (r.reason is None and r.doubt)])
        self.query_one("#preview-summary", Static).update(plain(self._summary()))
        self.query_one(PagedTable).show(ListPager(self.job.rows))
        self.query_one("#progress-bar", ProgressBar).update(total=max(1, self.job.sendable))
        if self.credits_left is not None:
            self._credit_known(self.credits_left)
        self.refresh_bindings()
        self.notify(f"{thousands(len(out))} pratiche escluse dall'invio", title="Anteprima", markup=False)

    # -- Invia prova ---------------------------------------------------------------------------

    def action_send_sample(self) -> None:
        """F7: the text of the row under the cursor, rendered, to the operator's own phone."""
        from pegaso_tui.db.sample_sends import sample_number

        row = self.query_one(PagedTable).current_row
        if row is None or row.text is None:
            self._error("Invia prova: portare il cursore su un destinatario inviabile.")
            self.app.bell()
            return
        operator = self.app.services.operator_username
        self.run_db(sample_number, operator, done=lambda number: self._ask_sample_number(row.text, number),
                    group="sample")

    def _ask_sample_number(self, text: str, number: str) -> None:
        from pegaso_tui.widgets.sample_dialog import SampleSendDialog

        def chosen(typed: str | None) -> None:
            if typed:
                self._send_sample(text, typed)

        self.app.push_screen(SampleSendDialog(text, number), chosen)

    def _send_sample(self, text: str, number: str) -> None:
        from pegaso_tui.db.sample_sends import send_sample

        def sent(_campaign) -> None:
            self._error("")
            self.notify(f"SMS di prova accodato per {display_number(number)}", title="Invia prova",
                        markup=False)

        def failed(exc: BaseException) -> None:
            self._error(f"Invia prova: {first_line(exc)}")
            self.app.bell()

        send = partial(send_sample, sender=self.job.sender, of=self.job.title, credits_left=self.credits_left)
        self.run_db(send, text, number, self.app.services.operator_username, done=sent, failed=failed,
                    group="sample")

    # -- sending -----------------------------------------------------------------------------

    def _error(self, message: str) -> None:
        self.query_one("#preview-error", Static).update(Text(message, style="bold red"))


    def action_confirm(self) -> None:
        job = self.job
        if self.campaign_id is not None or self._sending:
            return
        if not job.sendable:
            self._error("Nessun destinatario inviabile: nessun SMS da inviare.")
            self.app.bell()
            return
        if self.credits_left is not None and self.credits_left < job.credits:
            self._error(
                f"Credito insufficiente: servono {thousands(job.credits)} SMS, ne restano "
                f"{thousands(self.credits_left)}. Ricarica il credito o riduci la selezione."
            )
            self.app.bell()
            return
        credit = (
            f"disponibili {thousands(self.credits_left)}"
            if self.credits_left is not None
            else "non verificati"
        )
        messages = job.plan.messages  # type: ignore[attr-defined]
        # one recipient: the number itself, so that a typo is seen before it costs a message
        to = f" a {display_number(messages[0].phone)}" if len(messages) == 1 else ""
        question = (
            f"Inviare {thousands(job.sendable)} SMS{to} ({job.title})?\n"
            f"Crediti necessari: {thousands(job.credits)} · {credit}.\n"
            f"Mittente: {job.sender}"
        )
        if self.alias_warning:
            question += f"\nAttenzione: {self.alias_warning}."
        self.app.push_screen(ConfirmDialog(question, title="Conferma invio"), self._confirmed)

    def _confirmed(self, yes: bool | None) -> None:
        if not yes:
            return
        self._sending = True
        self.refresh_bindings()
        self._error("")
        self.run_db(
            queue_job,
            self.job.plan,
            self.job.sender,
            self.app.services.operator_username,
            self.credits_left,
            done=self._queued,
            failed=self._queue_failed,
            group="queue",
        )

    def _queue_failed(self, exc: BaseException) -> None:
        self._sending = False
        self.refresh_bindings()
        self._error(first_line(exc))
        self.app.bell()

    def _queued(self, campaign_id: int) -> None:
        self.campaign_id = campaign_id
        self._sending = False
        self.refresh_bindings()
        self.query_one("#preview-progress").display = True
        self.query_one("#progress-counts", Static).update("Accodati: in attesa del gateway…")
        self.notify(f"{thousands(self.job.sendable)} SMS accodati", title="Invio")
        self._poll()
        self._timer = self.set_interval(PROGRESS_EVERY_S, self._poll)

    def _poll(self) -> None:
        from pegaso_tui.db.sending import campaign_progress

        if self.campaign_id is not None:
            self.run_db(campaign_progress, self.campaign_id, done=self._progress, group="progress")

    def _progress(self, progress) -> None:
        bar = self.query_one("#progress-bar", ProgressBar)
        bar.update(total=max(1, progress.total), progress=progress.submitted + progress.failed)
        parts = [
            f"Inviati {thousands(progress.submitted)} di {thousands(progress.total)}",
            f"Consegnati {thousands(progress.delivered)}",
        ]
        if progress.undelivered:
            parts.append(f"Non consegnati {thousands(progress.undelivered)}")
        if progress.failed:
            parts.append(f"Falliti {thousands(progress.failed)}")
        if progress.queued:
            parts.append(f"In coda {thousands(progress.queued)}")
        text = " · ".join(parts)
        if progress.done:
            text = "Invio completato — " + text
            if self._timer is not None:
                self._timer.stop()
                self._timer = None
        self.query_one("#progress-counts", Static).update(text)

    @property
    def queued(self) -> bool:
        """True once the campaign is queued (leaving no longer cancels anything)."""
        return self.campaign_id is not None

    def action_leave(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        if self.queued:
            self.notify(
                "L'invio prosegue: lo stato è nel Pannello di Controllo SMS",
                title="Invio",
            )
        self.dismiss(self.queued)
