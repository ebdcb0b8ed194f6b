"""``pegaso-tui crm assign``: one CRM action per client of a saved search, shared out in turn."""

from __future__ import annotations

import argparse


def register(subparsers, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "crm",
        help="CRM actions to a target (Comunicazione CRM)",
        description="CRM actions for the clients of a saved search.",
    )
    actions = parser.add_subparsers(dest="crm_action", metavar="ACTION", required=True)
    assign = actions.add_parser(
        "assign", parents=[common],
        help="one CRM action per client the saved search selects today",
        description="Create one open CRM action (a request) per client the saved search selects "
        "today, shared out among the operators in turn. The actions appear in each operator's "
        "agenda by the due date and close with an outcome like any request.",
    )
    assign.add_argument("--search", required=True, metavar="NAME", help="the saved search")
    assign.add_argument("--type", dest="request_type", required=True, metavar="TYPE",
                        help="call, meeting, email or other (Telefonata, Incontro, e-mail, Altro)")
    assign.add_argument("--text", required=True, metavar="TEXT", help="what the operator has to do")
    assign.add_argument("--operator", dest="operators", action="append", required=True,
                        metavar="NAME", help="operator in charge (repeat: shared out in turn)")
    assign.add_argument("--due", required=True, metavar="DATE", help="Completare entro (DD-MM-YYYY)")
    assign.add_argument("--purpose", default="servizio", metavar="PURPOSE",
                        help="Finalità: servizio (default), marketing or auguri")
    assign.add_argument("--json", action="store_true", help="print JSON (see CLI.md)")
    assign.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx) -> int:
    from pegaso_tui.cli import CliError
    from pegaso_tui.dates import DateError, parse_date
    from pegaso_tui.db.crm.assignments import assign_crm_actions
    from pegaso_tui.db.crm.errors import CrmError
    from pegaso_tui.db.saved_searches import SavedSearchError, load_saved_search

    try:
        due = parse_date(args.due)
    except DateError as exc:
        raise CliError(f"--due: {exc}") from None
    ctx.open_db()
    try:
        selection = load_saved_search(args.search)
        result = assign_crm_actions(
            selection, request_type=args.request_type, text=args.text, operators=args.operators,
            due=due, purpose=args.purpose, created_by=ctx.settings.operator_name(),
            search_name=args.search,
        )
    except (SavedSearchError, CrmError) as exc:
        raise CliError(str(exc)) from None
    if args.json:
        ctx.print_json(result.to_json())
        return 0
    shares = ", ".join(f"{name} {count}" for name, count in result.by_operator.items())
    print(f"{result.created} azioni CRM create ({shares})")
    if result.opted_out:
        print(f"{result.opted_out} clienti esclusi perché nella lista Non disturbare")
    return 0
