"""An HTTP gateway's requests on httpcore's connection pool, one layer below ``httpx.Client``.

Why (issue 17): on a fast gateway the sender spends per SMS what its HTTP client spends per
request. ``httpx.Client.request`` parses the URL again, builds its models, runs an auth flow,
a cookie jar and event hooks, then converts everything to httpcore's models and back; that
is about half of a request's client-side CPU. httpcore (the pool httpx itself sends on, a
public library with a stable 1.x API) takes ready bytes: the URL parsed once, the headers
built once, the body.

What the ``httpx.Client`` path does and this keeps: keep-alive connections, the connect/read/
write/pool timeouts, TLS verification with the shared context (``gateways.tls``), and
httpx's exceptions (httpcore's are mapped to them), so an adapter handles failures once.
What it leaves to ``httpx.Client``: proxies from the environment (``wanted`` says no when one
applies) and compressed answers (none is asked for).
"""

from __future__ import annotations

import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpcore
import httpx

from pegaso_tui.gateways.tls import verify_for

#: httpcore's exceptions and httpx's for them, the more specific first
_ERRORS: tuple[tuple[type[Exception], type[httpx.HTTPError]], ...] = (
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
    (httpcore.NetworkError, httpx.NetworkError),
)


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
    raw_headers: list[tuple[bytes, bytes]] = field(default_factory=list, repr=False)

    @property
    def headers(self) -> httpx.Headers:
        return httpx.Headers(self.raw_headers)


class Wire:
    """Keep-alive connections to one gateway, with its headers ready.

    ``headers`` are sent with every request (the Authorization among them: the object never
    shows them in a ``repr``). Thread-safe as httpcore's pool is; the sender gives each lane
    a Wire of its own anyway, so that no lane waits on another's lock.
    """

    def __init__(self, base_url: str, headers: dict[str, str], timeout: httpx.Timeout,
                 max_connections: int = 16) -> None:
        self.base_url = base_url.rstrip("/")
        self._headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
        self._timeout = {"timeout": timeout.as_dict()}
        self._max_connections = max_connections
        self._pool: httpcore.ConnectionPool | None = None
        self._origin: tuple[bytes, bytes, int | None, bytes] | None = None

    def __repr__(self) -> str:
        return f"Wire({self.base_url!r})"

    def _open(self) -> httpcore.ConnectionPool:
        """The pool and the parsed address, made at the first request: a bad address is
        then a request's error, as with ``httpx.Client``."""
        if self._pool is None:
            url = httpx.URL(self.base_url)  # InvalidURL: the caller says "indirizzo non valido"
            if url.scheme not in ("http", "https"):
                raise httpx.UnsupportedProtocol(f"protocollo non supportato: {url.scheme or '(nessuno)'}")
            if not url.host:
                raise httpx.InvalidURL("indirizzo senza host")
            self._origin = (url.raw_scheme, url.raw_host, url.port, url.raw_path.rstrip(b"/"))
            host = url.netloc
            self._headers = [(b"Host", host), *self._headers]
            ssl_context = verify_for(self.base_url)
            self._pool = httpcore.ConnectionPool(
                ssl_context=ssl_context or None,
                max_connections=self._max_connections,
                max_keepalive_connections=self._max_connections,
                keepalive_expiry=5.0,  # httpx's default
            )
        return self._pool

    def request(self, method: str, path: str, *, form: dict[str, str] | None = None,
                params: dict[str, Any] | None = None) -> Answer:
        """One request (``form``: a form-encoded body), the whole answer read.

        Raises httpx's exceptions (``httpx.ConnectError``, ``httpx.ReadTimeout``...)."""
        try:
            pool = self._open()
            scheme, host, port, prefix = self._origin  # type: ignore[misc]
            target = prefix + path.encode("ascii")
            if params:
                target += b"?" + urlencode(params).encode("ascii")
            headers = self._headers
            body = None
            if form is not None:
                body = urlencode(form).encode("utf-8")
                headers = [*headers, (b"Content-Type", b"application/x-www-form-urlencoded"),
                           (b"Content-Length", str(len(body)).encode("ascii"))]
            request = httpcore.Request(method.encode("ascii"), httpcore.URL(
                scheme=scheme, host=host, port=port, target=target), headers=headers, content=body,
                extensions=self._timeout)
            response = pool.handle_request(request)
            try:
                content = response.read()
            finally:
                response.close()
        except httpcore.UnsupportedProtocol as exc:
            raise httpx.UnsupportedProtocol(str(exc)) from None
        except Exception as exc:
            for theirs, ours in _ERRORS:
                if isinstance(exc, theirs):
                    raise ours(str(exc) or type(exc).__name__) from None
            raise
        return Answer(response.status, content, response.headers)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None
