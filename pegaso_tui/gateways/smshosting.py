"""The SMSHosting REST API (https://api.smshosting.it/rest/api), on ``gateways.wire`` (or httpx).

What the provider documents (its REST docs and its public Java/C# clients), and we follow:

- HTTP Basic auth with AUTH_KEY and AUTH_SECRET; form-encoded bodies; JSON answers.
- ``POST /sms/send``: ``from``, ``to`` (an MSISDN without ``+``, or up to 1000 of them
  comma-separated), ``text``, ``transactionId`` (max 60 characters; ONE per request: it marks
  every SMS of that request), ``encoding`` (``7BIT``, the default, ``UCS2`` or ``AUTO``),
  ``sandbox``, ``statusCallback``. The answer: ``{"from", "text", "transactionId",
  "smsInserted", "smsNotInserted", "sms": [{"id", "to", "status": "INSERTED"|"NOT_INSERTED",
  "statusDetail": "BADNUMBERFORMAT"|"DUPLICATE_SMS"|"BLACKLIST"}]}``.
- An alphanumeric ``from`` that is not registered on the account is NOT refused: the
  provider sends the SMS from a random numeric sender instead (AGCOM 306/20/CIR). ``BAD_FROM``
  may never come; the registered aliases are listed by ``GET /user`` (``senderAlias``), so
  the alias in use is checked against them beforehand (``aliases()``).
- ``GET /sms/search``: ``id``, ``transactionId``, ``msisdn``, ``fromDate``, ``toDate``
  (``yyyy-MM-dd'T'HH:mm:ssZ``), ``status``, ``offset``, ``limit`` (default 20). The answer:
  ``{"metadata": {"count", "offset", "limit"}, "smsList": [{"id", "to", "from", "text",
  "status", "statusDetail", "insertDate", "sentDate", "deliveryDate", "transactionId",
  "price"}]}``; statuses PENDING, SENT, NOSENT, DELIVERED, NOTDELIVERED.
- ``POST /sms/estimate`` -> ``{"cost", "userCredit", "smsCount"}``; ``POST /sms/cancel``
  (``id`` or ``transactionId``) -> a JSON array of the SMS it cancelled (as the official
  clients read it); ``GET /user`` -> ``{"credit", "italysms", "senderAlias": [...], ...}``.
- Errors: an HTTP status (400 bad parameters, 401 bad credentials, 405, 500) with
  ``{"errorCode": <the HTTP status>, "errorMsg": "BAD_CREDIT"}``; the send error codes are
  BAD_FROM, NO_VALID_RECIPIENT, BAD_CREDIT, NO_CREDIT, SENDING_DISABLED, BAD_TEXT,
  BAD_ENCODING, BAD_TRANSACTIONID, BAD_DATE, BAD_CALLBACK, ...

What we could not find, and assumed (the sandbox speaks exactly this):

- ``id`` in a search takes a comma-separated list of ids (up to 1000): that is how delivery
  status is polled in batches. ``limit`` goes up to 1000.
- A multi-part SMS is one record with its status for the whole SMS. Extra ``parts`` /
  ``part`` fields, when present, say a record stands for one part of ``parts``; either shape
  goes through ``combine_parts``, so a multi-part SMS is delivered only when every part is.
- CANCELED is a search status.
- 429 (with ``Retry-After``) is rate limiting: nothing was accepted. A 5xx answer to a send is
  treated as uncertain (a proxy may answer 502/504 after the provider accepted the SMS), and so
  is a 4xx without the provider's ``errorMsg``: only a refusal the provider states is final.
  The sender searches the transaction id, after a grace, before sending it again.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any, Sequence
from urllib.parse import urlencode

import httpx

from pegaso_tui.gateways.tls import verify_for
from pegaso_tui.gateways.wire import Answer, Wire, wanted as wire_wanted

from pegaso_tui.db.models import CANCELLED, DELIVERED, FAILED, SENT, UNDELIVERED
from pegaso_tui.errors import first_line, without_password
from pegaso_tui.gateways import (
    MAX_RECIPIENTS,
    AccountGatewayError,
    Credit,
    Estimate,
    Gateway,
    GatewayError,
    PermanentGatewayError,
    SearchPage,
    SearchQuery,
    StatusRecord,
    Submission,
    SubmitResult,
    TemporaryGatewayError,
    UncertainSubmitError,
    UnreachableGatewayError,
)

#: our encoding -> the provider's ``encoding`` parameter (its default is 7BIT: UCS-2 text
#: sent without it would arrive garbled)
ENCODINGS = {"GSM-7": "7BIT", "UCS-2": "UCS2"}

#: the provider's SMS status -> ours
STATUSES = {
    "PENDING": SENT,
    "SENT": SENT,
    "NOSENT": FAILED,
    "DELIVERED": DELIVERED,
    "NOTDELIVERED": UNDELIVERED,
    "CANCELED": CANCELLED,
    "CANCELLED": CANCELLED,
}

#: The provider's error codes, as the user reads them.
REASONS = {
    "BAD_CREDENTIALS": "credenziali del gateway SMS non valide: controllare AUTH_KEY e AUTH_SECRET",
    "BAD_CREDIT": "credito SMS esaurito sul gateway",
    "NO_CREDIT": "credito SMS esaurito sul gateway",
    "SENDING_DISABLED": "invio disabilitato sull'account del gateway SMS",
    "BAD_FROM": "mittente non accettato dal gateway SMS (alias non registrato o non valido)",
    "NO_VALID_RECIPIENT": "numero del destinatario non valido",
    "BAD_TO": "numero del destinatario non valido",
    "BAD_MSISDN": "numero del destinatario non valido",
    "BADNUMBERFORMAT": "numero del destinatario non valido",
    "BLACKLIST": "numero in lista nera presso il gateway",
    "DUPLICATE_SMS": "SMS duplicato rifiutato dal gateway",
    "BAD_TEXT": "testo non accettato dal gateway",
    "BAD_TEXT_PLACEHOLDER": "segnaposto del testo non accettato dal gateway",
    "BAD_ENCODING": "codifica del testo non accettata dal gateway",
    "BAD_TRANSACTIONID": "identificativo di transazione non accettato dal gateway",
    "BAD_DATE": "data non accettata dal gateway",
    "BAD_CALLBACK": "indirizzo di notifica non accettato dal gateway",
    "BAD_GROUP": "gruppo non accettato dal gateway",
    "BAD_ID": "identificativo SMS non valido",
    "BAD_STATUS": "stato di ricerca non valido",
    "NO_PARAMS": "parametri di ricerca mancanti",
    "NOSENT": "SMS non inviato dal gateway",
    "NOTDELIVERED": "SMS non consegnato al destinatario",
}

#: Codes that concern the account or the settings, not one message.
ACCOUNT_CODES = frozenset({"BAD_CREDENTIALS", "BAD_CREDIT", "NO_CREDIT", "SENDING_DISABLED", "BAD_FROM"})

DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


def reason(code: str | None, fallback: str = "") -> str:
    """The Italian reason for a provider code."""
    if not code:
        return fallback or "errore del gateway"
    return REASONS.get(code.upper(), fallback or f"errore del gateway: {code}")


def to_msisdn(e164: str) -> str:
    """``+393491234567`` -> ``393491234567`` (the provider wants no ``+``)."""
    return e164.strip().lstrip("+")


def from_msisdn(msisdn: str) -> str:
    """The provider's MSISDN back to E.164."""
    msisdn = (msisdn or "").strip()
    return msisdn if msisdn.startswith("+") or not msisdn else "+" + msisdn


def format_date(value: datetime) -> str:
    """A local (naive) or aware datetime in the provider's ``yyyy-MM-dd'T'HH:mm:ssZ``."""
    if value.tzinfo is None:
        value = value.astimezone()
    return value.strftime(DATE_FORMAT)


def parse_date(value: Any) -> datetime | None:
    """The provider's date as a naive local datetime (as our database keeps them)."""
    if not value:
        return None
    text = str(value).strip()
    for fmt in (DATE_FORMAT, "%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%d %H:%M:%S"):
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone().replace(tzinfo=None)
        return parsed
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone().replace(tzinfo=None)
    return parsed


def retry_after(response: httpx.Response | Answer) -> float | None:
    """Seconds from a ``Retry-After`` header (seconds or an HTTP date), if any."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(when.tzinfo)).total_seconds())


class SmsHostingGateway(Gateway):
    """The SMSHosting adapter. Pass ``client`` (or ``transport``) to share connections."""

    name = "SMSHosting"
    max_batch = MAX_RECIPIENTS

    def __init__(
        self,
        settings,
        *,
        client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        max_connections: int = 16,
    ) -> None:
        self.settings = settings
        self.base_url = settings.url.rstrip("/")
        # HTTP Basic auth as a ready header: httpx's auth flow costs more than the rest of a
        # request's client side, and it would be the same header every time anyway
        token = base64.b64encode(f"{settings.key}:{settings.secret}".encode("utf-8")).decode("ascii")
        self._headers = {"Authorization": f"Basic {token}", "User-Agent": "pegaso-tui"}
        self._form_headers = {**self._headers, "Content-Type": "application/x-www-form-urlencoded"}
        self._own_client = client is None
        timeout = httpx.Timeout(settings.timeout_s, connect=min(settings.timeout_s, 10.0))
        #: requests on keep-alive ``http.client`` connections (``gateways.wire``): a quarter
        #: of the CPU of ``httpx.Client.request`` per request, which is what the sender spends
        #: per SMS on a fast gateway (issue 17). A given client or transport (tests, a caller sharing
        #: connections), or a proxy from the environment, goes through httpx instead.
        self._wire: Wire | None = None
        self.client: httpx.Client | None = client
        if client is None and transport is None and wire_wanted(self.base_url):
            self._wire = Wire(self.base_url, {**self._headers, "Accept": "*/*"}, timeout,
                              max_connections)
        elif client is None:
            self.client = httpx.Client(
                timeout=timeout,
                verify=verify_for(self.base_url),
                transport=transport,
                limits=httpx.Limits(
                    max_connections=max_connections, max_keepalive_connections=max_connections
                ),
            )

    def close(self) -> None:
        if self._wire is not None:
            self._wire.close()
        elif self._own_client and self.client is not None:
            self.client.close()

    # --- transport ----------------------------------------------------------------------

    def _request(self, method: str, path: str, *, submit: bool = False,
                 form: dict[str, str] | None = None, params: dict[str, Any] | None = None) -> Any:
        """One request (``form``: a form-encoded body); the answer's JSON, or a GatewayError.

        ``submit`` marks a request that may create SMS: a failure after the request may have
        reached the gateway is then an UncertainSubmitError, never a plain temporary one.
        """
        if not (self.settings.key and self.settings.secret):
            raise AccountGatewayError(
                "gateway SMS non configurato: indicare AUTH_KEY e AUTH_SECRET (key e secret in "
                "[gateway], o PEGASO_GATEWAY_KEY e PEGASO_GATEWAY_SECRET)", "NOT_CONFIGURED",
            )
        try:
            if self._wire is not None:
                response = self._wire.request(method, path, form=form, params=params)
            elif form is not None:
                response = self.client.request(
                    method, self.base_url + path, content=urlencode(form).encode("utf-8"),
                    headers=self._form_headers,
                )
            else:
                response = self.client.request(method, self.base_url + path, params=params,
                                               headers=self._headers)
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            raise AccountGatewayError(
                f"indirizzo del gateway SMS non valido ({without_password(self.base_url)}): {first_line(exc)}",
                "BAD_URL"
            ) from None
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise UnreachableGatewayError(
                f"gateway SMS non raggiungibile ({without_password(self.base_url)}): {first_line(exc)}",
                "CONNECTION"
            ) from None
        except httpx.PoolTimeout:
            raise TemporaryGatewayError("troppe richieste in corso verso il gateway", "POOL") from None
        except httpx.TimeoutException:
            if submit:
                raise UncertainSubmitError(
                    "nessuna risposta dal gateway entro il tempo massimo", "TIMEOUT"
                ) from None
            raise TemporaryGatewayError("nessuna risposta dal gateway entro il tempo massimo", "TIMEOUT") from None
        except httpx.TransportError as exc:
            # the connection broke after the request went out (the gateway closed it)
            if submit:
                raise UncertainSubmitError(
                    f"connessione al gateway interrotta: {first_line(exc)}", "DROPPED"
                ) from None
            raise TemporaryGatewayError(
                f"connessione al gateway interrotta: {first_line(exc)}", "DROPPED"
            ) from None
        return self._answer(response, submit=submit)

    def _answer(self, response: httpx.Response | Answer, *, submit: bool) -> Any:
        status = response.status_code
        try:
            data = json.loads(response.content)
        except ValueError:
            data = None
        if 200 <= status < 300:
            if data is None:
                if submit:
                    raise UncertainSubmitError(
                        "risposta del gateway illeggibile", "BAD_ANSWER", http_status=status
                    )
                raise TemporaryGatewayError("risposta del gateway illeggibile", "BAD_ANSWER", http_status=status)
            return data
        code = ""
        if isinstance(data, dict):
            code = str(data.get("errorMsg") or "").strip().upper()
        wait = retry_after(response)
        if status == 401 or code == "BAD_CREDENTIALS":
            raise AccountGatewayError(reason("BAD_CREDENTIALS"), "BAD_CREDENTIALS", http_status=status)
        if status == 429:
            raise TemporaryGatewayError(
                "il gateway chiede di rallentare", code or "HTTP_429", http_status=status, retry_after_s=wait
            )
        if status >= 500:
            text = f"errore del gateway SMS (HTTP {status})"
            if submit:
                raise UncertainSubmitError(
                    text, code or f"HTTP_{status}", http_status=status, retry_after_s=wait
                )
            raise TemporaryGatewayError(text, code or f"HTTP_{status}", http_status=status, retry_after_s=wait)
        if submit and not code:
            # A 4xx without the gateway's own error code was not written by the gateway: a
            # proxy or a load balancer answered, and the request may have gone through.
            raise UncertainSubmitError(
                f"risposta inattesa dal gateway SMS (HTTP {status})", f"HTTP_{status}", http_status=status
            )
        if code in ACCOUNT_CODES or status == 403:
            raise AccountGatewayError(reason(code, "accesso negato dal gateway SMS"), code or "HTTP_403", http_status=status)
        raise PermanentGatewayError(
            reason(code, f"richiesta rifiutata dal gateway (HTTP {status})"), code or f"HTTP_{status}",
            http_status=status,
        )

    # --- sending ------------------------------------------------------------------------

    def _send_form(self, recipients: Sequence[str], text: str, sender: str, encoding: str,
                   transaction_id: str | None) -> dict[str, str]:
        if not recipients:
            raise PermanentGatewayError("nessun destinatario", "NO_VALID_RECIPIENT")
        if len(recipients) > self.max_batch:
            raise PermanentGatewayError(
                f"al massimo {self.max_batch} destinatari per invio", "BAD_TO"
            )
        form = {
            "to": ",".join(to_msisdn(r) for r in recipients),
            "text": text,
            "encoding": ENCODINGS.get(encoding, "AUTO"),
        }
        if sender:
            form["from"] = sender
        if transaction_id:
            form["transactionId"] = transaction_id
        return form

    def send(self, submission: Submission) -> SubmitResult:
        """Submit one SMS with its transaction id."""
        results = self.send_many(
            [submission.to], submission.text, sender=submission.sender,
            encoding=submission.encoding, transaction_id=submission.transaction_id,
        )
        return results[0]

    def send_many(self, recipients, text, *, sender="", encoding="GSM-7", transaction_id=None):
        """Submit one text to up to 1000 recipients; one result per recipient, in order."""
        form = self._send_form(recipients, text, sender, encoding, transaction_id)
        data = self._request("POST", "/sms/send", submit=True, form=form)
        entries = data.get("sms") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise UncertainSubmitError("risposta del gateway senza l'elenco degli SMS", "BAD_ANSWER")
        by_number: dict[str, list[dict]] = {}
        for entry in entries:
            by_number.setdefault(to_msisdn(str(entry.get("to", ""))), []).append(entry)
        results = []
        for recipient in recipients:
            queue = by_number.get(to_msisdn(recipient))
            if not queue:
                # The gateway did not say: we cannot know, so we must not guess.
                raise UncertainSubmitError(
                    f"il gateway non ha risposto per {recipient}", "BAD_ANSWER"
                )
            entry = queue.pop(0)
            status = str(entry.get("status", "")).upper()
            if status in ("INSERTED", "SANDBOX"):
                results.append(SubmitResult(recipient, True, str(entry.get("id"))))
            else:
                detail = str(entry.get("statusDetail") or "NOT_INSERTED").upper()
                error = PermanentGatewayError(reason(detail, "SMS rifiutato dal gateway"), detail)
                results.append(SubmitResult(recipient, False, None, error))
        return results

    # --- reading ------------------------------------------------------------------------

    def search(self, query: SearchQuery, *, offset: int = 0, limit: int = MAX_RECIPIENTS) -> SearchPage:
        """One page of the SMS matching ``query`` (``limit`` up to 1000)."""
        params: dict[str, Any] = {"offset": offset, "limit": min(limit, MAX_RECIPIENTS)}
        if query.ids:
            params["id"] = ",".join(str(i) for i in query.ids)
        if query.transaction_id:
            params["transactionId"] = query.transaction_id
        if query.msisdn:
            params["msisdn"] = to_msisdn(query.msisdn)
        if query.from_date:
            params["fromDate"] = format_date(query.from_date)
        if query.to_date:
            params["toDate"] = format_date(query.to_date)
        if query.status:
            params["status"] = query.status
        if len(params) == 2:
            raise PermanentGatewayError(reason("NO_PARAMS"), "NO_PARAMS")
        data = self._request("GET", "/sms/search", params=params)
        items = data.get("smsList") or []
        meta = data.get("metadata") or {}
        records = [self._record(item) for item in items]
        return SearchPage(
            records=records,
            total=int(meta.get("count", len(records))),
            offset=int(meta.get("offset", offset)),
            limit=int(meta.get("limit", limit)),
        )

    @staticmethod
    def _record(item: dict) -> StatusRecord:
        provider_status = str(item.get("status", "")).upper()
        status = STATUSES.get(provider_status, SENT)
        detail_code = item.get("statusDetail")
        detail = None
        if status in (FAILED, UNDELIVERED):
            detail = reason(str(detail_code) if detail_code else provider_status)
        return StatusRecord(
            provider_id=str(item.get("id")),
            transaction_id=item.get("transactionId"),
            to=from_msisdn(str(item.get("to", ""))),
            status=status,
            provider_status=provider_status,
            detail=detail,
            sent_at=parse_date(item.get("sentDate")),
            delivered_at=parse_date(item.get("deliveryDate")),
            parts=int(item.get("parts") or 1),
            part=int(item.get("part") or 0),
        )

    def estimate(self, recipients, text, *, sender="", encoding="GSM-7") -> Estimate:
        """What sending ``text`` to ``recipients`` would cost."""
        form = self._send_form(recipients, text, sender, encoding, None)
        data = self._request("POST", "/sms/estimate", form=form)
        return Estimate(
            sms_count=int(data.get("smsCount", 0)),
            cost=_float(data.get("cost")),
            credit_left=_float(data.get("userCredit")),
        )

    def cancel(self, *, provider_id=None, transaction_id=None) -> int:
        """Cancel SMS not yet sent, by id or by transaction id."""
        form = {}
        if provider_id:
            form["id"] = provider_id
        if transaction_id:
            form["transactionId"] = transaction_id
        if not form:
            raise PermanentGatewayError(reason("NO_PARAMS"), "NO_PARAMS")
        data = self._request("POST", "/sms/cancel", form=form)
        # the answer is the list of the SMS cancelled (the official clients read an array)
        if not isinstance(data, list):
            raise TemporaryGatewayError("risposta del gateway all'annullamento non leggibile", "BAD_ANSWER")
        return len(data)

    def credit(self) -> Credit:
        """The credit left: SMS to Italy (``italysms``) and money (``credit``)."""
        data = self._request("GET", "/user")
        return Credit(sms_left=int(data.get("italysms", 0)), amount=_float(data.get("credit")))

    def aliases(self) -> list[str] | None:
        """The registered sender aliases: ``senderAlias`` of ``GET /user`` (its official
        clients read it as a list of strings); None when the answer has no such list."""
        data = self._request("GET", "/user")
        found = data.get("senderAlias") if isinstance(data, dict) else None
        if not isinstance(found, list):
            return None
        return [str(alias) for alias in found if str(alias).strip()]


class SandboxGateway(SmsHostingGateway):
    """The SMSHosting adapter speaking to ``pegaso-tui sandbox`` (``[gateway] kind = "sandbox"``).

    The same API; refuses the provider's own URL, so that a sandbox setting never sends real
    SMS with the real account."""

    name = "Sandbox"

    def __init__(self, settings, **kwargs) -> None:
        from pegaso_tui.config import DEFAULT_GATEWAY_URL

        if settings.url.rstrip("/") == DEFAULT_GATEWAY_URL:
            raise AccountGatewayError(
                "gateway 'sandbox': indicare l'URL stampato da `pegaso-tui sandbox`, non "
                "quello di SMSHosting", "NOT_CONFIGURED",
            )
        super().__init__(settings, **kwargs)


def _float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


__all__ = ["SandboxGateway", "SmsHostingGateway", "GatewayError", "reason"]
