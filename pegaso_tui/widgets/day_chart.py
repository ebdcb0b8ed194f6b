"""A small bar chart of SMS sent and delivered per day (the control panel's "Verifica").

Each day is two bars side by side — sent, then delivered — drawn with the eighth-blocks
``▁▂▃▄▅▆▇█`` so that small differences show; under them the day of the month. When the range
has more days than the width holds, the most recent days are shown.

The chart draws its lines itself (Textual's line API): as one ``Text`` it was hundreds of
styled spans, which Textual's content layout split in about 120 ms, the largest single cost
of opening the control panel (issue 17). Runs of one style are merged, and the lines are kept
until the days or the size change.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

from pegaso_tui.db.message_stats import DayCount
from pegaso_tui.numbers import thousands

BLOCKS = " ▁▂▃▄▅▆▇█"
SENT_STYLE = "bold blue"
DELIVERED_STYLE = "bold green"
DIM_STYLE = "dim"

#: A line of the chart: runs of (text, style name or "" for the widget's own style).
Line = list[tuple[str, str]]


def bar_cells(value: int, top: int, height: int) -> list[str]:
    """The cells of one bar, bottom row first, for ``value`` on a scale whose top is ``top``."""
    if top <= 0 or value <= 0:
        return [" "] * height
    eighths = max(1, round(value / top * height * 8))  # a non-zero day is never invisible
    cells = []
    for _ in range(height):
        step = min(8, eighths)
        cells.append(BLOCKS[step])
        eighths -= step
    return cells


def _append(line: Line, text: str, style: str = "") -> None:
    """Add a run, merged with the previous one when the style is the same."""
    if line and line[-1][1] == style:
        line[-1] = (line[-1][0] + text, style)
    else:
        line.append((text, style))


def chart_lines(days: list[DayCount], width: int, height: int, bar_height: int) -> list[Line]:
    """The chart's lines for a content area of ``width`` × ``height``: the legend, the bars
    (as tall as the area allows, at most ``bar_height``) and the days of the month."""
    shown = days[-(max(3, width) // 3):] if days else []
    total_sent = sum(d.sent for d in days)
    total_delivered = sum(d.delivered for d in days)
    legend: Line = [("■", SENT_STYLE), (f" inviati {thousands(total_sent)}  ", ""),
                    ("■", DELIVERED_STYLE), (f" consegnati {thousands(total_delivered)}", "")]
    if not shown:
        return [legend, [("nessun dato", DIM_STYLE)]]
    top = max(max(d.sent for d in shown), max(d.delivered for d in shown), 1)
    legend.append((f"   (massimo {thousands(top)} al giorno)", DIM_STYLE))
    # the bars are as tall as the widget allows (a short terminal gets a lower chart)
    rows = max(1, min(bar_height, height - 2))
    columns = [(bar_cells(d.sent, top, rows), bar_cells(d.delivered, top, rows)) for d in shown]
    lines = [legend]
    for row in range(rows - 1, -1, -1):
        line: Line = []
        for sent, delivered in columns:
            _append(line, sent[row], SENT_STYLE)
            _append(line, delivered[row], DELIVERED_STYLE)
            _append(line, " ")
        lines.append(line)
    labels = "".join(f"{d.day.day:>2} " if i % 2 == 0 else "   " for i, d in enumerate(shown))
    lines.append([(labels.rstrip(), DIM_STYLE)])
    return lines


class DayChart(Widget):
    """Sent and delivered per day; ``set_days`` gives it the counts."""

    DEFAULT_CSS = """
    DayChart {
        height: 9;
        padding: 0 1;
    }
    """

    def __init__(self, *, bar_height: int = 6, id: str | None = None) -> None:
        super().__init__(id=id)
        self.bar_height = bar_height
        self.days: list[DayCount] = []
        self._strips: list[Strip] | None = None
        self._strips_for: tuple | None = None

    def set_days(self, days: list[DayCount]) -> None:
        """Show these days (oldest first)."""
        self.days = list(days)
        self._strips = None
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips = None  # a new theme: the widget's own colours changed

    def render_line(self, y: int) -> Strip:
        width, height = self.size
        if self._strips is None or self._strips_for != (width, height):
            base = self.rich_style
            styles = {"": base}
            self._strips = []
            for line in chart_lines(self.days, width, height, self.bar_height):
                segments = []
                for text, name in line:
                    if name not in styles:
                        styles[name] = base + Style.parse(name)
                    segments.append(Segment(text, styles[name]))
                self._strips.append(Strip(segments).adjust_cell_length(width, base))
            self._strips_for = (width, height)
        if y < len(self._strips):
            return self._strips[y]
        return Strip.blank(width, self.rich_style)
