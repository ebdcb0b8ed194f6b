"""Building the real App for pilot tests, on a real database file."""

from __future__ import annotations

from pegaso_tui.app import PegasoApp
from pegaso_tui.config import load_settings
from pegaso_tui.db.connection import open_database
from pegaso_tui.db.operators import current_operator
from pegaso_tui.services import AppServices


def make_app(db_url: str, *, sandbox=None, today=None, **settings_changes) -> PegasoApp:
    """The App on ``db_url`` (opened, schema created), as ``pegaso-tui --db`` would build it.

    With ``sandbox`` (a running SandboxServer) the settings point at it and the app runs the
    outbox sender, as the real app does; ``today`` fixes the masks' notion of today.
    """
    from dataclasses import replace

    settings = replace(load_settings(), database=db_url, **settings_changes)
    outbox = None
    if sandbox is not None:
        from pegaso_tui.sms.outbox import OutboxService
        from tests.outboxutil import FAST

        gateway = sandbox.gateway_settings(timeout_s=2)
        settings = replace(settings, gateway=gateway)
        outbox = OutboxService(settings, replace(FAST, gateway_timeout_s=gateway.timeout_s))
    open_database(db_url)
    operator = current_operator(settings.operator_name())
    services = AppServices(settings=settings, database_url=db_url, operator_username=operator.username,
                           outbox=outbox)
    if today is not None:
        services.clock = lambda: today
    return PegasoApp(services, cursor_blink=False)


async def wait_until(pilot, condition, timeout: float = 10.0) -> bool:
    """Let the app run until ``condition()`` holds (False if it never does)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        await pilot.pause(0.05)
    return condition()


#: Worker groups that run as long as the app does: the outbox sender, a DirectoryTree's loader.
NEVER_ENDING_WORKERS = ("outbox", "_loader")


async def wait_for_workers(pilot, rounds: int = 5) -> None:
    """Let every worker finish and the UI apply its results (and the workers they start).

    A worker replaced by a newer one of its group ends cancelled: that is expected here. Two
    never end while the app runs, so they are not waited for: the outbox sender, and the
    loader of a folder tree (the import screen's), which waits for folders to be opened.
    """
    from textual.worker import WorkerCancelled, WorkerFailed

    def pending():
        return [w for w in pilot.app.workers
                if w.group not in NEVER_ENDING_WORKERS and not w.is_finished]

    for _ in range(rounds):
        workers = pending()
        if workers:  # (an empty list would mean "every worker", the sender included)
            try:
                await pilot.app.workers.wait_for_complete(workers)
            except (WorkerCancelled, WorkerFailed):
                pass
        await pilot.pause()
        if not pending():
            break


async def settle(pilot) -> None:
    """Let the workers finish and the screen show what they found."""
    await wait_for_workers(pilot)
    await pilot.pause()
