"""Data is shown as it is written, never read as markup.

Textual reads a string given to a widget as markup: a client called "VIAGGI [/] SRL" would
stop the app (MarkupError), "MARE [b]BLU" would lose its brackets, and a name holding
"[@click=app.quit]" would become a clickable action. Names, texts and descriptions come from
CSV files and other terminals: every mask that shows them is walked here with such data.
"""

from __future__ import annotations

from datetime import date

import pytest

from pegaso_tui.db.campaigns import plan_single, queue_campaign
from tests.apputil import make_app, settle, wait_for_workers
from tests.factories import give_preference, make_client, make_practice, make_preference

NAME = "VIAGGI [/] SRL [b]BLU[@click=app.quit]X"
DESCRIPTION = "Mare [b]blu[/b] [/]"
TEXT = "Offerta [/] Maldive [red]subito[/red]"
TODAY = date.today()  # the panel shows the SMS of the last 30 days: this one is from today


@pytest.fixture
def bracketed(db_url):
    from pegaso_tui.db.connection import open_database
    from pegaso_tui.db.crm.requests import RequestInput, create_request
    from pegaso_tui.db.operators import current_operator

    open_database(db_url)
    current_operator("tester")
    client = make_client("0000001", name=NAME, first_name="Ugo [/]", last_name="[b]Neri")
    make_practice(client, "2026/0001", destination=DESCRIPTION)
    give_preference(client, make_preference("MAR", DESCRIPTION))
    plan = plan_single(TEXT, client=client)
    queue_campaign(plan, sender="AGENZIA")
    create_request(RequestInput(NAME, TEXT, recontact_date=TODAY), "tester", TODAY)
    return client


def screen_text(app) -> str:
    """The screen as the user reads it: the lines of the app's SVG screenshot, as text."""
    import html
    import re
    from collections import defaultdict

    lines: dict[float, list[tuple[float, str]]] = defaultdict(list)
    for attrs, content in re.findall(r"<text ([^>]*)>([^<]*)</text>", app.export_screenshot()):
        x = re.search(r'\bx="([\d.]+)"', attrs)
        y = re.search(r'\by="([\d.]+)"', attrs)
        if x and y:
            lines[float(y.group(1))].append((float(x.group(1)), html.unescape(content)))
    return "\n".join("".join(t for _, t in sorted(parts)) for _, parts in sorted(lines.items())).replace("\xa0", " ")


async def _visit(app, pilot, keys: str) -> str:
    from pegaso_tui.masks import masks_starting_with

    # a number that begins a longer one ("2": 20 too) waits for Enter (or a pause)
    await pilot.press(*keys, *(["enter"] if len(masks_starting_with(keys)) > 1 else []))
    await wait_for_workers(pilot)
    await pilot.pause(0.3)
    await wait_for_workers(pilot)
    return screen_text(app)


@pytest.mark.parametrize(
    "keys, expected",
    [
        ("6", "VIAGGI [/] SRL"),        # Clienti
        ("7", "VIAGGI [/] SRL"),        # Pratiche
        ("9", "Mare [b]blu[/b] [/]"),   # Preferenze
        ("5", "VIAGGI [/] SRL"),        # Pannello di Controllo: the message's recipient
        ("11", "VIAGGI [/] SRL"),       # Richieste Aperte
        ("13", "VIAGGI [/] SRL"),       # Storico Richieste
        ("2", "Mare [b]blu[/b] [/]"),   # SMS Promozionali: the preferences to choose from
    ],
    ids=["clienti", "pratiche", "preferenze", "pannello", "richieste_aperte", "storico", "promo"],
)
async def test_names_and_texts_with_brackets_are_shown_as_written(bracketed, db_url, keys, expected):
    app = make_app(db_url, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_for_workers(pilot)
        text = await _visit(app, pilot, keys)
        if keys == "2":  # the preferences are listed once "Filtra per Preferenze" is ticked
            app.screen.query_one("#by-preferences").value = True
            await pilot.pause(0.3)
            text = screen_text(app)
        assert app.return_code is None, "the app stopped"
        assert expected in text, text


async def test_the_home_agenda_and_the_client_card_show_such_a_name(bracketed, db_url):
    app = make_app(db_url, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_for_workers(pilot)
        await pilot.pause(0.3)
        assert "VIAGGI [/] SRL" in screen_text(app)  # the agenda: a recontact for today
        await _visit(app, pilot, "6")
        await pilot.press("down", "enter")  # Varia on the client
        await wait_for_workers(pilot)
        await pilot.pause(0.3)
        text = screen_text(app)
        assert app.return_code is None
        assert "Codice: 0000001  VIAGGI [/] SRL [b]BLU[@click=app.quit]X" in text


async def test_an_sms_text_with_brackets_is_previewed_as_written(bracketed, db_url):
    from pegaso_tui.screens.sms.preview import SendPreviewScreen
    from pegaso_tui.widgets.sms_editor import SmsEditor

    app = make_app(db_url, today=TODAY, sender="AGENZIA")
    async with app.run_test(size=(160, 50)) as pilot:
        await _visit(app, pilot, "2")
        editor = app.screen.query_one(SmsEditor)
        editor.text = "Gentile {ragione_sociale}: " + TEXT
        await pilot.press("f10")
        await wait_for_workers(pilot)
        await pilot.pause(0.3)
        assert isinstance(app.screen, SendPreviewScreen)
        text = screen_text(app)
        assert f"Gentile {NAME}: {TEXT}"[:60] in text


async def test_a_csv_with_brackets_is_previewed_as_written(db_url, tmp_path):
    from pegaso_tui.screens.registry.import_screen import ImportScreen

    csv = tmp_path / "clienti.csv"
    csv.write_text("Codice;Ragione Sociale;Cellulare\n0000009;ALFA [/] VIAGGI;3491234567\n;[b]SENZA CODICE;\n",
                   encoding="utf-8")
    app = make_app(db_url)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("f6")  # Importa
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        screen.query_one("#import-path").value = str(csv)
        await pilot.press("enter")  # read the file: the preview
        await settle(pilot)
        text = screen_text(app)
        assert app.return_code is None
        assert "ALFA [/] VIAGGI" in text and "[b]SENZA CODICE" in text
