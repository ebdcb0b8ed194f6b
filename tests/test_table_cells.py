"""Our lists draw a one-line cell exactly as Textual's DataTable would, only sooner.

``one_line_cell`` (widgets/table_cells.py) draws the cells of every paged list without Rich's
four layers of wrapping and padding. These tests draw the same cells both ways, in a running
app, and compare them character by character with their styles: plain names, names with
brackets, the coloured dots of the control panel, styled spans, wide and combined
characters, texts cut to the column, the cursor's row and the zebra stripes.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from pegaso_tui.config import Settings
from pegaso_tui.db.paging import Page
from pegaso_tui.services import AppServices
from pegaso_tui.widgets.paged_table import Column, PagedTable, _WindowTable
from pegaso_tui.widgets.table_cells import one_line_cell

CELLS = [
    Text(""),
    Text("ROSSI MARIO"),
    Text("VIAGGI [/] SRL"),
    Text("●", style="green"),
    Text("×", style="red"),
    Text("○", style="dim"),
    Text.assemble(("AB", "bold"), "CD", ("EF", "italic red")),
    Text("abcdefgh", style="blue"),
    Text("東京旅行社 S.R.L."),
    Text("😀 festa"),
    Text("Caffe\u0301 Sport"),
    Text("X" * 50),
    Text("ab東京", style="underline"),
    Text("AGENZIA VIAGGI MOLTO LUNGA", overflow="ellipsis"),
    Text("AGENZIA VIAGGI CHE SI ALLUNGA", overflow="ignore"),
    Text("a destra", justify="right"),
    Text("due\nrighe"),
    Text("tab\tqui"),
]
CELLS[7].stylize("bold", 1, 3)
WIDTHS = [1, 3, 4, 5, 9, 12, 26]


class CellsApp(App[None]):
    def __init__(self, rows) -> None:
        super().__init__()
        self.services = AppServices(settings=Settings(), database_url=":memory:", operator_username="t")
        self.rows = rows

    def compose(self) -> ComposeResult:
        columns = [Column(f"C{i}", (lambda r, i=i: r[i]), width=12) for i in range(len(self.rows[0]))]
        yield PagedTable(columns, page=Page(self.rows, at_start=True, at_end=True),
                         key_of=lambda r: (id(r),), total=len(self.rows))


def characters(lines) -> list[list[tuple[str, object]]]:
    """Each line of a drawn cell as (character, style) pairs, however it is split in segments."""
    return [[(ch, segment.style) for segment in line for ch in segment.text] for line in lines]


def both_ways(table: _WindowTable, row: int, column: int, width: int, cursor: bool, hover: bool):
    base = table._get_row_style(row, table.rich_style)
    table._cell_render_cache.clear()
    ours = table._render_cell(row, column, base, width, cursor, hover)
    table._cell_render_cache.clear()
    textual = DataTable._render_cell(table, row, column, base, width, cursor, hover)
    table._cell_render_cache.clear()
    return ours, textual


async def test_every_kind_of_cell_is_drawn_as_the_data_table_draws_it():
    rows = [tuple(CELLS[i:] + CELLS[:i]) for i in range(3)]  # each cell on an odd and an even row
    app = CellsApp(rows)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        table = app.query_one(_WindowTable)
        compared = 0
        # the cursor's colours over the cell's own (Textual's default), and under them
        for priority in ("css", "renderable"):
            table.cursor_foreground_priority = table.cursor_background_priority = priority
            for row in range(len(rows)):
                for column in range(len(CELLS)):
                    for width in WIDTHS:
                        for cursor, hover in [(False, False), (True, False), (False, True)]:
                            ours, textual = both_ways(table, row, column, width, cursor, hover)
                            assert characters(ours) == characters(textual), (rows[row][column], width, cursor)
                            compared += 1
        assert compared == 2 * 3 * len(CELLS) * len(WIDTHS) * 3


def test_a_cell_that_needs_wrapping_or_justifying_is_left_to_the_data_table():
    from rich.console import Console
    from rich.style import Style

    console = Console()
    options = console.options
    for cell in [Text("due\nrighe"), Text("tab\tqui"), Text("a destra", justify="right"), "markup [b]"]:
        assert one_line_cell(console, cell, 10, 1, Style(), Style(), options) is None
    lines = one_line_cell(console, Text("東京旅行社"), 8, 1, Style(), Style(), options)
    assert sum(cell_len(s.text) for s in lines[0]) == 8  # a wide character cut in half is a space


texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=30)
styles = st.sampled_from(["", "bold", "red", "dim", "italic green", "reverse"])


@st.composite
def styled_texts(draw):
    text = Text(draw(texts), style=draw(styles))
    for _ in range(draw(st.integers(0, 3))):
        start = draw(st.integers(0, len(text.plain)))
        text.stylize(draw(styles), start, draw(st.integers(start, len(text.plain))))
    return text


async def test_any_text_is_drawn_as_the_data_table_draws_it():
    app = CellsApp([(Text("x"),), (Text("y"),)])
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(_WindowTable)
        paged = app.query_one(PagedTable)

        @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
        @given(cell=styled_texts(), width=st.integers(1, 30), row=st.integers(0, 1),
               cursor=st.booleans())
        def check(cell, width, row, cursor):
            table.update_cell_at((row, 0), cell)
            ours, textual = both_ways(table, row, 0, width, cursor, False)
            assert characters(ours) == characters(textual)

        check()
        assert paged.rows  # the table was there all along
