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

    _check_problem: str | None = None

    def has_unsaved_changes(self) -> bool:
        """True when the form differs from what was loaded or saved.

        A check that fails for another reason than a form not composed yet counts as
        changes that could be lost: the operator is asked, and told why (it used to count
        as nothing to lose, and the prompt was skipped)."""
        from textual.css.query import NoMatches

        self._check_problem = None
        try:
            return self.form_state() != self._saved_state
        except NoMatches:  # a form not composed yet holds nothing
            return False
        except Exception as exc:
            from pegaso_tui.errors import first_line

            self._check_problem = first_line(exc)
            return True

    def leave_guarded(self, leave: Callable[[], None]) -> None:
        """Call ``leave`` at once, or after the user agreed to discard the changes."""
        if not self.has_unsaved_changes():
            leave()
            return
        from pegaso_tui.widgets.confirm import ConfirmDialog

        question = DISCARD_QUESTION
        if self._check_problem:
            question = (f"Non è stato possibile verificare le modifiche ({self._check_problem}). "
                        "Uscire e perderle?")

        def answered(discard: bool | None) -> None:
            if discard:
                leave()

        self.app.push_screen(  # type: ignore[attr-defined]
            ConfirmDialog(question, title="Modifiche non salvate", yes="Esci senza salvare (F10)", no="Resta (Esc)"),
            answered,
        )
