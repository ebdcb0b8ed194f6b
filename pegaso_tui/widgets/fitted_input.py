"""Inputs never narrower than the text they are made for, bordered or compact.

A focused Input needs one cell more than its text, for the cursor at the end: with one cell
less, ``30-11-2026`` scrolled to ``0-11-2026`` (which reads as another date) and the client
code ``0000001`` to ``000001``. The stylesheets may make a field wider, never too narrow.
"""

from __future__ import annotations

from textual.widgets import Input


class FittedInput(Input):
    """An Input whose minimum width shows ``visible_chars`` characters and the cursor."""

    def __init__(self, *args, visible_chars: int, **kwargs) -> None:
        self.visible_chars = visible_chars
        super().__init__(*args, **kwargs)

    def on_mount(self) -> None:
        self._fit()

    def watch_compact(self, compact: bool) -> None:
        # the border and padding change with the class, once the styles are applied again
        if self.is_mounted:
            self.call_after_refresh(self._fit)

    def on_focus(self) -> None:
        # a focus style may add a border or padding: the text must still fit
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        self.styles.min_width = self.visible_chars + 1 + self.styles.gutter.width
