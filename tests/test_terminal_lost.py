"""The operator's terminal disappears under the app (the SSH connection breaks, the tmux server
is killed) with no signal to say so: the app ends by itself, as on SIGHUP, with its sender's
work recorded. It used to hang for good: Textual's writer thread died on the first write to the
dead terminal, the screen's next writes filled its queue, and the event loop blocked on it, so
that not even SIGTERM could end the app; its input thread spun at 80% of a core meanwhile."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import time

import pytest

from pegaso_tui.db.models import SENDING
from tests.outboxutil import wait_until
from tests.test_outbox_processes import _queue, _statuses, app_in_a_terminal


def _drain(master: int, seconds: float) -> bytes:
    """What the app writes to its terminal for ``seconds``, read as a terminal would."""
    seen = b""
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        if select.select([master], [], [], 0.05)[0]:
            try:
                seen += os.read(master, 65536)
            except OSError:
                break
    return seen


@pytest.mark.slow
@pytest.mark.parametrize("drawing", [True, False], ids=["drawing", "idle-menu"])
def test_the_app_ends_by_itself_when_its_terminal_is_gone(tmp_path, sandbox, drawing):
    """Drawing (a blinking cursor), its next write fails; idle on the menu, it writes nothing,
    and used to spin at 80% of a core, for good, unaware."""
    server = sandbox(accept_delay_ms=300, deliver_after_ms=20)
    db_url = str(tmp_path / "app.db")
    _queue(db_url, 60)
    app, master = app_in_a_terminal(tmp_path, server, db_url)  # closing it sends no SIGHUP
    try:
        assert wait_until(lambda: server.state.accepted >= 4, timeout=60), "the app did not send"
        if drawing:
            os.write(master, b"6")  # Clienti: its search field's cursor blinks
        _drain(master, 1.0)
        os.close(master)  # the terminal is gone
        master = None
        started = time.monotonic()
        while app.poll() is None and time.monotonic() - started < 30:
            time.sleep(0.1)
        took = time.monotonic() - started
    finally:
        if app.poll() is None:
            app.send_signal(signal.SIGTERM)
            try:
                app.wait(5)
            except subprocess.TimeoutExpired:
                app.kill()  # what the old app needed
                app.wait()
        if master is not None:
            os.close(master)
    assert took < 15, f"the app was still running {took:.0f} s after its terminal went"
    assert app.returncode == 129  # as on SIGHUP
    assert _statuses(db_url).get(SENDING, 0) == 0
