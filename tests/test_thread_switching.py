"""While the app runs, a worker reading the database gets the interpreter back within 1 ms.

A read gives the interpreter up as it steps through rows; with Python's default switch
interval (5 ms) it waited up to 5 ms each time to get it back from a busy UI thread. The
control panel's first page, 7 ms on its own, took 200-340 ms while Textual built the panel,
and was drawn a layout late (``python -m bench --only verifica`` shows the opening; the
timing is the benchmark's to tell, not a test's). The app sets the interval while it runs
and gives Python's back when it ends: the command line's sender is left as it was.
"""

from __future__ import annotations

import sys

from pegaso_tui.app import SWITCH_INTERVAL_S
from tests.apputil import make_app


async def test_the_app_hands_the_interpreter_on_every_millisecond_while_it_runs(db_url):
    before = sys.getswitchinterval()
    app = make_app(db_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert sys.getswitchinterval() == SWITCH_INTERVAL_S <= 0.001
    assert sys.getswitchinterval() == before
