"""Nothing typed is lost by mistake: a mask or dialog with unsaved changes asks before closing.

A screen mixes in ``GuardUnsaved`` and says what its form holds (``form_state``); it calls
``mark_saved()`` once the form is loaded or saved. Leaving (Esc) then goes through
``leave_guarded``, which asks with a ConfirmDialog when the form differs from what was
saved. The App asks the same before quitting (``has_unsaved_changes``).
"""

from __future__ import annotations

from typing import Any, Callable

DISCARD_QUESTION = "Ci sono modifiche non salvate. Uscire e perderle?"


class GuardUnsaved:
    """Unsaved-changes tracking for a screen with a form."""

    _saved_state: Any = None

    def form_state(self) -> Any:
        """What the form holds now (any comparable value); subclasses override."""
        return None

    def mark_saved(self) -> None:
        """The form as it is now counts as saved (call after loading and after saving)."""
        self._saved_state = self.form_state()

    def has_unsaved_changes(self) -> bool:
        """True when the form differs from what was loaded or saved."""
        try:
            return self.form_state() != self._saved_state
        except Exception:  # a form not composed yet holds nothing
            return False

    def leave_guarded(self, leave: Callable[[], None]) -> None:
        """Call ``leave`` at once, or after the user agreed to discard the changes."""
        if not self.has_unsaved_changes():
            leave()
            return
        from pegaso_tui.widgets.confirm import ConfirmDialog

        def answered(discard: bool | None) -> None:
            if discard:
                leave()

        self.app.push_screen(  # type: ignore[attr-defined]
            ConfirmDialog(DISCARD_QUESTION, title="Modifiche non salvate", yes="Esci senza salvare (F10)", no="Resta (Esc)"),
            answered,
        )
