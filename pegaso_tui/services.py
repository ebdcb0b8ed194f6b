"""What the application is given to work with: settings, database, operator.

The App receives one ``AppServices`` (dependencies come in through ``__init__``, as in
Harlequin); screens reach it as ``self.app.services`` and ask the domain functions of
``pegaso_tui.db`` and ``pegaso_tui.sms`` for data, always from a worker thread.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from pegaso_tui.config import Settings
from pegaso_tui.errors import first_line

if TYPE_CHECKING:
    from pegaso_tui.sms.outbox import OutboxService

T = TypeVar("T")


def _ready() -> threading.Event:
    event = threading.Event()
    event.set()
    return event


@dataclass
class AppServices:
    """The injected dependencies of the App."""

    settings: Settings
    database_url: str = field(repr=False)  # may hold a password
    operator_username: str
    demo: bool = False
    #: the settings file the Configurazione mask writes (None: ``config_path()``, the one
    #: ``--config`` or ``$PEGASO_CONFIG`` names, or the user's)
    config_path: Path | None = None
    #: Free-form facts about the session (e.g. the demo sandbox's address), for the screens.
    extras: dict[str, Any] = field(default_factory=dict)
    #: The outbox sender the app runs while it is open (None: this app does not send).
    #: Screens follow it through ``outbox.hub`` or the app's OutboxUpdated messages.
    outbox: "OutboxService | None" = None
    #: Whether the app creates and runs the sender itself once the database is open
    #: (``pegaso-tui``); tests give their own ``outbox`` instead.
    run_sender: bool = False
    #: Whether SIGHUP and SIGTERM end the app cleanly (``pegaso-tui``; tests leave the test
    #: process's signals alone)
    handle_hangups: bool = False
    #: What "today" is for the masks' defaults (tests fix it, so screens stay the same).
    clock: Callable[[], date] = date.today
    #: Set once the database is open. ``pegaso-tui`` opens it just after the first frame
    #: (``open_database``), so the menu never waits for it; queries wait here meanwhile.
    database_ready: threading.Event = field(default_factory=_ready)
    #: Why the database could not be opened (then every query fails with it).
    database_problem: str | None = None
    #: The home agenda's first page being read by a helper process while the app starts
    #: (``pegaso_tui.agenda_preview``); the home screen takes it once.
    agenda_preview: Any = None

    def today(self) -> date:
        """Today, as the masks' default dates see it."""
        return self.clock()

    @property
    def database_label(self) -> str:
        """The database as the header shows it (known without opening it)."""
        from pegaso_tui.db.urls import describe_database

        return describe_database(self.database_url)

    def open_database(self, on_upgrade: Callable[[int, int], None] | None = None) -> None:
        """Open the database (creating or upgrading its schema) and record the operator, then
        let the waiting queries through; on failure, ``database_problem`` says why.
        ``on_upgrade(current, target)`` is told before a schema upgrade starts."""
        from pegaso_tui.db.connection import open_database, session
        from pegaso_tui.db.operators import current_operator

        try:
            open_database(
                self.database_url,
                create_folder=self.database_url == self.settings.database_url()
                and self.settings.uses_default_database(),
                on_upgrade=on_upgrade,
            )
            with session():
                current_operator(self.operator_username)
        except Exception as exc:  # every failure is told to the user, in one line
            self.database_problem = first_line(exc)
            raise
        finally:
            self.database_ready.set()

    def cache_advice(self) -> str | None:
        """PostgreSQL: a line for the operator when the server's cache cannot hold the clients'
        search (``pegaso_tui.db.pg_cache``); None when it can, and always on SQLite. It queries
        the database: call it in a worker."""
        from pegaso_tui.db.models import database_proxy
        from pegaso_tui.db.pg_cache import cache_advice

        return self.call(lambda: cache_advice(database_proxy.obj))

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn`` with a database connection held by the calling thread.

        For worker threads: every query of a worker goes through here (or through
        ``pegaso_tui.db.connection.session``), so its connection is given back when done.
        """
        from pegaso_tui.db.connection import DatabaseOpenError, session

        self.database_ready.wait()
        if self.database_problem is not None:
            raise DatabaseOpenError(self.database_problem)
        with session():
            return fn(*args, **kwargs)
