"""What every benchmark shares: timing, reporting, and where data is kept."""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any, Callable


class Bench:
    """The benchmark run: a place for data, timing helpers and the collected figures."""

    def __init__(self, quick: bool = False) -> None:
        self.quick = quick
        self.out = Path(__file__).parent / "out"
        self.out.mkdir(exist_ok=True)
        self.results: list[dict[str, Any]] = []

    @staticmethod
    def time_it(fn: Callable[[], Any], repeat: int = 5, warmup: int = 1) -> float:
        """The median wall time of ``fn`` in seconds, after ``warmup`` unmeasured calls."""
        for _ in range(warmup):
            fn()
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - started)
        return statistics.median(samples)

    def report(
        self,
        name: str,
        value: float,
        unit: str,
        target: float | None = None,
        lower_is_better: bool = True,
        *,
        baseline: float | None = None,
        baseline_name: str | None = None,
        ratio_target: float | None = None,
        **extra: Any,
    ) -> None:
        """Print one figure, with its baseline from the same run and the ratio to it, and
        whether it meets its target(s); keep it for results.json and the closing summary.

        ``target`` applies to ``value`` (in ``unit``); ``ratio_target`` to ``value / baseline``
        (``baseline`` in the same unit, measured in this run: what the machine could do at
        that moment). A figure that misses either is marked ``MISS``.
        """
        ratio = value / baseline if baseline else None
        checks = []
        if target is not None:
            checks.append(value <= target if lower_is_better else value >= target)
        if ratio_target is not None and ratio is not None:
            checks.append(ratio <= ratio_target if lower_is_better else ratio >= ratio_target)
        ok = all(checks) if checks else None
        relation = "<=" if lower_is_better else ">="
        parts = [f"  {name}: {value:.4g} {unit}"]
        if target is not None:
            parts.append(f"(target {relation} {target:g} {unit})")
        if baseline is not None:
            label = f" {baseline_name}" if baseline_name else ""
            parts.append(f"baseline{label} {baseline:.4g} {unit}")
        if ratio is not None:
            goal = f" (target {relation} {ratio_target:g}x)" if ratio_target is not None else ""
            parts.append(f"ratio {ratio:.2f}x{goal}")
        if ok is not None:
            parts.append("ok" if ok else "MISS")
        details = "".join(f"  {k}={v}" for k, v in extra.items())
        print("  ".join(parts) + details, flush=True)
        self.results.append(dict(
            name=name, value=value, unit=unit, target=target, ok=ok, lower_is_better=lower_is_better,
            baseline=baseline, baseline_name=baseline_name, ratio=ratio, ratio_target=ratio_target,
            **extra,
        ))


def client_fields(given) -> tuple[tuple[str, ...], tuple]:
    """For a bulk insert of clients giving the fields ``given``: every field to write (those,
    then the others) and the values of the others. peewee's defaults are Python's, not the
    table's, so rows written through ``db.bulk.insert_rows`` must carry them."""
    from pegaso_tui.db.models import Client

    others = [f for f in Client._meta.sorted_fields if f.name != "id" and f.name not in given]
    defaults = tuple(f.default() if callable(f.default) else f.default for f in others)
    return (*given, *(f.name for f in others)), defaults


def summary_lines(results: list[dict[str, Any]]) -> list[str]:
    """The closing table of ``make bench``: every figure that has a target or a baseline,
    with its value, target, baseline, ratio and verdict (``MISS`` when over target)."""
    lines = [f"{'figure':<64} {'value':>11} {'target':>11} {'baseline':>11} {'ratio':>14}  verdict"]
    for r in results:
        if r.get("target") is None and r.get("baseline") is None and r.get("ok") is not False:
            continue
        unit = r.get("unit", "")
        relation = "<=" if r.get("lower_is_better", True) else ">="

        def amount(v):
            return "" if v is None else f"{v:.4g} {unit}"

        target = "" if r.get("target") is None else f"{relation}{r['target']:g} {unit}"
        ratio = "" if r.get("ratio") is None else f"{r['ratio']:.2f}x"
        if r.get("ratio_target") is not None:
            ratio += f" ({relation}{r['ratio_target']:g})"
        verdict = {True: "ok", False: "MISS", None: ""}[r.get("ok")]
        name = r["name"] if len(r["name"]) <= 64 else r["name"][:61] + "..."
        value = "" if r.get("value") is None else amount(r["value"])
        lines.append(f"{name:<64} {value:>11} {target:>11} {amount(r.get('baseline')):>11} {ratio:>14}  {verdict}")
    return lines
