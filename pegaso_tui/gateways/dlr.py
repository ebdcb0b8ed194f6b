"""The loopback endpoint where a gateway pushes its delivery reports (Kannel's ``dlr-url``).

The sender runs one while it sends through a gateway that pushes reports
(``Gateway.pushes_reports``): the app while it is open, ``pegaso-tui worker`` while it runs.
It listens on 127.0.0.1 only, on ``[gateway] dlr_port`` (0: any free port — then reports of
SMS sent by a sender that has stopped are lost; a fixed port lets the next one receive them
when Kannel retries), and hands every report over through ``reports``, a queue the sender
drains into its usual recording path (commit, then announce). A report is answered 200 only
once the sender says it is committed (``Received.done``); otherwise, after ``ack_timeout_s``,
503, so that Kannel sends it again (smsbox's ``http-request-retry``): a report Kannel was told
we have is never one we lost. Nothing here touches the database.

A report is ``GET /dlr?tid=<our transaction id>&type=<Kannel's %d>&reply=<Kannel's %A>``.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from pegaso_tui.gateways.base import DeliveryReport, GatewayError

PATH = "/dlr"


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self._handle(urlsplit(self.path).query if urlsplit(self.path).path == PATH else None)

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        parts = urlsplit(self.path)
        self._handle("&".join(q for q in (parts.query, body) if q) if parts.path == PATH else None)

    def _handle(self, query: str | None) -> None:
        if query is None:
            self._answer(404, "not found")
            return
        report = parse_report(query)
        if report is None:
            self._answer(400, "bad report")
            return
        received = Received(report)
        self.server.reports.put(received)
        self.server.received += 1
        if received.done.wait(self.server.ack_timeout_s):
            self._answer(200, "ok")
        else:  # not recorded (yet): let Kannel try again rather than lose it
            self._answer(503, "not recorded")

    def _answer(self, status: int, text: str) -> None:
        data = text.encode("ascii")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:  # no lines on the terminal of a TUI
        pass


@dataclass
class Received:
    """A report waiting to be recorded; ``done`` is set once it is committed."""

    report: DeliveryReport
    done: threading.Event = field(default_factory=threading.Event)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    reports: queue.SimpleQueue
    received: int = 0
    ack_timeout_s: float = 10.0


def parse_report(query: str) -> DeliveryReport | None:
    """The report of a ``dlr-url`` query (None when it is not one of ours)."""
    from pegaso_tui.gateways.kannel import DLR_REASONS, report_status

    fields = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
    tid = fields.get("tid", "")
    try:
        dlr_type = int(fields.get("type", ""))
    except ValueError:
        return None
    status = report_status(dlr_type)
    if not tid or status is None:
        return None
    reply = fields.get("reply", "").strip()
    detail = DLR_REASONS.get(dlr_type)
    if detail and reply:
        detail = f"{detail}: {reply}"
    return DeliveryReport(transaction_id=tid, status=status, provider_code=str(dlr_type),
                          detail=detail, received_at=datetime.now())


class ReportReceiver:
    """The endpoint on a loopback port, in a background thread.

    ``with ReportReceiver(port) as receiver:`` — ``receiver.url`` goes to the adapter (its
    ``report_url``), ``receiver.reports`` holds the reports received, in order.
    """

    def __init__(self, port: int = 0, host: str = "127.0.0.1", ack_timeout_s: float = 10.0) -> None:
        self.host = host
        self.port = port
        self.ack_timeout_s = ack_timeout_s
        self.reports: queue.SimpleQueue[Received] = queue.SimpleQueue()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        #: what the user should know of this receiver (a port other than the one set)
        self.note: str | None = None

    @property
    def url(self) -> str:
        """The base of the ``dlr-url``, e.g. ``http://127.0.0.1:40123/dlr``."""
        return f"http://{self.host}:{self.port}{PATH}"

    @property
    def received(self) -> int:
        """How many reports were received so far."""
        return self._server.received if self._server else 0

    def start(self) -> "ReportReceiver":
        """Listen (GatewayError in Italian when the port cannot be opened)."""
        try:
            server = _Server((self.host, self.port), _Handler)
        except OSError as exc:
            raise GatewayError(
                f"impossibile ricevere i rapporti di consegna sulla porta {self.port}: "
                f"{exc.strerror or exc} (impostazione gateway.dlr_port)", "DLR_PORT",
            ) from None
        server.reports = self.reports
        server.ack_timeout_s = self.ack_timeout_s
        self._server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                                        name="pegaso-dlr", daemon=True)
        self._thread.start()
        return self

    def take(self) -> list[Received]:
        """Every report received and not yet taken; set ``done`` of each once it is recorded."""
        taken = []
        while True:
            try:
                taken.append(self.reports.get_nowait())
            except queue.Empty:
                return taken

    def drain(self) -> list[DeliveryReport]:
        """Every report received and not yet taken, acknowledged at once."""
        taken = self.take()
        for received in taken:
            received.done.set()
        return [received.report for received in taken]

    def stop(self) -> None:
        """Stop listening (reports not yet taken stay in ``reports``)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def __enter__(self) -> "ReportReceiver":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def receiver_for(settings) -> ReportReceiver | None:
    """A started receiver when the gateway of ``settings`` pushes reports, else None.

    When ``dlr_port`` is taken (another sender of this machine has it) the receiver takes a
    free port instead and says so in ``note``: sending goes on, and the reports of this
    sender's SMS come back to it all the same (each SMS carries its own dlr-url)."""
    from pegaso_tui.gateways import adapter_class

    if not adapter_class(getattr(settings, "kind", "smshosting") or "smshosting").pushes_reports:
        return None
    port = getattr(settings, "dlr_port", 0) or 0
    try:
        return ReportReceiver(port).start()
    except GatewayError:
        if not port:
            raise
    receiver = ReportReceiver(0).start()
    receiver.note = (f"porta {port} dei rapporti di consegna già in uso: questo invio li riceve "
                     f"sulla porta {receiver.port}")
    return receiver


__all__ = ["Received", "ReportReceiver", "parse_report", "receiver_for"]
