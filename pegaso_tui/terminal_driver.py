"""Textual's terminal driver, told what to do when the terminal disappears.

When the operator's SSH connection breaks or the tmux server is killed, the terminal can go
before any SIGHUP arrives, or with none at all (a process with no controlling terminal gets
none). Textual's writer thread then dies on its first write (EIO), the screen's next writes
fill its queue of 30, and the event loop blocks on the 31st for good. Nothing runs after that:
not the app's SIGHUP or SIGTERM handlers, which are event-loop callbacks, and not the sender's
orderly stop. The input thread, reading a terminal at end of file, spins at most of a core.

``HangupAwareDriver`` writes through a thread that survives a dead terminal: it drops what
follows and tells the app once, from its own thread, so the app ends as on SIGHUP.
"""

from __future__ import annotations

import asyncio
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


class HangupAwareDriver(LinuxDriver):
    """``LinuxDriver`` whose writes survive a terminal that has gone, and which then calls the
    app's ``terminal_lost`` (in the event loop) so the app can end."""

    def start_application_mode(self) -> None:
        super().start_application_mode()
        loop = asyncio.get_running_loop()

        def lost() -> None:
            handler = getattr(self._app, "terminal_lost", None)
            if handler is not None:
                loop.call_soon_threadsafe(handler)

        # Textual's thread has written the start of application mode: let it finish that, in
        # order, then write through ours
        textual_writer = self._writer_thread
        if textual_writer is not None:
            textual_writer.stop()
        self._writer_thread = _SurvivingWriter(self._file, lost)
        self._writer_thread.start()
