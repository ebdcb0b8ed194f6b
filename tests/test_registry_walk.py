"""The registry masks as the operator's walk of issue 14 found them: each test is a finding."""

from __future__ import annotations

from textual import events

from pegaso_tui.screens.clients import ClientsScreen
from tests.apputil import make_app, settle
from tests.factories import make_client


def type_fast(app, text: str) -> None:
    """Keys as a fast typist sends them: all queued before the app handles the first."""
    for character in text:
        app.post_message(events.Key(character, character))


async def test_typing_in_the_client_list_keeps_every_letter_in_the_search(db_url, db):
    make_client("0000001", name="ROSSI MARIO")
    make_client("0000002", name="SARTORI LUCA")
    app = make_app(db_url)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_mask(6)
        await settle(pilot)
        assert isinstance(app.screen, ClientsScreen)
        await pilot.press("down", *"rossi")
        await settle(pilot)
        assert app.screen.search_field.value == "rossi"

        app.screen.search_field.value = ""
        await settle(pilot)
        await pilot.press("down")
        type_fast(app, "sartori")
        await settle(pilot)
        assert app.screen.search_field.value == "sartori"
        assert [row.code for row in app.screen.table.rows] == ["0000002"]
