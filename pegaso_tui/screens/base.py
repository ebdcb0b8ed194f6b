"""What every mask has in common: the keys of the originals and database work off the UI thread.

- ``F10`` confirms (alias ``ctrl+s``: some terminals keep F10 for their menu); ``Esc`` leaves
  (alias ``ctrl+g``). Their binding ids, ``confirm`` and ``leave``, can be remapped in the
  settings' ``[keys]`` table.
- ``run_db`` runs a domain function in a thread worker with its own database connection and
  hands the result back on the UI thread; a newer call of the same group cancels an older
  one, so a search typed quickly shows only the last answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, TypeVar

from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, get_current_worker

if TYPE_CHECKING:
    from pegaso_tui.app import PegasoApp

T = TypeVar("T")

CONFIRM_KEYS = "f10,ctrl+s"
LEAVE_KEYS = "escape,ctrl+g"


def user_message(exc: BaseException) -> str:
    """One line for the user from an exception raised by a domain function."""
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


class DbWorkMixin:
    """``run_db``: a domain call in a thread worker, its result back on the UI thread."""

    def run_db(
        self,
        fn: Callable[..., T],
        *args: Any,
        done: Callable[[T], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
        group: str = "db",
        exclusive: bool = True,
        description: str = "",
    ) -> Worker[T]:
        """Run ``fn(*args)`` off the UI thread; call ``done(result)`` on the UI thread.

        When ``fn`` raises, ``failed(exc)`` is called (default: an error notification with the
        exception's first line). A call cancelled by a newer one of its group reports nothing.
        """
        app = self.app  # type: ignore[attr-defined]
        services = app.services

        def job() -> T:
            worker = get_current_worker()
            try:
                result = services.call(fn, *args)
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
        self.notify(user_message(exc), title="Errore", severity="error", timeout=8)  # type: ignore[attr-defined]


class MaskScreen(DbWorkMixin, Screen[Any]):
    """A mask of the application: F10 confirms, Esc leaves."""

    BINDINGS = [
        Binding(LEAVE_KEYS, "leave", "Esci", id="leave", tooltip="Chiude la maschera senza salvare"),
        Binding(CONFIRM_KEYS, "confirm", "Ok", id="confirm", tooltip="Conferma"),
    ]

    #: The title shown in the header while the mask is open.
    MASK_TITLE = ""

    @property
    def app(self) -> "PegasoApp":  # type: ignore[override]
        return super().app  # type: ignore[return-value]

    def on_mount(self) -> None:
        if self.MASK_TITLE:
            self.title = self.MASK_TITLE

    def action_leave(self) -> None:
        """Leave the mask (subclasses ask first when something would be lost)."""
        self.dismiss()

    def action_confirm(self) -> None:
        """F10: what it means depends on the mask."""


class DialogScreen(DbWorkMixin, ModalScreen[T]):
    """A modal dialog: F10 is OK, Esc is cancel (dismisses with None)."""

    BINDINGS = [
        Binding(LEAVE_KEYS, "cancel", "Annulla", id="leave"),
        Binding(CONFIRM_KEYS, "confirm", "Ok", id="confirm"),
    ]

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_confirm(self) -> None:
        """F10: subclasses dismiss with their value."""
