"""Started as a fresh process by ``bench_startup``: run an app headless, exit once it is ready.

Each prints, on its last line, the wall-clock time (``time.time()``) at which it was ready,
so that the caller can tell the wait for the first frame from the time the process takes to
end.

``python -m bench.startup_probe bare`` runs a bare Textual app with a Header and a Footer.
``python -m bench.startup_probe pegaso DB`` runs ``pegaso-tui --db DB`` exactly as the console
script does (argument parsing, settings, the agenda's helper process, database, operator, the
App) but headless; it prints when its first frame is out ("ready"), when the database is open
behind it ("database") and when the agenda's first page is on screen ("agenda": the first
frame if that held its rows, else the frame after the list received them), and exits once it
has told both. ``PEGASO_PROBE_NO_SENDER=1``
starts it without the outbox sender, to tell the sender's share of the agenda's wait.
"""

from __future__ import annotations

import os
import sys
import time


def bare() -> int:
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Header

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield Footer()

        def on_ready(self) -> None:
            print(f"ready {time.time():.6f}")
            self.exit()

    Bare().run(headless=True)
    return 0


def pegaso(database: str) -> int:
    from pegaso_tui import launch
    from pegaso_tui.cli import main

    def run_until_ready(services) -> int:
        from pegaso_tui.app import PegasoApp

        class Probe(PegasoApp):
            def on_ready(self) -> None:
                # Textual then runs PegasoApp.on_ready too (handlers of every class in the
                # MRO are called), which opens the database in a worker, as the app does
                print(f"ready {time.time():.6f}", flush=True)
                from pegaso_tui.widgets.agenda import AgendaPanel

                table = self.screen.query_one(AgendaPanel).table
                if table is not None and table.has_page:
                    # the first frame held the agenda (its rows, or "Nessun ricontatto"), read
                    # by the start-up helper
                    self._tell_agenda()

            def _database_open(self) -> None:
                print(f"database {time.time():.6f}", flush=True)
                super()._database_open()  # the sender starts, the agenda is read, as in the app
                self._end_when_both()

            def on_paged_table_highlighted(self, event) -> None:
                # the agenda's first page is in the list (its rows, or "Nessun ricontatto"):
                # it is on screen once the next frame is out
                self.call_after_refresh(self._tell_agenda)

            def _tell_agenda(self) -> None:
                if not self._agenda_told:
                    self._agenda_told = True
                    print(f"agenda {time.time():.6f}", flush=True)
                    self._end_when_both()

            def _end_when_both(self) -> None:
                # the agenda on screen and the database open (with the helper, the agenda
                # comes first): the app ends then
                if self._agenda_told and self.services.database_ready.is_set():
                    self.call_later(self.exit)

            _agenda_told = False

            def _database_failed(self) -> None:
                print(f"failed {services.database_problem}", flush=True)
                self.exit(return_code=1)

        Probe(services).run(headless=True)
        return 0

    if os.environ.get("PEGASO_PROBE_NO_SENDER"):
        real = run_until_ready

        def run_until_ready(services) -> int:  # noqa: F811 (the same, without the sender)
            services.run_sender = False
            return real(services)

    launch._run = run_until_ready  # the only difference from `pegaso-tui --db DB`
    return main(["--db", database])


if __name__ == "__main__":
    sys.exit(bare() if sys.argv[1] == "bare" else pegaso(sys.argv[2]))
