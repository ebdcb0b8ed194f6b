"""``pegaso-tui sandbox``: the sandbox SMS gateway on a loopback port, until Ctrl+C."""

from __future__ import annotations

import argparse

from pegaso_tui.commands._types import decimal, integer, port

#: An hour: a longer delay is a typo, and asyncio would refuse some.
MAX_DELAY_MS = 3_600_000

#: The checks by their former names (options added on other branches use them): finite
#: and bounded, as every number of the command line.
_rate = decimal(0, 1)
_non_negative = integer(0, MAX_DELAY_MS)


def register(subparsers, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "sandbox",
        parents=[common],
        help="run the sandbox SMS gateway (the SMSHosting API) on a loopback port",
        description="A local SMS gateway that speaks the SMSHosting REST API: it records every "
        "SMS, simulates delivery and injects faults on request. Nothing leaves the machine.",
    )
    parser.add_argument("--port", type=port, default=0, metavar="N", help="port, 1-65535 (default: a free one)")
    parser.add_argument("--key", default="sandbox", metavar="K", help="AUTH_KEY it accepts (default sandbox)")
    parser.add_argument("--secret", default="sandbox", metavar="S", help="AUTH_SECRET it accepts (default sandbox)")
    parser.add_argument("--fail-rate", type=decimal(0, 1), default=0.0, metavar="F",
                        help="share of sends answered 500 before being accepted (0-1)")
    parser.add_argument("--drop-rate", type=decimal(0, 1), default=0.0, metavar="F",
                        help="share of sends accepted and then left without an answer (0-1)")
    parser.add_argument("--latency-ms", type=integer(0, MAX_DELAY_MS), default=0, metavar="N",
                        help="delay before every answer")
    parser.add_argument("--accept-delay-ms", type=_non_negative, default=0, metavar="N",
                        help="a slow gateway: each send is processed N ms after it arrives, "
                        "even when the client has gone meanwhile")
    parser.add_argument("--false-504-rate", type=_rate, default=0.0, metavar="F",
                        help="share of sends answered 504 Gateway Timeout after half the accept "
                        "delay, as a proxy would, while the SMS is still accepted (0-1)")
    parser.add_argument("--deliver-after-ms", type=_non_negative, default=1000, metavar="N",
                        help="delay before an SMS is reported delivered (default 1000)")
    parser.add_argument("--undeliverable-suffix", default="", metavar="DIGITS",
                        help="numbers ending with these digits are reported NOTDELIVERED")
    parser.add_argument("--credits", type=integer(0, 10**12), default=None, metavar="N",
                        help="SMS credit of the account (default: unlimited); then BAD_CREDIT")
    parser.add_argument("--alias", action="append", default=None, metavar="NAME",
                        help="a sender alias registered on the account (repeatable; default "
                        "AGENZIA, FUTURA, PEGASO, SANDBOX); any other is replaced by a number")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx) -> int:
    import asyncio
    import signal

    from pegaso_tui.cli import CliError
    from pegaso_tui.gateways.sandbox import API_PREFIX, SandboxConfig, serve

    suffix = args.undeliverable_suffix
    if suffix and not (suffix.isascii() and suffix.isdigit() and len(suffix) <= 15):
        raise CliError("--undeliverable-suffix vuole solo cifre", status=2)
    config = SandboxConfig(
        key=args.key, secret=args.secret, fail_rate=args.fail_rate, drop_rate=args.drop_rate,
        latency_ms=args.latency_ms, accept_delay_ms=args.accept_delay_ms,
        false_504_rate=args.false_504_rate, deliver_after_ms=args.deliver_after_ms,
        undeliverable_suffix=args.undeliverable_suffix, credits=args.credits,
    )
    if args.alias:
        config.aliases = tuple(args.alias)

    def ready(port: int) -> None:
        url = f"http://127.0.0.1:{port}{API_PREFIX}"
        print(f"Sandbox SMS in ascolto su {url}")
        print("Impostazioni per usarla (o [gateway] kind, url, key, secret nel file di configurazione):")
        print("  export PEGASO_GATEWAY_KIND=sandbox")
        print(f"  export PEGASO_GATEWAY_URL={url}")
        print(f"  export PEGASO_GATEWAY_KEY={config.key}")
        print(f"  export PEGASO_GATEWAY_SECRET={config.secret}")
        print("Ctrl+C per fermarla.", flush=True)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await serve(config, "127.0.0.1", args.port, ready=ready, stop=stop)

    try:
        asyncio.run(main())
    except OSError as exc:
        raise CliError(f"impossibile aprire la porta {args.port}: {exc.strerror or exc}") from None
    return 0
