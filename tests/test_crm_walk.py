"""The CRM masks as the operator's walk of issue 14 found them: each test is a finding."""

from __future__ import annotations

from datetime import date

from pegaso_tui.db.crm.requests import ActivityInput, add_activity
from pegaso_tui.db.models import Activity, Outcome, Request
from pegaso_tui.screens.crm.activity import ActivityDialog
from pegaso_tui.screens.crm.open_requests import OpenRequestsScreen
from tests.apputil import make_app, settle
from tests.test_crm_screens import TODAY, seed_request, table_rows


async def test_gestisci_with_the_outcome_cleared_saves_a_note_and_the_app_lives_on(db_url, db):
    """Tab, Enter, Home, Enter picks the Select's blank line (Select.NULL): it was a crash."""
    seed_request("VERDI GINO")
    app = make_app(db_url, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_mask(11)
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, ActivityDialog)
        await pilot.press(*"nota", "tab", "enter", "home", "enter", "f10")
        await settle(pilot)
        assert app.is_running
        assert isinstance(app.screen, OpenRequestsScreen)
        activity = Activity.get()
        assert activity.description == "nota" and activity.outcome_id is None
        assert Request.get().last_outcome.name == "Da contattare"  # a note changes nothing


async def test_gestisci_proposes_the_outcome_the_request_is_at(db_url, db):
    """A request at "Preventivo inviato" is not set back to "Da contattare" by a note."""
    request_id = seed_request("VERDI GINO")
    sent = Outcome.get(Outcome.name == "Preventivo inviato")
    add_activity(ActivityInput(request_id=request_id, activity_date=TODAY, description="prev",
                               outcome_id=sent.id), "tester", TODAY)
    app = make_app(db_url, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_mask(11)
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, ActivityDialog)
        await pilot.press(*"richiamato", "f10")
        await settle(pilot)
        assert isinstance(app.screen, OpenRequestsScreen)
        assert table_rows(app.screen)[0].outcome_name == "Preventivo inviato"
        assert Request.get().last_outcome_id == sent.id


async def test_typing_in_richieste_aperte_filters_the_list_like_the_registry_lists(db_url, db):
    seed_request("VERDI GINO")
    seed_request("ROSSI ANNA")
    app = make_app(db_url, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_mask(11)
        await settle(pilot)
        assert len(table_rows(app.screen)) == 2  # the list has the focus
        await pilot.press(*"ross")
        await settle(pilot)
        assert app.screen.query_one("#open-search").value == "ross"
        assert [r.subject_name for r in table_rows(app.screen)] == ["ROSSI ANNA"]
        await pilot.press("down", "f4")  # ↓ back to the list, Gestisci on the row found
        await settle(pilot)
        assert isinstance(app.screen, ActivityDialog) and app.screen.request.subject_name == "ROSSI ANNA"


async def test_one_f10_in_nuova_richiesta_shows_every_error_and_goes_to_the_first(db_url, db):
    from pegaso_tui.screens.crm.request import RequestFormScreen
    from tests.test_crm_screens import error_of

    app = make_app(db_url, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_mask(10)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RequestFormScreen)
        screen.query_one("#mobile").value = "12"
        screen.query_one("#recontact").value = "31-02-2026"
        await pilot.press("f10")
        await settle(pilot)
        assert "indicare chi ha fatto la richiesta" in error_of(screen, "field-subject")
        assert "obbligatoria" in error_of(screen, "field-description")
        assert error_of(screen, "field-mobile")
        assert "impossibile" in error_of(screen, "field-recontact")
        assert screen.focused is screen.query_one("#subject-input")
        assert Request.select().count() == 0

        screen.query_one("#description").text = "crociera"  # fixed: its error goes at once
        await pilot.pause()
        assert error_of(screen, "field-description") is None
        assert error_of(screen, "field-subject")


async def test_esiti_crm_says_an_outcome_cannot_be_deleted_before_asking(db_url, db):
    from pegaso_tui.widgets.confirm import ConfirmDialog

    app = make_app(db_url, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_mask(14)
        await settle(pilot)
        rows = table_rows(app.screen)
        default_row = next(i for i, o in enumerate(rows) if o.is_default)
        app.screen.table.table.move_cursor(row=default_row)
        await pilot.pause()
        await pilot.press("f8")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmDialog)  # nothing asked
        assert any("predefinito non si può eliminare" in n.message for n in app._notifications)
        assert Outcome.select().count() == 5

        unused = next(i for i, o in enumerate(rows) if not o.is_default)
        app.screen.table.table.move_cursor(row=unused)
        await pilot.pause()
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)  # an unused outcome: asked, then deleted
        await pilot.press("f10")
        await settle(pilot)
        assert Outcome.select().count() == 4


async def test_a_contact_error_goes_as_soon_as_a_name_is_typed(db_url, db):
    from tests.test_crm_screens import error_of

    app = make_app(db_url, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_mask(10)
        await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)
        assert error_of(app.screen, "field-subject")
        await pilot.press(*"ver")  # the cursor is in the contact field
        await pilot.pause()
        assert error_of(app.screen, "field-subject") is None
