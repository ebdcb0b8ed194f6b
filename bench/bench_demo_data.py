"""How long the demo agency takes to generate at benchmark size (issue 2: "about a minute").

A fresh database is generated each run. When the cached benchmark database is missing, the
fresh one becomes it, so a first ``make bench`` builds it once.
"""

from __future__ import annotations

from bench import data


def run(bench) -> None:
    sizes = data.sizes(bench)
    fresh = bench.out / "generation.db"
    seconds = data.build_demo_database(fresh, **sizes)
    rows = sizes["clients"] + sizes["practices"] + sizes["messages"]
    bench.report(
        f"demo-data {sizes['clients']} clients + {sizes['practices']} practices",
        seconds, "s", target=60 if not bench.quick else 6,
        rows_per_s=int(rows / seconds),
    )
    if not data.cached_path(bench.out, **sizes).exists():
        data.adopt(bench.out, fresh, **sizes)
    else:
        for suffix in ("", "-wal", "-shm"):
            (bench.out / f"generation.db{suffix}").unlink(missing_ok=True)
