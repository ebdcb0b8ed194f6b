"""One-line table cells drawn without Rich's layout machinery.

A ``DataTable`` draws every cell through ``Console.render_lines(Styled(Padding(cell)))``:
the text is wrapped, joined, padded and cropped by four layers of Rich, about 0.2 ms a cell
here. A list of 20 rows and 8 columns spends some 40 ms of its first frame there, and every
list of ours (the control panel's, the registry's, the CRM's) is made of such cells: one line
of ``Text``, cut to a fixed width.

``one_line_cell`` gives the same segments for that case in a few microseconds, and ``None``
for anything else (several lines, tabs, a justified or uncut text), which the table then draws its
own way. ``tests/test_table_cells.py`` checks, cell by cell and character by character, that
both ways draw the same thing.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions
from rich.segment import Segment
from rich.style import Style
from rich.text import Text


def one_line_cell(
    console: Console,
    cell: object,
    width: int,
    padding: int,
    pre_style: Style,
    post_style: Style,
    options: ConsoleOptions,
) -> list[list[Segment]] | None:
    """The one line of ``cell`` as ``DataTable`` draws it in a row of height 1, or ``None``
    when the cell is not a plain one-line ``Text`` and needs Rich's full rendering.

    ``pre_style`` goes under the cell's own styles and ``post_style`` over them, as with
    Textual's ``Styled``; ``padding`` blank cells frame the text on each side.
    """
    if not isinstance(cell, Text):
        return None
    plain = cell.plain
    inner = width - 2 * padding
    if inner < 1 or "\n" in plain or "\t" in plain or cell.no_wrap is False:
        return None
    if (cell.justify or options.justify or "default") != "default":
        return None  # a justified text is padded inside its own style: Rich's way
    overflow = cell.overflow or options.overflow or "fold"
    if overflow == "ignore":
        return None  # not cut here: Rich crops it to the cell afterwards
    used = cell_len(plain)
    if used > inner:
        cell = cell.copy()
        cell.truncate(inner, overflow=overflow)
        plain = cell.plain
        used = cell_len(plain)
    if cell.spans:
        # Rich joins the cell's lines into a new Text, which turns its style into a span
        text = Text("\n").join([cell])
        inside = [s for s in text.render(console) if s.text]
    elif plain:
        inside = [Segment(plain, console.get_style(cell.style) if cell.style else None)]
    else:
        inside = []
    frame = pre_style + post_style
    line = []
    if padding:
        line.append(Segment(" " * padding, frame))
    for segment in inside:
        style = segment.style
        line.append(Segment(segment.text, (pre_style + style + post_style) if style else frame))
    blank = inner - used + padding
    if blank:
        line.append(Segment(" " * blank, frame))
    return [line]
