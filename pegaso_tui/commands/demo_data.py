"""``pegaso-tui demo-data [--clients N] [--practices N] [--messages N]``."""

from __future__ import annotations

import argparse
import sys

from pegaso_tui.commands._types import integer


#: The most a demo may ask for: beyond, the command would run for hours (or forever).
MAX_CLIENTS = 1_000_000
MAX_ROWS = 10_000_000
#: the former check, by its name (options added on other branches use it)
_count = integer(0, MAX_ROWS)


#: The sizes of pegaso_tui.db.demo_data (repeated here so that building the parser imports
#: nothing but argparse; a test keeps them equal).
DEFAULT_CLIENTS = 500
DEFAULT_PRACTICES = 3000
DEFAULT_MESSAGES = 2000
DEFAULT_SEED = 2009


def register(subparsers, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "demo-data",
        parents=[common],
        help="fill a new database with a realistic demo agency",
        description="Fill the database with a realistic Italian travel agency: clients, "
        "preferences, practices around today, suppliers, past campaigns and messages. The "
        "same seed gives the same data. A database that already has clients is refused "
        "unless --force.",
    )
    parser.add_argument("--clients", type=integer(0, MAX_CLIENTS), default=DEFAULT_CLIENTS,
                        metavar="N", help=f"clients to create, up to {MAX_CLIENTS:_} (default {DEFAULT_CLIENTS})")
    parser.add_argument("--practices", type=integer(0, MAX_ROWS), default=DEFAULT_PRACTICES, metavar="N",
                        help=f"practices to create (default {DEFAULT_PRACTICES})")
    parser.add_argument("--messages", type=integer(0, MAX_ROWS), default=DEFAULT_MESSAGES, metavar="N",
                        help=f"past SMS to create, in campaigns (default {DEFAULT_MESSAGES})")
    parser.add_argument("--seed", type=integer(0, 2**63 - 1), default=DEFAULT_SEED,
                        help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--force", action="store_true",
                        help="add the demo data even if the database already has clients")
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx) -> int:
    from pegaso_tui.cli import CliError
    from pegaso_tui.db.demo_data import DemoDataError, generate_demo_data

    ctx.open_db()
    progress = _progress if sys.stderr.isatty() and not args.json else None
    try:
        summary = generate_demo_data(
            args.clients, args.practices, args.messages,
            seed=args.seed, force=args.force, progress=progress,
        )
    except DemoDataError as exc:
        raise CliError(str(exc)) from None
    finally:
        if progress:
            sys.stderr.write("\r\033[K")
    if args.json:
        ctx.print_json(summary.to_json())
    else:
        print(summary.summary())
    return 0


def _progress(stage: str, done: int, total: int) -> None:
    sys.stderr.write(f"\r{stage}: {done}/{total}\033[K")
    sys.stderr.flush()
