"""The control panel opened from the menu, in two checkouts in turn: which one is faster.

The machines are noisy (the same opening moves by 100 ms from one minute to the next), so a
change is judged by alternating it with the code before it, in the same minutes::

    git worktree add /tmp/before <commit>
    ln -sfn "$PWD/bench/out" /tmp/before/bench/out        # the same cached database
    python -m bench.compare_panel /tmp/before . --rounds 6

Each round runs, in each checkout, a fresh process that opens the panel once to warm up and
then ``--openings`` times (``bench_verifica._from_menu_once``: "5" until the list and its
count show, and again in the same app); with ``--fresh`` each process opens it once, with
its imports, as on an operator's first opening of the day. It prints the medians.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

_ONE_RUN = """
import asyncio, json, sys
from datetime import date
sys.path.insert(0, {tree!r})
from bench.bench_verifica import _from_menu_once
today = date.today()
if not {fresh!r}:
    asyncio.run(_from_menu_once({path!r}, today))
print(json.dumps([asyncio.run(_from_menu_once({path!r}, today)) for _ in range({openings!r})]))
"""


def run_once(tree: Path, path: str, openings: int, fresh: bool) -> list[dict[str, float]]:
    """The openings timed in one process of ``tree``'s code."""
    code = _ONE_RUN.format(tree=str(tree), path=path, openings=1 if fresh else openings, fresh=fresh)
    done = subprocess.run([sys.executable, "-c", code], cwd=tree, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise SystemExit(f"{tree}: {done.stderr[-800:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.compare_panel", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--openings", type=int, default=3)
    parser.add_argument("--fresh", action="store_true", help="one opening per process, imports included")
    parser.add_argument("--database", help="the demo database (default: the bench's million messages)")
    args = parser.parse_args(argv)
    path = args.database
    if path is None:
        found = sorted((Path(__file__).parent / "out").glob("demo-c100000-p1000000-m1000000-*.db"))
        if not found:
            raise SystemExit("no cached database: run `python -m bench --only verifica` first")
        path = str(found[-1])
    timings: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
    for _ in range(args.rounds):
        for name in ("before", "after"):
            timings[name] += run_once(getattr(args, name).resolve(), path, args.openings, args.fresh)
    for name, runs in timings.items():
        medians = {key: round(statistics.median(r[key] for r in runs)) for key in runs[0]}
        print(f"{name} ({getattr(args, name)}, {len(runs)} openings): {medians}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
