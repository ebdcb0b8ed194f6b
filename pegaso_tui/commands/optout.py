"""``pegaso-tui optout add|remove|list``: the "Non disturbare" list from the command line."""

from __future__ import annotations

import argparse
import sys


def register(subparsers, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "optout",
        help="record, lift or list objections to marketing (Non disturbare)",
        description="The numbers and clients that objected to marketing: they are never "
        "selected for, nor sent, a marketing or birthday SMS. Service SMS still go.",
    )
    actions = parser.add_subparsers(dest="optout_action", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[common], help="record that a number objected")
    add.add_argument("number", metavar="NUMBER", help="the mobile that objected")
    add.add_argument("--reason", default="", metavar="TEXT", help="why, in the client's words")
    add.add_argument("--via", default="other", metavar="VIA",
                     help="how it came: phone, email, desk or other (default other)")
    add.add_argument("--json", action="store_true", help="print the recorded row as JSON")
    remove = actions.add_parser("remove", parents=[common], help="lift a number's objection")
    remove.add_argument("number", metavar="NUMBER")
    listing = actions.add_parser("list", parents=[common], help="list the objections, newest first")
    listing.add_argument("--json", action="store_true", help="print JSON (see CLI.md)")
    for sub in (add, remove, listing):
        sub.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx) -> int:
    from pegaso_tui.cli import CliError
    from pegaso_tui.db.optouts import OptOutError, add_opt_out, opt_out_rows, remove_opt_out

    ctx.open_db()
    try:
        if args.optout_action == "add":
            row, new = add_opt_out(args.number, reason=args.reason, via=args.via,
                                   operator=ctx.operator())
            if getattr(args, "json", False):
                ctx.print_json(row.to_json())
            else:
                who = f" (cliente {row.client} {row.name})" if row.client else ""
                verb = "aggiunto alla" if new else "già nella"
                from pegaso_tui.sms.phone import display_number

                print(f"{display_number(row.mobile)}{who} {verb} lista Non disturbare")
            return 0
        if args.optout_action == "remove":
            remove_opt_out(args.number)
            print(f"{args.number.strip()} tolto dalla lista Non disturbare")
            return 0
    except OptOutError as exc:
        raise CliError(str(exc)) from None
    rows = opt_out_rows()
    if args.json:
        ctx.print_json({"count": len(rows), "rows": [row.to_json() for row in rows]})
        return 0
    _print_table(rows)
    return 0


def _print_table(rows) -> None:
    from pegaso_tui.dates import format_date
    from pegaso_tui.db.optouts import VIA_LABELS
    from pegaso_tui.sms.phone import display_number

    out = sys.stdout
    for row in rows:
        cells = [format_date(row.at), display_number(row.mobile)[:16].ljust(16),
                 (row.client or "").ljust(7), row.name[:24].ljust(24),
                 VIA_LABELS.get(row.via, row.via).ljust(10), row.reason.replace("\n", " ")[:40]]
        out.write("  ".join(cells).rstrip() + "\n")
    out.write(f"{len(rows)} opposizioni\n")
