"""A focused field shows its whole value: dates, codes, times and postcodes are not cut by one
column (a focused Input needs a cell for the cursor after the text)."""

from __future__ import annotations

import re

import pytest

from pegaso_tui.widgets.date_input import DateInput
from pegaso_tui.widgets.record_picker import RecordPicker
from tests.apputil import make_app, settle
from tests.test_mask_snapshots import office  # noqa: F401  (the fixture)


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


def short_fields(screen):
    """The inputs on screen made for a few characters (a time, a code, a number of days)."""
    from textual.widgets import Input

    return [field for field in screen.query(Input)
            if field.max_length and field.max_length <= 12 and field.display and field.is_on_screen]


def a_full_value(field) -> str:
    """As many characters as the field takes, the first one distinct (a cut shows), in the
    characters it accepts."""
    for candidate in ("2" + "1" * (field.max_length - 1), "21:30"[: field.max_length], "A" * field.max_length):
        if field.restrict is None or re.fullmatch(field.restrict, candidate):
            return candidate
    raise AssertionError(f"{field.id}: no value to try")


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
@pytest.mark.parametrize("mask", list(range(1, 21)))
async def test_every_short_field_of_a_mask_is_shown_whole_when_focused(db_url, db, mask, size):
    app = make_app(db_url)
    async with app.run_test(size=size) as pilot:
        app.open_mask(mask)
        await settle(pilot)
        for field in short_fields(app.screen):
            value = a_full_value(field)
            assert value in await focused_text(pilot, field, value), (mask, field.id)


@pytest.mark.parametrize("generates", ["sms", "crm"])
async def test_the_schedules_time_and_days_are_shown_whole(db_url, db, generates):
    """Walked: "21:30" typed in "Ora invio" read "1:30", focused and after it."""
    from datetime import date

    from textual.widgets import Input, Select

    from pegaso_tui.db.searches import save_search
    from tests.apputil import wait_until

    save_search("tutti", "promo", {}, date_mode="none", scheduling=True, today=date(2026, 11, 23))
    app = make_app(db_url)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_mask(17)
        await settle(pilot)
        await pilot.press("f3")
        assert await wait_until(pilot, lambda: app.screen.id == "schedule-dialog")
        app.screen.query_one("#schedule-generates", Select).value = generates
        await pilot.pause()
        fields = short_fields(app.screen)
        assert "schedule-at" in [f.id for f in fields]
        assert ("schedule-due-days" in [f.id for f in fields]) == (generates == "crm")
        for field in fields:
            value = a_full_value(field)
            assert value in await focused_text(pilot, field, value), field.id
        # and once the cursor has moved on: the field keeps showing the whole time
        at = app.screen.query_one("#schedule-at", Input)
        at.focus()
        at.value = "21:30"
        at.cursor_position = 5
        await pilot.pause()
        await pilot.press("tab")
        await pilot.pause()
        assert "21:30" in shown(at)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
@pytest.mark.parametrize("form", ["scheda_cliente", "scheda_pratica", "gestisci_richiesta"])
async def test_every_short_field_of_a_form_is_shown_whole_when_focused(office, db_url, form, size):
    """Found with the test above: a foreign postcode of ten characters lost its first one.
    (The other forms of ``FORMS`` have no field this short on screen.)"""
    from tests.apputil import wait_for_workers
    from tests.test_mask_snapshots import FORMS, TODAY, _open

    mask, keys = FORMS[form]
    app = make_app(db_url, today=TODAY, sender="FUTURA")
    async with app.run_test(size=size) as pilot:
        await _open(app, mask)(pilot)
        for key in keys:
            await pilot.press(key)
            await wait_for_workers(pilot)
        await pilot.pause()
        fields = short_fields(app.screen)
        assert fields, form
        for field in fields:
            value = a_full_value(field)
            assert value in await focused_text(pilot, field, value), (form, field.id)
