"""Run every ``bench/bench_*.py`` module (or those named with ``--only``).

Each module has ``run(bench: Bench) -> None`` and reports its figures with ``bench.report``.
The machines are noisy, so a figure is reported with a baseline measured in the same run
wherever the target is a ratio; results also go to ``bench/out/results.json``.

Each module runs in a fresh Python process: what one leaves behind (a heap of a million
objects, a warm page cache of another database) must not weigh on the next one's figures.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import subprocess
import sys
import time
from pathlib import Path

from bench.common import Bench, summary_lines


def discover() -> list[str]:
    folder = Path(__file__).parent
    return sorted(m.name for m in pkgutil.iter_modules([str(folder)]) if m.name.startswith("bench_"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", action="append", default=[], help="run only this module (e.g. selections)")
    parser.add_argument("--quick", action="store_true", help="smaller data, for a smoke run")
    parser.add_argument("--child-results", help=argparse.SUPPRESS)  # see the module's docstring
    args = parser.parse_args(argv)
    names = discover()
    if args.only:
        wanted = {n if n.startswith("bench_") else f"bench_{n}" for n in args.only}
        names = [n for n in names if n in wanted]
    bench = Bench(quick=args.quick)
    started = time.perf_counter()
    if args.child_results:  # one module, in this process, for the parent below
        for name in names:
            importlib.import_module(f"bench.{name}").run(bench)
        Path(args.child_results).write_text(json.dumps(bench.results, default=str))
        return 0
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
    for name in names:
        print(f"\n== {name.removeprefix('bench_')} ==", flush=True)
        child_out = bench.out / f".{name}.json"
        child_out.unlink(missing_ok=True)
        argv = [sys.executable, "-m", "bench", "--only", name, "--child-results", str(child_out)]
        done = subprocess.run(argv + (["--quick"] if args.quick else []), env=env, cwd=root)
        if done.returncode != 0 or not child_out.exists():
            bench.results.append({"name": f"{name} did not finish (exit status {done.returncode})", "ok": False})
            continue
        bench.results.extend(json.loads(child_out.read_text()))
        child_out.unlink()
    out = bench.out / "results.json"
    out.write_text(json.dumps(bench.results, indent=2, default=str))
    failed = [r for r in bench.results if r.get("ok") is False]
    print("\n== every target, its figure, its baseline from this run and the ratio ==")
    print("\n".join(summary_lines(bench.results)))
    print(f"\n{len(bench.results)} figures in {time.perf_counter() - started:.0f} s; "
          f"{len(failed)} missed (MISS); written to {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
