"""The search field on top of a list, and typing in the list that goes on with the search.

The registry lists, Richieste Aperte and Cerca Soggetto share this: ``↓`` or ``Invio`` from
the search goes to the list. In the registry lists and Richieste Aperte, a letter typed in the
list goes back to the search, appended to what is there (``route_search_keys``).

The search moves the focus itself, at once, in its own keys: the keys typed behind them go to
the list (``widgets.typing_order`` hands them on). When the screen moved it, on the key or on
the field's Submitted message, the keys had already been read by the search: "rossi", Invio,
Invio typed together searched and went to the list, but did not open the first client.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Input


class SearchField(Input):
    """An Input that never selects its text when it gets the focus, and hands the focus to its
    ``listing`` on ``↓`` and ``Invio``.

    Textual's Input selects everything on focus; a letter typed in the list moves the focus
    here and is inserted, and the focus arriving a moment later selected it, so the next
    letter replaced it ("rossi" became "ossi").
    """

    BINDINGS = [Binding("down", "to_listing", show=False)]

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("select_on_focus", False)
        super().__init__(*args, **kwargs)
        #: the list below: ↓ and Invio give it the focus (set by the screen)
        self.listing: Widget | None = None

    def watch_value(self, value: str) -> None:
        # called at once, as the key is read: the screen shows the new result only once the
        # field's Changed message reaches it, and an Invio typed behind may reach the list
        # first (it then waits for that result: ``PagedTable.expect_result``)
        from pegaso_tui.widgets.paged_table import PagedTable

        table = getattr(self.listing, "parent", None)
        if isinstance(table, PagedTable):
            table.expect_result()

    async def action_submit(self) -> None:
        await super().action_submit()
        self.action_to_listing()

    def action_to_listing(self) -> None:
        """The focus to the list, now: not later, as ``focus()`` does, behind keys typed after."""
        if self.listing is not None and self.listing.display:
            self.screen.set_focus(self.listing)


def route_search_keys(event: events.Key, focused: Widget | None, search: Input, listing: Widget) -> bool:
    """A printable key in ``listing`` goes on with the search. True when the key was used
    (the caller stops the event)."""
    if focused is listing and event.is_printable and event.character:
        search.focus()
        search.cursor_position = len(search.value)
        search.insert_text_at_cursor(event.character)
        return True
    return False
