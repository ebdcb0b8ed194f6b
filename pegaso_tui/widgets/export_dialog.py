"""Export a list to CSV or XLSX: the dialog any list offers with ``F9`` (alias ``ctrl+t``).

It exports ALL the rows of the list's pager (not only the window on screen), with the
columns the list shows, in a worker with a progress bar; Esc while it runs stops it and
leaves no file. A list offers it with::

    BINDINGS = [export_binding()]

    def action_export(self) -> None:
        open_export(self, table.pager, table.columns, "clienti")

The source may also be a plain sequence of rows (e.g. a selection preview).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, ProgressBar, RadioSet, Static

from pegaso_tui.db.paging import KeysetPager
from pegaso_tui.errors import first_line
from pegaso_tui.numbers import thousands
from pegaso_tui.widgets.dialog import DialogScreen
from pegaso_tui.widgets.plain import plain
from pegaso_tui.widgets.toggles import RadioButton

#: The keys of "Esporta" in every list (binding id ``export``).
EXPORT_KEYS = "f9,ctrl+t"


def export_binding() -> Binding:
    """The "Esporta" binding a list adds to its BINDINGS."""
    return Binding(EXPORT_KEYS, "export", "Esporta", id="export", tooltip="Esporta l'elenco in CSV o XLSX")


def open_export(screen, source: KeysetPager | Sequence[Any] | None, columns: Sequence[Any], name: str) -> None:
    """Open the export dialog over ``screen`` for ``source`` (a pager or a list of rows)."""
    if source is None:
        screen.app.bell()
        return
    screen.app.push_screen(ExportDialog(source, columns, name))


def default_export_path(app, name: str, fmt: str = "xlsx") -> Path:
    """Where the file goes unless the user says otherwise: the last folder used, else home."""
    folder = Path(app.services.extras.get("export_dir") or Path.home())
    return folder / f"{name}-{date.today():%Y%m%d}.{fmt}"


def _is_pager(source: Any) -> bool:
    # a KeysetPager, or a ListPager over rows in memory: both page the same way
    return all(hasattr(source, name) for name in ("first", "after", "key_of", "count"))


class ExportDialog(DialogScreen[Any]):
    """File name, format, F10 to export; a progress bar while it runs."""

    DEFAULT_CSS = """
    ExportDialog {
        align: center middle;
    }
    ExportDialog > Vertical {
        width: 80;
        height: auto;
        border: thick $primary;
        background: $surface;
        padding: 1 2;
    }
    ExportDialog #export-title {
        text-style: bold;
        margin-bottom: 1;
    }
    ExportDialog Horizontal {
        height: auto;
    }
    ExportDialog Label {
        width: 10;
        padding: 0 1 0 0;  /* the fields are one line (widgets.compact) */
    }
    ExportDialog #export-path {
        width: 1fr;
    }
    ExportDialog RadioSet {
        layout: horizontal;
        height: auto;
    }
    ExportDialog ProgressBar {
        margin-top: 1;
        display: none;
    }
    ExportDialog.-running ProgressBar {
        display: block;
    }
    ExportDialog #export-status {
        margin-top: 1;
        color: $text-muted;
    }
    ExportDialog #export-status.-error {
        color: $error;
    }
    """

    def __init__(self, source: KeysetPager | Sequence[Any], columns: Sequence[Any], name: str) -> None:
        super().__init__()
        self.source = source
        self.columns = list(columns)
        self.export_name = name
        self._exporting = False
        self._stop_requested = False

    def compose(self) -> ComposeResult:
        path = default_export_path(self.app, self.export_name)
        with Vertical():
            yield Static(f"Esporta elenco — {len(self.columns)} colonne, tutte le righe", id="export-title")
            with Horizontal():
                yield Label("File")
                yield Input(str(path), id="export-path")
            with Horizontal():
                yield Label("Formato")
                with RadioSet(id="export-format"):
                    yield RadioButton("Excel (XLSX)", value=True, id="fmt-xlsx")
                    yield RadioButton("CSV (;)", id="fmt-csv")
            yield ProgressBar(show_eta=False, id="export-progress")
            yield Static("F10 esporta · Esc annulla", id="export-status")

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    @property
    def path(self) -> Path:
        return Path(self.query_one("#export-path", Input).value.strip()).expanduser()

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        # the format follows the choice: the file's extension is changed to match
        fmt = "csv" if event.pressed.id == "fmt-csv" else "xlsx"
        field = self.query_one("#export-path", Input)
        path = Path(field.value.strip() or str(default_export_path(self.app, self.export_name)))
        field.value = str(path.with_suffix(f".{fmt}"))

    def on_input_changed(self, event: Input.Changed) -> None:
        suffix = Path(event.value.strip()).suffix.lower()
        wanted = {".csv": "#fmt-csv", ".xlsx": "#fmt-xlsx"}.get(suffix)
        if wanted:
            button = self.query_one(wanted, RadioButton)
            if not button.value:
                with self.prevent(RadioSet.Changed):
                    button.value = True

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    def _status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#export-status", Static)
        status.update(plain(text))  # a path may hold "["
        status.set_class(error, "-error")

    def action_confirm(self) -> None:
        if self._exporting:
            return
        from pegaso_tui.exporting import ExportError, export_format

        path = self.path
        try:
            export_format(path)
        except ExportError as exc:
            self._status(str(exc), error=True)
            return
        if path.exists():
            from pegaso_tui.widgets.confirm import ConfirmDialog

            def answer(yes: bool | None) -> None:
                if yes:
                    self._start(path)

            self.app.push_screen(ConfirmDialog(f"Il file {path} esiste già. Sovrascriverlo?"), answer)
            return
        self._start(path)

    def _start(self, path: Path) -> None:
        from pegaso_tui.exporting import export_pager, export_rows

        self._exporting = True
        self._stop_requested = False
        self.add_class("-running")
        self._status("esportazione in corso… (Esc per interrompere)")
        source, columns = self.source, self.columns
        app = self.app

        def progress(done: int, total: int | None) -> None:
            app.call_from_thread(self._progress, done, total)

        def cancelled() -> bool:
            return self._stop_requested

        def work():
            if _is_pager(source):
                return export_pager(source, columns, path, progress=progress, cancelled=cancelled)
            return export_rows(list(source), columns, path, total=len(source), progress=progress, cancelled=cancelled)

        self.run_db(work, done=self._done, failed=self._failed, group="export", description="export")

    def _progress(self, done: int, total: int | None) -> None:
        bar = self.query_one(ProgressBar)
        bar.update(total=total, progress=done)
        total_text = "" if total is None else f" di {thousands(total)}"
        self._status(f"{thousands(done)}{total_text} righe… (Esc per interrompere)")

    def _done(self, result) -> None:
        self._exporting = False
        self.app.services.extras["export_dir"] = str(result.path.parent)
        rows = thousands(result.rows)
        self.app.notify(f"Esportate {rows} righe in {result.path}", title="Esportazione", markup=False)
        self.dismiss(result)

    def _failed(self, exc: BaseException) -> None:
        from pegaso_tui.exporting import ExportCancelled

        self._exporting = False
        self.remove_class("-running")
        if isinstance(exc, ExportCancelled):
            self.app.notify("Esportazione interrotta: nessun file scritto", severity="warning")
            self.dismiss(None)
            return
        self._status(first_line(exc), error=True)

    def action_cancel(self) -> None:
        if self._exporting:
            self._stop_requested = True  # the worker stops at its next rows and removes the file
            self._status("interruzione…")
            return
        self.dismiss(None)
