"""``pegaso-tui sandbox``: the sandbox SMS gateway on a loopback port, until Ctrl+C."""

from __future__ import annotations

import argparse


def register(subparsers, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "sandbox",
        parents=[common],
        help="run the sandbox SMS gateway (the SMSHosting API) on a loopback port",
        description="A local SMS gateway that speaks the SMSHosting REST API: it records every "
        "SMS, simulates delivery and injects faults on request. Nothing leaves the machine.",
    )
    parser.add_argument("--port", type=int, default=0, metavar="N", help="port (default: a free one)")
    parser.add_argument("--key", default="sandbox", metavar="K", help="AUTH_KEY it accepts (default sandbox)")
    parser.add_argument("--secret", default="sandbox", metavar="S", help="AUTH_SECRET it accepts (default sandbox)")
    parser.add_argument("--fail-rate", type=_rate, default=0.0, metavar="F",
                        help="share of sends answered 500 before being accepted (0-1)")
    parser.add_argument("--drop-rate", type=_rate, default=0.0, metavar="F",
                        help="share of sends accepted and then left without an answer (0-1)")
    parser.add_argument("--latency-ms", type=_non_negative, default=0, metavar="N",
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
    parser.add_argument("--credits", type=_non_negative, default=None, metavar="N",
                        help="SMS credit of the account (default: unlimited); then BAD_CREDIT")
    parser.add_argument("--alias", action="append", default=None, metavar="NAME",
                        help="a sender alias registered on the account (repeatable; default "
                        "AGENZIA, FUTURA, PEGASO, SANDBOX); any other is replaced by a number")
    parser.set_defaults(handler=run)


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"non è un numero: {text}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("deve essere tra 0 e 1")
    return value


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"non è un numero intero: {text}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("non può essere negativo")
    return value


def run(args: argparse.Namespace, ctx) -> int:
    import asyncio
    import signal

    from pegaso_tui.cli import CliError
    from pegaso_tui.gateways.sandbox import API_PREFIX, SandboxConfig, serve

    if args.undeliverable_suffix and not args.undeliverable_suffix.isdigit():
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
