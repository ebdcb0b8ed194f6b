"""Textual's terminal driver, told what to do when the terminal disappears.

When the operator's SSH connection breaks or the tmux server is killed, the terminal can go
before any SIGHUP arrives, or with none at all (a process with no controlling terminal gets
none). Textual's writer thread then dies on its first write (EIO), the screen's next writes
fill its queue of 30, and the event loop blocks on the 31st for good. Nothing runs after that:
not the app's SIGHUP or SIGTERM handlers, which are event-loop callbacks, and not the sender's
orderly stop. The input thread, reading a terminal at end of file, spins at most of a core.

An app with nothing to draw (the menu, idle) never writes, so it would not notice at all, and
its input thread spins. ``HangupAwareDriver`` writes through a thread that survives a dead
terminal, dropping what follows, and watches the terminal for a hang-up (``poll``'s POLLHUP,
which the kernel reports once the other side of the terminal has closed). Either tells the
app, once, so it ends as on SIGHUP.
"""

from __future__ import annotations

import asyncio
import os
import select
import threading
from typing import Callable

from textual.drivers._writer_thread import WriterThread
from textual.drivers.linux_driver import LinuxDriver


class _SurvivingWriter(WriterThread):
    """Textual's writer thread, which on a failed write calls ``on_lost`` once and then keeps
    taking (and dropping) what it is given, so that no writer ever waits on a full queue."""

    def __init__(self, file, on_lost: Callable[[], None]) -> None:
        super().__init__(file)
        self._on_lost = on_lost

    def run(self) -> None:
        write, flush, get, qsize = self._file.write, self._file.flush, self._queue.get, self._queue.qsize
        lost = False
        while True:
            text = get()
            if text is None:
                break
            if lost:
                continue
            try:
                write(text)
                if qsize() == 0:
                    flush()
            except (OSError, ValueError):  # EIO: the terminal is gone; ValueError: file closed
                lost = True
                self._on_lost()
        if not lost:
            try:
                flush()
            except (OSError, ValueError):
                pass


def _watch_for_hangup(fileno: int, stop: threading.Event, on_lost: Callable[[], None]) -> None:
    """Call ``on_lost`` when the terminal ``fileno`` hangs up; return when ``stop`` is set."""
    poller = select.poll()
    poller.register(fileno, 0)  # no event asked: hang-ups and errors are always reported
    while not stop.is_set():
        for _fd, event in poller.poll(500):
            if event & (select.POLLHUP | select.POLLERR):
                on_lost()
                return
            if event & select.POLLNVAL:  # the descriptor was closed: nothing left to watch
                return


class HangupAwareDriver(LinuxDriver):
    """``LinuxDriver`` whose writes survive a terminal that has gone, and which calls the app's
    ``terminal_lost`` (in the event loop, once) when it sees the terminal gone."""

    #: Set to end the current watch of the terminal (each application mode has its own).
    _stop_watching: threading.Event | None = None

    def start_application_mode(self) -> None:
        super().start_application_mode()
        loop = asyncio.get_running_loop()
        told = threading.Event()

        def lost() -> None:
            handler = getattr(self._app, "terminal_lost", None)
            if handler is not None and not told.is_set():
                told.set()
                try:
                    loop.call_soon_threadsafe(handler)
                except RuntimeError:  # the event loop has ended: so has the app
                    pass

        if os.isatty(self.fileno):
            self._stop_watching = threading.Event()
            threading.Thread(target=_watch_for_hangup, args=(self.fileno, self._stop_watching, lost),
                             name="pegaso-terminal-watch", daemon=True).start()

        # Textual's thread has written the start of application mode: let it finish that, in
        # order, then write through ours
        textual_writer = self._writer_thread
        if textual_writer is not None:
            textual_writer.stop()
        self._writer_thread = _SurvivingWriter(self._file, lost)
        self._writer_thread.start()

    def stop_application_mode(self) -> None:
        # the app ends, or is suspended (Ctrl+Z): a terminal left to the shell is not lost
        if self._stop_watching is not None:
            self._stop_watching.set()
        super().stop_application_mode()
