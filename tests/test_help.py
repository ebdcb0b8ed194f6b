"""F1 (Aiuto): the manual's page of the mask in use, inside the app."""

from __future__ import annotations

import pytest
from textual.widgets import Markdown

from pegaso_tui.manual import INDEX_PAGE, MANUAL_DIR, page_for_mask
from pegaso_tui.masks import MASKS
from pegaso_tui.screens.help import HelpScreen
from tests.apputil import make_app, wait_for_workers


def shown_text(app) -> str:
    """The Markdown source of the page on screen."""
    return app.screen.query_one(Markdown).source


@pytest.mark.parametrize("mask", MASKS, ids=lambda m: m.title)
def test_every_mask_has_its_page_in_the_manual(mask):
    page = page_for_mask(mask.number)
    assert page is not None, f"nessuna pagina per la maschera {mask.number}"
    first_line = page.read_text(encoding="utf-8").splitlines()[0]
    assert first_line == f"# {mask.number} · {mask.title}"


def test_the_manual_is_inside_the_package_and_listed_as_package_data():
    import tomllib
    from pathlib import Path

    assert MANUAL_DIR.parent.name == "pegaso_tui" and INDEX_PAGE.exists()
    pyproject = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())
    assert "manuale/*.md" in pyproject["tool"]["setuptools"]["package-data"]["pegaso_tui"]


async def test_f1_shows_the_page_of_the_mask_and_esc_gives_the_mask_back(db_url):
    app = make_app(db_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")  # Buon Compleanno
        await wait_for_workers(pilot)
        mask = app.screen
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "# 3 · Buon Compleanno" in shown_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is mask


async def test_a_form_gets_the_page_of_its_mask_and_the_home_the_index(db_url):
    app = make_app(db_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert "manuale dell'operatore" in shown_text(app)
        await pilot.press("f1")  # F1 again closes it
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("6")
        await wait_for_workers(pilot)
        await pilot.press("f3")  # a new client: the form
        await wait_for_workers(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert "# 6 · Clienti" in shown_text(app)


async def test_f1_in_a_dialog_shows_the_page_of_the_mask_under_it(db_url):
    from datetime import date

    from pegaso_tui.db.crm.requests import RequestInput, create_request
    from pegaso_tui.screens.crm.activity import ActivityDialog

    app = make_app(db_url)
    create_request(RequestInput("ROSSI", "Preventivo"), "tester", date(2026, 3, 1))
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_mask(11)
        await wait_for_workers(pilot)
        await pilot.press("f4")  # Gestisci, with the cursor in its description
        await wait_for_workers(pilot)
        dialog = app.screen
        assert isinstance(dialog, ActivityDialog)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "# 11 · Richieste Aperte" in shown_text(app)
        await pilot.press("f1")
        await pilot.pause()
        assert app.screen is dialog
