"""``pegaso-tui import preferences|clients|practices|suppliers FILE``."""

from __future__ import annotations

import argparse

KINDS = ("preferences", "clients", "practices", "suppliers")


def register(subparsers, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "import",
        parents=[common],
        help="import a CSV file of preferences, clients, practices or suppliers",
        description="Import a CSV file (comma or semicolon, UTF-8 or Windows-1252). "
        "Records with the same code/number are updated. Exit status 1 if any row was rejected.",
    )
    parser.add_argument("kind", choices=KINDS)
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx) -> int:
    from pegaso_tui.cli import CliError

    raise CliError("import: not built yet (issue 2, in progress)")
