"""The command line (CLI.md is its contract): opens the TUI, or runs a headless command.

Each command lives in its own module under ``pegaso_tui/commands/`` and exposes
``register(subparsers, common)``, which adds its parser and sets ``handler`` to a function
``run(args, ctx) -> int``. Command modules import only argparse at load time, so building
the parser (and ``--help``) stays instant; heavy imports happen inside ``run``.

Exit status: 0 on success, 1 on a failure the message explains, 2 on a usage error,
130 when interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, Sequence

from pegaso_tui import __version__

#: The command modules, in the order ``--help`` lists them.
COMMAND_MODULES = (
    "demo_data",
    "import_cmd",
    "select",
    "sms_info",
    "send",
    "messages",
    "credit",
    "cancel",
    "worker",
    "sandbox",
    "optout",
    "audit",
    "crm",
)

PROG = "pegaso-tui"


class CliError(Exception):
    """A failure to report as one clear line, with an exit status."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


class CliContext:
    """What a command needs: the settings (with the options applied) and the database."""

    def __init__(self, args: argparse.Namespace) -> None:
        from pegaso_tui.config import SettingsError, load_settings

        self.args = args
        try:
            settings = load_settings(Path(args.config) if getattr(args, "config", None) else None)
        except SettingsError as exc:
            raise CliError(str(exc)) from None
        if getattr(args, "db", None):
            settings = replace(settings, database=args.db)
        self.settings = settings
        self._db = None

    @property
    def database_url(self) -> str:
        return self.settings.database_url()

    def open_db(self):
        """Open (creating or upgrading) the database; a clear CliError when it cannot be."""
        if self._db is None:
            from pegaso_tui.db.connection import DatabaseOpenError, open_database
            from pegaso_tui.db.schema import SchemaError

            try:
                self._db = open_database(self.database_url)
            except (DatabaseOpenError, SchemaError) as exc:
                raise CliError(str(exc)) from None
        return self._db

    def close(self) -> None:
        if self._db is not None:
            from pegaso_tui.db.connection import close_database

            close_database()
            self._db = None

    def operator(self):
        """The Operator row of whoever runs the command (created on first use)."""
        from pegaso_tui.db.operators import current_operator

        self.open_db()
        return current_operator(self.settings.operator_name())

    @staticmethod
    def print_json(data: Any) -> None:
        """Print a JSON document (dates and decimals as strings), as ``--json`` promises."""
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")


def common_options() -> argparse.ArgumentParser:
    """The options every command accepts (CLI.md: ``--db`` on every command)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="DB",
        default=argparse.SUPPRESS,
        help="database: a file path, sqlite:///path or postgresql://user@host/dbname "
        "(default: $PEGASO_DB, then the config file, then pegaso.db in the data folder)",
    )
    common.add_argument(
        "--config",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="settings file (default: $PEGASO_CONFIG or config.toml in the config folder)",
    )
    return common


def wants_commands(argv: Sequence[str]) -> bool:
    """Whether the command line names a command (or asks for help): only then are the
    command modules needed. ``pegaso-tui`` alone opens the app without importing them."""
    takes_value = {"--db", "--config"}
    skip = False
    for token in argv:
        if skip:
            skip = False
        elif token in takes_value:
            skip = True
        elif token in ("-h", "--help") or not token.startswith("-"):
            return True
    return False


def build_parser(commands: bool = True) -> argparse.ArgumentParser:
    """The parser: the TUI options and (unless ``commands`` is False) every command."""
    common = common_options()
    parser = argparse.ArgumentParser(
        prog=PROG,
        parents=[common],
        description="Pegaso SMS & CRM. Without a command, opens the application.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the application on a fresh demo database, with the sandbox gateway",
    )
    if commands:
        subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
        for name in COMMAND_MODULES:
            module = importlib.import_module(f"pegaso_tui.commands.{name}")
            module.register(subparsers, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``pegaso-tui`` and ``python -m pegaso_tui``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = wants_commands(argv)
    if not commands:  # the app: no collection until its first frame (see pegaso_tui.startup)
        from pegaso_tui.startup import pause_collector

        pause_collector()
    parser = build_parser(commands=commands)
    args = parser.parse_args(argv)
    ctx = None
    try:
        ctx = CliContext(args)
        handler = getattr(args, "handler", None)
        if handler is None:
            from pegaso_tui.launch import run_app

            return run_app(ctx, demo=args.demo)
        return int(handler(args, ctx) or 0)
    except CliError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        print(f"{PROG}: interrotto", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `pegaso-tui select ... | head`: not an error
        return 0
    finally:
        if ctx is not None:
            ctx.close()
        if not commands:
            from pegaso_tui.startup import restore_collector

            restore_collector()
