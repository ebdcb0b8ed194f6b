"""``pegaso-tui credit``: the SMS credit left on the gateway account."""

from __future__ import annotations

import argparse

from pegaso_tui.numbers import thousands


def register(subparsers, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "credit",
        parents=[common],
        help="show the SMS credit left on the gateway account",
        description="Ask the gateway how many SMS (and how much money) are left on the account.",
    )
    parser.add_argument("--json", action="store_true", help='print {"sms_left", "amount", "currency"}')
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx) -> int:
    from pegaso_tui.cli import CliError
    from pegaso_tui.gateways import CreditUnknownError, GatewayError, make_gateway

    try:
        with make_gateway(ctx.settings.gateway) as gateway:
            credit = gateway.credit()
    except CreditUnknownError as exc:
        # not a failure: this gateway (Kannel) keeps no credit
        if args.json:
            ctx.print_json({"sms_left": None, "amount": None, "currency": None})
        else:
            print(f"Credito residuo: non disponibile ({exc})")
        return 0
    except GatewayError as exc:
        raise CliError(str(exc)) from None
    if args.json:
        ctx.print_json(credit.to_json())
    else:
        line = f"Credito residuo: {thousands(credit.sms_left)} SMS"
        if credit.amount is not None:
            line += f" ({_money(credit.amount)} {credit.currency})"
        print(line)
    return 0


def _money(value: float) -> str:
    return f"{value:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
