"""The app shell driven by the Textual pilot: home screen, numbers, palette, keys."""

from __future__ import annotations

import pytest


from pegaso_tui.masks import MASKS
from pegaso_tui.screens.home import HomeScreen, MaskList
from tests.apputil import make_app, wait_until

TITLES = {
    1: "SMS Pratiche", 2: "SMS Promozionali", 3: "Buon Compleanno", 4: "Invio SMS Singolo",
    5: "Pannello di Controllo SMS", 6: "Clienti", 7: "Pratiche", 8: "Fornitori", 9: "Preferenze",
    10: "Nuova Richiesta", 11: "Richieste Aperte", 12: "Cerca Soggetto", 13: "Storico Richieste",
    14: "Esiti CRM", 15: "Ricerche salvate", 16: "Modelli", 17: "Comunicazioni programmate",
    18: "Non disturbare", 19: "Registro invii", 20: "Configurazione",
}


def menu_lines(app) -> list[str]:
    menu = app.screen.query_one(MaskList)
    return [str(menu.get_option_at_index(i).prompt) for i in range(menu.option_count)]


async def test_the_home_screen_lists_every_mask_with_its_number(db_url):
    app = make_app(db_url)
    async with app.run_test():
        assert isinstance(app.screen, HomeScreen)
        lines = " | ".join(menu_lines(app))
        for number, title in TITLES.items():
            assert f"{number:>3}  {title}" in lines
        assert {m.number: m.title for m in MASKS} == TITLES


async def test_the_header_shows_the_database_and_the_operator(db_url):
    app = make_app(db_url)
    async with app.run_test():
        assert "pegaso.db" in app.sub_title
        assert "operatore tester" in app.sub_title


async def test_a_number_opens_its_mask_and_esc_comes_back(db_url):
    app = make_app(db_url)
    async with app.run_test() as pilot:
        await pilot.press("6")
        await pilot.pause()
        assert app.screen.title == "Clienti"
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_two_digit_numbers_open_the_crm_masks(db_url):
    app = make_app(db_url)
    async with app.run_test() as pilot:
        await pilot.press("1", "3")
        await pilot.pause()
        assert app.screen.title == "Storico Richieste"
        await pilot.press("ctrl+g")  # the ctrl alias of Esc
        assert isinstance(app.screen, HomeScreen)


async def test_one_alone_opens_sms_pratiche_after_a_pause_or_with_enter(db_url, monkeypatch):
    monkeypatch.setattr("pegaso_tui.screens.home.DIGIT_PAUSE_S", 0.6)  # an operator's pause
    app = make_app(db_url)
    async with app.run_test() as pilot:
        await pilot.press("1")  # and nothing else: the pause opens it
        assert await wait_until(pilot, lambda: app.screen.title == "SMS Pratiche", timeout=5)
        await pilot.press("escape")
        await pilot.press("1", "enter")
        await pilot.pause()
        assert app.screen.title == "SMS Pratiche"


async def test_the_command_palette_opens_a_mask_by_its_title(db_url):
    app = make_app(db_url)
    async with app.run_test() as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"cerca soggetto")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.title == "Cerca Soggetto"
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


@pytest.mark.parametrize("mask", MASKS, ids=lambda m: m.title)
async def test_every_mask_opens_by_its_number_and_esc_comes_back(db_url, mask, monkeypatch):
    app = make_app(db_url)
    async with app.run_test(size=(120, 50)) as pilot:
        # a number no other starts with opens at once; "1" (10-14) and "2" (20) wait for
        # Enter (or a pause)
        longer = any(m.number != mask.number and str(m.number).startswith(str(mask.number)) for m in MASKS)
        await pilot.press(*str(mask.number), *(["enter"] if longer else []))
        await pilot.pause()
        assert app.screen.title == mask.title
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_keys_can_be_remapped_in_the_settings(db_url):
    app = make_app(db_url, keys={"leave": "ctrl+o"})
    async with app.run_test() as pilot:
        await pilot.press("6")
        await pilot.pause()
        assert app.screen.title == "Clienti"
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_tests_see_steady_cursors_but_users_see_them_blink(db_url):
    from textual.widgets import Input

    from pegaso_tui.app import PegasoApp

    app = make_app(db_url)  # as every test builds it: cursor_blink=False
    async with app.run_test() as pilot:
        await pilot.press("6")
        await pilot.pause()
        focused = app.focused
        assert isinstance(focused, Input) and focused.cursor_blink is False
    assert PegasoApp.__init__.__kwdefaults__["cursor_blink"] is True


async def test_a_second_digit_typed_while_the_screen_was_busy_still_counts(db_url, monkeypatch):
    """"1" then "8" typed at once while the app is busy (a heavy redraw, a slow link): both
    keys wait in the queue while the pause for a second digit runs out. The pause must be
    judged by what the app could see, not by the clock alone: this opened mask 1."""
    import time

    from textual import events

    monkeypatch.setattr("pegaso_tui.screens.home.DIGIT_PAUSE_S", 0.3)
    app = make_app(db_url)
    async with app.run_test() as pilot:
        await pilot.press("1")
        app.post_message(events.Key("8", "8"))  # typed at once, behind the busy moment...
        time.sleep(0.6)  # ...in which the event loop does nothing, and the pause runs out
        assert await wait_until(pilot, lambda: not isinstance(app.screen, HomeScreen), timeout=3)
        await pilot.pause(0.5)
        assert app.screen.title == "Non disturbare"
