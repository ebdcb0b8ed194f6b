"""Importa: bring the agency's data in from a CSV file (the rules of CLI.md, "CSV files").

The screen is reached with ``F6`` from each registry list, on that list's kind of data:

1. pick the file: type its path (completed as you type, ``→`` accepts) or choose it in the
   folder tree below; ``Invio`` reads it;
2. the preview shows how each column was understood (or that it is ignored), the file's
   encoding and separator, and the first rows with what the import would say of each;
3. ``F10`` imports, with a progress bar (``Esc`` stops after the rows already written);
4. the rejected rows are listed with their line and reason, the warnings after them; ``F7``
   (``ctrl+y``) saves the rejected rows to a CSV, with a ``motivo_scarto`` column, to fix and
   import again.

All the work is ``pegaso_tui.db.importer``'s (the same as ``pegaso-tui import``): this screen
only shows it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.suggester import Suggester
from textual.widgets import (
    DataTable,
    DirectoryTree,
    Header,
    Input,
    Label,
    ProgressBar,
    RadioSet,
    Static,
)

from pegaso_tui.db import importer
from pegaso_tui.screens.base import CONFIRM_KEYS, MaskScreen
from pegaso_tui.widgets.key_footer import KeyFooter
from pegaso_tui.widgets.plain import plain_text
from pegaso_tui.widgets.toggles import RadioButton

STYLES = Path(__file__).parent.parent.parent / "styles"
SAVE_REJECTED_KEYS = "f7,ctrl+y"
#: Rows shown in the preview.
PREVIEW_ROWS = 20


class PathSuggester(Suggester):
    """Completes a file path as it is typed: the first entry of the folder that begins so."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        typed = Path(value).expanduser()
        folder, start = (typed, "") if value.endswith("/") else (typed.parent, typed.name)
        try:
            names = sorted(p.name + ("/" if p.is_dir() else "") for p in folder.iterdir()
                           if p.name.startswith(start) and not p.name.startswith("."))
        except OSError:
            return None
        if not names or names[0] == start:
            return None
        return value + names[0][len(start):]


class CsvTree(DirectoryTree):
    """The folders, and the files an import can read."""

    def filter_paths(self, paths):
        return [p for p in paths if not p.name.startswith(".")
                and (p.is_dir() or p.suffix.lower() in (".csv", ".txt", ".xlsx"))]


def rejected_path(source: Path) -> Path:
    """Where the rejected rows of ``source`` are saved: beside it, never over a file."""
    candidate = source.with_name(f"{source.stem}-scartate.csv")
    n = 2
    while candidate.exists():
        candidate = source.with_name(f"{source.stem}-scartate-{n}.csv")
        n += 1
    return candidate


class ImportScreen(MaskScreen):
    """Importa: file, preview, import with progress, rejected rows."""

    CSS_PATH = STYLES / "registry.tcss"
    BINDINGS = [
        Binding(CONFIRM_KEYS, "confirm", "Importa", id="confirm", tooltip="Importa il file"),
        Binding(SAVE_REJECTED_KEYS, "save_rejected", "Salva scartate", id="save_rejected",
                tooltip="Salva le righe scartate in un CSV da correggere e reimportare"),
    ]

    def __init__(self, kind: str = "clients", folder: Path | None = None) -> None:
        super().__init__(classes="import-screen")
        self.kind = kind if kind in importer.KINDS else "clients"
        self.MASK_TITLE = f"Importa {importer.KIND_LABELS[self.kind]}"
        self.folder = folder
        self.preview: Any = None
        self.report: Any = None
        self._importing = False
        self._stop_requested = False

    def compose(self) -> ComposeResult:
        folder = self.folder or Path(self.app.services.extras.get("import_dir") or Path.home())
        yield Header()
        with Horizontal(classes="import-row"):
            yield Label("File")
            yield Input(placeholder="percorso del file CSV (→ completa, Invio legge)", id="import-path",
                        suggester=PathSuggester())
        with Horizontal(classes="import-row"):
            yield Label("Dati")
            with RadioSet(id="import-kind"):
                for kind in importer.KINDS:
                    yield RadioButton(importer.KIND_LABELS[kind].capitalize(), value=kind == self.kind,
                                      id=f"kind-{kind}")
        yield CsvTree(folder, id="import-tree")
        yield Static("Scegli un file: le prime righe e le colonne riconosciute appariranno qui.",
                     id="import-columns")
        yield DataTable(id="import-preview", zebra_stripes=True, cursor_type="row")
        yield ProgressBar(show_eta=False, id="import-progress")
        yield Static("", id="import-summary")
        yield DataTable(id="import-rejected", zebra_stripes=True, cursor_type="row")
        yield KeyFooter()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(ProgressBar).display = False
        self.query_one("#import-rejected").display = False
        self.query_one("#import-path", Input).focus()

    # -- picking the file ---------------------------------------------------------------------

    @property
    def path(self) -> Path:
        return Path(self.query_one("#import-path", Input).value.strip()).expanduser()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.path.is_dir():
            self.query_one(CsvTree).path = self.path
            return
        self.read_preview()

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.query_one("#import-path", Input).value = str(event.path)
        self.read_preview()

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self.kind = (event.pressed.id or "kind-clients").removeprefix("kind-")
        self.title = f"Importa {importer.KIND_LABELS[self.kind]}"
        if self.query_one("#import-path", Input).value.strip():
            self.read_preview()

    def read_preview(self) -> None:
        """Read the file (in a worker) and show how it would be imported."""
        if self._importing:
            return
        path, kind = self.path, self.kind
        self.report = None
        self.query_one("#import-rejected").display = False
        self.query_one("#import-summary", Static).update("")
        self.run_db(importer.preview_csv, path, kind, PREVIEW_ROWS, done=self._show_preview,
                    failed=self._preview_failed, group="import-preview")

    def _preview_failed(self, exc: BaseException) -> None:
        self.preview = None
        self.query_one("#import-preview", DataTable).clear(columns=True)
        self.query_one("#import-columns", Static).update(f"[b red]{_escape(str(exc))}[/]")

    def _show_preview(self, preview) -> None:
        self.preview = preview
        understood = ", ".join(
            f"{_escape(c.header or '(senza nome)')} → {'[dim]' + c.label + '[/]' if c.field is None else c.label}"
            for c in preview.columns
        )
        lines = [
            f"[b]{preview.total_rows}[/b] righe · file {preview.encoding_label} · separatore "
            f"{preview.delimiter_label}",
            f"Colonne: {understood}",
        ]
        lines += [f"[yellow]{_escape(w)}[/]" for w in preview.warnings]
        if preview.error:
            lines.append(f"[b red]Impossibile importare: {_escape(preview.error)}[/]")
        else:
            lines.append("F10 importa")
        self.query_one("#import-columns", Static).update("\n".join(lines))
        table = self.query_one("#import-preview", DataTable)
        table.clear(columns=True)
        table.add_column("Riga", width=5)
        for column in preview.columns:
            longest = max([len(column.header or "")] + [
                len(r.values[column.index]) for r in preview.rows if column.index < len(r.values)
            ])
            table.add_column(plain_text(column.header or "—"), width=max(4, min(24, longest)))
        table.add_column("Esito", width=40)
        width = len(preview.columns)
        for row in preview.rows:
            values = (row.values + [""] * width)[:width]
            outcome = row.reason or "; ".join(row.warnings) or "ok"
            table.add_row(str(row.line), *map(plain_text, values), plain_text(outcome))

    # -- importing ------------------------------------------------------------------------------

    def action_confirm(self) -> None:
        if self._importing:
            return
        if self.preview is None or self.preview.path != self.path or self.preview.kind != self.kind:
            self.read_preview()
            self.notify("Controlla l'anteprima, poi premi F10 per importare")
            return
        if self.preview.error:
            self.app.bell()
            return
        self._start_import(self.path, self.kind)

    def _start_import(self, path: Path, kind: str) -> None:
        self._importing = True
        self._stop_requested = False
        bar = self.query_one(ProgressBar)
        bar.display = True
        bar.update(total=self.preview.total_rows or None, progress=0)
        self.query_one("#import-summary", Static).update("importazione in corso… (Esc per interrompere)")
        app = self.app

        def progress(done: int, total: int) -> None:
            if self._stop_requested:
                raise importer.ImportCancelled()
            app.call_from_thread(bar.update, total=total, progress=done)

        self.run_db(importer.import_csv, path, kind, progress, done=self._imported,
                    failed=self._import_failed, group="import")

    def _import_failed(self, exc: BaseException) -> None:
        self._importing = False
        self.query_one(ProgressBar).display = False
        self.query_one("#import-summary", Static).update(f"[b red]{_escape(str(exc))}[/]")

    def _imported(self, report) -> None:
        self._importing = False
        self.report = report
        self.app.services.extras["import_dir"] = str(report.path.parent)
        lines = [f"[b]{_escape(report.summary())}[/b]"]
        if report.rejected:
            lines.append(f"{len(report.rejected)} righe scartate: F7 le salva in un CSV da correggere e reimportare")
        self.query_one("#import-summary", Static).update("\n".join(lines))
        table = self.query_one("#import-rejected", DataTable)
        table.clear(columns=True)
        table.add_column("Riga", width=6)
        table.add_column("Esito", width=10)
        table.add_column("Motivo", width=80)
        for row in report.rejected:
            table.add_row(str(row.line), "scartata", plain_text(row.reason))
        for warning in report.warnings:
            table.add_row(str(warning.line), "avviso", plain_text(warning.message))
        table.display = bool(report.rejected or report.warnings)
        severity = "warning" if report.rejected else "information"
        self.notify(report.summary(), title="Importazione", severity=severity, timeout=8, markup=False)

    def action_save_rejected(self) -> None:
        """Write the rejected rows next to the imported file, to be fixed and imported again."""
        report = self.report
        if report is None or not report.rejected:
            self.notify("Nessuna riga scartata da salvare")
            return
        target = rejected_path(report.path)

        def saved(count: int) -> None:
            self.notify(f"{count} righe scartate salvate in {target}", title="Righe scartate", timeout=10, markup=False)

        self.run_db(importer.write_rejected, report, target, done=saved, group="save-rejected")

    def action_leave(self) -> None:
        if self._importing:
            self._stop_requested = True  # the import stops after its current batch
            self.query_one("#import-summary", Static).update("interruzione…")
            return
        self.dismiss(self.report)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
