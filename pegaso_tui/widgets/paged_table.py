"""A table over a query of any size, paged from the database.

A DataTable holding every row of a large result takes seconds to appear (~19 s for 100,000
rows here). ``PagedTable`` holds only a window of rows (at most ``max_rows``) and fetches
the next or previous page by keyset (``pegaso_tui.db.paging.KeysetPager``) as the cursor
nears an edge, in a thread worker. ``Home``/``End`` jump to the first/last page of the whole
result with one indexed query each, so a list of a million rows opens and reaches its end at
once. The status line under the table says where the cursor is ("riga 12 di 1.000.000").

Use::

    table = PagedTable([Column("Cliente", lambda r: r.code, width=8), ...], id="clients")
    table.show(clients_pager(search_text))   # a KeysetPager from a domain function
    table.reload()                            # re-read the rows on screen (live updates)

It posts ``PagedTable.Highlighted`` (the row under the cursor, or None) and
``PagedTable.Selected`` (Enter on a row).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Generic, TypeVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable, Static

from pegaso_tui.db.paging import KeysetPager, Page
from pegaso_tui.numbers import thousands
from pegaso_tui.widgets.db_work import DbWorkMixin, ReadAhead
from pegaso_tui.widgets.plain import plain_text
from pegaso_tui.widgets.table_cells import one_line_cell

T = TypeVar("T")


@dataclass(frozen=True)
class Column(Generic[T]):
    """A column: its heading and how to show a row's cell."""

    label: str
    render: Callable[[T], str | Text]
    width: int | None = None
    #: the value to export (defaults to the rendered text)
    value: Callable[[T], Any] | None = None

    def export_value(self, row: T) -> Any:
        """The cell's value for a CSV/XLSX export of the list."""
        if self.value is not None:
            return self.value(row)
        cell = self.render(row)
        return cell.plain if isinstance(cell, Text) else cell


class _WindowTable(DataTable):
    """The DataTable inside: its cursor keys reach beyond the rows it holds."""

    BINDINGS = [
        Binding("home,ctrl+home", "first_row", "Inizio", show=False),
        Binding("end,ctrl+end", "last_row", "Fine", show=False),
    ]

    def __init__(self, owner: "PagedTable[Any]") -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, id="paged-table-rows")
        self._owner = owner

    def _update_dimensions(self, new_rows) -> None:
        # DataTable measures every cell of every new row, to widen the columns sized by
        # their content. A list whose columns all have a fixed width has nothing to widen,
        # and its rows are one line each: measuring 800 cells of a 100-row page only cost
        # the first frame time.
        if not any(column.auto_width for column in self.columns.values()):
            new_rows = ()
        super()._update_dimensions(new_rows)

    def _render_cell(self, row_index: int, column_index: int, base_style: Style, width: int,
                     cursor: bool = False, hover: bool = False):
        # A cell of one line of text is drawn by ``one_line_cell`` (the same segments, a
        # tenth of the time); the heading, and any other cell, the DataTable's own way. The
        # cache and its key are the DataTable's, so either way fills and reads the same one.
        if row_index < 0 or column_index < 0:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        cache_key = (row_key, self._column_locations.get_key(column_index), base_style, cursor, hover,
                     self._show_hover_cursor, self._update_count, self._pseudo_class_state)
        lines = self._cell_render_cache.get(cache_key)
        if lines is not None:
            return lines
        row = self.rows[row_key]
        if row.height == 1 and not row.auto_height:
            cell = self._get_row_renderables(row_index).cells[column_index]
            fixed = row_index < self.fixed_rows or column_index < self.fixed_columns
            component_style, post_style = self._get_styles_to_render_cell(
                False, False, fixed, hover, cursor, self.show_cursor, self._show_hover_cursor,
                self.cursor_foreground_priority == "css", self.cursor_background_priority == "css")
            pre_style = base_style + Style.from_meta({"row": row_index, "column": column_index}) + component_style
            lines = one_line_cell(self.app.console, cell, width, self.cell_padding, pre_style, post_style,
                                  self.app.console_options)
            if lines is not None:
                self._cell_render_cache[cache_key] = lines
                return lines
        return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)

    def settle(self) -> None:
        """Size the rows just added now rather than when idle: the cursor's scroll then lands
        before the first paint, which otherwise draws the top rows of a list that opens on
        its last one, to throw them away a frame later."""
        if self._require_update_dimensions:
            self._require_update_dimensions = False
            new_rows = self._new_rows.copy()
            self._new_rows.clear()
            self._update_dimensions(new_rows)

    def on_resize(self, event) -> None:
        # The panes around may take lines from the list once its rows are in (the detail of
        # the highlighted SMS wraps onto a second line, a horizontal scrollbar comes): at
        # 80x24 the list is five rows high, and the row under the cursor, the one the detail
        # describes, went out of sight. It is scrolled back into view.
        if self.row_count:
            self.call_after_refresh(lambda: self.move_cursor(row=self.cursor_row, animate=False))

    def action_cursor_down(self) -> None:
        if self.cursor_row >= self.row_count - 1 and not self._owner.at_end:
            self._owner.load_after(move=1)
            return
        super().action_cursor_down()

    def action_cursor_up(self) -> None:
        if self.cursor_row <= 0 and not self._owner.at_start:
            self._owner.load_before(move=-1)
            return
        super().action_cursor_up()

    def action_page_down(self) -> None:
        page = max(1, self.scrollable_content_region.height - 1)
        if self.cursor_row + page >= self.row_count and not self._owner.at_end:
            self._owner.load_after(move=page)
            return
        super().action_page_down()

    def action_page_up(self) -> None:
        page = max(1, self.scrollable_content_region.height - 1)
        if self.cursor_row - page < 0 and not self._owner.at_start:
            self._owner.load_before(move=-page)
            return
        super().action_page_up()

    def on_mouse_scroll_down(self) -> None:
        self.call_after_refresh(self._owner.check_scroll_edges)

    def on_mouse_scroll_up(self) -> None:
        self.call_after_refresh(self._owner.check_scroll_edges)

    def action_first_row(self) -> None:
        self._owner.go_first()

    def action_last_row(self) -> None:
        self._owner.go_last()


class PagedTable(DbWorkMixin, Widget, Generic[T]):
    """A keyboard-first list of any length, fed page by page from the database."""

    DEFAULT_CSS = """
    PagedTable {
        height: 1fr;
    }
    PagedTable > DataTable {
        height: 1fr;
    }
    PagedTable > #paged-table-status {
        height: 1;
        color: $text-muted;
        padding: 0 1;
    }
    """

    class Highlighted(Message):
        """The cursor is on ``row`` (None when the list is empty)."""

        def __init__(self, table: "PagedTable[Any]", row: Any | None) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> "PagedTable[Any]":
            return self.table

    class Selected(Message):
        """Enter was pressed on ``row``."""

        def __init__(self, table: "PagedTable[Any]", row: Any) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> "PagedTable[Any]":
            return self.table

    def __init__(
        self,
        columns: list[Column[T]],
        *,
        page_size: int = 100,
        max_rows: int = 1000,
        empty_text: str = "Nessun elemento",
        id: str | None = None,
        classes: str | None = None,
        page: Page[T] | None = None,
        key_of: Callable[[T], tuple] | None = None,
        total: int | None = None,
    ) -> None:
        """``page`` (with its rows' ``key_of`` and the ``total``): a first page read elsewhere,
        shown from the first frame until ``attach`` gives the pager it came from."""
        super().__init__(id=id, classes=classes)
        self.columns = columns
        self.page_size = page_size
        self.max_rows = max(max_rows, 3 * page_size)
        self.empty_text = empty_text
        self.pager: KeysetPager[T] | None = None
        self.rows: list[T] = []
        self.at_start = True
        self.at_end = True
        self.total: int | None = None
        self._offset: int | None = 0  # absolute index of rows[0], when known
        self._loading = False
        self._pending_move = 0  # cursor moves typed while a page was being fetched
        #: a new result is coming (``expect_result``), not yet asked for with ``show``
        self._result_due = False
        #: Enter typed while the result on screen was about to be replaced: for the new one
        self._select_pending = False
        self._generation = 0  # bumped by show(): answers for an older pager are dropped
        self._count_timer = None  # a count waiting for the typing to pause
        self._first_page = page
        self._page_key_of = key_of  # the rows' keys while there is no pager
        self._first_total = total

    # -- composing ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield _WindowTable(self)
        yield Static("", id="paged-table-status")

    def on_mount(self) -> None:
        table = self.query_one_optional(_WindowTable)
        if table is None:
            # removed while it was being mounted (its screen closed, the app quit): Textual
            # then mounts none of its children, and there is nothing to set up
            return
        self._column_keys = [table.add_column(column.label, width=column.width) for column in self.columns]
        if self._first_page is not None:
            page, self._first_page = self._first_page, None
            self.total = self._first_total
            self._replace(page, cursor=0, offset=0)
        self._show_status()

    #: a page is on screen (its rows, or the empty text): from a pager, or given at the start
    has_page = False

    @property
    def table(self) -> DataTable:
        return self.query_one(_WindowTable)

    # -- what the owner calls -----------------------------------------------------------------

    def show(
        self,
        pager: KeysetPager[T],
        *,
        at_end: bool = False,
        count: bool = True,
        count_after: float = 0.0,
        ahead: ReadAhead[tuple[Page[T], int | None]] | None = None,
    ) -> None:
        """Show a new result (the first page, or the last with ``at_end``).

        ``count_after`` (seconds) counts the whole result only once no newer ``show`` came in
        that time: a search typed quickly asks for the first page at every keystroke and for
        the count (which reads every match) once the typing pauses.

        ``ahead``: the same page and count, already being read (``pager.opening`` of
        ``page_size`` rows, started as the screen was created): shown at once when it is over.
        """
        self.pager = pager
        self._generation += 1
        self._pending_move = 0
        self._result_due = False
        self.total = None
        generation = self._generation
        if at_end:
            fetch = lambda: pager.last(self.page_size)  # noqa: E731
            apply = lambda page: self._replace(page, cursor=-1, offset=None)  # noqa: E731
        else:
            fetch = lambda: pager.first(self.page_size)  # noqa: E731
            apply = lambda page: self._replace(page, cursor=0, offset=0)  # noqa: E731
        if self._count_timer is not None:
            self._count_timer.stop()
            self._count_timer = None
        if ahead is not None:
            self._take_ahead(ahead, pager, fetch, apply, generation)
            return
        self._fetch(fetch, apply, generation)
        if count and count_after > 0:
            self._count_timer = self.set_timer(count_after, lambda: self._count(pager, generation))
        elif count:
            self._count(pager, generation)

    def attach(self, pager: KeysetPager[T]) -> None:
        """The pager of the page given to the constructor: its rows are read again (the
        cursor stays on its row) and the list scrolls and counts from then on."""
        self.pager = pager
        self._page_key_of = None
        self.reload()

    def _take_ahead(self, ahead, pager, fetch, apply, generation: int) -> None:
        self._loading = True

        def done(opening: tuple[Page[T], int | None]) -> None:
            if generation != self._generation:
                return  # a newer result is being shown
            self._loading = False
            page, total = opening
            self.total = total
            apply(page)
            if total is None:
                self._count(pager, generation)
            self._keys_typed_meanwhile()

        def failed(exc: BaseException) -> None:
            # read again the usual way, which tells the user what went wrong
            if generation == self._generation:
                self._fetch(fetch, apply, generation)
                self._count(pager, generation)

        if not ahead.take(done, failed):
            self._show_status()  # "caricamento…" until it comes

    def _count(self, pager: KeysetPager[T], generation: int) -> None:
        self._count_timer = None
        if generation == self._generation:
            self.run_db(pager.count, done=lambda n: self._counted(n, generation), group=f"{self._group}-count")

    def show_record(self, record_id: int) -> None:
        """The cursor on the record ``record_id`` (one just saved), wherever it falls in the
        result; the first page when the search does not find it."""
        pager = self.pager
        if pager is None or not hasattr(pager, "around_id"):
            self.reload()
            return
        self._generation += 1
        generation = self._generation
        size = self.page_size

        def placed(found) -> None:
            if found is None:
                self.show(pager)
                return
            page, index = found
            self._replace(page, cursor=index, offset=0 if page.at_start else None)
            self._count(pager, generation)

        self._fetch(lambda: pager.around_id(record_id, size), placed, generation)

    def reload(self) -> None:
        """Read again the rows on screen (after a change), keeping the cursor on its row.

        Only the rows in view are read again, and only the cells that changed are redrawn, so a
        list that follows live changes (the control panel's dots) costs little however many
        rows it holds. New rows after the last one appear when the list is at its end; rows
        that came or went elsewhere make it read the window again.
        """
        pager = self.pager
        if pager is None:
            return
        generation = self._generation
        if not self.rows:
            self._fetch(lambda: pager.first(self.page_size), lambda page: self._replace(page, cursor=0, offset=0), generation)
            self._count(pager, generation)
            return
        table = self.table
        start = max(0, int(table.scroll_y) - 5)
        end = min(len(self.rows), start + max(table.size.height, 10) + 10)
        grow = self.page_size if (end == len(self.rows) and self.at_end) else 0
        size = end - start + grow
        if start == 0 and self.at_start:
            fetch = lambda: pager.first(size)  # noqa: E731 (rows may have arrived at the top)
        else:
            first_key = pager.key_of(self.rows[start])
            fetch = lambda: pager.after(first_key, size, inclusive=True)  # noqa: E731
        self._fetch(fetch, lambda page: self._refresh_slice(page, start, end), generation)
        self._count(pager, generation)

    def _refresh_slice(self, page: Page[T], start: int, end: int) -> None:
        """Apply a re-read of rows[start:end] (and of what follows, when it grew)."""
        old = self.rows[start:end]
        new = page.rows
        keys_old = [self._row_key(r) for r in old]
        keys_new = [self._row_key(r) for r in new[: len(old)]]
        if keys_old != keys_new or len(self.rows) < end:
            self._reload_window()
            return
        table = self.table
        for index, (before, after) in enumerate(zip(old, new[: len(old)])):
            cells_before, cells_after = self._cells(before), self._cells(after)
            if cells_before != cells_after:
                key = keys_old[index]
                for column_key, was, now in zip(self._column_keys, cells_before, cells_after):
                    if was != now:
                        table.update_cell(key, column_key, now)
            self.rows[start + index] = after
        extra = new[len(old):]
        if end == len(self.rows) and extra:
            self.rows.extend(extra)
            self._add_rows(extra)
            self.at_end = page.at_end
        self._announce()

    def _reload_window(self) -> None:
        """Read the whole window again (rows came or went), keeping the cursor's row."""
        pager = self.pager
        if pager is None:
            return
        cursor_key = self._cursor_key()
        size = max(len(self.rows), self.page_size)
        if self.at_start or not self.rows:
            fetch = lambda: pager.first(size)  # noqa: E731
            offset: int | None = 0
        else:
            first_key = pager.key_of(self.rows[0])
            fetch = lambda: pager.after(first_key, size, inclusive=True)  # noqa: E731
            offset = self._offset
        self._fetch(fetch, lambda page: self._replace(page, cursor_key=cursor_key, offset=offset), self._generation)

    @property
    def loading_rows(self) -> bool:
        """True while a page is being fetched."""
        return self._loading

    @property
    def current_row(self) -> T | None:
        """The row under the cursor."""
        index = self.table.cursor_row
        if 0 <= index < len(self.rows):
            return self.rows[index]
        return None

    def go_first(self) -> None:
        """Home: the first row of the whole result."""
        if self.at_start:
            self.table.move_cursor(row=0)
        elif self.pager is not None:
            pager = self.pager
            self._fetch(lambda: pager.first(self.page_size), lambda page: self._replace(page, cursor=0, offset=0), self._generation)

    def go_last(self) -> None:
        """End: the last row of the whole result."""
        if self.at_end:
            self.table.move_cursor(row=max(0, len(self.rows) - 1))
        elif self.pager is not None:
            pager = self.pager
            offset = None if self.total is None else max(0, self.total - self.page_size)
            self._fetch(lambda: pager.last(self.page_size), lambda page: self._replace(page, cursor=-1, offset=offset), self._generation)

    def move_by(self, move: int) -> None:
        """Move the cursor by ``move`` rows, fetching pages as needed (keys typed ahead of a
        fetch are kept, not lost)."""
        if self._loading:
            self._pending_move += move
            return
        table = self.table
        target = table.cursor_row + move
        last = len(self.rows) - 1
        table.move_cursor(row=min(max(target, 0), max(last, 0)), animate=False)
        if target > last and not self.at_end:
            self.load_after(move=target - last)
        elif target < 0 and not self.at_start:
            self.load_before(move=target)

    def load_after(self, move: int = 0) -> None:
        """Fetch the page after the rows held, then move the cursor by ``move``."""
        if self._loading:
            self._pending_move += move
            return
        if self.at_end or self.pager is None or not self.rows:
            return
        pager = self.pager
        key = pager.key_of(self.rows[-1])
        self._fetch(lambda: pager.after(key, self.page_size), lambda page: self._append(page, move), self._generation)

    def load_before(self, move: int = 0) -> None:
        """Fetch the page before the rows held, then move the cursor by ``move``."""
        if self._loading:
            self._pending_move += move
            return
        if self.at_start or self.pager is None or not self.rows:
            return
        pager = self.pager
        key = pager.key_of(self.rows[0])
        self._fetch(lambda: pager.before(key, self.page_size), lambda page: self._prepend(page, move), self._generation)

    # -- fetching -------------------------------------------------------------------------------

    @property
    def _group(self) -> str:
        return f"paged-{id(self)}"

    def _fetch(self, fetch: Callable[[], Page[T]], apply: Callable[[Page[T]], None], generation: int) -> None:
        self._loading = True
        self._show_status()

        def done(page: Page[T]) -> None:
            if generation != self._generation:
                # the answer of a result replaced since (its worker had finished when the
                # new one was asked for): the new one's fetch is still loading, and an Enter
                # waiting for it must not act on these rows
                return
            self._loading = False
            apply(page)
            self._show_status()
            self._keys_typed_meanwhile()

        def failed(exc: BaseException) -> None:
            self._loading = False
            self._select_pending = False  # not on a result the user has not seen
            self._show_status()
            self.notify_error(exc)

        self.run_db(fetch, done=done, failed=failed, group=self._group)

    def expect_result(self) -> None:
        """A new result is on its way (the search above it changed, its ``show`` comes
        next): an Enter that reaches the list before that result waits for it."""
        self._result_due = True

    def _keys_typed_meanwhile(self) -> None:
        """A page is here: the cursor moves, then the Enter, typed while it was read."""
        self._make_pending_move()
        self._make_pending_select()

    def _make_pending_select(self) -> None:
        """Enter typed before the result arrived: the row under the cursor now, in it."""
        if not self._select_pending or self._loading or self._result_due:
            return
        self._select_pending = False
        row = self.current_row
        if row is not None:
            self.post_message(self.Selected(self, row))

    def _make_pending_move(self) -> None:
        """The cursor moves typed while the page was being read, now that it is here."""
        if self._pending_move:
            move, self._pending_move = self._pending_move, 0
            self.move_by(move)

    def _counted(self, total: int, generation: int) -> None:
        if generation != self._generation:
            return
        self.total = total
        if self._offset is None and self.at_end:
            self._offset = max(0, total - len(self.rows))
        self._show_status()

    # -- applying pages -------------------------------------------------------------------------

    def _row_key(self, row: T) -> str:
        key_of = self.pager.key_of if self.pager is not None else self._page_key_of
        assert key_of is not None
        return "|".join(str(v) for v in key_of(row))

    def _cells(self, row: T) -> list[Text]:
        # A str cell would be read as markup by the DataTable: names and texts from the
        # database are shown as written ("VIAGGI [/] SRL" must neither vanish nor crash).
        cells = [plain_text(column.render(row)) for column in self.columns]
        for cell in cells:
            # a value longer than its column ends in "…": cut silently, the message 1000000
            # read "100000" and a Swiss mobile lost its last digits
            cell.overflow = cell.overflow or "ellipsis"
        return cells

    def _cursor_key(self) -> str | None:
        row = self.current_row
        return None if row is None else self._row_key(row)

    def _add_rows(self, rows) -> list[str]:
        """Add ``rows`` at the bottom of the DataTable; their keys."""
        table = self.table
        keys = []
        for row in rows:
            key = self._row_key(row)
            table.add_row(*self._cells(row), key=key)
            keys.append(key)
        return keys

    def _fill_table(self) -> list[str]:
        """Show exactly ``self.rows`` in the DataTable; their keys."""
        self.table.clear()
        return self._add_rows(self.rows)

    def _replace(self, page: Page[T], *, cursor: int | None = None, cursor_key: str | None = None, offset: int | None = 0) -> None:
        table = self.table
        self.has_page = True
        self.rows = list(page.rows)
        self.at_start, self.at_end = page.at_start, page.at_end
        self._offset = offset
        if self._offset is None and self.at_end and self.total is not None:
            self._offset = max(0, self.total - len(self.rows))
        keys = self._fill_table()
        target = 0
        if cursor_key is not None:
            target = keys.index(cursor_key) if cursor_key in keys else min(table.cursor_row, len(keys) - 1)
        elif cursor is not None:
            target = cursor if cursor >= 0 else len(self.rows) + cursor
        if self.rows:
            table.settle()
            table.move_cursor(row=max(0, target), animate=False)
        self._announce()

    def _append(self, page: Page[T], move: int) -> None:
        table = self.table
        self.at_end = page.at_end
        cursor = table.cursor_row
        self.rows.extend(page.rows)
        excess = len(self.rows) - self.max_rows
        if excess > 0:
            # keep the window bounded: drop rows from the top and rebuild around the cursor
            self.rows = self.rows[excess:]
            self.at_start = False
            if self._offset is not None:
                self._offset += excess
            cursor -= excess
            self._fill_table()
        else:
            self._add_rows(page.rows)
        target = min(max(0, cursor + move), len(self.rows) - 1)
        table.move_cursor(row=target, animate=False)
        self._announce()

    def _prepend(self, page: Page[T], move: int) -> None:
        table = self.table
        self.at_start = page.at_start
        cursor = table.cursor_row + len(page.rows)
        self.rows = list(page.rows) + self.rows
        if self._offset is not None:
            self._offset = max(0, self._offset - len(page.rows))
        if len(self.rows) > self.max_rows:
            self.rows = self.rows[: self.max_rows]
            self.at_end = False
        self._fill_table()
        target = min(max(0, cursor + move), len(self.rows) - 1)
        table.move_cursor(row=target, animate=False)
        self._announce()

    # -- reacting to the cursor -------------------------------------------------------------------

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._announce()
        # Prefetch before the cursor reaches an edge, so scrolling never waits. The cursor is
        # read now, not from the event: a rebuild posts highlights of rows it passed through.
        cursor = self.table.cursor_row
        margin = max(1, self.page_size // 4)
        if cursor >= len(self.rows) - margin:
            self.load_after()
        elif cursor < margin:
            self.load_before()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if self._loading or self._result_due:
            # "rossi", Invio, Invio typed together: the second Invio may reach the list
            # before the matches of "rossi" do, and opened the first record of the list
            # before them. It is for the row the cursor is on once they are here.
            self._select_pending = True
            return
        row = self.current_row
        if row is not None:
            self.post_message(self.Selected(self, row))

    def check_scroll_edges(self) -> None:
        """After a mouse scroll: fetch more when the view nears an edge of the rows held."""
        table = self.table
        if table.max_scroll_y - table.scroll_y < 3:
            self.load_after()
        elif table.scroll_y < 1:
            self.load_before()

    def _announce(self) -> None:
        self._show_status()
        self.post_message(self.Highlighted(self, self.current_row))

    def _show_status(self) -> None:
        try:
            status = self.query_one("#paged-table-status", Static)
        except Exception:  # not composed yet
            return
        if self._loading and not self.rows:
            status.update("caricamento…")
            return
        if not self.rows:
            status.update(self.empty_text if self.has_page else "")
            return
        position = "?"
        if self._offset is not None:
            position = thousands(self._offset + self.table.cursor_row + 1)
        total = "…" if self.total is None else thousands(self.total)
        suffix = " · caricamento…" if self._loading else ""
        status.update(f"riga {position} di {total}{suffix}")
