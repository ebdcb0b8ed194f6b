"""The sender's lanes share one TLS context, and a gateway on plain http builds none."""

from __future__ import annotations

import threading

import httpx

from pegaso_tui.config import GatewaySettings
from pegaso_tui.gateways import make_gateway
from pegaso_tui.gateways import tls
from pegaso_tui.gateways.base import GatewayError


def _count_contexts(monkeypatch) -> list[int]:
    built: list[int] = []
    real = httpx.create_ssl_context

    def counting(*args, **kwargs):
        built.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(httpx, "create_ssl_context", counting)
    monkeypatch.setattr(tls, "_context", None)
    return built


def _eight_lanes_at_once(settings) -> None:
    """Eight lanes make their gateway and try a request at once (nothing listens there)."""
    def lane():
        gateway = make_gateway(settings, max_connections=1)
        try:
            gateway.credit()
        except GatewayError:
            pass
        finally:
            gateway.close()

    threads = [threading.Thread(target=lane) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_a_gateway_on_plain_http_builds_no_tls_context(monkeypatch):
    built = _count_contexts(monkeypatch)
    _eight_lanes_at_once(GatewaySettings(kind="sandbox", url="http://127.0.0.1:9/rest/api", key="k", secret="s"))
    _eight_lanes_at_once(GatewaySettings(kind="kannel", url="http://127.0.0.1:9", key="k", secret="s"))
    assert built == []


def test_eight_lanes_starting_together_share_one_tls_context(monkeypatch):
    built = _count_contexts(monkeypatch)
    _eight_lanes_at_once(GatewaySettings(kind="smshosting", url="https://127.0.0.1:9/rest/api", key="k", secret="s"))
    assert built == [1]


def test_a_gateway_that_sends_nothing_builds_no_tls_context(monkeypatch):
    """The context is built at the first request, not when the sender makes its lanes."""
    built = _count_contexts(monkeypatch)
    for _ in range(8):
        make_gateway(GatewaySettings(kind="smshosting", key="k", secret="s"), max_connections=1).close()
    assert built == []


def test_the_sandbox_settings_never_show_its_credentials():
    from pegaso_tui.gateways.sandbox import SandboxConfig

    shown = repr(SandboxConfig(key="chiave-segreta", secret="parola-segreta"))
    assert "chiave-segreta" not in shown and "parola-segreta" not in shown
