"""``pegaso-tui select practices|promo|birthdays``: who would get the SMS, without sending."""

from __future__ import annotations

import argparse
import sys

from pegaso_tui.commands import _filters


def register(subparsers, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "select",
        help="list who a selection would send to (nothing is sent)",
        description="List the recipients of a selection, as the SMS masks would preview them.",
    )
    kinds = parser.add_subparsers(dest="selection", metavar="SELECTION", required=True)
    practices = kinds.add_parser(
        "practices", parents=[common], help="SMS Pratiche: one row per practice"
    )
    _filters.add_practice_filters(practices)
    promo = kinds.add_parser("promo", parents=[common], help="SMS Promozionali: one row per client")
    _filters.add_promo_filters(promo)
    birthdays = kinds.add_parser(
        "birthdays", parents=[common], help="Buon Compleanno: one row per client"
    )
    _filters.add_birthday_filters(birthdays)
    saved = kinds.add_parser(
        "saved", parents=[common],
        help="a saved search: who it selects (as if today were --on)",
        description="List who a saved search selects, as if today were DATE: what a scheduled "
        "communication on that search would reach that day.",
    )
    saved.add_argument("name", metavar="NAME", help="the saved search")
    saved.add_argument("--on", metavar="DATE", help="the day to select for (default: today)")
    for sub in (practices, promo, birthdays, saved):
        sub.add_argument("--json", action="store_true", help="print JSON (see CLI.md)")
        sub.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx) -> int:
    ctx.open_db()
    if args.selection == "saved":
        selection = _saved_selection(args)
    else:
        selection = _filters.selection_from_args(args.selection, args)
    if args.json:
        ctx.print_json(selection.to_json())
    else:
        print_table(selection)
    return 0


def _saved_selection(args: argparse.Namespace):
    from pegaso_tui.cli import CliError
    from pegaso_tui.commands.search import day_arg
    from pegaso_tui.db.searches import SearchError, get_search, select_saved
    from pegaso_tui.db.selections import SelectionError

    day = day_arg(args.on)
    try:
        return select_saved(get_search(args.name), day)
    except (SearchError, SelectionError) as exc:
        raise CliError(str(exc)) from None


def print_table(selection) -> None:
    """The rows as an aligned table, with the count and the sendable count at the end."""
    from pegaso_tui.dates import format_date
    from pegaso_tui.sms.phone import display_number

    out = sys.stdout
    for row in selection.rows:
        cells = [row.client, row.name[:30].ljust(30), display_number(row.mobile)[:16].ljust(16)]
        if selection.kind == "practice":
            cells += [(row.practice or "").ljust(12), format_date(row.practice_date),
                      format_date(row.departure_date).ljust(10)]
        if selection.kind == "birthday":
            cells += [format_date(row.birthday)]
        cells.append("" if row.sendable else f"non inviabile: {row.reason}")
        out.write("  ".join(cells).rstrip() + "\n")
    out.write(f"{selection.count} righe, {selection.sendable} inviabili\n")
