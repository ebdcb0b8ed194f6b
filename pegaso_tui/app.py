"""The Pegaso application: a small App that opens masks and holds the injected services."""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.message import Message

from pegaso_tui.masks import BY_NUMBER, MASKS, Mask
from pegaso_tui.services import AppServices
from pegaso_tui.terminal_keys import DIGITS, read_esc_digit_as_alt
from pegaso_tui.widgets import typing_order
from pegaso_tui.widgets.carry_on import CarryOn

STYLES = Path(__file__).parent / "styles"


class MasksProvider(Provider):
    """The command palette (Ctrl+P) offers every mask by its title."""

    async def discover(self) -> Hits:
        app = self.app
        for mask in MASKS:
            yield DiscoveryHit(
                f"{mask.number}  {mask.title}",
                partial(app.open_mask, mask.number),  # type: ignore[attr-defined]
                text=mask.title,
                help=mask.help,
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        app = self.app
        for mask in MASKS:
            score = matcher.match(mask.title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(mask.title),
                    partial(app.open_mask, mask.number),  # type: ignore[attr-defined]
                    text=mask.title,
                    help=mask.help,
                )


class SavedSearchesProvider(Provider):
    """The palette also offers the saved searches "Visibile nel menù principale"."""

    async def startup(self) -> None:
        import asyncio

        from pegaso_tui.db.searches import menu_searches

        try:
            self._searches = await asyncio.to_thread(self.app.services.call, menu_searches)  # type: ignore[attr-defined]
        except Exception:  # no database yet (or any more): no searches to offer
            self._searches = []

    def _hits(self):
        app = self.app
        for search_id, name, _kind in getattr(self, "_searches", []):
            yield f"Ricerca: {name}", partial(app.open_saved_search, search_id)  # type: ignore[attr-defined]

    async def discover(self) -> Hits:
        for title, action in self._hits():
            yield DiscoveryHit(title, action, text=title, help="Apre la maschera con i filtri salvati")

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, action in self._hits():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), action, text=title,
                          help="Apre la maschera con i filtri salvati")


class OutboxUpdated(Message):
    """Messages changed status (already committed): ``updates`` are ``MessageUpdate``s.

    The app forwards it to the screen on top, so a control panel can move its dots live.
    """

    def __init__(self, updates: tuple) -> None:
        super().__init__()
        self.updates = updates


class OutboxProblem(Message):
    """The sender cannot send (``problem``), or can again (None)."""

    def __init__(self, problem) -> None:
        super().__init__()
        self.problem = problem


#: More unexpected errors than this within ERROR_BURST_S seconds end the app: an error that
#: comes back at every frame would otherwise fill the log and bury the screen in dialogs.
ERROR_BURST = 10
ERROR_BURST_S = 5.0
#: How often Python hands the interpreter from a busy thread to a waiting one while the app
#: runs (Python's default: every 5 ms). A database read in a worker gives the interpreter up
#: at every row it steps to, and while Textual composes and lays out a screen it waited up to
#: the full interval each time to get it back: the control panel's first page (100 rows, 7
#: ms on its own) took 200-340 ms while the panel was being built, and came a layout late.
SWITCH_INTERVAL_S = 0.001


class PegasoApp(CarryOn, App[None]):
    """Pegaso SMS & CRM."""

    TITLE = "Pegaso SMS & CRM"
    CSS_PATH = STYLES / "pegaso.tcss"
    COMMANDS = App.COMMANDS | {MasksProvider, SavedSearchesProvider}
    BINDINGS = [
        # priority: a dialog (a modal screen) hides the app's other bindings, and F1 must work
        # there too
        Binding("f1", "help", "Aiuto", id="help", tooltip="Il manuale della maschera in uso", priority=True),
        # priority: an Alt+digit never reaches the focused field, in any mask or dialog
        *[Binding(f"alt+{digit}", f"tab({DIGITS.index(digit) + 1})", show=False, priority=True)
          for digit in DIGITS],
    ]

    def __init__(self, services: AppServices, *, cursor_blink: bool = True) -> None:
        read_esc_digit_as_alt()
        typing_order.install()
        super().__init__()
        self.services = services
        #: False keeps text cursors steady (tests and snapshots: a blink caught mid-way would
        #: make two pictures of one screen differ)
        self.cursor_blink = cursor_blink
        self._stop_listening = None
        self._switch_interval = sys.getswitchinterval()  # given back when the app ends
        self._recent_errors: list[float] = []
        #: the one line told when the app ends on an unexpected error
        self._crash_line: str | None = None

    # --- unexpected errors: one place for all of them ----------------------------------------

    def _secrets(self) -> list[str]:
        from pegaso_tui.crash import secrets_of

        return secrets_of(self.services.settings, self.services.database_url)

    def _log_error(self, error: BaseException) -> str | None:
        from pegaso_tui.crash import write_crash_log

        try:
            return str(write_crash_log(error, self._secrets()))
        except Exception:  # noqa: BLE001 - the error itself is still shown
            return None

    def report_unexpected(self, error: BaseException) -> None:
        """An error no screen expected (in a handler or a worker): written to the log, told
        in a dialog in one line, and the operator carries on where they were."""
        import time

        from pegaso_tui.crash import one_line

        now = time.monotonic()
        self._recent_errors = [t for t in self._recent_errors if now - t < ERROR_BURST_S] + [now]
        if len(self._recent_errors) > ERROR_BURST or not self.is_running:
            self._end_with(error)
            return
        line = one_line(error, self._secrets())
        path = self._log_error(error)
        try:
            from pegaso_tui.widgets.error_dialog import ErrorDialog

            if not isinstance(self.screen, ErrorDialog):  # one dialog, however many errors
                self.push_screen(ErrorDialog(line, path))
            self.bell()
        except Exception:  # noqa: BLE001 - no screen to show it on: end as cleanly as we can
            self._end_with(error)

    def _end_with(self, error: BaseException) -> None:
        """End the app with one line and the log's path (never Textual's traceback, which
        prints the local variables: the settings and their secrets)."""
        from pegaso_tui.crash import one_line

        path = self._log_error(error)
        if self._crash_line is not None:  # already ending: the first error is the one told
            return
        where = f" (dettagli in {path})" if path else ""
        self._crash_line = f"pegaso-tui: errore imprevisto: {one_line(error, self._secrets())}{where}"
        self._return_code = 1
        self._close_messages_no_wait()

    def _print_error_renderables(self) -> None:
        # the line as written, once the terminal is given back (Rich would wrap it)
        if self._crash_line is not None:
            import sys

            self._exit_renderables.clear()
            sys.stderr.write(self._crash_line + "\n")
            sys.stderr.flush()
            return
        super()._print_error_renderables()

    def _handle_exception(self, error: Exception) -> None:
        """Textual's single entry for unhandled errors (handlers, workers, timers, mounting).

        Textual would exit and print a traceback with locals; here the app carries on when it
        can, and otherwise ends with one line."""
        from textual.worker import WorkerFailed

        if isinstance(error, WorkerFailed):
            error = error.error  # type: ignore[assignment]
        if self._exception is None:
            # as Textual does: ``run_test`` re-raises it at the end, so that a test never
            # passes over an error the user would have seen in the dialog
            self._exception = error
            if not self.is_running:
                self._exception_event.set()
        if self.is_running and self.screen_stack:
            self.report_unexpected(error)
        else:
            self._end_with(error)

    def _fatal_error(self) -> None:  # pragma: no cover - Textual calls it only from above
        import sys

        self._end_with(sys.exc_info()[1] or RuntimeError("errore imprevisto"))

    def on_ready(self) -> None:
        """The first frame is out: open the database if it is not open yet, then start the
        sender and read the home screen's agenda."""
        from pegaso_tui.startup import resume_collector

        resume_collector()
        if self.services.database_ready.is_set():
            self._database_open()
            return
        services = self.services

        def tell_upgrade(current: int, target: int) -> None:
            try:
                self.call_from_thread(self._upgrading, current, target)
            except RuntimeError:  # the app is ending: the upgrade goes on all the same
                pass

        def open_it() -> None:
            try:
                services.open_database(on_upgrade=tell_upgrade)
            except Exception:
                self.call_from_thread(self._database_failed)
            else:
                self.call_from_thread(self._database_open)

        self.run_worker(open_it, thread=True, group="database", name="database",
                        exit_on_error=False, description="apertura del database")

    #: set while the schema is upgraded (told on screen until the database opens)
    _upgrade_told = False

    def _upgrading(self, current: int, target: int) -> None:
        from pegaso_tui.db.schema import upgrade_notice

        self._upgrade_told = True
        self.notify(upgrade_notice(current, target), title="Database", timeout=3600, markup=False)

    def _database_open(self) -> None:
        from pegaso_tui.screens.home import HomeScreen

        if self._upgrade_told:
            self._upgrade_told = False
            self.clear_notifications()  # the notice stays until now, whatever its length
            self.notify("Database aggiornato.", title="Database", markup=False)

        if isinstance(self.screen, HomeScreen):
            # the agenda first: the sender's start (its imports, its threads) took a third of
            # the agenda's wait (issue 17). It starts once the agenda is shown, or after
            # SENDER_DELAY_S whatever happens to the agenda.
            self.call_later(self.screen.load_agenda)
            if self.screen.agenda_shown:
                # already on screen (read by the start-up helper): no reason to wait
                self.call_after_refresh(self._start_sender)
            else:
                self.set_timer(self.SENDER_DELAY_S, self._start_sender)
        else:
            self._start_sender()
        from pegaso_tui.db.urls import is_postgres_url

        if is_postgres_url(self.services.database_url):
            self.run_worker(self._tell_cache_advice, thread=True, group="database-advice",
                            exit_on_error=False, description="memoria di PostgreSQL")

    def _tell_cache_advice(self) -> None:
        """PostgreSQL: say once, at start, when the server's cache is too small for the
        clients' search (its counts are then slower; ``db.pg_cache``)."""
        advice = self.services.cache_advice()
        if advice is None:
            return
        self.call_from_thread(self.notify, advice, title="Database", severity="warning",
                              timeout=10, markup=False)

    _phone_library_loading = False

    #: the longest the sender waits for the home agenda before it starts anyway
    SENDER_DELAY_S = 1.0

    def on_agenda_panel_shown(self) -> None:
        # after the frame that shows the agenda: the sender's imports would hold it back
        self.call_after_refresh(self._start_sender)

    def _start_sender(self) -> None:
        """Start the outbox sender, once (unless this app runs without one)."""
        services = self.services
        if self._closing or not self.is_running:
            # asked for just before the user quit, and run after on_unmount stopped the
            # sender (Textual still runs such callbacks then): a sender started now would run
            # on, and the process would never end
            return
        if not services.database_ready.is_set() or services.database_problem:
            return
        if services.outbox is None and services.run_sender:
            from pegaso_tui.sms.outbox import OutboxService

            services.outbox = OutboxService(services.settings)
        if services.outbox is not None and self._stop_listening is None:
            self._start_outbox()
        self._load_phone_library()

    def _load_phone_library(self) -> None:
        """The phone-number library, loaded behind the home screen (``load_phone_library``):
        the first list of numbers opened is not held up by it."""
        if self._phone_library_loading:
            return
        self._phone_library_loading = True
        import threading

        from pegaso_tui.sms.phone import load_phone_library

        threading.Thread(target=load_phone_library, name="phone-library", daemon=True).start()

    def _database_failed(self) -> None:
        # As before the app starts: the reason on one line in the terminal, exit status 1.
        self.exit(return_code=1, message=f"pegaso-tui: {self.services.database_problem}")

    def install_hangup_handlers(self) -> None:
        """SIGHUP (the SSH session dropped) and SIGTERM end the app as Ctrl+Q does, without
        asking: the sender finishes the requests on the wire, hands back what it claimed and
        records it all before the process ends (``launch``). Called by ``launch`` only: an app
        run by the tests leaves the test process's signals alone."""
        import asyncio
        import signal

        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, self._terminate, False)
        loop.add_signal_handler(signal.SIGHUP, self._terminate, True)

    def get_driver_class(self):
        """Textual's driver, or on Linux and macOS one that ends the app when the terminal is
        gone (``terminal_driver``) instead of hanging on it."""
        from textual.drivers.linux_driver import LinuxDriver

        driver = super().get_driver_class()
        if driver is LinuxDriver:
            from pegaso_tui.terminal_driver import HangupAwareDriver

            return HangupAwareDriver
        return driver

    def terminal_lost(self) -> None:
        """The terminal is gone with no SIGHUP (yet): end as on SIGHUP."""
        self._terminate(True)

    def _terminate(self, hung_up: bool) -> None:
        if hung_up:
            # The terminal is gone: what the app would still write to it (restoring the
            # screen) goes nowhere instead of failing on a dead descriptor.
            import os

            null = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                try:
                    os.dup2(null, fd)
                except OSError:
                    pass
            os.close(null)
        self.exit(return_code=129 if hung_up else 143)

    def on_descendant_focus(self, event) -> None:
        if not self.cursor_blink and hasattr(event.widget, "cursor_blink"):
            event.widget.cursor_blink = False

    def get_default_screen(self):
        from pegaso_tui.screens.home import HomeScreen

        return HomeScreen()

    def push_screen(self, *args, **kwargs):
        """Textual's ``push_screen``, with the text fields of the screen's module set to apply
        keys in the order typed (``widgets.typing_order``)."""
        typing_order.install()
        return super().push_screen(*args, **kwargs)

    def on_load(self) -> None:
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL_S)

    def on_mount(self) -> None:
        if self.services.handle_hangups:
            self.install_hangup_handlers()
        demo = " · DEMO" if self.services.demo else ""
        self.sub_title = (
            f"{self.services.database_label} · operatore {self.services.operator_username}{demo}"
        )
        if self.services.settings.keys:
            self.set_keymap(self.services.settings.keys)

    # --- the outbox sender ------------------------------------------------------------------

    def _start_outbox(self) -> None:
        """Run the sender as a thread worker while the app is open."""
        from pegaso_tui.sms.outbox import MessagesChanged, ProblemChanged

        def relay(event) -> None:
            # called in the sender's thread: post_message is thread-safe and never blocks
            if isinstance(event, MessagesChanged):
                self.post_message(OutboxUpdated(event.updates))
            elif isinstance(event, ProblemChanged):
                self.post_message(OutboxProblem(event.problem))

        outbox = self.services.outbox
        self._stop_listening = outbox.hub.subscribe(relay)
        self.run_worker(outbox.run, thread=True, group="outbox", name="outbox",
                        exit_on_error=False, description="invio SMS")
        self._start_schedules()

    def _start_schedules(self) -> None:
        """The sender also runs the scheduled communications that are due, every minute."""
        from pegaso_tui.sending.scheduler import Ticker

        def report(results) -> None:
            lines = [f"{r.schedule}: {r.queued} SMS accodati" for r in results if r.status == "done"]
            if lines:
                self.call_from_thread(self.notify, "\n".join(lines),
                                      title="Comunicazioni programmate", markup=False)

        self._schedules = Ticker(self.services.settings, report=report).start()

    def apply_settings(self, settings) -> None:
        """The settings changed (mask 20): the masks read the new ones from now on, and a
        sender this app runs starts again on a changed gateway (after finishing what is on
        the wire with the old one)."""
        old = self.services.settings
        self.services.settings = settings
        outbox = self.services.outbox
        if outbox is None or not self.services.run_sender or settings.gateway == old.gateway:
            return
        from pegaso_tui.sms.outbox import OutboxService

        fresh = OutboxService(settings, hub=outbox.hub)
        self.services.outbox = fresh

        def swap() -> None:
            outbox.stop(wait_s=old.gateway.timeout_s + 5)
            if not self._closing:
                fresh.run()

        self.run_worker(swap, thread=True, group="outbox", name="outbox",
                        exit_on_error=False, description="invio SMS")

    _closing = False

    def on_unmount(self) -> None:
        self._closing = True
        sys.setswitchinterval(self._switch_interval)
        # The sender's thread must end before the app's event loop can close: it finishes the
        # requests on the wire (bounded by the gateway timeout) and records them.
        if self._stop_listening is not None:
            self._stop_listening()
        if getattr(self, "_schedules", None) is not None:
            self._schedules.stop()
        if self.services.outbox is not None:
            self.services.outbox.stop(wait_s=self.services.settings.gateway.timeout_s + 5)

    def on_outbox_problem(self, message: OutboxProblem) -> None:
        """One notification per problem (not one per message), and one when it is over."""
        if message.problem is None:
            self.notify("Invio SMS ripreso.", title="Invio SMS", timeout=5)
        else:
            self.notify(f"{message.problem.text}. I messaggi restano in coda.",
                        title="Invio SMS sospeso", severity="error", timeout=15,
                        markup=False)  # the gateway's own words: shown as written

    def on_outbox_updated(self, message: OutboxUpdated) -> None:
        """Hand the committed changes to the screen on top (a control panel listens)."""
        try:
            screen = self.screen
        except Exception:  # no screen yet, or any more
            return
        forwarded = OutboxUpdated(message.updates)
        # to the screen only: bubbling back up to the app would be forwarded again, forever
        forwarded.bubble = False
        screen.post_message(forwarded)

    async def action_quit(self) -> None:
        """Ctrl+Q: quit, after asking when a mask holds unsaved changes."""
        unsaved = [s for s in self.screen_stack if getattr(s, "has_unsaved_changes", lambda: False)()]
        if not unsaved:
            self.exit()
            return
        from pegaso_tui.screens.unsaved import DISCARD_QUESTION
        from pegaso_tui.widgets.confirm import ConfirmDialog

        self.push_screen(
            ConfirmDialog(DISCARD_QUESTION, title="Modifiche non salvate", yes="Esci senza salvare (F10)", no="Resta (Esc)"),
            lambda quit_anyway: self.exit() if quit_anyway else None,
        )

    def action_help(self) -> None:
        """F1: the manual's page of the mask in use (of the mask under a form or dialog)."""
        from pegaso_tui.manual import page_for_screens
        from pegaso_tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)  # F1 again closes it
            return
        page = page_for_screens(type(screen) for screen in reversed(self.screen_stack))
        self.push_screen(HelpScreen(page))
    # --- the command palette, in Italian -----------------------------------------------------

    def action_command_palette(self) -> None:
        """Ctrl+P: the palette, with every mask and the app's commands, in Italian."""
        from textual.command import CommandPalette

        from pegaso_tui.widgets.palette import ItalianCommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(ItalianCommandPalette(id="--command-palette"))

    def search_themes(self) -> None:
        """The palette's "Tema": the themes, searched in Italian."""
        from textual.theme import ThemeProvider

        from pegaso_tui.widgets.palette import ItalianCommandPalette

        self.push_screen(ItalianCommandPalette(providers=[ThemeProvider], placeholder="Cerca temi…"))

    def get_system_commands(self, screen):
        """Textual's commands, named in Italian (Quit asks first, as Ctrl+Q does)."""
        from textual.app import SystemCommand

        yield SystemCommand("Tema", "Cambia i colori dell'applicazione", self.action_change_theme)
        yield SystemCommand("Esci", "Chiude l'applicazione (chiede prima se ci sono modifiche non salvate)",
                            self.action_quit)
        if screen.query("HelpPanel"):
            yield SystemCommand("Tasti", "Nasconde il pannello dei tasti", self.action_hide_help_panel)
        else:
            yield SystemCommand("Tasti", "Mostra i tasti della maschera e del campo", self.action_show_help_panel)
        yield SystemCommand("Screenshot", "Salva un'immagine SVG dello schermo",
                            lambda: self.set_timer(0.1, self.deliver_screenshot))

    def action_tab(self, number: int) -> None:
        """Alt+digit: the screen's tab of that number, if it has tabs; else nothing."""
        switch = getattr(self.screen, "action_tab", None)
        if switch is not None:
            switch(number)
            return
        from textual.widgets import TabbedContent, TabPane

        tabs = next(iter(self.screen.query(TabbedContent)), None)
        if tabs is None:
            return
        panes = [pane.id for pane in tabs.query(TabPane) if pane.id and not pane.disabled]
        if 1 <= number <= len(panes):
            tabs.active = panes[number - 1]

    def open_mask(self, number: int | Mask) -> None:
        """Open a mask by its number (or Mask) on top of the current screen."""
        mask = number if isinstance(number, Mask) else BY_NUMBER[number]
        self.push_screen(mask.screen_class()())

    def open_saved_search(self, search_id: int) -> None:
        """Open the mask of a saved search with its filters filled in (as of today)."""
        from pegaso_tui.screens.comms.open_search import open_saved_search

        open_saved_search(self, search_id)

    def open_single_sms(self, draft) -> None:
        """Open "Invio SMS Singolo" filled in with ``draft`` (a ``pegaso_tui.sms.draft.SmsDraft``).

        The mask's screen class takes the draft as its ``draft`` keyword argument.
        """
        from pegaso_tui.masks import SINGLE_SMS

        self.push_screen(BY_NUMBER[SINGLE_SMS].screen_class()(draft=draft))
