"""The bridge from ``crm assign --search NAME`` to the saved searches (issue 15, item 1):
the selection a saved search makes on a day, or one line saying why it cannot."""

from __future__ import annotations

from datetime import date

from pegaso_tui.db.searches import SearchError, get_search, select_saved
from pegaso_tui.db.selections import Selection, SelectionError


class SavedSearchError(ValueError):
    """The saved search cannot be found or used; the message is for the user (Italian)."""


def load_saved_search(name: str, day: date | None = None) -> Selection:
    """The selection the saved search ``name`` makes on ``day`` (default: today).

    SavedSearchError when there is no such search or its filters no longer work.
    """
    try:
        return select_saved(get_search(name), day or date.today())
    except (SearchError, SelectionError) as exc:
        raise SavedSearchError(str(exc)) from None
