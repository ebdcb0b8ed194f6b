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
