"""``pegaso-tui audit``: the Registro invii — who sent what, when, why, to how many."""

from __future__ import annotations

import argparse
import sys


def register(subparsers, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "audit",
        parents=[common],
        help="the Registro invii: every communication with its operator and purpose",
        description="List every SMS campaign and every batch of CRM actions made between two "
        "dates (inclusive): when, who, which kind, the GDPR purpose and how many recipients.",
    )
    parser.add_argument("--from", dest="date_from", metavar="DATE", help="first day (DD-MM-YYYY)")
    parser.add_argument("--to", dest="date_to", metavar="DATE", help="last day (DD-MM-YYYY)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx) -> int:
    from pegaso_tui.cli import CliError
    from pegaso_tui.dates import DateError, DateRange
    from pegaso_tui.db.audit import audit_entries

    try:
        dates = DateRange.parse(args.date_from, args.date_to)
    except DateError as exc:
        raise CliError(str(exc)) from None
    ctx.open_db()
    entries = audit_entries(dates.start, dates.end)
    if args.json:
        ctx.print_json({"count": len(entries), "rows": [e.to_json() for e in entries]})
        return 0
    out = sys.stdout
    for e in entries:
        cells = [e.at.strftime("%d-%m-%Y %H:%M"), (e.operator or "-")[:12].ljust(12),
                 e.kind_label[:26].ljust(26), e.purpose.ljust(9), str(e.count).rjust(7),
                 e.text.replace("\n", " ")[:40]]
        out.write("  ".join(cells).rstrip() + "\n")
    out.write(f"{len(entries)} comunicazioni\n")
    return 0
