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
        **extra: Any,
    ) -> None:
        """Print one figure (and whether it meets its target) and keep it for results.json."""
        ok = None
        if target is not None:
            ok = value <= target if lower_is_better else value >= target
        mark = "" if ok is None else ("  ok" if ok else "  OVER TARGET")
        goal = "" if target is None else f"  (target {'<=' if lower_is_better else '>='} {target:g} {unit})"
        details = "".join(f"  {k}={v}" for k, v in extra.items())
        print(f"  {name}: {value:.4g} {unit}{goal}{mark}{details}", flush=True)
        self.results.append(dict(name=name, value=value, unit=unit, target=target, ok=ok, **extra))
