"""The sandbox gateway: a loopback HTTP server that speaks the SMSHosting REST API.

It runs as ``pegaso-tui sandbox`` and in-process (a background thread) for ``--demo`` and the
tests, so both exercise the real adapter over real HTTP. It speaks exactly what
``pegaso_tui.gateways.smshosting`` expects (see that module for the API and our assumptions):

- HTTP Basic auth with the key and secret it was started with (401 ``BAD_CREDENTIALS``);
- ``POST /sms/send`` records every SMS it accepts (id, to, from, text, transactionId,
  status, dates, parts) and consumes one credit a part; with too few credits it refuses the
  whole request with 400 ``BAD_CREDIT``. Like the real provider it does NOT deduplicate by
  transactionId: a client that submits twice gets two SMS;
- an SMS is SENT at once and DELIVERED ``deliver_after_ms`` later (each part of a multi-part
  SMS a little later than the one before: the SMS is DELIVERED only when its last part is),
  or NOTDELIVERED when its number ends with ``undeliverable_suffix``;
- ``GET /sms/search`` by id (comma-separated), transactionId, msisdn, dates and status, with
  ``offset``/``limit`` (up to 1000); ``POST /sms/estimate``, ``POST /sms/cancel`` (answered
  with the array of the SMS cancelled), ``GET /user`` (the credit, and the registered aliases
  in ``senderAlias``);
- an alphanumeric ``from`` that is not one of ``aliases`` is not refused: the SMS goes out
  from a random number, as the provider does;
- faults on request: ``fail_rate`` answers a send with 500 before accepting it,
  ``throttle_rate`` with 429 and ``Retry-After``, ``drop_rate`` accepts and records the SMS
  and then closes the connection without answering, ``latency_ms`` delays every answer (a
  send is recorded after the delay, even if the client gave up waiting: as a real server);
- the faults of a real gateway under load: ``accept_delay_ms`` processes each send that long
  after it arrived, even when the client has gone meanwhile (a slow gateway), and
  ``false_504_rate`` answers that share of sends ``504 Gateway Timeout`` after half the accept
  delay, as a reverse proxy in front of it would, while the SMS is still accepted at the end
  of the delay. Nothing the client sees proves such an SMS was not sent.

The HTTP layer is a small asyncio protocol (HTTP/1.1 with keep-alive, Content-Length bodies):
the standard library's ``http.server`` is several times slower, and the sender's benchmark
pushes 10,000 requests through it.
"""

from __future__ import annotations

import asyncio
import base64
import json
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

from pegaso_tui.sms.text import GSM_BASIC, GSM_EXTENSION, analyze

API_PREFIX = "/rest/api"
MAX_LIMIT = 1000
DEFAULT_LIMIT = 20
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


@dataclass
class SandboxConfig:
    """How the sandbox behaves; every option of ``pegaso-tui sandbox``."""

    # the credentials it accepts: a sandbox started with real-looking ones must not print them
    key: str = field(default="sandbox", repr=False)
    secret: str = field(default="sandbox", repr=False)
    fail_rate: float = 0.0
    drop_rate: float = 0.0
    throttle_rate: float = 0.0
    retry_after_s: int = 1
    latency_ms: int = 0
    #: a send is processed (recorded, answered) this long after it arrived, client or not
    accept_delay_ms: int = 0
    #: share of sends a "proxy" answers 504 after half the accept delay; still accepted after
    false_504_rate: float = 0.0
    deliver_after_ms: int = 1000
    undeliverable_suffix: str = ""
    #: SMS (parts) that can still be sent; None: no limit
    credits: int | None = None
    #: report one search record per part instead of one per SMS
    per_part_records: bool = False
    #: numbers the provider refuses (statusDetail BLACKLIST), as MSISDN without "+"
    blacklist: frozenset[str] = frozenset()
    #: the alphanumeric senders registered on the account (``GET /user`` lists them); any
    #: other alias is replaced by a random number, as the provider does (AGCOM 306/20/CIR)
    aliases: tuple[str, ...] = ("AGENZIA", "FUTURA", "PEGASO", "SANDBOX")
    price: float = 0.045
    seed: int | None = None


@dataclass
class SandboxSms:
    """One SMS the sandbox accepted."""

    id: int
    to: str  # MSISDN, no "+"
    sender: str
    text: str
    transaction_id: str | None
    encoding: str
    parts: int
    inserted: float  # epoch seconds
    scheduled: float | None = None
    cancelled: bool = False
    #: part (1-based) -> status forced by a test; 0 forces every part
    forced: dict[int, str] = field(default_factory=dict)


class SandboxError(Exception):
    """An error answer: HTTP status and the provider's errorMsg."""

    def __init__(self, status: int, code: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.headers = headers or {}


class Drop(Exception):
    """Close the connection without answering."""


def _fmt(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, timezone.utc).astimezone().strftime(DATE_FORMAT)


def _parse_date(text: str) -> float:
    try:
        parsed = datetime.strptime(text, DATE_FORMAT)
    except ValueError:
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise SandboxError(400, "BAD_DATE") from None
    if parsed.tzinfo is None:
        parsed = parsed.astimezone()
    return parsed.timestamp()


def _overall(statuses: list[str]) -> str:
    """The status of a whole SMS from its parts': delivered only when every part is."""
    for word in ("CANCELED", "NOTDELIVERED", "PENDING", "SENT"):
        if word in statuses:
            return word
    return "DELIVERED"


def _valid_msisdn(msisdn: str) -> bool:
    return msisdn.isdigit() and 8 <= len(msisdn) <= 15


def _valid_sender(sender: str) -> bool:
    number = sender[1:] if sender.startswith("+") else sender
    if number.isdigit():
        return 3 <= len(number) <= 16
    return 1 <= len(sender) <= 11 and sender.isascii() and sender.replace(" ", "").isalnum()


def _gsm_only(text: str) -> str:
    """What a 7BIT SMS carries: characters GSM-7 cannot encode arrive as ``?``."""
    return "".join(c if c in GSM_BASIC or c in GSM_EXTENSION else "?" for c in text)


class SandboxState:
    """The sandbox's records and rules, independent of HTTP (thread-safe)."""

    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        self._lock = threading.Lock()
        self._sms: list[SandboxSms] = []
        self._by_id: dict[int, SandboxSms] = {}
        self._by_transaction: dict[str, list[SandboxSms]] = {}
        self._next_id = 1000
        self._random = random.Random(self.config.seed)
        self.requests = 0
        #: sends answered 504 by the simulated proxy (and accepted all the same)
        self.false_504s = 0
        #: sends arrived and not yet processed (with an accept delay): requests on the wire
        self.in_progress = 0
        self.credits = self.config.credits

    # --- rules ----------------------------------------------------------------------------

    def chance(self, rate: float) -> bool:
        """True with probability ``rate`` (seeded when the config has a seed)."""
        if rate <= 0:
            return False
        with self._lock:
            return self._random.random() < rate

    def check_auth(self, header: str | None) -> None:
        """401 BAD_CREDENTIALS unless the Basic credentials are the sandbox's."""
        expected = base64.b64encode(f"{self.config.key}:{self.config.secret}".encode()).decode()
        if not header or header.strip() != f"Basic {expected}":
            raise SandboxError(401, "BAD_CREDENTIALS")

    def _text_and_parts(self, form: dict[str, str]) -> tuple[str, str, int]:
        text = form.get("text", "")
        if not text:
            raise SandboxError(400, "BAD_TEXT")
        encoding = (form.get("encoding") or "7BIT").upper()
        if encoding not in ("7BIT", "UCS2", "AUTO"):
            raise SandboxError(400, "BAD_ENCODING")
        if encoding == "7BIT":
            text = _gsm_only(text)
        info = analyze(text)
        if info.segments > 7:
            raise SandboxError(400, "BAD_TEXT")
        return text, encoding, max(1, info.segments)

    def _recipients(self, form: dict[str, str]) -> list[str]:
        raw = form.get("to", "")
        recipients = [r.strip().lstrip("+") for r in raw.split(",") if r.strip()]
        if not recipients:
            raise SandboxError(400, "BAD_TO")
        if len(recipients) > MAX_LIMIT:
            raise SandboxError(400, "BAD_TO")
        return recipients

    def send(self, form: dict[str, str]) -> dict[str, Any]:
        """Accept a send: record the SMS and answer as the provider does."""
        sender = form.get("from") or "SANDBOX"
        if not _valid_sender(sender):
            raise SandboxError(400, "BAD_FROM")
        if not sender.lstrip("+").isdigit() and sender not in self.config.aliases:
            # not refused: the SMS goes out from a random number instead
            with self._lock:
                sender = "39" + "".join(str(self._random.randrange(10)) for _ in range(10))
        transaction_id = form.get("transactionId") or None
        if transaction_id and len(transaction_id) > 60:
            raise SandboxError(400, "BAD_TRANSACTIONID")
        text, encoding, parts = self._text_and_parts(form)
        recipients = self._recipients(form)
        scheduled = _parse_date(form["date"]) if form.get("date") else None
        good = [r for r in recipients if _valid_msisdn(r) and r not in self.config.blacklist]
        if not any(_valid_msisdn(r) for r in recipients):
            raise SandboxError(400, "NO_VALID_RECIPIENT")
        now = time.time()
        entries = []
        with self._lock:
            needed = parts * len(good)
            if self.credits is not None and needed > self.credits:
                raise SandboxError(400, "BAD_CREDIT")
            if self.credits is not None:
                self.credits -= needed
            for recipient in recipients:
                if not _valid_msisdn(recipient):
                    entries.append({"id": None, "to": recipient, "status": "NOT_INSERTED",
                                    "statusDetail": "BADNUMBERFORMAT"})
                    continue
                if recipient in self.config.blacklist:
                    entries.append({"id": None, "to": recipient, "status": "NOT_INSERTED",
                                    "statusDetail": "BLACKLIST"})
                    continue
                self._next_id += 1
                sms = SandboxSms(
                    id=self._next_id, to=recipient, sender=sender, text=text,
                    transaction_id=transaction_id, encoding=encoding, parts=parts,
                    inserted=now, scheduled=scheduled,
                )
                self._sms.append(sms)
                self._by_id[sms.id] = sms
                if transaction_id:
                    self._by_transaction.setdefault(transaction_id, []).append(sms)
                entries.append({"id": sms.id, "to": recipient, "status": "INSERTED"})
        inserted = sum(1 for e in entries if e["status"] == "INSERTED")
        return {
            "from": sender,
            "text": text,
            "transactionId": transaction_id,
            "smsInserted": inserted,
            "smsNotInserted": len(entries) - inserted,
            "sms": entries,
        }

    def estimate(self, form: dict[str, str]) -> dict[str, Any]:
        """What a send would cost."""
        _, _, parts = self._text_and_parts(form)
        recipients = [r for r in self._recipients(form) if _valid_msisdn(r)]
        count = parts * len(recipients)
        return {"cost": round(count * self.config.price, 4), "userCredit": self._money(),
                "smsCount": count}

    def cancel(self, form: dict[str, str]) -> list[dict[str, Any]]:
        """Cancel scheduled SMS not yet sent, by id or transactionId; their credit returns.

        The answer is the array of the SMS cancelled."""
        ids = form.get("id")
        transaction_id = form.get("transactionId")
        if not ids and not transaction_id:
            raise SandboxError(400, "NO_PARAMS")
        now = time.time()
        cancelled = []
        with self._lock:
            targets = []
            if ids:
                targets += [self._by_id[i] for i in self._ids(ids) if i in self._by_id]
            if transaction_id:
                targets += self._by_transaction.get(transaction_id, [])
            for sms in targets:
                if not sms.cancelled and sms.scheduled is not None and sms.scheduled > now:
                    sms.cancelled = True
                    cancelled.append({"id": sms.id, "to": sms.to, "transactionId": sms.transaction_id,
                                      "status": "CANCELED"})
                    if self.credits is not None:
                        self.credits += sms.parts
        return cancelled

    def user(self) -> dict[str, Any]:
        """The account: credit in money and SMS left."""
        answer: dict[str, Any] = {
            "id": 1,
            "username": "sandbox",
            "name": "Pegaso",
            "lastname": "Sandbox",
            "credit": self._money(),
            "italysms": self.credits if self.credits is not None else 1_000_000,
            "senderAlias": list(self.config.aliases),
        }
        return answer

    def _money(self) -> float:
        credits = self.credits if self.credits is not None else 1_000_000
        return round(credits * self.config.price, 4)

    @staticmethod
    def _ids(text: str) -> list[int]:
        try:
            return [int(part) for part in text.split(",") if part.strip()]
        except ValueError:
            raise SandboxError(400, "BAD_ID") from None

    # --- status -----------------------------------------------------------------------------

    def _part_state(self, sms: SandboxSms, part: int, now: float) -> tuple[str, float | None, float | None]:
        """(status, sent, delivered) of part ``part`` (1-based) at ``now``."""
        forced = sms.forced.get(part) or sms.forced.get(0)
        start = sms.scheduled if sms.scheduled is not None else sms.inserted
        if sms.cancelled:
            return "CANCELED", None, None
        if now < start:
            return "PENDING", None, None
        sent = start
        if forced:
            return forced, sent, (now if forced == "DELIVERED" else None)
        delay = self.config.deliver_after_ms / 1000.0
        # each part lands a little after the one before
        done_at = start + delay * (1 + 0.25 * (part - 1))
        if now < done_at:
            return "SENT", sent, None
        suffix = self.config.undeliverable_suffix
        if suffix and sms.to.endswith(suffix):
            return "NOTDELIVERED", sent, None
        return "DELIVERED", sent, done_at

    def _records(self, sms: SandboxSms, now: float) -> list[dict[str, Any]]:
        states = [self._part_state(sms, part, now) for part in range(1, sms.parts + 1)]
        base = {
            "id": sms.id,
            "to": sms.to,
            "from": sms.sender,
            "text": sms.text,
            "transactionId": sms.transaction_id,
            "insertDate": _fmt(sms.inserted),
            "price": round(self.config.price * sms.parts, 4),
            "parts": sms.parts,
        }
        if self.config.per_part_records:
            return [
                {**base, "part": n, "status": status, "statusDetail": None,
                 "sentDate": _fmt(sent), "deliveryDate": _fmt(delivered)}
                for n, (status, sent, delivered) in enumerate(states, start=1)
            ]
        status = _overall([s for s, _, _ in states])
        delivered = max((d for _, _, d in states if d), default=None) if status == "DELIVERED" else None
        return [{**base, "status": status, "statusDetail": None, "sentDate": _fmt(states[0][1]),
                 "deliveryDate": _fmt(delivered)}]

    def search(self, params: dict[str, str]) -> dict[str, Any]:
        """The provider's ``/sms/search``: filters, then ``offset``/``limit``."""
        keys = ("id", "transactionId", "msisdn", "fromDate", "toDate", "status")
        if not any(params.get(k) for k in keys):
            raise SandboxError(400, "NO_PARAMS")
        try:
            offset = max(0, int(params.get("offset") or 0))
            limit = min(MAX_LIMIT, max(1, int(params.get("limit") or DEFAULT_LIMIT)))
        except ValueError:
            raise SandboxError(400, "NO_PARAMS") from None
        from_ts = _parse_date(params["fromDate"]) if params.get("fromDate") else None
        to_ts = _parse_date(params["toDate"]) if params.get("toDate") else None
        wanted_status = (params.get("status") or "").upper() or None
        now = time.time()
        with self._lock:
            if params.get("id"):
                found = [self._by_id[i] for i in self._ids(params["id"]) if i in self._by_id]
                found.sort(key=lambda s: s.id)
            elif params.get("transactionId"):
                found = list(self._by_transaction.get(params["transactionId"], []))
            else:
                found = list(self._sms)
            if params.get("transactionId"):
                found = [s for s in found if s.transaction_id == params["transactionId"]]
            if params.get("msisdn"):
                msisdn = params["msisdn"].lstrip("+")
                found = [s for s in found if s.to == msisdn]
            if from_ts is not None:
                found = [s for s in found if s.inserted >= from_ts]
            if to_ts is not None:
                found = [s for s in found if s.inserted <= to_ts]
            records = [r for s in found for r in self._records(s, now)]
        if wanted_status:
            records = [r for r in records if r["status"] == wanted_status]
        page = records[offset : offset + limit]
        return {"metadata": {"count": len(records), "offset": offset, "limit": limit}, "smsList": page}

    # --- for tests and the demo -------------------------------------------------------------

    def records(self) -> list[dict[str, Any]]:
        """Every SMS accepted so far, in order, one record per SMS (whatever the shape)."""
        now = time.time()
        with self._lock:
            accepted = list(self._sms)
        result = []
        for sms in accepted:
            statuses = [self._part_state(sms, p, now)[0] for p in range(1, sms.parts + 1)]
            result.append({
                "id": sms.id, "to": sms.to, "from": sms.sender, "text": sms.text,
                "transactionId": sms.transaction_id, "status": _overall(statuses),
                "encoding": sms.encoding, "parts": sms.parts, "insertDate": _fmt(sms.inserted),
            })
        return result

    def count_by_transaction(self) -> dict[str | None, int]:
        """How many SMS were accepted with each transaction id (2 or more: a duplicate)."""
        counts: dict[str | None, int] = {}
        with self._lock:
            for sms in self._sms:
                counts[sms.transaction_id] = counts.get(sms.transaction_id, 0) + 1
        return counts

    def force_status(self, sms_id: int, status: str, part: int = 0) -> None:
        """Make an SMS (or one part, 1-based) report ``status`` from now on."""
        with self._lock:
            self._by_id[int(sms_id)].forced[part] = status.upper()

    @property
    def accepted(self) -> int:
        """How many SMS were accepted."""
        with self._lock:
            return len(self._sms)


# --- HTTP ----------------------------------------------------------------------------------

_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found",
            405: "Method Not Allowed", 429: "Too Many Requests", 500: "Internal Server Error",
            504: "Gateway Timeout"}

#: What a reverse proxy answers when the gateway behind it is slow: not the gateway's JSON.
_PROXY_504 = b"<html><body><h1>504 Gateway Time-out</h1></body></html>"


class _Http(asyncio.Protocol):
    """One client connection: HTTP/1.1 requests one at a time, keep-alive."""

    def __init__(self, app: "SandboxApp") -> None:
        self.app = app
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None
        self.busy = False

    def connection_made(self, transport) -> None:  # type: ignore[override]
        self.transport = transport

    def connection_lost(self, exc) -> None:
        self.transport = None

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if not self.busy:
            self._next()

    def _next(self) -> None:
        while self.transport is not None and not self.busy:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.buffer[:end]).decode("latin-1")
            lines = head.split("\r\n")
            try:
                method, target, _ = lines[0].split(" ", 2)
            except ValueError:
                self.transport.close()
                return
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length") or 0)
            if len(self.buffer) < end + 4 + length:
                return
            body = bytes(self.buffer[end + 4 : end + 4 + length])
            del self.buffer[: end + 4 + length]
            keep_alive = headers.get("connection", "").lower() != "close"
            config = self.app.state.config
            if (config.accept_delay_ms > 0 or config.false_504_rate > 0) and method.upper() == "POST" and target.split("?")[0].rstrip("/").endswith("/sms/send"):
                self.busy = True
                asyncio.get_running_loop().create_task(
                    self._accept_later(method, target, headers, body, keep_alive)
                )
                return
            if config.latency_ms > 0:
                self.busy = True
                asyncio.get_running_loop().create_task(
                    self._later(method, target, headers, body, keep_alive)
                )
                return
            self._respond(method, target, headers, body, keep_alive)

    async def _later(self, method, target, headers, body, keep_alive) -> None:
        await asyncio.sleep(self.app.state.config.latency_ms / 1000.0)
        # handled even if the client gave up waiting: a real server would do the same
        self._respond(method, target, headers, body, keep_alive)
        self.busy = False
        self._next()

    async def _accept_later(self, method, target, headers, body, keep_alive) -> None:
        """A slow gateway: the send is processed ``accept_delay_ms`` after it arrived, whether
        or not the client is still there; a proxy in front may answer 504 half-way."""
        state = self.app.state
        delay = state.config.accept_delay_ms / 1000.0
        state.in_progress += 1
        try:
            await self._accept(state, delay, method, target, headers, body, keep_alive)
        finally:
            state.in_progress -= 1

    async def _accept(self, state, delay, method, target, headers, body, keep_alive) -> None:
        if state.chance(state.config.false_504_rate):
            await asyncio.sleep(delay / 2)
            state.false_504s += 1
            self._write(504, _PROXY_504, {"Content-Type": "text/html"}, keep_alive)
            # the proxy has answered: the connection is free for the client's next request,
            # and the gateway behind it goes on with this one
            self.busy = False
            self._next()
            await asyncio.sleep(delay - delay / 2)
            try:
                self.app.handle(method, target, headers, body)
            except Drop:
                pass
            return
        await asyncio.sleep(delay)
        self._respond(method, target, headers, body, keep_alive)
        self.busy = False
        self._next()

    def _write(self, status: int, data: bytes, extra: dict[str, str], keep_alive: bool) -> None:
        if self.transport is None:
            return
        head = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}", f"Content-Length: {len(data)}"]
        head += [f"{k}: {v}" for k, v in extra.items()]
        if not keep_alive:
            head.append("Connection: close")
        self.transport.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + data)
        if not keep_alive:
            self.transport.close()

    def _respond(self, method, target, headers, body, keep_alive) -> None:
        try:
            status, payload, extra = self.app.handle(method, target, headers, body)
        except Drop:
            if self.transport is not None:
                self.transport.abort()
            return
        if self.transport is None:
            return
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        head = [
            f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}",
            "Content-Type: application/json; charset=utf-8",
            f"Content-Length: {len(data)}",
        ]
        head += [f"{k}: {v}" for k, v in extra.items()]
        if not keep_alive:
            head.append("Connection: close")
        self.transport.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + data)
        if not keep_alive:
            self.transport.close()


class SandboxApp:
    """The API's routes on top of a SandboxState."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.routes: dict[tuple[str, str], Callable[[dict[str, str]], Any]] = {
            ("POST", "/sms/send"): self._send,
            ("POST", "/sms/estimate"): state.estimate,
            ("POST", "/sms/cancel"): state.cancel,
            ("GET", "/sms/search"): state.search,
            ("GET", "/user"): lambda _params: state.user(),
        }
        self.paths = {path for _, path in self.routes}

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes):
        """(status, JSON payload, extra headers) for one request; Drop to hang up."""
        self.state.requests += 1
        parts = urlsplit(target)
        path = parts.path
        if path.startswith(API_PREFIX):
            path = path[len(API_PREFIX) :]
        path = path.rstrip("/") or "/"
        if path not in self.paths:
            return 404, {"errorCode": 404, "errorMsg": "NOT_FOUND"}, {}
        route = self.routes.get((method.upper(), path))
        if route is None:
            return 405, {"errorCode": 405, "errorMsg": "METHOD_NOT_ALLOWED"}, {}
        try:
            self.state.check_auth(headers.get("authorization"))
            if method.upper() == "POST":
                params = _form(body.decode("utf-8", "replace"))
            else:
                params = _form(parts.query)
            return 200, route(params), {}
        except SandboxError as exc:
            return exc.status, {"errorCode": exc.status, "errorMsg": exc.code}, exc.headers

    def _send(self, form: dict[str, str]) -> dict[str, Any]:
        state = self.state
        config = state.config
        if state.chance(config.fail_rate):
            raise SandboxError(500, "GENERIC_ERROR")
        if state.chance(config.throttle_rate):
            raise SandboxError(429, "TOO_MANY_REQUESTS", {"Retry-After": str(config.retry_after_s)})
        answer = state.send(form)
        if state.chance(config.drop_rate):
            raise Drop()
        return answer


def _form(text: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}


class SandboxServer:
    """The sandbox on a loopback port, in a background thread (``--demo`` and the tests).

    ``with SandboxServer(config) as sandbox:`` starts it on a free port; ``sandbox.url`` is
    the base URL for the gateway settings and ``sandbox.state`` holds the records.
    """

    def __init__(self, config: SandboxConfig | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.state = SandboxState(config)
        self.host = host
        self.port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.AbstractServer | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    @property
    def url(self) -> str:
        """The API's base URL, e.g. ``http://127.0.0.1:40123/rest/api``."""
        return f"http://{self.host}:{self.port}{API_PREFIX}"

    @property
    def config(self) -> SandboxConfig:
        return self.state.config

    def gateway_settings(self, timeout_s: float = 5.0):
        """The GatewaySettings that point at this sandbox."""
        from pegaso_tui.config import GatewaySettings

        return GatewaySettings(kind="sandbox", url=self.url, key=self.config.key, secret=self.config.secret,
                               timeout_s=timeout_s)

    def start(self) -> "SandboxServer":
        """Start listening; returns once the port is open."""
        self._thread = threading.Thread(target=self._run, name="pegaso-sandbox", daemon=True)
        self._thread.start()
        self._ready.wait(10)
        if self._error is not None:
            raise self._error
        return self

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            app = SandboxApp(self.state)
            self._server = loop.run_until_complete(
                loop.create_server(lambda: _Http(app), self.host, self.port, backlog=512)
            )
            self.port = self._server.sockets[0].getsockname()[1]
        except BaseException as exc:  # reported to start()
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            self._server.close()
            loop.run_until_complete(self._server.wait_closed())
            loop.close()

    def stop(self) -> None:
        """Stop listening and end the thread."""
        if self._loop is not None and self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        self._thread = None

    def __enter__(self) -> "SandboxServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


async def serve(config: SandboxConfig, host: str = "127.0.0.1", port: int = 0,
                ready: Callable[[int], None] | None = None, stop: asyncio.Event | None = None) -> None:
    """Run the sandbox in the current event loop until ``stop`` is set (``pegaso-tui sandbox``)."""
    app = SandboxApp(SandboxState(config))
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _Http(app), host, port, backlog=512)
    if ready is not None:
        ready(server.sockets[0].getsockname()[1])
    stop = stop or asyncio.Event()
    try:
        await stop.wait()
    finally:
        server.close()
        await server.wait_closed()
