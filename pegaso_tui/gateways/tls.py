"""One TLS context for every gateway client, built only when a gateway speaks ``https://``.

Loading the CA bundle costs tens of milliseconds (a couple of hundred on a busy machine), and
the sender makes a client per request in flight: built by each of them, or even once for a
gateway on plain ``http://`` (the sandbox, a Kannel on loopback), it made the sender's start
and stop a quarter of a second slower. A lock makes the lanes that start together share the
one context instead of each building its own.
"""

from __future__ import annotations

import ssl
import threading
from urllib.parse import urlsplit

_lock = threading.Lock()
_context: ssl.SSLContext | None = None


def verify_for(url: str) -> ssl.SSLContext | bool:
    """What ``httpx.Client(verify=...)`` needs for ``url``: the shared context for https,
    nothing (False: no TLS is ever made) for plain http."""
    if urlsplit(url).scheme.lower() != "https":
        return False
    global _context
    with _lock:
        if _context is None:
            import httpx

            _context = httpx.create_ssl_context()
        return _context
