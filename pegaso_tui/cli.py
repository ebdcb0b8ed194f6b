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
    "search",
    "template",
    "schedule",
    "optout",
    "audit",
    "crm",
    "config_cmd",
)

PROG = "pegaso-tui"

#: Operator.username's size (not imported: peewee must not load before the app decides
#: about the PostgreSQL driver; a test keeps the two equal).
OPERATOR_MAX_LENGTH = 64


class CliError(Exception):
    """A failure to report as one clear line, with an exit status."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


def _tell_upgrade(current: int, target: int) -> None:
    """A command that upgrades the schema says so first, on stderr (stdout may be a pipe)."""
    from pegaso_tui.db.schema import upgrade_notice

    print(upgrade_notice(current, target), file=sys.stderr, flush=True)


class CliContext:
    """What a command needs: the settings (with the options applied) and the database."""

    def __init__(self, args: argparse.Namespace) -> None:
        from pegaso_tui.config import SettingsError, load_settings, readable_secret_warning
        from pegaso_tui.db.urls import DatabaseUrlError, check_database_url

        self.args = args
        #: why the settings file cannot be read, for ``config``, which must still be able to
        #: fix it (every other command stops at once)
        self.settings_problem: str | None = None
        config = Path(args.config) if getattr(args, "config", None) is not None else None
        try:
            settings = load_settings(config)
        except SettingsError as exc:
            if not getattr(args, "tolerate_bad_settings", False):
                raise CliError(str(exc)) from None
            self.settings_problem = str(exc)
            from pegaso_tui.config import Settings

            settings = Settings()
        warning = readable_secret_warning(config)
        if warning:
            print(f"{PROG}: attenzione: {warning}", file=sys.stderr)
        if getattr(args, "db", None) is not None:
            try:  # a typo in --db is said at once, whatever the command
                check_database_url(args.db)
            except DatabaseUrlError as exc:
                raise CliError(str(exc), status=2) from None
            settings = replace(settings, database=args.db)
        problem = settings_problem(settings)
        if problem:
            raise CliError(problem)
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
                self._db = open_database(
                    self.database_url, create_folder=self.settings.uses_default_database(),
                    on_upgrade=_tell_upgrade,
                )
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


class Parser(argparse.ArgumentParser):
    """argparse, with a usage error in one line: its usage block of a command with many
    options fills the terminal and hides the one line that matters."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message} (vedi {self.prog} --help)\n")


def settings_problem(settings) -> str | None:
    """What in the settings cannot work, checked before anything is written."""
    limit = OPERATOR_MAX_LENGTH
    if len(settings.operator_name()) > limit:
        return (
            f"nome dell'operatore troppo lungo ({len(settings.operator_name())} caratteri, al "
            f"massimo {limit}): PEGASO_OPERATOR o l'impostazione 'operator'"
        )
    return None


def common_options() -> argparse.ArgumentParser:
    """The options every command accepts (CLI.md: ``--db`` on every command)."""
    common = Parser(add_help=False)
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


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # bytes that are not UTF-8 arrive as lone surrogates
        return False
    return True


def not_unicode(argv: Sequence[str]) -> str | None:
    """Why the command line or a PEGASO_ variable is not valid text, or None.

    Bytes that are not UTF-8 (a file name or a text in Latin-1 typed into a UTF-8 terminal)
    reach Python as lone surrogates, which no file, database or terminal accepts. The value
    itself is never repeated: it may be a password.
    """
    import os

    for index, token in enumerate(argv):
        if not _is_text(token):
            after = f" (dopo {argv[index - 1]})" if index and argv[index - 1].startswith("-") else ""
            return f"l'argomento {index + 1}{after} contiene byte che non sono testo UTF-8"
    for name, value in os.environ.items():
        if name.startswith("PEGASO_") and not _is_text(value):
            return f"la variabile {name} contiene byte che non sono testo UTF-8"
    return None


def build_parser(commands: bool = True) -> argparse.ArgumentParser:
    """The parser: the TUI options and (unless ``commands`` is False) every command."""
    common = common_options()
    parser = Parser(
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


def _unexpected(exc: Exception, ctx: "CliContext | None") -> int:
    """An error no command expected: its traceback (no locals, secrets replaced) goes to the
    error log; the user reads one line and where the log is."""
    from pegaso_tui.crash import one_line, secrets_of, write_crash_log

    settings = getattr(ctx, "settings", None)
    secrets = secrets_of(settings, settings.database_url()) if settings is not None else []
    try:
        where = f" (dettagli in {write_crash_log(exc, secrets)})"
    except OSError:
        where = ""
    print(f"{PROG}: errore imprevisto: {one_line(exc, secrets)}{where}", file=sys.stderr)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``pegaso-tui`` and ``python -m pegaso_tui``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    problem = not_unicode(argv)
    if problem:
        print(f"{PROG}: {problem}", file=sys.stderr)
        return 2
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
    except Exception as exc:  # noqa: BLE001 - a bug, not bad input: one line and the log
        return _unexpected(exc, ctx)
    finally:
        if ctx is not None:
            ctx.close()
        if not commands:
            from pegaso_tui.startup import restore_collector

            restore_collector()
