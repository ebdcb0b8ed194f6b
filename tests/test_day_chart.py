"""The control panel's day chart as it is drawn on screen (the line API, issue 17)."""

from __future__ import annotations

from datetime import date, timedelta

from textual.app import App, ComposeResult

from pegaso_tui.db.message_stats import DayCount
from pegaso_tui.widgets.day_chart import DayChart

FIRST = date(2026, 11, 1)


class ChartApp(App[None]):
    def compose(self) -> ComposeResult:
        yield DayChart(id="chart")


def days(*counts: tuple[int, int]) -> list[DayCount]:
    return [DayCount(FIRST + timedelta(days=i), sent, delivered) for i, (sent, delivered) in enumerate(counts)]


def screen_lines(chart: DayChart) -> list[str]:
    """What the terminal shows of the chart, line by line (without the padding)."""
    return [chart.render_line(y).text.rstrip() for y in range(chart.size.height)]


async def test_the_chart_draws_the_legend_the_bars_and_the_days():
    app = ChartApp()
    async with app.run_test(size=(60, 12)) as pilot:
        chart = app.query_one(DayChart)
        assert screen_lines(chart)[:2] == ["■ inviati 0  ■ consegnati 0", "nessun dato"]
        chart.set_days(days((8, 4), (0, 0), (4, 4)))
        await pilot.pause()
        lines = screen_lines(chart)
        assert lines[0] == "■ inviati 12  ■ consegnati 8   (massimo 8 al giorno)"
        # six rows of bars, top first: 8 sent fill them all, 4 the lower half
        assert lines[1:7] == ["█"] * 3 + ["██    ██"] * 3
        assert lines[7] == " 1     3"
        # the bars have the colours of the legend: blue sent, green delivered
        bottom = [s for s in chart.render_line(6) if s.text.strip()]
        assert (bottom[0].style.color.number, bottom[1].style.color.number) == (4, 2)  # blue, green


async def test_new_counts_and_a_new_size_are_drawn_again():
    app = ChartApp()
    async with app.run_test(size=(60, 12)) as pilot:
        chart = app.query_one(DayChart)
        chart.set_days(days((8, 4)))
        await pilot.pause()
        assert screen_lines(chart)[0].startswith("■ inviati 8  ■ consegnati 4")
        # a delivery report arrives: the legend and the bars follow
        chart.set_days(days((8, 8)))
        await pilot.pause()
        assert screen_lines(chart)[0].startswith("■ inviati 8  ■ consegnati 8")
        assert screen_lines(chart)[6] == "██"
        # a shorter chart (a smaller terminal) gets lower bars, the day still under them
        chart.styles.height = 5
        await pilot.pause()
        assert screen_lines(chart) == ["■ inviati 8  ■ consegnati 8   (massimo 8 al giorno)",
                                       "██", "██", "██", " 1"]


async def test_a_narrow_chart_shows_the_most_recent_days_that_fit():
    app = ChartApp()
    async with app.run_test(size=(20, 12)) as pilot:
        chart = app.query_one(DayChart)
        chart.set_days(days(*[(1, 1)] * 10))
        await pilot.pause()
        # 18 columns of content (the padding takes two): six days of three columns, under a
        # legend cut at the edge rather than wrapped over the bars
        lines = screen_lines(chart)
        assert lines[0] == "■ inviati 10  ■ con"[:18]
        assert lines[7] == " 5     7     9"
