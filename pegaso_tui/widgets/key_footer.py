"""The footer of the masks: the keys of the mask, never cut off at the right edge.

Textual's Footer puts every key on one line, and an 80-column terminal cuts the last ones off
("f6 Im"). On a narrow screen (the mask's ``-narrow`` class, see ``screens.base``) the
stylesheet lays the footer out as a grid of ``KEY_COLUMNS`` columns, on as many lines as the
keys need.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer

#: keys per line on a narrow screen: five of the longest ("f4 Gestisci") fit 80 columns
KEY_COLUMNS = 5


class KeyFooter(Footer):
    """A Footer whose grid (used on narrow screens) has at most ``KEY_COLUMNS`` columns."""

    def compose(self) -> ComposeResult:
        yield from super().compose()
        # Footer sets one grid column per key (an inline style, which the stylesheet cannot
        # override): at most KEY_COLUMNS, so that the grid wraps onto a second line
        if self.styles.grid_size_columns:
            self.styles.grid_size_columns = min(self.styles.grid_size_columns, KEY_COLUMNS)
