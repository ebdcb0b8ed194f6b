"""A bare Textual app whose "5" opens a screen made of the same widgets as the control panel:
a header, two tabs, an intro, two labelled date fields, a chart's box, a table of the same
eight columns with 100 rows read in a thread, a status line and a footer of eight keys.

What Textual itself costs to open such a screen on this machine: the baseline of the panel's
own cost (``bench_verifica``), so a figure can say how much of it is ours.
"""

from __future__ import annotations

from textual.app import App
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Label, Static, TabbedContent, TabPane

COLUMNS = (("Data Invio", 10), ("Num.", 6), ("Ora Invio", 9), ("Cliente", 8),
           ("Ragione Sociale", 24), ("Num Cellulare", 15), ("Inviato", 7), ("Consegnato", 10))


class BarePanel(Screen):
    BINDINGS = [(key, "app.pop_screen", key) for key in ("escape", "f1", "f5", "f6", "f7", "f8", "f9", "f10")]

    def compose(self):
        yield Header()
        with TabbedContent():
            with TabPane("Verifica"):
                with Vertical():
                    yield Static("Controllo Sms Inviati — verifica che gli sms che hai spedito siano andati a buon fine")
                    with Horizontal(classes="dates"):
                        yield Label("Da data Invio:")
                        yield Input("01-11-2026")
                        yield Label("A data Invio:")
                        yield Input("30-11-2026")
                    yield Static("", id="chart")
                    yield DataTable(cursor_type="row", zebra_stripes=True)
                    yield Static("caricamento…", id="status")
                    yield Static("", id="text")
            with TabPane("Controlla"):
                yield Static("Stato dell'account SMS")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in COLUMNS:
            table.add_column(label, width=width)
        self.run_worker(self._read, thread=True)

    def _read(self) -> None:
        rows = [("30-11-2026", str(900_000 + i), "10:15:00", f"{i:07d}", "ROSSI MARIO",
                 "+39 347 123 4567", "●", "○") for i in range(100)]
        self.app.call_from_thread(self._show, rows)

    def _show(self, rows) -> None:
        self.query_one(DataTable).add_rows(rows)
        self.query_one("#status", Static).update(f"riga 1 di {len(rows)}")


class BareHome(Screen):
    BINDINGS = [("5", "panel", "Pannello")]

    def compose(self):
        yield Header()
        yield Static("1  SMS Pratiche\n5  Pannello di Controllo SMS")
        yield Footer()

    def action_panel(self) -> None:
        self.app.push_screen(BarePanel())


class BareApp(App):
    CSS = "#chart { height: 8; } DataTable { height: 1fr; } .dates { height: 1; }"

    def on_mount(self) -> None:
        self.push_screen(BareHome())


def listed(app) -> bool:
    """The bare panel's rows and their count are on screen."""
    screen = app.screen
    return isinstance(screen, BarePanel) and str(screen.query_one("#status", Static).render()).startswith("riga")
