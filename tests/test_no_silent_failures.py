"""No failure goes silent: each is said in one line (issue 14)."""

from __future__ import annotations

from datetime import date

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from pegaso_tui.screens.unsaved import GuardUnsaved
from pegaso_tui.widgets.confirm import ConfirmDialog
from tests.apputil import make_app, settle, wait_until
from tests.factories import make_client


async def test_a_failed_live_recount_is_said_not_blanked(db_url, db):
    make_client("0000001", name="ROSSI UGO")
    app = make_app(db_url, today=date(2026, 11, 23))
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_mask(2)
        await settle(pilot)
        line = app.screen.query_one("#recipients-line", Static)
        assert await wait_until(pilot, lambda: "Destinatari: 1" in str(line.render()))
        db.execute_sql("ALTER TABLE client RENAME TO client_gone")  # the database fails
        app.screen.schedule_recount()
        assert await wait_until(pilot, lambda: "non riuscito" in str(line.render()))
        assert "Conteggio dei destinatari non riuscito: no such table" in str(line.render())


class BrokenForm(GuardUnsaved, Screen):
    """A form whose state cannot be read for a reason other than not being composed."""

    def compose(self) -> ComposeResult:
        yield Static("modulo")

    def form_state(self):
        raise ValueError("valore illeggibile")


async def test_an_unsaved_check_that_fails_asks_and_says_why():
    left = []

    class FormApp(App):
        def on_mount(self) -> None:
            self.push_screen(BrokenForm())

    app = FormApp()
    async with app.run_test() as pilot:
        await pilot.pause()
        app.screen.leave_guarded(lambda: left.append(True))
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)  # asked, not skipped
        assert "valore illeggibile" in app.screen.message
        assert left == []


async def test_a_bad_max_parts_is_said_once_and_3_is_used(db_url, db):
    from pegaso_tui.widgets.sms_editor import SmsEditor

    app = make_app(db_url, max_parts=0)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_mask(4)
        await settle(pilot)
        editor = app.screen.query_one(SmsEditor)
        editor.text = "a" * 500
        await pilot.pause()
        editor.text = "b" * 500
        await pilot.pause()
        said = [n.message for n in app._notifications if "max_parts" in n.message]
        assert said == ["Impostazione max_parts non valida (0): il limite è 3 SMS"]
        assert "il massimo è 3" in editor.validate()
