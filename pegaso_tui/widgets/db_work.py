"""Database work off the UI thread, for screens and widgets alike.

``run_db`` runs a domain function in a thread worker with its own database connection and
hands the result back on the UI thread; a newer call of the same group cancels an older one,
so a search typed quickly shows only the last answer.
"""

from __future__ import annotations

from typing import Any, Callable, TypeVar

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
