"""The home screen is ready within 1.5x the time of a bare Textual app (issue 2).

Both run as fresh processes (``bench/startup_probe.py``), alternately so that a busy moment
of the machine hurts both alike, and exit as soon as their first frame is displayed. Pegaso
opens the big demo database as ``pegaso-tui --db`` would. The figure is the ratio of the
medians; the medians themselves are reported next to it.
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

RUNS = 15
TARGET_RATIO = 1.5


def _time(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{done.stderr[-2000:]}")
    return elapsed


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
    bare_s, pegaso_s = statistics.median(bare_times), statistics.median(pegaso_times)
    bench.report("home screen ready / bare Textual app", pegaso_s / bare_s, "x",
                 target=TARGET_RATIO, pegaso_ms=round(pegaso_s * 1000),
                 bare_ms=round(bare_s * 1000), runs=RUNS)
