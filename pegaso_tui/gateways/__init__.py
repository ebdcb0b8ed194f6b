"""The SMS gateways: one adapter per provider behind one small interface (``base``).

``[gateway] kind`` in the settings picks the adapter:

- ``smshosting`` (the default): the SMSHosting REST API (``smshosting``);
- ``kannel``: a Kannel SMS gateway's ``sendsms`` interface, for any SMPP operator
  (``kannel``); its delivery reports come back to a loopback endpoint (``dlr``);
- ``sandbox``: the SMSHosting adapter against ``pegaso-tui sandbox`` (``sandbox``), the
  loopback gateway of the demo and the tests.

The outbox knows no provider: it asks ``make_gateway`` and reads the capabilities an adapter
declares (``Gateway.can_search``, ``Gateway.pushes_reports``). Nothing here imports Textual
or the database.
"""

from __future__ import annotations

import importlib

from pegaso_tui.gateways.base import (  # noqa: F401  (the interface, importable from here)
    MAX_RECIPIENTS,
    AccountGatewayError,
    Credit,
    CreditUnknownError,
    DeliveryReport,
    Estimate,
    Gateway,
    GatewayError,
    MessageStatus,
    PermanentGatewayError,
    SearchPage,
    SearchQuery,
    StatusRecord,
    Submission,
    SubmitResult,
    TemporaryGatewayError,
    UncertainSubmitError,
    UnreachableGatewayError,
    combine_parts,
)

#: kind -> "module:Class" of the adapter; the class takes (settings, **kwargs).
ADAPTERS = {
    "smshosting": "pegaso_tui.gateways.smshosting:SmsHostingGateway",
    "sandbox": "pegaso_tui.gateways.smshosting:SandboxGateway",
    "kannel": "pegaso_tui.gateways.kannel:KannelGateway",
}

#: The kinds, in the order the settings offer them.
KINDS = tuple(ADAPTERS)


def adapter_class(kind: str) -> type[Gateway]:
    """The adapter class of ``kind`` (AccountGatewayError for a kind nobody knows)."""
    try:
        target = ADAPTERS[kind]
    except KeyError:
        raise AccountGatewayError(
            f"gateway sconosciuto: '{kind}' (ammessi: {', '.join(KINDS)})", "UNKNOWN_GATEWAY"
        ) from None
    module_name, _, class_name = target.partition(":")
    return getattr(importlib.import_module(module_name), class_name)


def make_gateway(settings, *, report_url: str | None = None, **kwargs) -> Gateway:
    """The adapter for ``settings`` (a ``GatewaySettings``), chosen by ``settings.kind``.

    ``report_url`` is where the sender receives delivery reports (``dlr.ReportReceiver``):
    given only to an adapter that pushes them."""
    cls = adapter_class(getattr(settings, "kind", "smshosting") or "smshosting")
    if cls.pushes_reports:
        kwargs["report_url"] = report_url
    return cls(settings, **kwargs)


def credit_left(settings) -> int:
    """The SMS left on the account of ``settings`` (GatewayError when the gateway cannot say).

    The preview, the control panel and ``send`` ask it before queuing."""
    with make_gateway(settings) as gateway:
        return gateway.credit().sms_left
