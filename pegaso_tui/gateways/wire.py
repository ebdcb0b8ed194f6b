"""An HTTP gateway's requests on keep-alive ``http.client`` connections, below ``httpx``.

Why (issue 17): on a fast gateway the sender spends per SMS what its HTTP client spends per
request. Measured on loopback against the sandbox, one request costs this process about
750 µs through ``httpx.Client.post``, 420 µs on httpcore's pool with everything prepared, and
200 µs on the standard library's ``http.client``: httpx parses the URL again and builds
its models, httpcore runs h11's state machine over every event, ``http.client`` writes the
bytes and reads the answer. A gateway API is a handful of form POSTs and GETs with JSON
answers, so this small pool over ``http.client`` is all the sender needs (``make bench``,
``bench_sender``, measures it against a plain httpx loop). urllib3, the usual pool over
``http.client``, was measured too: 410 µs per request, twice ``http.client`` alone.

What ``httpx.Client`` does and this keeps:
- keep-alive connections, at most ``max_connections``, an idle one dropped after 5 s or as
  soon as the server has closed it (checked before reuse, as httpcore does);
- the connect, read, write and pool timeouts of ``httpx.Timeout``;
- TLS with certificate verification, on the shared context (``gateways.tls``);
- httpx's exceptions: a failure is raised as the ``httpx`` exception ``httpx.Client`` would
  raise, so an adapter maps failures to gateway errors once, whichever path was taken.

What it leaves to ``httpx.Client``: proxies from the environment (``wanted`` says no when one
applies), redirects (a gateway API does not redirect, nor did the httpx path follow them),
and compressed answers (none is asked for).
"""

from __future__ import annotations

import http.client
import select
import socket
import ssl
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx

from pegaso_tui.gateways.tls import verify_for

#: an idle connection older than this is closed rather than reused (httpx's default)
KEEPALIVE_S = 5.0


def wanted(url: str) -> bool:
    """Whether ``url`` can go on the wire directly: no proxy from the environment applies
    (``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY``, minus ``NO_PROXY``), as httpx reads them."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        return True  # the request says so, as a bad address (BAD_URL)
    proxies = urllib.request.getproxies()
    if not (proxies.get(parsed.scheme) or proxies.get("all")):
        return True
    return bool(parsed.host) and bool(urllib.request.proxy_bypass(parsed.host))


@dataclass(slots=True)
class Answer:
    """A whole answer: what an adapter reads of ``httpx.Response``."""

    status_code: int
    content: bytes
    raw_headers: list[tuple[str, str]] = field(default_factory=list, repr=False)

    @property
    def headers(self) -> httpx.Headers:
        return httpx.Headers(self.raw_headers)


def _closed_by_peer(connection: http.client.HTTPConnection) -> bool:
    """An idle keep-alive connection with something to read has been closed by the server
    (or is out of step): it must not carry a request."""
    sock = connection.sock
    if sock is None:
        return True
    try:
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        return bool(poller.poll(0))
    except (OSError, ValueError):
        return True


class Wire:
    """Keep-alive connections to one gateway, with its headers ready.

    ``headers`` go with every request (the Authorization among them: a ``repr`` never shows
    them). Thread-safe: a connection is used by one request at a time. The sender gives each
    lane a Wire of its own anyway, so that no lane waits on another's lock.
    """

    def __init__(self, base_url: str, headers: dict[str, str], timeout: httpx.Timeout,
                 max_connections: int = 16) -> None:
        self.base_url = base_url.rstrip("/")
        self._headers = dict(headers)
        self._form_headers = {**self._headers, "Content-Type": "application/x-www-form-urlencoded"}
        self._connect_s = timeout.connect
        self._read_s = timeout.read
        self._write_s = timeout.write
        self._pool_s = timeout.pool
        self._slots = threading.BoundedSemaphore(max_connections)
        self._lock = threading.Lock()
        self._idle: list[tuple[http.client.HTTPConnection, float]] = []
        self._origin: tuple[str, str, int | None, str] | None = None
        self._ssl: ssl.SSLContext | None = None

    def __repr__(self) -> str:
        return f"Wire({self.base_url!r})"

    def _address(self) -> tuple[str, str, int | None, str]:
        """Scheme, host, port and path prefix, parsed at the first request: a bad address is
        then a request's error, as with ``httpx.Client``."""
        if self._origin is None:
            url = httpx.URL(self.base_url)  # InvalidURL: the adapter says "indirizzo non valido"
            if url.scheme not in ("http", "https"):
                raise httpx.UnsupportedProtocol(
                    f"protocollo non supportato: {url.scheme or '(nessuno)'}")
            if not url.host:
                raise httpx.InvalidURL("indirizzo senza host")
            if url.scheme == "https":
                self._ssl = verify_for(self.base_url) or None
            self._origin = (url.scheme, url.host, url.port, url.raw_path.decode("ascii").rstrip("/"))
        return self._origin

    def _checkout(self) -> http.client.HTTPConnection:
        """An idle connection still open, or a new one (not yet connected)."""
        now = time.monotonic()
        with self._lock:
            while self._idle:
                connection, since = self._idle.pop()
                if now - since <= KEEPALIVE_S and not _closed_by_peer(connection):
                    return connection
                connection.close()
        scheme, host, port, _ = self._address()
        if scheme == "https":
            return http.client.HTTPSConnection(host, port, timeout=self._connect_s, context=self._ssl)
        return http.client.HTTPConnection(host, port, timeout=self._connect_s)

    def _connect(self, connection: http.client.HTTPConnection) -> None:
        try:
            connection.connect()
        except (socket.timeout, TimeoutError) as exc:
            raise httpx.ConnectTimeout(str(exc) or "timed out") from None
        except OSError as exc:  # refused, unreachable, a name that does not resolve, TLS
            raise httpx.ConnectError(str(exc) or type(exc).__name__) from None
        connection.sock.settimeout(self._write_s)

    def request(self, method: str, path: str, *, form: dict[str, str] | None = None,
                params: dict[str, Any] | None = None) -> Answer:
        """One request (``form``: a form-encoded body), the whole answer read.

        Raises httpx's exceptions (``httpx.ConnectError``, ``httpx.ReadTimeout``...)."""
        _, _, _, prefix = self._address()
        target = prefix + path
        if params:
            target += "?" + urlencode(params)
        body = None
        headers = self._headers
        if form is not None:
            body = urlencode(form).encode("utf-8")
            headers = self._form_headers
        if not self._slots.acquire(timeout=self._pool_s):  # None: wait as long as it takes
            raise httpx.PoolTimeout("troppe richieste in corso")
        try:
            connection = self._checkout()
            try:
                if connection.sock is None:
                    self._connect(connection)
                else:
                    connection.sock.settimeout(self._write_s)
                try:
                    connection.request(method, target, body=body, headers=headers)
                except (socket.timeout, TimeoutError) as exc:
                    raise httpx.WriteTimeout(str(exc) or "timed out") from None
                except OSError as exc:
                    raise httpx.WriteError(str(exc) or type(exc).__name__) from None
                connection.sock.settimeout(self._read_s)
                try:
                    response = connection.getresponse()
                    content = response.read()
                except (socket.timeout, TimeoutError) as exc:
                    raise httpx.ReadTimeout(str(exc) or "timed out") from None
                except http.client.HTTPException as exc:  # closed, cut short, not HTTP
                    raise httpx.RemoteProtocolError(str(exc) or type(exc).__name__) from None
                except OSError as exc:  # reset
                    raise httpx.ReadError(str(exc) or type(exc).__name__) from None
            except BaseException:
                connection.close()
                raise
            if response.will_close:
                connection.close()
            else:
                with self._lock:
                    self._idle.append((connection, time.monotonic()))
            return Answer(response.status, content, response.getheaders())
        finally:
            self._slots.release()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for connection, _ in idle:
            connection.close()
