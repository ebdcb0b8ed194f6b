"""A focused field shows its whole value: dates and codes are not cut by one column."""

from __future__ import annotations

import pytest

from pegaso_tui.widgets.date_input import DateInput
from pegaso_tui.widgets.record_picker import RecordPicker
from tests.apputil import make_app, settle


def shown(widget) -> str:
    """The text the field draws on its one line of text (compact) or its middle line."""
    lines = [widget.render_line(y).text for y in range(widget.size.height)]
    return " ".join(lines)


async def focused_text(pilot, widget, value: str) -> str:
    widget.focus()
    widget.value = value
    widget.cursor_position = len(value)
    await pilot.pause()
    return shown(widget)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
@pytest.mark.parametrize("mask", [1, 2, 3, 4, 5, 10, 13])
async def test_a_focused_date_or_code_is_shown_whole(db_url, db, mask, size):
    app = make_app(db_url)
    async with app.run_test(size=size) as pilot:
        app.open_mask(mask)
        await settle(pilot)
        dates = list(app.screen.query(DateInput))
        codes = [picker.input for picker in app.screen.query(RecordPicker)]
        assert dates or codes
        for date_input in dates:
            if date_input.display:
                assert "31-12-2026" in await focused_text(pilot, date_input, "31-12-2026"), date_input.id
        for code_input in codes:
            if code_input.display:
                assert "0000001" in await focused_text(pilot, code_input, "0000001")


async def test_the_client_form_shows_a_whole_birth_date(db_url, db):
    from tests.test_registry_masks import new_client_form

    app = make_app(db_url)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await new_client_form(pilot)
        birth = form.query_one("#birth_date", DateInput)
        assert "30-11-1983" in await focused_text(pilot, birth, "30-11-1983")
