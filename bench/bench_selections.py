"""Every selection of the SMS masks on the big demo database answers in under 200 ms.

Each selection is timed as ``pegaso-tui select`` runs it: the query and every row built
(median of 9 after a warm-up; the best run is reported too). Next to it, the baseline, timed in
turns with it: the same SQL with its rows fetched by the bare driver, i.e. what the database and
its Python driver alone cost.
"""

from __future__ import annotations

import statistics
import time
from datetime import date, timedelta

from bench import data

TARGET_MS = 200
REPEAT = 9


def _timed(fn) -> float:
    """Wall time of one call. The answer is kept until the clock has stopped: freeing 80,000
    rows is the caller's business when it lets them go, not part of answering."""
    started = time.perf_counter()
    answer = fn()
    elapsed = time.perf_counter() - started
    del answer
    return elapsed


def _alternate(ours, bare) -> tuple[list[float], list[float]]:
    """``REPEAT`` timings of each after a warm-up, taken in turns, so that a busy moment of
    the (shared) machine weighs on both alike."""
    ours()
    bare()
    ours_s, bare_s = [], []
    for _ in range(REPEAT):
        ours_s.append(_timed(ours))
        bare_s.append(_timed(bare))
    return ours_s, bare_s


def cases():
    """(name, function) of every selection the issue names, with the masks' defaults."""
    from pegaso_tui.dates import DateRange, this_year
    from pegaso_tui.db import selections as s

    today = date.today()
    year = this_year()
    found = []
    for status in s.PracticeStatus:
        found.append((f"practices {status.value} (this year)",
                      lambda status=status: s.practices_to_notify(
                          s.PracticeFilters(status, practice_dates=year))))
    found += [
        ("promo, no filters", lambda: s.promo_recipients(s.PromoFilters())),
        ("promo, preferences CROC+MAR", lambda: s.promo_recipients(
            s.PromoFilters(preferences=("CROC", "MAR")))),
        ("promo, only clients with practices this year", lambda: s.promo_recipients(
            s.PromoFilters(with_practices=True, practice_dates=year))),
        ("birthdays today..+7 days", lambda: s.birthday_recipients(
            s.BirthdayFilters(DateRange(today, today + timedelta(days=7))))),
        ("birthdays 20 Dec..10 Jan (new year)", lambda: s.birthday_recipients(
            s.BirthdayFilters(DateRange(date(today.year, 12, 20), date(today.year + 1, 1, 10))))),
    ]
    return found


def run(bench) -> None:
    from pegaso_tui.db import selections
    from pegaso_tui.db.connection import close_database, open_database

    path = data.demo_database(bench)
    db = open_database(str(path))
    captured = []
    original = selections._execute

    def capture(query):
        captured.append(query.sql())
        return original(query)

    try:
        for name, selection in cases():
            selections._execute = capture
            result = selection()
            selections._execute = original
            sql, params = captured.pop()
            samples, bare = _alternate(selection, lambda: db.execute_sql(sql, params).fetchall())
            seconds, baseline = statistics.median(samples), statistics.median(bare)
            bench.report(f"select {name}", seconds * 1000, "ms", target=TARGET_MS,
                         rows=result.count, best_ms=round(min(samples) * 1000, 1),
                         baseline_sql_ms=round(baseline * 1000, 1),
                         vs_baseline=round(seconds / baseline, 2))
    finally:
        selections._execute = original
        close_database()
