"""The home screen is ready, and its agenda on screen, within 1.5x the time of a bare Textual
app to be ready (issues 2 and 17).

Both run as fresh processes (``bench/startup_probe.py``), alternately so that a busy moment
of the machine hurts both alike, and exit as soon as their first frame is displayed. Pegaso
opens the big demo database as ``pegaso-tui --db`` would. "Ready" is the time from starting
the process to its first frame (the probe prints the moment); the target is the ratio of the
medians. The time until each process has ended is reported too.
"""

from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import data

RUNS = 25  # start-up times on this machine vary by a third from run to run
TARGET_RATIO = 1.5


def _time(argv: list[str], env: dict[str, str]) -> tuple[float, float, float | None, float | None]:
    """(seconds until the first frame, until the process ended, until the database was open,
    until the agenda's first page was on screen — None for the bare app)."""
    started_wall = time.time()
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
    elapsed = time.perf_counter() - started
    if done.returncode != 0 or "Traceback" in done.stderr or "Error" in done.stderr:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{done.stderr[-2000:]}")
    ready_lines = [line for line in done.stdout.splitlines() if line.startswith("ready ")]
    if not ready_lines:
        raise RuntimeError(f"{' '.join(argv)} never said it was ready:\n{done.stdout[-2000:]}")
    opened = [line for line in done.stdout.splitlines() if line.startswith("database ")]
    open_s = float(opened[-1].split()[1]) - started_wall if opened else None
    agenda = [line for line in done.stdout.splitlines() if line.startswith("agenda ")]
    agenda_s = float(agenda[-1].split()[1]) - started_wall if agenda else None
    return float(ready_lines[-1].split()[1]) - started_wall, elapsed, open_s, agenda_s


def run(bench) -> None:
    database = data.demo_database(bench)
    root = Path(__file__).resolve().parent.parent
    # the app as installed: with its byte-code written (as `make install` and pip do), not
    # compiled again at every start where PYTHONDONTWRITEBYTECODE is set
    compileall.compile_dir(str(root / "pegaso_tui"), quiet=1)
    with tempfile.TemporaryDirectory() as home:
        env = {
            **os.environ,
            "HOME": home,
            "XDG_CONFIG_HOME": f"{home}/.config",
            "XDG_DATA_HOME": f"{home}/.local/share",
            "PEGASO_CONFIG": f"{home}/config.toml",
            # an operator of the demo data with recontacts due: the agenda shows rows, as a
            # user's does (an operator with none showed only "Nessun ricontatto per oggi")
            "PEGASO_OPERATOR": "mario",
            "PYTHONPATH": str(root),
        }
        env.pop("PEGASO_DB", None)
        # a settings file named but absent is refused (one line, exit status 1): an empty one
        Path(env["PEGASO_CONFIG"]).write_text("", encoding="utf-8")
        bare = [sys.executable, "-m", "bench.startup_probe", "bare"]
        pegaso = [sys.executable, "-m", "bench.startup_probe", "pegaso", str(database)]
        _time(bare, env)  # warm the OS caches for both before measuring
        _time(pegaso, env)
        quiet = {**env, "PEGASO_PROBE_NO_SENDER": "1"}
        bare_times, pegaso_times, quiet_times = [], [], []
        for _ in range(RUNS):
            bare_times.append(_time(bare, env))
            pegaso_times.append(_time(pegaso, env))
            quiet_times.append(_time(pegaso, quiet))
    bare_ready = statistics.median(t[0] for t in bare_times)
    pegaso_ready = statistics.median(t[0] for t in pegaso_times)
    base = dict(baseline=bare_ready * 1000, baseline_name="(bare Textual app ready)")
    bench.report("home screen ready (first frame)", pegaso_ready * 1000, "ms",
                 ratio_target=TARGET_RATIO, runs=RUNS, **base)
    pegaso_open = statistics.median(t[2] for t in pegaso_times)
    bench.report("database open behind the menu", pegaso_open * 1000, "ms", **base)
    agenda = statistics.median(t[3] for t in pegaso_times)
    bench.report("home agenda on screen", agenda * 1000, "ms", ratio_target=TARGET_RATIO, **base)
    quiet_agenda = statistics.median(t[3] for t in quiet_times)
    # the same without the outbox sender: what its start costs the agenda (issue 17, item 2)
    bench.report("home agenda on screen, sender not started", quiet_agenda * 1000, "ms", **base)
    bare_end = statistics.median(t[1] for t in bare_times)
    pegaso_end = statistics.median(t[1] for t in pegaso_times)
    bench.report("whole process (start, agenda, exit)", pegaso_end * 1000, "ms",
                 baseline=bare_end * 1000, baseline_name="(bare app: start, first frame, exit)")
