"""Keyset pagination: pages of any query, in the order of a unique key, at the same speed at the
first row and at the millionth.

A list on screen never loads its whole query. It asks a ``KeysetPager`` for the first page,
the last page, the page after a row or the page before it; each is one indexed query with a
``LIMIT``, whatever the size of the result (``OFFSET`` would read every skipped row). The
key columns must together be unique and never NULL (e.g. ``(queued_at, id)``) and should
match an index.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Generic, Sequence, TypeVar

if TYPE_CHECKING:  # the widgets import Page without the database layer (issue 17)
    from peewee import Field, SelectQuery

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """Some rows in display order, and whether the result goes on beyond them."""

    rows: list[T]
    at_start: bool  # nothing before the first row
    at_end: bool  # nothing after the last row


class KeysetPager(Generic[T]):
    """Pages through ``query`` ordered by ``keys`` (ascending, or descending for newest first).

    ``convert`` turns a fetched row (whatever the query yields: a model, a dict, a tuple) into
    what the caller wants; ``key_of`` gives a converted row's key values (by default the
    attributes named like the key fields). ``counter``, when given, answers ``count()`` in
    place of a COUNT of the query: a cheaper way to the same number (a table of counts, a
    full-text index).
    """

    def __init__(
        self,
        query: SelectQuery,
        keys: Sequence[Field],
        *,
        descending: bool = False,
        convert: Callable[[Any], T] | None = None,
        key_of: Callable[[T], tuple] | None = None,
        counter: Callable[[], int] | None = None,
    ) -> None:
        if not keys:
            raise ValueError("a pager needs at least one key field")
        self.query = query
        self.keys = tuple(keys)
        self.descending = descending
        self.convert = convert or (lambda row: row)
        self.key_of = key_of or (lambda row: tuple(getattr(row, f.name) for f in self.keys))
        self.counter = counter

    # -- the four ways to get a page ---------------------------------------------------------

    def first(self, size: int) -> Page[T]:
        """The first ``size`` rows."""
        rows = self._fetch(None, forward=True, size=size + 1)
        return Page(rows[:size], at_start=True, at_end=len(rows) <= size)

    def last(self, size: int) -> Page[T]:
        """The last ``size`` rows (in display order)."""
        rows = self._fetch(None, forward=False, size=size + 1)
        page = rows[:size]
        page.reverse()
        return Page(page, at_start=len(rows) <= size, at_end=True)

    def after(self, key: tuple, size: int, inclusive: bool = False) -> Page[T]:
        """The ``size`` rows that follow the row with ``key`` (and that row, if inclusive)."""
        rows = self._fetch(key, forward=True, size=size + 1, inclusive=inclusive)
        return Page(rows[:size], at_start=False, at_end=len(rows) <= size)

    def before(self, key: tuple, size: int) -> Page[T]:
        """The ``size`` rows that precede the row with ``key`` (in display order)."""
        rows = self._fetch(key, forward=False, size=size + 1)
        page = rows[:size]
        page.reverse()
        return Page(page, at_start=len(rows) <= size, at_end=False)

    def around_id(self, record_id: int, size: int) -> tuple[Page[T], int] | None:
        """A page of about ``size`` rows with the record ``record_id`` in the middle, and its
        index in the page; None when the record is not in the result (another search).

        For a query over one model whose rows are its records (the registry lists).
        """
        model = self.query.model
        found = self.query.clone().where(model._meta.primary_key == record_id).limit(1)
        rows = [self.convert(row) for row in found]
        if not rows:
            return None
        key = self.key_of(rows[0])
        before = self.before(key, size // 2)
        after = self.after(key, size - len(before.rows), inclusive=True)
        page = Page(before.rows + after.rows, at_start=before.at_start, at_end=after.at_end)
        return page, len(before.rows)

    def count(self) -> int:
        """How many rows the whole query has (one COUNT; may scan on a broad filter)."""
        if self.counter is not None:
            return self.counter()
        return self.query.order_by().count()

    # -- the query behind them ----------------------------------------------------------------

    def opening(self, size: int, *, at_end: bool = False, count: bool = True) -> tuple[Page[T], int | None]:
        """What a list shows first, in one call: the first page (the last with ``at_end``)
        and the count of every row (None without ``count``)."""
        page = self.last(size) if at_end else self.first(size)
        return page, (self.count() if count else None)

    def _fetch(self, key: tuple | None, *, forward: bool, size: int, inclusive: bool = False) -> list[T]:
        ascending = forward != self.descending
        query = self.query.clone()
        if key is not None:
            query = query.where(self._beyond(key, ascending, inclusive))
        order = [f.asc() if ascending else f.desc() for f in self.keys]
        return [self.convert(row) for row in query.order_by(*order).limit(size)]

    def _beyond(self, key: tuple, ascending: bool, inclusive: bool):
        """Rows strictly after ``key`` in the given direction (lexicographic on the keys).

        Written as ``k1 >= v1 AND (k1 > v1 OR (k1 = v1 AND k2 > v2) ...)``: the leading bound
        lets SQLite and PostgreSQL start an index range scan at the key.
        """
        if len(key) != len(self.keys):
            raise ValueError("key has the wrong number of values")

        def past(field, value):
            return field > value if ascending else field < value

        def reached(field, value):
            return field >= value if ascending else field <= value

        alternatives = []
        for i, (field, value) in enumerate(zip(self.keys, key)):
            equal_before = [f == v for f, v in zip(self.keys[:i], key[:i])]
            last = i == len(self.keys) - 1
            step = reached(field, value) if (inclusive and last) else past(field, value)
            condition = step
            for eq in reversed(equal_before):
                condition = eq & condition
            alternatives.append(condition)
        combined = alternatives[0]
        for alternative in alternatives[1:]:
            combined = combined | alternative
        return reached(self.keys[0], key[0]) & combined


class LazyKeysetPager(KeysetPager[T]):
    """A KeysetPager whose query is built on first use: in the worker that fetches the first
    page, when building it asks the database something (screens make pagers on the UI
    thread, which must not wait on the database)."""

    def __init__(self, build: Callable[[], SelectQuery], keys: Sequence[Field], **options: Any) -> None:
        self._build = build
        self._built: SelectQuery | None = None
        super().__init__(None, keys, **options)  # type: ignore[arg-type]

    @property  # type: ignore[override]
    def query(self) -> SelectQuery:
        if self._built is None:
            self._built = self._build()  # two workers at once build it twice: the same query
        return self._built

    @query.setter
    def query(self, value: SelectQuery | None) -> None:
        if value is not None:
            self._built = value


class ListPager(Generic[T]):
    """The pager interface over rows already in memory (e.g. a selection being previewed),
    so the same PagedTable shows them. The key is the row's position in the list."""

    def __init__(self, rows: Sequence[T]) -> None:
        self.rows = list(rows)
        self._index = {id(row): i for i, row in enumerate(self.rows)}

    def key_of(self, row: T) -> tuple:
        return (self._index[id(row)],)

    def first(self, size: int) -> Page[T]:
        return Page(self.rows[:size], at_start=True, at_end=len(self.rows) <= size)

    def last(self, size: int) -> Page[T]:
        start = max(0, len(self.rows) - size)
        return Page(self.rows[start:], at_start=start == 0, at_end=True)

    def after(self, key: tuple, size: int, inclusive: bool = False) -> Page[T]:
        start = key[0] if inclusive else key[0] + 1
        end = start + size
        return Page(self.rows[start:end], at_start=start == 0, at_end=end >= len(self.rows))

    def before(self, key: tuple, size: int) -> Page[T]:
        end = key[0]
        start = max(0, end - size)
        return Page(self.rows[start:end], at_start=start == 0, at_end=False)

    def count(self) -> int:
        return len(self.rows)
