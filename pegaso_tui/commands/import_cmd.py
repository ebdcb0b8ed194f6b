"""``pegaso-tui import preferences|clients|practices|suppliers FILE``."""

from __future__ import annotations

import argparse
import sys

KINDS = ("preferences", "clients", "practices", "suppliers")


def register(subparsers, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "import",
        parents=[common],
        help="import a CSV file of preferences, clients, practices or suppliers",
        description="Import a CSV file (comma or semicolon, UTF-8 or Windows-1252, header "
        "names in English or Italian). Records with the same code/number are updated. Every "
        "rejected row is reported with its line and reason; exit status 1 if any was.",
    )
    parser.add_argument("kind", choices=KINDS)
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument(
        "--rejected",
        metavar="OUT",
        help="also write the rejected rows to this CSV (same columns plus motivo_scarto), "
        "to fix them and import the file again",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx) -> int:
    from pegaso_tui.cli import CliError
    from pegaso_tui.db.csvfile import CsvFileError, check_readable
    from pegaso_tui.db.importer import ImportFileError, import_csv, write_rejected

    try:
        check_readable(args.file)  # before the database: a typo must not create one
    except CsvFileError as exc:
        raise CliError(f"{args.file}: {exc}") from None
    if args.rejected:
        _check_rejected_path(args.rejected, args.file)
    ctx.open_db()
    progress = _Progress() if not args.json and sys.stderr.isatty() else None
    try:
        report = import_csv(args.file, args.kind, progress=progress)
    except ImportFileError as exc:
        raise CliError(f"{args.file}: {exc}") from None
    finally:
        if progress:
            progress.clear()
    write_error = None
    if args.rejected and report.rejected:
        try:
            write_rejected(report, args.rejected)
        except OSError as exc:
            write_error = f"impossibile scrivere {args.rejected}: {exc.strerror or exc}"
    # the reasons are printed whatever became of --rejected: they are never lost
    if args.json:
        ctx.print_json(report.to_json())
    else:
        print_report(report, None if write_error else args.rejected)
    if write_error:
        print(f"pegaso-tui: {write_error} (le righe scartate sono elencate sopra)", file=sys.stderr)
        return 1
    return 0 if report.ok else 1


def _check_rejected_path(rejected: str, source: str) -> None:
    """Refuse, before importing anything, a --rejected that could not or must not be written."""
    import os

    from pegaso_tui.cli import CliError

    if _same_file(rejected, source):
        raise CliError("--rejected non può essere il file da importare: verrebbe sovrascritto", status=2)
    if os.path.isdir(rejected):
        raise CliError(f"--rejected {rejected} è una cartella: indicare il nome del file", status=2)
    folder = os.path.dirname(os.path.abspath(rejected))
    if not os.path.isdir(folder):
        raise CliError(f"--rejected: la cartella {folder} non esiste", status=2)


def _same_file(a: str, b: str) -> bool:
    """Whether two paths name one file (also through links or a different spelling)."""
    import os

    try:
        return os.path.samefile(a, b)
    except OSError:  # the output does not exist yet
        return os.path.abspath(a) == os.path.abspath(b)


def print_report(report, rejected_path: str | None) -> None:
    """Every rejected row and every warning with its line, then the summary."""
    out = sys.stdout
    for row in report.rejected:
        out.write(f"riga {row.line}: scartata: {row.reason}\n")
    for warning in report.warnings:
        out.write(f"riga {warning.line}: avviso: {warning.message}\n")
    out.write(report.summary() + "\n")
    if rejected_path and report.rejected:
        out.write(f"righe scartate scritte in {rejected_path}: correggerle e importare di nuovo\n")


class _Progress:
    """A one-line counter on the terminal while a big file imports."""

    def __call__(self, done: int, total: int) -> None:
        sys.stderr.write(f"\rimportazione: {done}/{total} righe")
        sys.stderr.flush()

    def clear(self) -> None:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()
