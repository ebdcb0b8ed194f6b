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
    """A Footer whose grid (used on narrow screens) has at most ``KEY_COLUMNS`` columns, and
    which builds its keys again only when they change."""

    #: what the keys on screen were built from (None: not built yet)
    _shown: tuple | None = None

    def _keys_wanted(self) -> tuple:
        """Everything the keys show: each key, its label, action and state, and the footer's
        own options."""
        keys = tuple(
            (binding.key, self.app.get_key_display(binding), binding.description, binding.action,
             binding.group, enabled, tooltip)
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        )
        return keys, self.compact, self.show_command_palette

    async def recompose(self) -> None:
        # Footer rebuilds every key whenever the screen's bindings are told to have changed,
        # which is at every move of the focus: three times while a mask opens, 20 ms each,
        # for the same keys (issue 17, the panel from the menu).
        if self._bindings_ready and self.is_attached:
            wanted = self._keys_wanted()
            if wanted == self._shown:
                return
            self._shown = wanted
        await super().recompose()

    def compose(self) -> ComposeResult:
        yield from super().compose()
        # Footer sets one grid column per key (an inline style, which the stylesheet cannot
        # override): at most KEY_COLUMNS, so that the grid wraps onto a second line
        if self.styles.grid_size_columns:
            self.styles.grid_size_columns = min(self.styles.grid_size_columns, KEY_COLUMNS)
