"""The same thing is said the same way everywhere (issue 14, item 18)."""

from __future__ import annotations

from datetime import date

from textual.widgets._footer import FooterKey

from pegaso_tui.cli import main
from pegaso_tui.widgets.confirm import ConfirmDialog
from tests.apputil import make_app, settle
from tests.factories import make_client, make_practice


def footer(screen) -> list[tuple[str, str]]:
    return [(k.key_display or k.key, k.description) for k in screen.query(FooterKey)]


async def test_every_mask_says_esc_esci_even_nuova_richiesta(db_url, db):
    app = make_app(db_url)
    async with app.run_test(size=(160, 40)) as pilot:
        for number in (1, 6, 10, 11):
            app.open_mask(number)
            await settle(pilot)
            leave = [key for key, words in footer(app.screen) if words == "Esci"]
            assert leave == ["esc"], (number, footer(app.screen))
            app.pop_screen()
            await pilot.pause()


async def test_leaving_unsaved_changes_is_asked_with_the_same_words(db_url, db):
    from tests.test_registry_masks import fill, new_client_form

    app = make_app(db_url)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await new_client_form(pilot)
        fill(form, last_name="Rossi")
        await pilot.press("escape")
        await settle(pilot)
        from_escape = (app.screen.yes_label, app.screen.no_label)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert (app.screen.yes_label, app.screen.no_label) == from_escape == (
            "Esci senza salvare (F10)", "Resta (Esc)")
        await pilot.press("escape")


async def test_the_lens_shows_mobiles_as_every_list_does(db_url, db):
    from pegaso_tui.widgets.lookup import LookupDialog

    make_client("0000001", name="ROSSI UGO", mobile="+393479990001")
    app = make_app(db_url)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_mask(2)  # SMS Promozionali: "Da Cliente" has the lens
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, LookupDialog)
        table = app.screen.query_one("PagedTable")
        assert [str(cell) for cell in table.table.get_row_at(0)][3] == "347 999 0001"


async def test_an_amount_reads_the_same_in_the_practice_form_and_in_the_list(db_url, db):
    from pegaso_tui.screens.registry.practice_form import PracticeFormScreen

    make_practice(make_client("0000001"), "2026/0001", amount=2140.50, balance=1000)
    app = make_app(db_url)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_mask(7)
        await settle(pilot)
        row = [str(c) for c in app.screen.table.table.get_row_at(0)]
        assert "2.140,50" in row[6]
        assert app.screen.table.columns[7].label == "Avv.Sal"
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PracticeFormScreen)
        assert app.screen.query_one("#amount").value == "2.140,50"
        await pilot.press("f10")  # saved again as shown: the amount does not change
        await settle(pilot)
    from pegaso_tui.db.models import Practice

    assert float(Practice.get().amount) == 2140.50


def test_the_messages_command_counts_and_dates_the_italian_way(db_url, db, capsys):
    from pegaso_tui.db.campaigns import plan_single, queue_campaign
    from pegaso_tui.db.models import Message

    queue_campaign(plan_single("Ciao", number="349 555 0000"), sender="FUTURA")
    stamp = Message.get().queued_at
    assert main(["messages", "--db", db_url]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1] == "1 messaggio"
    assert stamp.strftime("%d-%m-%Y %H:%M") in lines[0]
