"""Starting the application: open the database, then run the App on it.

Kept apart from ``cli`` so that ``pegaso-tui COMMAND`` never imports Textual.
"""

from __future__ import annotations

from pegaso_tui.services import AppServices


def run_app(ctx, demo: bool = False) -> int:
    """Open the TUI on the configured database (or on a fresh demo one with ``demo``)."""
    if demo:
        from pegaso_tui.demo import demo_environment

        with demo_environment(ctx) as services:
            return _run(services)
    ctx.open_db()
    services = AppServices(
        settings=ctx.settings,
        database_url=ctx.database_url,
        operator_username=ctx.operator().username,
    )
    return _run(services)


def _run(services: AppServices) -> int:
    from pegaso_tui.app import PegasoApp
    from pegaso_tui.sms.outbox import OutboxService

    if services.outbox is None:
        services.outbox = OutboxService(services.settings)
    app = PegasoApp(services)
    try:
        app.run()
    finally:
        # requests on the wire are finished and recorded before the process ends
        services.outbox.stop(wait_s=services.settings.gateway.timeout_s + 5)
    return app.return_code or 0
