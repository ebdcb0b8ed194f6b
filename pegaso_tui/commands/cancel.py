"""``pegaso-tui cancel``: stop the messages of a campaign that have not left yet."""

from __future__ import annotations

import argparse
import json
import sys


def register(subparsers, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "cancel",
        parents=[common],
        help="cancel the SMS of a campaign not yet handed to the gateway",
        description="Every message of the campaign still in the queue ends 'cancelled'; a "
        "message already handed to the gateway ends as the gateway says. Asks first unless --yes.",
    )
    parser.add_argument("campaign", type=_campaign_id, metavar="CAMPAIGN_ID",
                        help="the campaign's number (messages --json shows it)")
    parser.add_argument("--yes", action="store_true", help="cancel without asking")
    parser.add_argument("--json", action="store_true",
                        help='print {"campaign": ID, "cancelled": N, "already_sent": N}')
    parser.set_defaults(handler=run)


def _campaign_id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"non è il numero di una campagna: {text}") from None
    if not 1 <= value <= 2**63 - 1:
        raise argparse.ArgumentTypeError(f"non è il numero di una campagna: {text}")
    return value


def run(args: argparse.Namespace, ctx) -> int:
    from pegaso_tui.cli import CliError
    from pegaso_tui.db.cancelling import NothingToCancel, cancel_campaign, pending_count
    from pegaso_tui.db.models import Campaign

    ctx.open_db()
    if Campaign.get_or_none(Campaign.id == args.campaign) is None:
        raise CliError(f"la campagna {args.campaign} non esiste")
    if not args.yes:
        pending = pending_count(args.campaign)
        out = sys.stderr if args.json else sys.stdout
        if not _confirm(out, f"Annullare i {pending} SMS ancora in coda della campagna {args.campaign}?"):
            print("Nessun SMS annullato.", file=out)
            return 1
    try:
        result = cancel_campaign(args.campaign)
    except NothingToCancel as exc:
        raise CliError(str(exc)) from None
    if args.json:
        print(json.dumps({"campaign": result.campaign, "cancelled": result.cancelled,
                          "already_sent": result.already_sent}))
    else:
        print(f"Campagna {result.campaign}: {result.cancelled} SMS annullati, "
              f"{result.already_sent} già consegnati al gateway (finiscono come dice il gateway).")
    return 0


def _confirm(out, question: str) -> bool:
    """Ask on the terminal (as ``send`` does); only an explicit yes cancels."""
    out.write(f"{question} [s/N] ")
    out.flush()
    answer = sys.stdin.readline()
    if not answer:
        out.write("\n")
    return answer.strip().lower() in ("s", "si", "sì", "y", "yes")
