"""``pegaso-tui worker``: the outbox sender without the application (cron, a server, tests).

It runs the same code as the app; several workers and app instances may run at once on one
database. SIGINT, SIGTERM and SIGHUP (the SSH session that started it dropped) stop it cleanly:
requests on the wire are finished and recorded, claimed messages not yet sent go back to the
queue. A database that goes away is waited for: the worker says so once and goes on.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time

from pegaso_tui.commands._types import decimal, integer

#: The checks by their former names (options added on other branches use them).
_positive_int = integer(1, 1_000_000)
_positive_float = decimal(0, 86_400, low_open=True)


def register(subparsers, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "worker",
        parents=[common],
        help="send the queued SMS and follow their delivery, without the application",
        description="Send the queued SMS and poll their delivery status until stopped "
        "(Ctrl+C, SIGTERM or SIGHUP), or with --until-idle until nothing is left to send or to wait for.",
    )
    parser.add_argument(
        "--until-idle",
        action="store_true",
        help="return when no message is queued, sending or awaiting a delivery report",
    )
    parser.add_argument("--window", type=integer(1, 64), default=8, metavar="N",
                        help="requests in flight at once, 1-64 (default 8)")
    parser.add_argument("--poll-interval", type=decimal(0, 3600, low_open=True), default=5.0, metavar="S",
                        help="seconds before a sent SMS is first asked for its delivery, "
                        "up to 3600 (default 5)")
    parser.set_defaults(handler=run)


def _say_waiting() -> None:
    """How many marketing or auguri SMS stay queued for the allowed hours (Fasce orarie)."""
    from pegaso_tui.db.connection import database_errors
    from pegaso_tui.sending.privacy import waiting_for_window

    try:
        waiting = waiting_for_window()
    except database_errors():  # the database went away at the very end: the summary is said
        return
    if waiting:
        _say(f"{waiting} SMS in attesa della fascia oraria (restano in coda)")


class _Progress:
    """One line on stderr for each problem, and the counts at most every few seconds."""

    def __init__(self, every_s: float = 2.0) -> None:
        self.every_s = every_s
        self.counts: dict[str, int] = {}
        self.last = 0.0
        self.lock = threading.Lock()

    def __call__(self, event) -> None:
        from pegaso_tui.sms.outbox import MessagesChanged, ProblemChanged

        if isinstance(event, ProblemChanged):
            if event.problem is not None and event.problem.code == "DATABASE":
                _say(event.problem.text)
            elif event.problem is None:
                _say("invio ripreso")
            else:
                _say(f"{event.problem.text} (i messaggi restano in coda)")
            return
        if isinstance(event, MessagesChanged):
            with self.lock:
                for update in event.updates:
                    self.counts[update.status] = self.counts.get(update.status, 0) + 1
                if time.monotonic() - self.last >= self.every_s:
                    self.last = time.monotonic()
                    _say(self.line())

    def line(self) -> str:
        from pegaso_tui.db.messages import STATUS_LABELS

        parts = [f"{STATUS_LABELS.get(k, k)} {v}" for k, v in sorted(self.counts.items())]
        return ", ".join(parts) or "nessun messaggio"


def _say_uncertain() -> None:
    """Messages nobody can settle but a human (Kannel, no answer and no report): say so."""
    from pegaso_tui.db.models import UNCERTAIN, Message

    held = Message.select().where(Message.status == UNCERTAIN).count()
    if held:
        _say(f"{held} SMS con esito incerto: decidere dal Pannello di Controllo SMS "
             "(F6 reinvia, F9 segna fallito)")


def _say(text: str) -> None:
    try:
        print(f"pegaso-tui worker: {text}", file=sys.stderr, flush=True)
    except OSError:  # the terminal hung up (SIGHUP): the work goes on without it
        pass


def _schedules(settings, *, once: bool):
    """The scheduled communications that are due: run now (``--until-idle``: only now, so
    their SMS are sent before it returns), else every minute while the worker runs."""
    from pegaso_tui.sending.scheduler import Ticker

    def report(results) -> None:
        for r in results:
            _say(f"comunicazione programmata '{r.schedule}' del {r.day:%d-%m-%Y}: "
                 f"{r.status}, {r.queued} SMS accodati" + (f" ({r.error})" if r.error else ""))

    said: list[str] = []

    def failed(exc) -> None:
        # once per problem: a database that went away would otherwise say it every minute
        text = f"comunicazioni programmate non eseguite: {exc}"
        if not said or said[-1] != text:
            said.append(text)
            _say(text)

    ticker = Ticker(settings, report=report, failed=failed)
    if once:
        try:
            report(ticker.tick())
        except Exception as exc:
            failed(exc)
        return None
    return ticker.start()


def _say_cache_advice() -> None:
    """PostgreSQL: say when the server's cache is too small for the clients' search
    (``db.pg_cache``): whoever runs the worker usually runs the server too."""
    from pegaso_tui.db.models import database_proxy
    from pegaso_tui.db.pg_cache import cache_advice

    advice = cache_advice(database_proxy.obj)
    if advice is not None:
        _say(advice)


def run(args: argparse.Namespace, ctx) -> int:
    from pegaso_tui.cli import CliError
    from pegaso_tui.gateways import GatewayError, make_gateway
    from pegaso_tui.gateways.dlr import receiver_for
    from pegaso_tui.sms.outbox import OutboxHub, Sender, config_for

    ctx.open_db()
    _say_cache_advice()
    settings = ctx.settings
    config = config_for(settings, window=args.window, poll_interval_s=args.poll_interval)
    hub = OutboxHub()
    progress = _Progress()
    hub.subscribe(progress)
    stop = threading.Event()
    received: list[int] = []

    def on_signal(signum, _frame) -> None:
        received.append(signum)
        stop.set()

    try:
        # a gateway that pushes delivery reports (Kannel) sends them to this process
        receiver = receiver_for(settings.gateway)
    except GatewayError as exc:
        raise CliError(str(exc)) from None
    report_url = receiver.url if receiver else None
    if receiver is not None and receiver.note:
        _say(receiver.note)
    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    ticker = _schedules(settings, once=args.until_idle)
    try:
        sender = Sender(lambda: make_gateway(settings.gateway, max_connections=1, report_url=report_url),
                        config, hub, reports=receiver)
        report = sender.run(stop, until_idle=args.until_idle)
    finally:
        if ticker is not None:
            ticker.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if receiver is not None:
            receiver.stop()
    summary = (f"inviati {report.sent}, consegnati {report.delivered}, "
               f"non consegnati {report.undelivered}, falliti {report.failed}")
    if report.cancelled:
        summary += f", annullati {report.cancelled}"
    _say(summary)
    _say_uncertain()
    _say_waiting()
    if report.ended == "problem" and report.problem is not None:
        raise CliError(f"{report.problem.text}: i messaggi restano in coda")
    if signal.SIGINT in received:
        return 130
    return 0
