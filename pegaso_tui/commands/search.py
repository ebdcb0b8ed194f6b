"""``pegaso-tui search save|list|delete``: saved searches ("Salva ricerca", seed 004)."""

from __future__ import annotations

import argparse
import sys

from pegaso_tui.commands import _filters

KINDS = ("practices", "promo", "birthdays")
DATE_MODES = ("none", "fixed", "rolling")


def register(subparsers, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "search",
        help="saved searches: the filters of an SMS mask, kept by name",
        description="Save, list and delete searches (the filters of SMS Pratiche, SMS "
        "Promozionali or Buon Compleanno), for the masks, the home menu and the schedules.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    save = actions.add_parser(
        "save", parents=[common], help="save a search with the filters of select",
        description="Save a search. --dates: none (no dates; birthdays take today to today+7), "
        "fixed (the dates given), rolling (each date keeps its distance from today). "
        "Default: fixed when a date is given, else none.",
    )
    save.add_argument("name", metavar="NAME", help="the search's name")
    save.add_argument("--kind", required=True, choices=KINDS, help="the mask the filters are of")
    save.add_argument("--status", choices=_filters.STATUSES,
                      help="Stato Pratica (practices: required)")
    _filters.add_client_range(save)
    save.add_argument("--preference", metavar="CODE", action="append", default=[],
                      help="promo: only clients with one of these preferences (repeatable)")
    save.add_argument("--with-practices", action="store_true",
                      help="promo: Considera solo Clienti con Pratiche")
    _filters.add_practice_dates(save)
    save.add_argument("--from", dest="birthday_from", metavar="DATE", help="birthdays: from")
    save.add_argument("--to", dest="birthday_to", metavar="DATE", help="birthdays: to")
    save.add_argument("--dates", choices=DATE_MODES, help="how the dates are kept (see above)")
    save.add_argument("--description", default="", metavar="TEXT", help="Descrizione")
    save.add_argument("--scheduling", action="store_true",
                      help="Abilita comunicazioni programmate: usable by schedules")
    save.add_argument("--menu", action="store_true",
                      help="Visibile nel menù principale: an entry on the home screen")
    save.add_argument("--replace", action="store_true", help="overwrite a search of that name")
    save.add_argument("--json", action="store_true", help="print the saved search as JSON")
    save.set_defaults(handler=run_save)

    listing = actions.add_parser("list", parents=[common], help="list the saved searches")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=run_list)

    delete = actions.add_parser("delete", parents=[common], help="delete a saved search")
    delete.add_argument("name", metavar="NAME")
    delete.set_defaults(handler=run_delete)


def day_arg(text: str | None):
    """A ``--on`` DATE (default: today in Italy); CliError for a bad one."""
    from pegaso_tui.cli import CliError
    from pegaso_tui.dates import DateError, parse_date
    from pegaso_tui.sending.scheduler import rome_time

    if not text:
        return rome_time().date()
    try:
        return parse_date(text)
    except DateError as exc:
        raise CliError(str(exc)) from None


def _check_kind_options(args: argparse.Namespace) -> None:
    from pegaso_tui.cli import CliError

    kind = args.kind
    if kind == "practices" and not args.status:
        raise CliError("--status è obbligatorio per una ricerca di pratiche", status=2)
    if kind != "practices" and args.status:
        raise CliError("--status vale solo per --kind practices", status=2)
    if kind != "promo" and (args.preference or args.with_practices):
        raise CliError("--preference e --with-practices valgono solo per --kind promo", status=2)
    if kind != "birthdays" and (args.birthday_from or args.birthday_to):
        raise CliError("--from e --to valgono solo per --kind birthdays", status=2)
    if kind == "birthdays" and any((args.client_from, args.client_to, args.practice_from,
                                    args.practice_to, args.departure_from, args.departure_to)):
        raise CliError("una ricerca di compleanni ha solo --from e --to", status=2)


def _has_dates(args: argparse.Namespace) -> bool:
    return any((args.practice_from, args.practice_to, args.departure_from, args.departure_to,
                args.birthday_from, args.birthday_to))


def run_save(args: argparse.Namespace, ctx) -> int:
    from pegaso_tui.cli import CliError
    from pegaso_tui.db.searches import CLI_KINDS, SearchError, filters_data, save_search, search_json
    from pegaso_tui.db.selections import SelectionError, preference_ids

    _check_kind_options(args)
    mode = args.dates or ("fixed" if _has_dates(args) else "none")
    if args.kind == "birthdays" and mode != "none" and not (args.birthday_from and args.birthday_to):
        raise CliError("indicare --from e --to (o --dates none: da oggi a oggi+7)", status=2)
    if args.kind == "birthdays" and mode == "none":
        args.birthday_from = args.birthday_from or "01-01-2000"  # dropped: only to build
        args.birthday_to = args.birthday_to or "01-01-2000"
    filters = _filters.filters_from_args(args.kind, args)
    ctx.open_db()
    try:
        if args.kind == "promo":
            preference_ids(args.preference)  # an unknown code is said now, not at the run
        _, data = filters_data(filters)
        search = save_search(
            args.name, CLI_KINDS[args.kind], data, date_mode=mode, description=args.description,
            scheduling=args.scheduling, in_menu=args.menu, today=day_arg(None),
            operator=ctx.operator(), replace=args.replace,
        )
    except (SearchError, SelectionError) as exc:
        raise CliError(str(exc)) from None
    if args.json:
        ctx.print_json(search_json(search))
    else:
        print(f"Ricerca '{search.name}' salvata.")
    return 0


def run_list(args: argparse.Namespace, ctx) -> int:
    from pegaso_tui.db.searches import DATE_MODE_LABELS, KIND_MASKS, all_searches, search_json

    ctx.open_db()
    searches = all_searches()
    if args.json:
        ctx.print_json({"rows": [search_json(s) for s in searches]})
        return 0
    out = sys.stdout
    for search in searches:
        flags = [f for f, on in (("programmabile", search.scheduling), ("nel menù", search.in_menu)) if on]
        out.write(f"{search.name[:30]:<30}  {KIND_MASKS[search.kind]:<16}  "
                  f"{DATE_MODE_LABELS[search.date_mode]}"
                  + (f"  ({', '.join(flags)})" if flags else "")
                  + (f"  {search.description}" if search.description else "") + "\n")
    out.write(f"{len(searches)} ricerche salvate\n")
    return 0


def run_delete(args: argparse.Namespace, ctx) -> int:
    from pegaso_tui.cli import CliError
    from pegaso_tui.db.searches import SearchError, delete_search

    ctx.open_db()
    try:
        delete_search(args.name)
    except SearchError as exc:
        raise CliError(str(exc)) from None
    print(f"Ricerca '{args.name}' eliminata.")
    return 0
