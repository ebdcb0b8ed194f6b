"""``pegaso-tui --demo``: a fresh demo database in a temporary folder, removed on exit.

The database holds the modest demo agency of ``pegaso_tui.db.demo_data`` (500 clients,
3,000 practices, some past messages): every mask has something to show at once.
"""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Iterator

from pegaso_tui.services import AppServices

#: The demo agency (FUTURA VIAGGI of the manuals): its name fills {agenzia}.
DEMO_AGENCY = "Futura Viaggi"
#: The sender of the demo, and the aliases its sandbox account has registered: an alias
#: typed in a mask that is not one of them is warned about, as with a real account.
DEMO_SENDER = "PEGASO"
DEMO_ALIASES = ("PEGASO", "FUTURA")


def start_demo_sandbox():
    """The sandbox gateway in-process on a free loopback port, and the settings that reach it.

    SMS are delivered after three seconds; numbers ending in 13 are never delivered (to show
    what a failure looks like); the account has 5,000 SMS and the aliases DEMO_ALIASES.
    """
    from pegaso_tui.gateways.sandbox import SandboxConfig, SandboxServer

    server = SandboxServer(
        SandboxConfig(deliver_after_ms=3000, undeliverable_suffix="13", credits=5000,
                      aliases=DEMO_ALIASES)
    ).start()
    return server, replace(server.gateway_settings(), kind="sandbox")


@contextmanager
def demo_environment(ctx) -> Iterator[AppServices]:
    """Prepare the demo: a database of demo data in a temporary folder, and the sandbox
    gateway in-process; yield the services."""
    from pegaso_tui.db.demo_data import generate_demo_data

    from pegaso_tui.config import save_settings

    with tempfile.TemporaryDirectory(prefix="pegaso-demo-") as folder:
        url = str(Path(folder) / "demo.db")
        sandbox, gateway = start_demo_sandbox()
        ctx.settings = replace(ctx.settings, database=url, gateway=gateway,
                               sender=ctx.settings.sender or DEMO_SENDER,
                               agency=ctx.settings.agency or DEMO_AGENCY)
        # the demo's own settings file: the Configurazione mask changes it, never the
        # user's real one (which would then point at a sandbox that is gone)
        config_file = save_settings(ctx.settings, Path(folder) / "config.toml")
        try:
            ctx.open_db()
            generate_demo_data(operator=ctx.settings.operator_name())
            operator = ctx.operator()
            yield AppServices(
                settings=ctx.settings,
                database_url=url,
                operator_username=operator.username,
                demo=True,
                config_path=config_file,
                extras={"sandbox_url": sandbox.url},
                run_sender=True,
            )
            ctx.close()
        finally:
            sandbox.stop()
