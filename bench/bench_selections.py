"""Every selection of the SMS masks on the big demo database answers in under 200 ms.

Two figures for each selection (median of 9 after a warm-up; the best run is reported too):

- the answer, with the target: ``count_recipients``, the count and the sendable count that
  the mask's "Destinatari · inviabili" line shows as soon as the filters are valid;
- every row built, as ``pegaso-tui select`` prints them and the preview lists them (the mask
  builds them after the answer, for the counter's longest text). No target of its own: tens
  of thousands of rows cross the driver one value at a time, and on this machine the bare
  driver alone takes 100-220 ms for the largest.

Next to each, the baseline, timed in turns with it: the same SQL run by the bare driver, i.e.
what the database and its Python driver alone cost.
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
    """(name, selection function, filters) of every selection the issue names, with the
    masks' defaults."""
    from pegaso_tui.dates import DateRange, this_year
    from pegaso_tui.db import selections as s

    today = date.today()
    year = this_year()
    found = [(f"practices {status.value} (this year)", s.practices_to_notify,
              s.PracticeFilters(status, practice_dates=year)) for status in s.PracticeStatus]
    found += [
        ("promo, no filters", s.promo_recipients, s.PromoFilters()),
        ("promo, preferences CROC+MAR", s.promo_recipients,
         s.PromoFilters(preferences=("CROC", "MAR"))),
        ("promo, only clients with practices this year", s.promo_recipients,
         s.PromoFilters(with_practices=True, practice_dates=year)),
        ("birthdays today..+7 days", s.birthday_recipients,
         s.BirthdayFilters(DateRange(today, today + timedelta(days=7)))),
        ("birthdays 20 Dec..10 Jan (new year)", s.birthday_recipients,
         s.BirthdayFilters(DateRange(date(today.year, 12, 20), date(today.year + 1, 1, 10)))),
    ]
    return found


def _last_sql(db, call) -> tuple[str, tuple]:
    """The last SQL statement ``call()`` runs on ``db``, with its parameters."""
    seen = []
    original = db.execute_sql

    def recording(sql, params=None, *args, **kwargs):
        seen.append((sql, params))
        return original(sql, params, *args, **kwargs)

    db.execute_sql = recording
    try:
        call()
    finally:
        del db.execute_sql  # back to the class's method
    return seen[-1]


def run(bench) -> None:
    from pegaso_tui.db.connection import close_database, open_database
    from pegaso_tui.db.selections import count_recipients

    path = data.demo_database(bench)
    db = open_database(str(path))
    try:
        for name, select, filters in cases():
            def answer(filters=filters):
                return count_recipients(filters)

            def rows(select=select, filters=filters):
                return select(filters)

            for label, ours, target in (("answer (count)", answer, TARGET_MS),
                                        ("every row built", rows, None)):
                sql, params = _last_sql(db, ours)
                result = ours()
                samples, bare = _alternate(ours, lambda: db.execute_sql(sql, params).fetchall())
                seconds, baseline = statistics.median(samples), statistics.median(bare)
                bench.report(f"select {name}: {label}", seconds * 1000, "ms", target=target,
                             baseline=baseline * 1000, baseline_name="(same SQL, bare driver)",
                             rows=result.count, best_ms=round(min(samples) * 1000, 1))
    finally:
        close_database()
