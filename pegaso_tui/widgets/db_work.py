"""Database work off the UI thread, for screens and widgets alike.

``run_db`` runs a domain function in a thread worker with its own database connection and
hands the result back on the UI thread; a newer call of the same group cancels an older one,
so a search typed quickly shows only the last answer.

``ReadAhead`` starts a screen's first read when the screen is created, before Textual composes
it: the rows are there for its first frame instead of arriving a layout later.
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Generic, TypeVar

from textual.worker import Worker, get_current_worker

from pegaso_tui.errors import first_line
from pegaso_tui.widgets.carry_on import CarryOn

T = TypeVar("T")


def user_message(exc: BaseException) -> str:
    """One line for the user from an exception raised by a domain function."""
    return first_line(exc)


class DbWorkMixin(CarryOn):
    """``run_db``: a domain call in a thread worker, its result back on the UI thread.

    Screens with it carry on after an unexpected error in a handler (see CarryOn)."""

    def run_db(
        self,
        fn: Callable[..., T],
        *args: Any,
        done: Callable[[T], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
        group: str = "db",
        exclusive: bool = True,
        description: str = "",
        database: bool = True,
    ) -> Worker[T]:
        """Run ``fn(*args)`` off the UI thread; call ``done(result)`` on the UI thread.

        When ``fn`` raises, ``failed(exc)`` is called (default: an error notification with the
        exception's first line). A call cancelled by a newer one of its group reports nothing.
        With ``database=False`` ``fn`` runs without a database connection (a question to the
        gateway must not hold one of the pool for as long as the gateway takes).
        """
        app = self.app  # type: ignore[attr-defined]
        services = app.services

        def job() -> T:
            worker = get_current_worker()
            try:
                result = services.call(fn, *args) if database else fn(*args)
            except Exception as exc:  # every error reaches the user, none freezes the mask
                if not worker.is_cancelled:
                    app.call_from_thread(failed or self.notify_error, exc)
                raise
            if not worker.is_cancelled and done is not None:
                app.call_from_thread(done, result)
            return result

        return self.run_worker(  # type: ignore[attr-defined]
            job,
            thread=True,
            group=group,
            exclusive=exclusive,
            exit_on_error=False,
            description=description or getattr(fn, "__name__", "db"),
        )

    def notify_error(self, exc: BaseException) -> None:
        """Show a failed domain call to the user."""
        self.notify(user_message(exc), title="Errore", severity="error", timeout=8, markup=False)  # type: ignore[attr-defined]


class ReadAhead(Generic[T]):
    """A domain call started as a screen is created, taken when the screen is mounted.

    Opening a mask is some 200 ms of Textual's work on the UI thread (composing, styling, the
    first layout). A read started from ``on_mount`` hands its rows back only once that work
    is over, and the list is laid out and drawn a second time. Started from the screen's
    constructor, the read runs in a thread while the screen is composed; ``take`` then finds
    it over and the rows are in the first frame. When it is not over yet, ``take`` hands the
    result on when it comes, as ``run_db`` would. Nothing waits for it on the UI thread.
    """

    def __init__(self, app: Any, fn: Callable[..., T], *args: Any, **kwargs: Any) -> None:
        self._lock = threading.Lock()
        self._outcome: tuple[bool, Any] | None = None
        self._taker: tuple[Callable[[T], None], Callable[[BaseException], None]] | None = None
        services = app.services

        def job() -> None:
            try:
                outcome: tuple[bool, Any] = (True, services.call(fn, *args, **kwargs))
            except Exception as exc:  # handed to the taker, who shows it
                outcome = (False, exc)
            with self._lock:
                self._outcome = outcome
                taker, self._taker = self._taker, None
            if taker is not None:
                app.call_from_thread(self._hand, taker, outcome)

        app.run_worker(job, thread=True, group="read-ahead", exclusive=False, exit_on_error=False,
                       description=f"read ahead: {getattr(fn, '__name__', 'db')}")

    def take(self, done: Callable[[T], None], failed: Callable[[BaseException], None]) -> bool:
        """``done(result)`` (or ``failed(error)``), on the UI thread: at once when the read is
        over, which it tells by returning True; when it ends otherwise."""
        with self._lock:
            outcome = self._outcome
            if outcome is None:
                self._taker = (done, failed)
                return False
        self._hand((done, failed), outcome)
        return True

    @staticmethod
    def _hand(taker, outcome: tuple[bool, Any]) -> None:
        done, failed = taker
        ok, value = outcome
        (done if ok else failed)(value)
