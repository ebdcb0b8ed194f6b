"""Run every ``bench/bench_*.py`` module (or those named with ``--only``).

Each module has ``run(bench: Bench) -> None`` and reports its figures with ``bench.report``.
The machines are noisy, so a figure is reported with a baseline measured in the same run
wherever the target is a ratio; results also go to ``bench/out/results.json``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
import time
from pathlib import Path

from bench.common import Bench


def discover() -> list[str]:
    folder = Path(__file__).parent
    return sorted(m.name for m in pkgutil.iter_modules([str(folder)]) if m.name.startswith("bench_"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", action="append", default=[], help="run only this module (e.g. selections)")
    parser.add_argument("--quick", action="store_true", help="smaller data, for a smoke run")
    args = parser.parse_args(argv)
    names = discover()
    if args.only:
        wanted = {n if n.startswith("bench_") else f"bench_{n}" for n in args.only}
        names = [n for n in names if n in wanted]
    bench = Bench(quick=args.quick)
    started = time.perf_counter()
    for name in names:
        print(f"\n== {name.removeprefix('bench_')} ==", flush=True)
        importlib.import_module(f"bench.{name}").run(bench)
    out = bench.out / "results.json"
    out.write_text(json.dumps(bench.results, indent=2, default=str))
    failed = [r for r in bench.results if r.get("ok") is False]
    print(f"\n{len(bench.results)} figures in {time.perf_counter() - started:.0f} s; "
          f"{len(failed)} over target; written to {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
