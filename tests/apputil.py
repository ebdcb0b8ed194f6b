"""Building the real App for pilot tests, on a real database file."""

from __future__ import annotations

from pegaso_tui.app import PegasoApp
from pegaso_tui.config import load_settings
from pegaso_tui.db.connection import open_database
from pegaso_tui.db.operators import current_operator
from pegaso_tui.services import AppServices


def make_app(db_url: str, **settings_changes) -> PegasoApp:
    """The App on ``db_url`` (opened, schema created), as ``pegaso-tui --db`` would build it."""
    from dataclasses import replace

    settings = replace(load_settings(), database=db_url, **settings_changes)
    open_database(db_url)
    operator = current_operator(settings.operator_name())
    services = AppServices(settings=settings, database_url=db_url, operator_username=operator.username)
    return PegasoApp(services)


async def wait_for_workers(pilot, rounds: int = 5) -> None:
    """Let every worker finish and the UI apply its results (and the workers they start).

    A worker replaced by a newer one of its group ends cancelled: that is expected here.
    """
    from textual.worker import WorkerCancelled, WorkerFailed

    for _ in range(rounds):
        try:
            await pilot.app.workers.wait_for_complete()
        except (WorkerCancelled, WorkerFailed):
            pass
        await pilot.pause()
        if not any(w.is_running for w in pilot.app.workers):
            break
