"""Keys that reach the app together (a fast typist, a terminal over SSH) take effect in the
order they were typed, editing keys included: Textual ran a text field's backspace only once
the key had bubbled up to the app, after the letters typed behind it."""

from __future__ import annotations

from textual import events

from pegaso_tui.screens.crm.request import RequestFormScreen
from pegaso_tui.screens.registry.clients import ClientsScreen
from tests.apputil import make_app, settle
from tests.factories import make_client

SIZE = (110, 40)


def burst(app, *keys: str) -> None:
    """Post ``keys`` at once, as the terminal driver does with the keys of one read."""
    for key in keys:
        character = key if len(key) == 1 else {"backspace": "\x7f"}.get(key)
        app.post_message(events.Key(key, character))


async def test_a_burst_with_backspaces_edits_the_search_as_typed(db_url, db):
    make_client("0000001", name="ROSSI MARIO", city="Verona")
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ClientsScreen)
        await pilot.press(*"ros")
        burst(app, "backspace", "backspace", "q", "x")
        await settle(pilot)
        # before: "ros" (q and x went in, then both backspaces took them out again)
        assert screen.search_field.value == "rqx"
        burst(app, "ctrl+u", "v", "e", "r", "left", "left", "left", "z")
        await settle(pilot)
        assert screen.search_field.value == "zver"


async def test_a_burst_in_a_text_area_keeps_its_order(db_url, db):
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "0")  # Nuova Richiesta
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RequestFormScreen)
        area = screen.query_one("#description")
        area.focus()
        await settle(pilot)
        burst(app, "m", "a", "r", "e", "backspace", "backspace", "l", "d", "i", "v", "e")
        await settle(pilot)
        assert area.text == "maldive"
