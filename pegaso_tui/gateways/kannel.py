"""Kannel's ``sendsms`` interface (smsbox), for any operator Kannel reaches over SMPP.

What Kannel 1.4.5 does, seen on loopback with ``fakesmsc`` (the tests start one):

- ``sendsms`` takes its parameters in the query of a GET (``username``, ``password``, ``to``,
  ``from``, ``text``, ``coding``, ``charset``, ``dlr-mask``, ``dlr-url``) or, in a POST, as
  ``X-Kannel-Username``, ``X-Kannel-Password``, ``X-Kannel-To``... headers with the text as
  a ``text/plain; charset=UTF-8`` body (a form-encoded POST is refused: "Invalid
  content-type"). We POST: the password stays out of URLs, which proxies and access logs
  keep, and a long text has no URL length to fit. The answer is plain text: ``202 0: Accepted for delivery``, or
  ``202 3: Queued for later delivery`` while the SMSC link is down (Kannel keeps the SMS and
  sends it when the link is back), ``403 Authorization failed for sendsms``, ``400`` with the
  reason for a bad request.
- Text that is not GSM is corrupted unless ``coding=2&charset=UTF-8`` is sent; the body is
  always UTF-8 (said in its Content-Type) and ``X-Kannel-Coding: 2`` is added for UCS-2.
- A text longer than the user's ``max-messages`` parts is cut silently and still answered 202:
  so it is refused here, before sending (``[gateway] max_messages``).
- Kannel returns no message id and has no query API. Our transaction id travels in the
  ``dlr-url`` (with ``%d``, the report type, and ``%A``, the SMSC's answer), and the reports
  received (``dlr-mask=31``: all of them) are the only record of what happened:
  1 delivered, 2 not delivered, 16 refused by the SMSC, 4 and 8 in the SMSC's hands. They can
  arrive out of order (1 before 8). A concatenated SMS is reported once, for the whole text.
- There is no credit to read.

The reports come back to ``pegaso_tui.gateways.dlr.ReportReceiver``, a loopback endpoint the
sender runs; its URL is given to the adapter as ``report_url``.
"""

from __future__ import annotations

import re
from typing import Sequence
from urllib.parse import quote, urlsplit

import httpx

from pegaso_tui.errors import without_password
from pegaso_tui.gateways.tls import verify_for

from pegaso_tui.db.models import DELIVERED, FAILED, SENT, UNDELIVERED
from pegaso_tui.gateways.base import (
    AccountGatewayError,
    Credit,
    CreditUnknownError,
    Estimate,
    Gateway,
    PermanentGatewayError,
    SearchPage,
    SearchQuery,
    Submission,
    SubmitResult,
    TemporaryGatewayError,
    UncertainSubmitError,
    UnreachableGatewayError,
)
from pegaso_tui.sms.text import UCS2, analyze

#: where smsbox answers sendsms
SENDSMS_PATH = "/cgi-bin/sendsms"

#: every report: 1 delivered, 2 not delivered, 4 queued at the SMSC, 8 accepted by the SMSC,
#: 16 refused by the SMSC
DLR_MASK = 31

#: Kannel's report type -> our status
DLR_STATUSES = {1: DELIVERED, 2: UNDELIVERED, 4: SENT, 8: SENT, 16: FAILED}

#: what a user reads for a report that is not a success
DLR_REASONS = {
    2: "SMS non consegnato al destinatario (rapporto di Kannel)",
    16: "SMS rifiutato dall'operatore (SMSC) tramite Kannel",
}

#: a transaction id travels in a URL that Kannel expands: nothing it could take for an escape
_SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def report_status(dlr_type: int) -> str | None:
    """Our status for Kannel's report type (None for a type we do not know)."""
    return DLR_STATUSES.get(dlr_type)


def dlr_url(report_url: str, transaction_id: str) -> str:
    """The ``dlr-url`` for one SMS: our receiver, our transaction id, Kannel's %d and %A."""
    return f"{report_url}?tid={quote(transaction_id, safe='')}&type=%d&reply=%A"


class KannelGateway(Gateway):
    """The Kannel adapter. ``report_url`` is the sender's report receiver (see ``dlr``)."""

    name = "Kannel"
    #: one dlr-url, so one transaction id, per request
    max_batch = 1
    can_search = False
    pushes_reports = True

    def __init__(
        self,
        settings,
        *,
        report_url: str | None = None,
        client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        max_connections: int = 4,
    ) -> None:
        self.settings = settings
        self.url = settings.url.strip()
        if urlsplit(self.url).path in ("", "/"):
            # smsbox's address alone: its sendsms is always here
            self.url = self.url.rstrip("/") + SENDSMS_PATH
        self.report_url = report_url
        self.max_messages = getattr(settings, "max_messages", 3) or 3
        self._own_client = client is None
        if client is None:
            client = httpx.Client(
                timeout=httpx.Timeout(settings.timeout_s, connect=min(settings.timeout_s, 10.0)),
                transport=transport,
                verify=verify_for(self.url),
                limits=httpx.Limits(max_connections=max_connections,
                                    max_keepalive_connections=max_connections),
                headers={"User-Agent": "pegaso-tui"},
            )
        self.client = client

    def close(self) -> None:
        if self._own_client:
            self.client.close()

    # --- sending ------------------------------------------------------------------------

    def _request(self, submission: Submission) -> tuple[dict[str, str], bytes]:
        """The headers and body of the POST to ``sendsms`` for one SMS."""
        if not (self.settings.key and self.settings.secret):
            raise AccountGatewayError(
                "Kannel non configurato: indicare username e password del sendsms-user (key e "
                "secret in [gateway])", "NOT_CONFIGURED",
            )
        if "sendsms" not in self.url:
            raise AccountGatewayError(
                f"URL di Kannel non valido: {without_password(self.url)!r} (atteso l'indirizzo di sendsms, es. "
                "http://127.0.0.1:13013/cgi-bin/sendsms)", "NOT_CONFIGURED",
            )
        if not self.report_url:
            # without a dlr-url nothing would ever say what became of the SMS
            raise AccountGatewayError(
                "Kannel: manca l'indirizzo per i rapporti di consegna (il mittente non lo ha aperto)",
                "NO_REPORTS",
            )
        if not _SAFE_ID.fullmatch(submission.transaction_id):
            raise PermanentGatewayError("identificativo di transazione non adatto a Kannel", "BAD_TRANSACTIONID")
        parts = analyze(submission.text).segments
        if parts > self.max_messages:
            # Kannel would cut it at max-messages parts and still answer 202
            raise PermanentGatewayError(
                f"testo di {parts} SMS: Kannel ne accetta al massimo {self.max_messages} "
                "(max-messages), il resto andrebbe perso", "TOO_LONG",
            )
        headers = {
            "Content-Type": "text/plain; charset=UTF-8",
            "X-Kannel-Username": self.settings.key,
            "X-Kannel-Password": self.settings.secret,
            "X-Kannel-To": submission.to,
            "X-Kannel-DLR-Mask": str(DLR_MASK),
        }
        if submission.sender:
            headers["X-Kannel-From"] = submission.sender
        if submission.encoding == UCS2:
            headers["X-Kannel-Coding"] = "2"
        headers["X-Kannel-DLR-Url"] = dlr_url(self.report_url, submission.transaction_id)
        return headers, submission.text.encode("utf-8")

    def send(self, submission: Submission) -> SubmitResult:
        """Submit one SMS; accepted (with no id: Kannel gives none) or a GatewayError."""
        headers, body = self._request(submission)
        try:
            response = self.client.post(self.url, headers=headers, content=body)
        except httpx.ConnectError as exc:
            raise UnreachableGatewayError(f"Kannel non raggiungibile: {exc}", "CONNECTION") from None
        except (httpx.ConnectTimeout, httpx.PoolTimeout):
            raise UnreachableGatewayError("Kannel non risponde alla connessione", "CONNECTION") from None
        except httpx.TimeoutException:
            raise UncertainSubmitError("nessuna risposta da Kannel entro il tempo massimo", "TIMEOUT",
                                       settled=False) from None
        except httpx.TransportError as exc:
            raise UncertainSubmitError(f"connessione con Kannel interrotta: {exc}", "CONNECTION",
                                       settled=True) from None
        body = response.text.strip()
        status = response.status_code
        if status == 202 or (status == 200 and body[:2] in ("0:", "3:")):
            return SubmitResult(submission.to, True, None)
        if status == 401 or (status == 403 and body.startswith("Authorization failed")):
            raise AccountGatewayError(
                f"Kannel rifiuta le credenziali del sendsms-user: {body or status}", "BAD_CREDENTIALS",
                http_status=status,
            )
        if status == 503 and body.startswith(("Temporal failure", "4:")):
            # smsbox said it did not take it (its queue is full, bearerbox is away)
            raise TemporaryGatewayError(f"Kannel: {body}", "KANNEL_BUSY", http_status=status)
        if status >= 500:
            raise UncertainSubmitError(f"errore di Kannel (HTTP {status}): {body}", f"HTTP_{status}",
                                       settled=True, http_status=status)
        raise PermanentGatewayError(f"SMS rifiutato da Kannel: {body or status}", f"HTTP_{status}",
                                    http_status=status)

    def send_many(self, recipients: Sequence[str], text: str, *, sender: str = "", encoding: str = "GSM-7",
                  transaction_id: str | None = None) -> list[SubmitResult]:
        """One recipient a request: the transaction id rides in each SMS's dlr-url."""
        if len(recipients) != 1 or not transaction_id:
            raise PermanentGatewayError("Kannel: un destinatario e un identificativo per invio", "BAD_TO")
        return [self.send(Submission(transaction_id, recipients[0], text, sender, encoding))]

    # --- what Kannel cannot do ----------------------------------------------------------

    def search(self, query: SearchQuery, *, offset: int = 0, limit: int = 1000) -> SearchPage:
        """Kannel has no query API: only the delivery reports tell what happened."""
        raise PermanentGatewayError("Kannel non permette di cercare gli SMS inviati", "NO_SEARCH")

    def estimate(self, recipients, text, *, sender="", encoding="GSM-7") -> Estimate:
        """The parts the text takes for each recipient (Kannel knows no prices)."""
        return Estimate(sms_count=analyze(text).segments * len(recipients))

    def cancel(self, *, provider_id=None, transaction_id=None) -> int:
        """Kannel cannot take back an SMS it accepted."""
        return 0

    def credit(self) -> Credit:
        """Kannel keeps no credit: CreditUnknownError (the callers say "non disponibile")."""
        raise CreditUnknownError("Kannel non fornisce il credito", "NO_CREDIT_INFO")


__all__ = ["DLR_MASK", "DLR_STATUSES", "KannelGateway", "dlr_url", "report_status"]
