"""The bridge from ``crm assign --search NAME`` to the saved searches (issue 15, item 1).

The saved searches are built in another branch (``pegaso_tui.db.searches``: ``get_search``,
``select_saved``, ``SearchError``). This module assumes that interface and nothing more;
until that branch is merged, naming a saved search says plainly that they are not there yet.
"""

from __future__ import annotations

import importlib
from datetime import date

from pegaso_tui.db.selections import Selection, SelectionError


class SavedSearchError(ValueError):
    """The saved search cannot be found or used; the message is for the user (Italian)."""


def load_saved_search(name: str, day: date | None = None) -> Selection:
    """The selection the saved search ``name`` makes on ``day`` (default: today).

    SavedSearchError when there is no such search, its filters no longer work, or this
    build has no saved searches.
    """
    try:
        searches = importlib.import_module("pegaso_tui.db.searches")
    except ModuleNotFoundError:
        raise SavedSearchError(
            "le ricerche salvate non sono disponibili in questa versione di Pegaso"
        ) from None
    try:
        search = searches.get_search(name)
        return searches.select_saved(search, day or date.today())
    except (searches.SearchError, SelectionError) as exc:
        raise SavedSearchError(str(exc)) from None
