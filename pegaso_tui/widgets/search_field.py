"""The search field on top of a list, and typing in the list that goes on with the search.

The registry lists and Richieste Aperte share this: ``↓`` from the search goes to the list,
and a letter typed in the list goes back to the search, appended to what is there.
"""

from __future__ import annotations

from textual import events
from textual.widget import Widget
from textual.widgets import Input


class SearchField(Input):
    """An Input that never selects its text when it gets the focus.

    Textual's Input selects everything on focus; a letter typed in the list moves the focus
    here and is inserted, and the focus arriving a moment later selected it, so the next
    letter replaced it ("rossi" became "ossi").
    """

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("select_on_focus", False)
        super().__init__(*args, **kwargs)


def route_search_keys(event: events.Key, focused: Widget | None, search: Input, listing: Widget) -> bool:
    """``↓`` in ``search`` goes to ``listing``; a printable key in ``listing`` goes on with
    the search. True when the key was used (the caller stops the event)."""
    if focused is search and event.key == "down":
        listing.focus()
        return True
    if focused is listing and event.is_printable and event.character:
        search.focus()
        search.cursor_position = len(search.value)
        search.insert_text_at_cursor(event.character)
        return True
    return False
