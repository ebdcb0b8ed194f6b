"""Issue 17: memory that ``top`` reports honestly, and what SQLite's memory map buys.

``mmap_size`` (``db/connection.MMAP_BYTES``) maps the database file into the process: the
pages a query touches are then counted in the process's resident memory (RSS) although they
are the OS page cache, shared and given back under pressure. A user reading RSS in ``top``
sees a gigabyte. The same work is run in a fresh process with the map (as the app had it) and
without it (``MMAP_BYTES = 0``: pages are copied into SQLite's own 32 MB cache instead):

- the control panel on 1,000,000 messages: opened from the menu, the whole history listed,
  End and Home; the whole process's peak RSS (``VmHWM``, what ``/usr/bin/time -v`` calls
  maximum resident set size), and at the end its private memory (``RssAnon``) and the file
  pages mapped (``RssFile``);
- every selection of the SMS masks on the big demo database (the count the mask shows first),
  whose speed is what the map was for: the time of all nine, each the median of five.

The figure with the target is the app's own setting; the other is its baseline.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.data import demo_database

PROBE = r"""
import asyncio, json, statistics, sys, time
from dataclasses import replace
from datetime import date

import pegaso_tui.db.connection as connection
connection.MMAP_BYTES = int(sys.argv[2])

def status():
    out = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS", "RssAnon", "RssFile"):
                out[key] = int(value.split()[0]) / 1024
    return out

async def panel(path):
    from pegaso_tui.app import PegasoApp
    from pegaso_tui.config import Settings
    from pegaso_tui.services import AppServices
    from pegaso_tui.widgets.message_list import MessageList

    connection.open_database(path)
    services = AppServices(settings=replace(Settings(), database=path), database_url=path,
                           operator_username="bench")
    app = PegasoApp(services)
    async with app.run_test(size=(120, 40)) as pilot:
        async def idle():
            for _ in range(3000):
                if not any(w.is_running for w in app.workers):
                    break
                await asyncio.sleep(0.01)
            await pilot.pause()
        await idle()
        await pilot.press("5")
        while not app.screen.query(MessageList):
            await asyncio.sleep(0.01)
        await idle()
        app.screen.query_one("#sent-from").value = "01-01-2000"
        await idle()
        app.screen.query_one(MessageList).table.table.focus()
        for key in ("end", "home", "end"):
            await pilot.press(key)
            await idle()

def selections():
    from bench.bench_selections import cases
    from pegaso_tui.db.selections import count_recipients
    total = 0.0
    for _, _, filters in cases():
        count_recipients(filters)
        samples = []
        for _ in range(5):
            started = time.perf_counter()
            count_recipients(filters)
            samples.append(time.perf_counter() - started)
        total += statistics.median(samples)
    return total

path, what = sys.argv[1], sys.argv[3]
if what == "panel":
    asyncio.run(panel(path))
    print(json.dumps(status()))
else:
    connection.open_database(path)
    seconds = selections()
    print(json.dumps({**status(), "seconds": seconds}))
"""

MAPPED = 1 << 30


def _probe(path: str, mmap_bytes: int, what: str) -> dict:
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run([sys.executable, "-c", PROBE, path, str(mmap_bytes), what], env=env,
                          capture_output=True, text=True, timeout=600, cwd=root)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(bench) -> None:
    from pegaso_tui.db.connection import MMAP_BYTES

    messages = 100_000 if bench.quick else 1_000_000
    panel_db = str(demo_database(bench, messages=messages))
    big_db = str(demo_database(bench))
    setting = f"mmap {MMAP_BYTES >> 20} MB (the app's)"
    other = MAPPED if MMAP_BYTES == 0 else 0
    other_name = f"(mmap {other >> 20} MB)"
    for what, path in (("panel", panel_db), ("selections", big_db)):
        _probe(path, MMAP_BYTES, what)  # warm the OS page cache for both
        ours = _probe(path, MMAP_BYTES, what)
        theirs = _probe(path, other, what)
        label = f"control panel on {messages:,} messages" if what == "panel" else "the nine selections"
        bench.report(f"{label}, {setting}: peak RSS (VmHWM)", ours["VmHWM"], "MB",
                     baseline=theirs["VmHWM"], baseline_name=other_name,
                     private_mb=round(ours["RssAnon"]), file_mapped_mb=round(ours["RssFile"]),
                     baseline_private_mb=round(theirs["RssAnon"]),
                     baseline_file_mapped_mb=round(theirs["RssFile"]))
        if what == "selections":
            bench.report(f"the nine selections' answers, {setting}: total time", ours["seconds"] * 1000,
                         "ms", baseline=theirs["seconds"] * 1000, baseline_name=other_name)
