"""`pegaso-tui` as the user starts it: the menu first, the database opened just after.

The App is built as ``launch.run_app`` builds it (database not yet open, the app runs its own
sender), on real files; the pilot drives it.
"""

from __future__ import annotations

import threading
from dataclasses import replace

from pegaso_tui.app import PegasoApp
from pegaso_tui.config import load_settings
from pegaso_tui.services import AppServices
from tests.apputil import wait_until


def _launched(db_url: str, gateway=None) -> PegasoApp:
    settings = replace(load_settings(), database=db_url)
    if gateway is not None:
        settings = replace(settings, gateway=gateway)
    services = AppServices(settings=settings, database_url=db_url,
                           operator_username="mario", database_ready=threading.Event(),
                           run_sender=True)
    return PegasoApp(services, cursor_blink=False)


async def test_the_menu_opens_then_the_database_and_the_sender_start(tmp_path, sandbox):
    from pegaso_tui.db.connection import session
    from pegaso_tui.db.models import Operator

    db_file = tmp_path / "nuovo.db"
    app = _launched(f"sqlite:///{db_file}", sandbox().gateway_settings(timeout_s=2))
    async with app.run_test(size=(110, 40)) as pilot:
        from pegaso_tui.screens.home import HomeScreen

        assert isinstance(app.screen, HomeScreen)
        assert await wait_until(pilot, app.services.database_ready.is_set)
        assert app.services.database_problem is None
        assert await wait_until(pilot, lambda: app.services.outbox is not None
                                and app.services.outbox.running)
        # the schema is there and the operator who started the app is recorded
        with session():
            assert Operator.select().where(Operator.username == "mario").exists()
        assert app.return_code is None
    assert db_file.exists()
    # closing the app stops the sender it started
    assert not app.services.outbox.running


async def test_a_file_that_is_not_a_database_ends_the_app_with_the_reason(tmp_path):
    db_file = tmp_path / "fattura.db"
    db_file.write_text("Fattura n. 12 del 3/11/2026 — non è un database\n" * 20)
    app = _launched(f"sqlite:///{db_file}")
    async with app.run_test(size=(110, 40)) as pilot:
        assert await wait_until(pilot, lambda: app.return_code is not None)
    assert app.return_code == 1
    assert app.services.database_problem is not None
    assert "impossibile aprire il database" in app.services.database_problem
    assert "not a database" in app.services.database_problem
    # the file is the user's: it is left as it was
    assert db_file.read_text().startswith("Fattura n. 12")


async def test_the_collector_paused_for_start_up_runs_again_once_the_menu_is_out(tmp_path):
    """`pegaso-tui` pauses the cyclic garbage collector while it starts (pegaso_tui.startup);
    an app left without it would grow with every cycle it makes, for hours."""
    import gc

    from pegaso_tui import startup

    startup.pause_collector()
    try:
        assert not gc.isenabled()
        app = _launched(f"sqlite:///{tmp_path / 'nuovo.db'}")
        async with app.run_test(size=(110, 40)) as pilot:
            # the first frame resumes it; the database may be open before that frame is out
            assert await wait_until(pilot, lambda: app.services.database_ready.is_set() and gc.isenabled())
            assert gc.get_freeze_count() > 0  # start-up's objects are left out of collections
    finally:
        startup.restore_collector()
        gc.unfreeze()
        gc.enable()


def test_a_command_line_that_ends_before_the_app_opens_leaves_the_collector_running(tmp_path):
    import gc

    from pegaso_tui.cli import main

    settings = tmp_path / "pegaso.toml"
    settings.write_text("this is = = not toml\n")
    assert main(["--config", str(settings)]) == 1  # refused before the app starts
    assert gc.isenabled()


async def test_a_sender_start_asked_as_the_app_closes_starts_nothing(tmp_path, monkeypatch):
    """The sender starts in a callback asked for when the agenda shows. Quitting in that
    moment can run the callback after the app's on_unmount has stopped everything: found in
    a loop of start-up tests (about once in three hundred runs), with the app no longer
    running and on_unmount done. The sender and the scheduler then ran on, and the process
    never ended. Here the callback comes in that same state: the app has closed."""
    import threading

    shown = []
    monkeypatch.setattr(PegasoApp, "SENDER_DELAY_S", 60.0)  # only the agenda starts it here
    monkeypatch.setattr(PegasoApp, "on_agenda_panel_shown", lambda self: shown.append(self))
    before = {thread.ident for thread in threading.enumerate()}
    app = _launched(f"sqlite:///{tmp_path / 'nuovo.db'}")
    async with app.run_test(size=(110, 40)) as pilot:
        assert await wait_until(pilot, lambda: app.services.database_ready.is_set() and shown)
        assert app.services.outbox is None  # not started yet; the user quits
    try:
        app._start_sender()  # the callback, late
        started = [thread for thread in threading.enumerate()
                   if thread.ident not in before and thread.name.startswith("pegaso-")]
        assert not started
        assert app.services.outbox is None
    finally:  # without the fix: stop what the test let loose, or the run never ends
        if app.services.outbox is not None:
            app.services.outbox.stop(wait_s=5)
        if getattr(app, "_schedules", None) is not None:
            app._schedules.stop()
