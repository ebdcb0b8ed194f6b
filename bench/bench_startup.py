"""The home screen is ready within 1.5x the time of a bare Textual app (issue 2).

Both run as fresh processes (``bench/startup_probe.py``), alternately so that a busy moment
of the machine hurts both alike, and exit as soon as their first frame is displayed. Pegaso
opens the big demo database as ``pegaso-tui --db`` would. "Ready" is the time from starting
the process to its first frame (the probe prints the moment); the target is the ratio of the
medians. The time until each process has ended is reported too.
"""

from __future__ import annotations

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


def _time(argv: list[str], env: dict[str, str]) -> tuple[float, float, float | None]:
    """(seconds until the first frame, until the process ended, until the database was open
    — None for the bare app)."""
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
    return float(ready_lines[-1].split()[1]) - started_wall, elapsed, open_s


def run(bench) -> None:
    database = data.demo_database(bench)
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as home:
        env = {
            **os.environ,
            "HOME": home,
            "XDG_CONFIG_HOME": f"{home}/.config",
            "XDG_DATA_HOME": f"{home}/.local/share",
            "PEGASO_CONFIG": f"{home}/config.toml",
            "PEGASO_OPERATOR": "bench",
            "PYTHONPATH": str(root),
        }
        env.pop("PEGASO_DB", None)
        bare = [sys.executable, "-m", "bench.startup_probe", "bare"]
        pegaso = [sys.executable, "-m", "bench.startup_probe", "pegaso", str(database)]
        _time(bare, env)  # warm the OS caches for both before measuring
        _time(pegaso, env)
        bare_times, pegaso_times = [], []
        for _ in range(RUNS):
            bare_times.append(_time(bare, env))
            pegaso_times.append(_time(pegaso, env))
    bare_ready = statistics.median(t[0] for t in bare_times)
    pegaso_ready = statistics.median(t[0] for t in pegaso_times)
    bench.report("home screen ready / bare Textual app", pegaso_ready / bare_ready, "x",
                 target=TARGET_RATIO, pegaso_ms=round(pegaso_ready * 1000),
                 bare_ms=round(bare_ready * 1000), runs=RUNS)
    pegaso_open = statistics.median(t[2] for t in pegaso_times)
    bench.report("database open behind the menu / bare app ready", pegaso_open / bare_ready, "x",
                 pegaso_ms=round(pegaso_open * 1000), bare_ms=round(bare_ready * 1000))
    bare_end = statistics.median(t[1] for t in bare_times)
    pegaso_end = statistics.median(t[1] for t in pegaso_times)
    bench.report("whole process (start, first frame, exit) / bare", pegaso_end / bare_end, "x",
                 pegaso_ms=round(pegaso_end * 1000), bare_ms=round(bare_end * 1000))
