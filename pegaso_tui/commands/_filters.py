"""The selection filters as command-line options, shared by ``select`` and ``send``."""

from __future__ import annotations

import argparse

from pegaso_tui.cli import CliError

STATUSES = (
    "balance-not-notified",
    "documents-not-notified",
    "unpaid",
    "documents-not-delivered",
)


def add_client_range(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--client-from", metavar="CODE", help="first client code (Da Cliente)")
    parser.add_argument("--client-to", metavar="CODE", help="last client code (A Cliente)")


def add_practice_dates(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--practice-from", metavar="DATE", help="Da data Pratica (DD-MM-YYYY)")
    parser.add_argument("--practice-to", metavar="DATE", help="A data Pratica (DD-MM-YYYY)")
    parser.add_argument("--departure-from", metavar="DATE", help="Da Data Partenza")
    parser.add_argument("--departure-to", metavar="DATE", help="A Data Partenza")


def add_practice_filters(parser: argparse.ArgumentParser) -> None:
    """The options of the "SMS Pratiche" mask."""
    parser.add_argument(
        "--status",
        required=True,
        choices=STATUSES,
        help="Stato Pratica: balance-not-notified (Non Avvisati per Saldo), "
        "documents-not-notified (Non Avvisati per Documenti), unpaid (Non Saldate), "
        "documents-not-delivered (Non Avvisati per Consegna Documenti)",
    )
    add_client_range(parser)
    add_practice_dates(parser)


def add_promo_filters(parser: argparse.ArgumentParser) -> None:
    """The options of the "SMS Promozionali" mask."""
    add_client_range(parser)
    parser.add_argument(
        "--preference",
        metavar="CODE",
        action="append",
        default=[],
        help="only clients with at least one of these preferences (repeatable)",
    )
    parser.add_argument(
        "--with-practices",
        action="store_true",
        help="Considera solo Clienti con Pratiche (in the date ranges below)",
    )
    add_practice_dates(parser)


def add_birthday_filters(parser: argparse.ArgumentParser) -> None:
    """The options of the "Buon Compleanno" mask."""
    parser.add_argument("--from", dest="birthday_from", required=True, metavar="DATE")
    parser.add_argument("--to", dest="birthday_to", required=True, metavar="DATE")


#: The years a date on the command line may have: beyond them a date is a typo (and the
#: arithmetic of the selections would leave the calendar: 31-12-9999 plus a day).
FIRST_YEAR, LAST_YEAR = 1900, 2100


def check_dates(dates):
    """``dates`` (a DateRange) if both ends are within FIRST_YEAR..LAST_YEAR, else CliError."""
    for day in (dates.start, dates.end):
        if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise CliError(
                f"data fuori dall'intervallo ammesso: {day:%d-%m-%Y} (anni {FIRST_YEAR}-{LAST_YEAR})"
            )
    return dates


def filters_from_args(kind: str, args: argparse.Namespace):
    """The filters of the selection ``kind`` (practices, promo, birthdays) from the options
    (``select``, ``send`` and ``search save`` share them).

    Bad filters (an impossible date, a reversed range, a year out of range) are CliErrors.
    """
    from pegaso_tui.db import selections as sel

    try:
        if kind == "practices":
            return sel.PracticeFilters(
                status=sel.PracticeStatus.parse(args.status),
                clients=sel.parse_client_range(args.client_from, args.client_to),
                practice_dates=check_dates(sel.parse_date_range(args.practice_from, args.practice_to)),
                departure_dates=check_dates(sel.parse_date_range(args.departure_from, args.departure_to)),
            )
        if kind == "promo":
            if not args.with_practices and any(
                (args.practice_from, args.practice_to, args.departure_from, args.departure_to)
            ):
                raise CliError("le date delle pratiche richiedono --with-practices", status=2)
            return sel.PromoFilters(
                clients=sel.parse_client_range(args.client_from, args.client_to),
                preferences=tuple(args.preference),
                with_practices=args.with_practices,
                practice_dates=check_dates(sel.parse_date_range(args.practice_from, args.practice_to)),
                departure_dates=check_dates(sel.parse_date_range(args.departure_from, args.departure_to)),
            )
        if kind == "birthdays":
            return sel.BirthdayFilters(check_dates(sel.parse_date_range(args.birthday_from, args.birthday_to)))
    except sel.SelectionError as exc:
        raise CliError(str(exc)) from None
    raise CliError(f"selezione sconosciuta: {kind}", status=2)


def selection_from_args(kind: str, args: argparse.Namespace):
    """Run the selection ``kind`` (practices, promo, birthdays) with the parsed options.

    Bad filters (an impossible date, a reversed range, an unknown preference) are CliErrors.
    """
    from pegaso_tui.db import selections as sel

    filters = filters_from_args(kind, args)
    try:
        if kind == "practices":
            return sel.practices_to_notify(filters)
        if kind == "promo":
            return sel.promo_recipients(filters)
        return sel.birthday_recipients(filters)
    except sel.SelectionError as exc:
        raise CliError(str(exc)) from None
