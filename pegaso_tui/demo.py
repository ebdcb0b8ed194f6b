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


@contextmanager
def demo_environment(ctx) -> Iterator[AppServices]:
    """Prepare the demo: database in a temporary folder; yield the App's services."""
    from pegaso_tui.db.demo_data import generate_demo_data

    with tempfile.TemporaryDirectory(prefix="pegaso-demo-") as folder:
        url = str(Path(folder) / "demo.db")
        ctx.settings = replace(ctx.settings, database=url)
        ctx.open_db()
        generate_demo_data()
        operator = ctx.operator()
        yield AppServices(
            settings=ctx.settings,
            database_url=url,
            operator_username=operator.username,
            demo=True,
        )
        ctx.close()
