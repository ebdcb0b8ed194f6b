"""``pegaso-tui messages``: the SMS queued in a period, and what became of each."""

from __future__ import annotations

import argparse
import json
import sys


def register(subparsers, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "messages",
        parents=[common],
        help="list the SMS queued in a period, with their status",
        description="List the SMS queued between two dates (inclusive), optionally of one client.",
    )
    parser.add_argument("--from", dest="date_from", metavar="DATE", help="first day (DD-MM-YYYY)")
    parser.add_argument("--to", dest="date_to", metavar="DATE", help="last day (DD-MM-YYYY)")
    parser.add_argument("--client", metavar="CODE", help="only the messages of this client")
    parser.add_argument("--json", action="store_true", help="print JSON (see CLI.md)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx) -> int:
    from pegaso_tui.cli import CliError
    from pegaso_tui.dates import DateError, DateRange
    from pegaso_tui.db.messages import history_rows, message_history

    from pegaso_tui.commands._filters import check_dates

    try:
        dates = check_dates(DateRange.parse(args.date_from, args.date_to))
    except DateError as exc:
        raise CliError(str(exc)) from None
    ctx.open_db()
    query = message_history(dates.start, dates.end, args.client)
    if args.json:
        _print_json(query.count(), history_rows(query))
    else:
        _print_table(history_rows(query))
    return 0


def _print_json(count: int, rows) -> None:
    """CLI.md's document, written row by row (a long history is never held in memory)."""
    out = sys.stdout
    out.write(f'{{"count": {count}, "rows": [')
    first = True
    for row in rows:
        out.write("\n  " if first else ",\n  ")
        out.write(json.dumps(row, ensure_ascii=False))
        first = False
    out.write("\n]}\n" if not first else "]}\n")


def _italian_time(stamp: str | None) -> str:
    """``23-11-2026 10:15`` from the row's ISO stamp, as the masks write a date (the JSON
    keeps ISO: it is for programs)."""
    text = (stamp or "").replace("T", " ")
    if len(text) < 16:
        return text
    return f"{text[8:10]}-{text[5:7]}-{text[0:4]} {text[11:16]}"


def _print_table(rows) -> None:
    from pegaso_tui.db.messages import STATUS_LABELS
    from pegaso_tui.numbers import plural
    from pegaso_tui.sms.phone import display_number

    out = sys.stdout
    count = 0
    for row in rows:
        count += 1
        when = _italian_time(row["queued_at"])
        note = row["error"] or row["text"]
        cells = [
            str(row["id"]).rjust(7), when, (row["client"] or "").ljust(7),
            (row["name"] or "")[:24].ljust(24), display_number(row["mobile"])[:16].ljust(16),
            STATUS_LABELS.get(row["status"], row["status"]).ljust(14), note.replace("\n", " ")[:60],
        ]
        out.write("  ".join(cells).rstrip() + "\n")
    out.write(f"{plural(count, 'messaggio', 'messaggi')}\n")
