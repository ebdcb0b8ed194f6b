"""A small bar chart of SMS sent and delivered per day (the control panel's "Verifica").

Each day is two bars side by side — sent, then delivered — drawn with the eighth-blocks
``▁▂▃▄▅▆▇█`` so that small differences show; under them the day of the month. When the range
has more days than the width holds, the most recent days are shown.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from pegaso_tui.db.message_stats import DayCount
from pegaso_tui.numbers import thousands

BLOCKS = " ▁▂▃▄▅▆▇█"
SENT_STYLE = "bold blue"
DELIVERED_STYLE = "bold green"


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

    def set_days(self, days: list[DayCount]) -> None:
        """Show these days (oldest first)."""
        self.days = list(days)
        self.refresh()

    def render(self) -> Text:
        width = max(3, self.size.width - 2)
        days = self.days[-(width // 3):] if self.days else []
        total_sent = sum(d.sent for d in self.days)
        total_delivered = sum(d.delivered for d in self.days)
        legend = Text.assemble(
            ("■", SENT_STYLE), f" inviati {thousands(total_sent)}  ",
            ("■", DELIVERED_STYLE), f" consegnati {thousands(total_delivered)}",
        )
        if not days:
            return Text.assemble(legend, "\n", ("nessun dato", "dim"))
        top = max(max(d.sent for d in days), max(d.delivered for d in days), 1)
        # the bars are as tall as the widget allows (a short terminal gets a lower chart)
        bar_height = max(1, min(self.bar_height, self.size.height - 2))
        columns = [
            (bar_cells(d.sent, top, bar_height), bar_cells(d.delivered, top, bar_height))
            for d in days
        ]
        text = Text()
        text.append_text(legend)
        text.append(f"   (massimo {thousands(top)} al giorno)\n", style="dim")
        for row in range(bar_height - 1, -1, -1):
            for sent, delivered in columns:
                text.append(sent[row], style=SENT_STYLE)
                text.append(delivered[row], style=DELIVERED_STYLE)
                text.append(" ")
            text.append("\n")
        labels = "".join(f"{d.day.day:>2} " if i % 2 == 0 else "   " for i, d in enumerate(days))
        text.append(labels.rstrip(), style="dim")
        return text
