"""``pegaso-tui schedule``: scheduled communications ("Comunicazioni programmate", seed 004).

``add``, ``list``, ``pause``, ``resume``, ``delete`` and ``history`` keep them; ``run-due``
queues what is due now (or at ``--now``), exactly what the senders do every minute.
"""

from __future__ import annotations

import argparse
import sys

PURPOSES = ("servizio", "marketing", "auguri")


def register(subparsers, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "schedule",
        help="scheduled communications: a saved search, a text, a time of day",
        description="Scheduled communications: an SMS to what a saved search selects, every "
        "day (or once) at a time of day, Europe/Rome. The app and `pegaso-tui worker` run "
        "what is due every minute; `run-due` does it once.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[common], help="add a scheduled communication")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--search", required=True, metavar="SEARCH",
                     help="a search saved with --scheduling")
    text = add.add_mutually_exclusive_group(required=True)
    text.add_argument("--text", metavar="TEXT", help="the SMS text")
    text.add_argument("--template", metavar="NAME", help="a model (its text on the day of each run)")
    add.add_argument("--at", required=True, metavar="HH:MM", help="ora invio, Europe/Rome")
    add.add_argument("--from", dest="start", required=True, metavar="DATE",
                     help="invia a partire dalla data")
    add.add_argument("--until", metavar="DATE", help="invia fino alla data")
    add.add_argument("--once", action="store_true", help="Singolo: one run, then it deactivates")
    add.add_argument("--purpose", choices=PURPOSES,
                     help="finalità (default: servizio for practices, marketing for promo, "
                     "auguri for birthdays)")
    add.add_argument("--sender", metavar="ALIAS", help="mittente (default: the sender setting)")
    add.add_argument("--operator", metavar="NAME", help="referente (default: who runs the command)")
    add.add_argument("--json", action="store_true", help="print the schedule as JSON")
    add.set_defaults(handler=run_add)

    listing = actions.add_parser("list", parents=[common], help="list the scheduled communications")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=run_list)
    for action, text_ in (("pause", "pause a communication"), ("resume", "resume a paused one"),
                          ("delete", "delete one (one that ran is made obsolete, with its history)")):
        sub = actions.add_parser(action, parents=[common], help=text_)
        sub.add_argument("name", metavar="NAME")
        sub.set_defaults(handler=run_state, action=action)
    hist = actions.add_parser("history", parents=[common],
                              help="Storico Invii: every run, its count, recipients and delivery")
    hist.add_argument("name", metavar="NAME")
    hist.add_argument("--json", action="store_true", help="print JSON")
    hist.set_defaults(handler=run_history)
    due = actions.add_parser("run-due", parents=[common],
                             help="queue every occurrence due now (or at --now) that has not run")
    due.add_argument("--now", metavar="YYYY-MM-DDTHH:MM",
                     help="the Europe/Rome time to run at (default: now)")
    due.add_argument("--json", action="store_true", help="print JSON")
    due.set_defaults(handler=run_due)


def _date(text: str | None):
    from pegaso_tui.cli import CliError
    from pegaso_tui.dates import DateError, parse_date

    if text is None:
        return None
    try:
        return parse_date(text)
    except DateError as exc:
        raise CliError(str(exc)) from None


def _now(text: str | None):
    """``--now`` as a naive Rome wall time; CliError for a bad one."""
    from datetime import datetime

    from pegaso_tui.cli import CliError

    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CliError(f"--now non valido: '{text}' (usare AAAA-MM-GGTHH:MM)") from None
    return moment.replace(tzinfo=None) if moment.tzinfo is None else moment


def _today():
    from pegaso_tui.sending.scheduler import rome_time

    return rome_time().date()


def run_add(args: argparse.Namespace, ctx) -> int:
    from pegaso_tui.cli import CliError
    from pegaso_tui.db.operators import current_operator
    from pegaso_tui.db.schedules import ScheduleError, ScheduleFields, save_schedule, schedule_json

    start, until = _date(args.start), _date(args.until)
    ctx.open_db()
    operator = current_operator(args.operator) if args.operator else ctx.operator()
    try:
        schedule = save_schedule(ScheduleFields(
            name=args.name, search=args.search, at=args.at, start=start, end=until,
            text=args.text or "", template=args.template, once=args.once, purpose=args.purpose,
            sender=args.sender or "", operator=operator,
        ))
    except ScheduleError as exc:
        raise CliError(str(exc)) from None
    if args.json:
        ctx.print_json(schedule_json(schedule, _today()))
    else:
        kind = "singola" if schedule.once else "ogni giorno"
        print(f"Comunicazione '{schedule.name}' programmata: {kind} alle {schedule.at_time}.")
    return 0


def run_list(args: argparse.Namespace, ctx) -> int:
    from pegaso_tui.dates import format_date
    from pegaso_tui.db.schedules import all_schedules, schedule_json

    ctx.open_db()
    today = _today()
    rows = [schedule_json(s, today) for s in all_schedules()]
    if args.json:
        ctx.print_json({"rows": rows})
        return 0
    from datetime import date

    for row in rows:
        until = format_date(date.fromisoformat(row["until"])) if row["until"] else "…"
        last = f"ultima {row['last_run']['day']} {row['last_run']['status']}" if row["last_run"] else "mai eseguita"
        sys.stdout.write(
            f"{row['name'][:28]:<28}  {row['state']:<9}  {'singola' if row['once'] else 'ogni giorno':<11}  "
            f"{row['at']}  {format_date(date.fromisoformat(row['from']))} → {until}  "
            f"{row['search']}  {row['purpose']}  {last}\n")
    sys.stdout.write(f"{len(rows)} comunicazioni programmate\n")
    return 0


def run_state(args: argparse.Namespace, ctx) -> int:
    from pegaso_tui.cli import CliError
    from pegaso_tui.db.schedules import (
        ScheduleError,
        delete_schedule,
        pause_schedule,
        resume_schedule,
    )

    ctx.open_db()
    try:
        if args.action == "pause":
            schedule = pause_schedule(args.name)
            print(f"Comunicazione '{schedule.name}' sospesa.")
        elif args.action == "resume":
            schedule = resume_schedule(args.name, _today())
            print(f"Comunicazione '{schedule.name}' riattivata.")
        elif delete_schedule(args.name) == "obsolete":
            print(f"Comunicazione '{args.name}' resa obsoleta: non sarà più eseguita, lo storico resta.")
        else:
            print(f"Comunicazione '{args.name}' eliminata.")
    except ScheduleError as exc:
        raise CliError(str(exc)) from None
    return 0


def run_history(args: argparse.Namespace, ctx) -> int:
    from pegaso_tui.cli import CliError
    from pegaso_tui.db.schedules import RUN_LABELS, ScheduleError, get_schedule, history

    ctx.open_db()
    try:
        runs = history(get_schedule(args.name))
    except ScheduleError as exc:
        raise CliError(str(exc)) from None
    if args.json:
        ctx.print_json({"runs": runs})
        return 0
    for run in runs:
        line = (f"{run['day']}  {RUN_LABELS.get(run['status'], run['status']):<12}  "
                f"accodati {run['queued']}, consegnati {run['delivered']}")
        if run["error"]:
            line += f"  ({run['error']})"
        sys.stdout.write(line + "\n")
        for r in run["recipients"]:
            sys.stdout.write(f"    {r['client'] or '':<8} {r['name'][:30]:<30} {r['mobile']:<16} {r['status']}\n")
    sys.stdout.write(f"{len(runs)} esecuzioni\n")
    return 0


def run_due(args: argparse.Namespace, ctx) -> int:
    from pegaso_tui.sending.scheduler import results_json, run_due_for

    moment = _now(args.now)
    ctx.open_db()
    results = run_due_for(ctx.settings, moment)
    if args.json:
        ctx.print_json(results_json(results))
        return 0
    for r in results:
        line = f"{r.schedule}  {r.day.isoformat()}  {r.status}  accodati {r.queued}"
        if r.error:
            line += f"  ({r.error})"
        print(line)
    if not results:
        print("nessuna comunicazione da eseguire")
    return 0
