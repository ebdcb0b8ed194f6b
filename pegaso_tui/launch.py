"""Starting the application: open the database, then run the App on it.

Kept apart from ``cli`` so that ``pegaso-tui COMMAND`` never imports Textual.
"""

from __future__ import annotations

from pegaso_tui.db.urls import is_postgres_url, without_postgres_driver
from pegaso_tui.services import AppServices


def run_app(ctx, demo: bool = False) -> int:
    """Open the TUI on the configured database (or on a fresh demo one with ``demo``)."""
    from pegaso_tui.cli import CliError
    from pegaso_tui.db.urls import DatabaseUrlError, check_database_url

    if not demo:
        try:  # a database that cannot be right is said before the screen is taken
            check_database_url(ctx.database_url)
        except DatabaseUrlError as exc:
            raise CliError(str(exc)) from None
    if demo or not is_postgres_url(ctx.database_url):
        without_postgres_driver()
    if demo:
        from pegaso_tui.demo import demo_environment

        with demo_environment(ctx) as services:
            return _run(services)
    import threading

    # The database is opened by the app just after its first frame (AppServices.open_database):
    # the menu is on screen at once, even with a PostgreSQL server slow to answer.
    from pathlib import Path

    services = AppServices(
        settings=ctx.settings,
        database_url=ctx.database_url,
        operator_username=ctx.settings.operator_name(),
        config_path=Path(ctx.args.config) if getattr(ctx.args, "config", None) else None,
        database_ready=threading.Event(),
        run_sender=True,
    )
    _start_agenda_preview(services)
    return _run(services)


def _start_agenda_preview(services: AppServices) -> None:
    """Read the home agenda's first page on the other core while Textual starts."""
    from pegaso_tui.agenda_preview import PAGE_SIZE, AgendaPreview

    services.agenda_preview = AgendaPreview.start(
        services.database_url, services.operator_username, services.today(), PAGE_SIZE
    )


def _run(services: AppServices) -> int:
    from pegaso_tui.app import PegasoApp

    services.handle_hangups = True
    app = PegasoApp(services)
    try:
        app.run()
    finally:
        # requests on the wire are finished and recorded before the process ends
        if services.outbox is not None:
            services.outbox.stop(wait_s=services.settings.gateway.timeout_s + 5)
    return app.return_code or 0
