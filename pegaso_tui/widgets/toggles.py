"""Checkboxes, radio buttons and checklists whose state is seen without colour.

Textual draws the same ``X`` (or ``●``) on and off and tells them apart by colour only; with
16 colours (``TERM=linux``, ``vt100``) "on" was a white X on grey against a black one. Here
each state has its own glyph, as the original masks' ● and empty circle: a checkbox shows
``X`` or a blank box, a radio button ``●`` or ``○``.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Checkbox as _Checkbox
from textual.widgets import RadioButton as _RadioButton
from textual.widgets import SelectionList as _SelectionList
from textual.widgets._toggle_button import ToggleButton

CHECK_ON = "X"
CHECK_OFF = " "
RADIO_ON = "●"
RADIO_OFF = "○"

T = TypeVar("T")


class Checkbox(_Checkbox):
    """A checkbox: ``X`` when ticked, blank when not."""

    @property
    def BUTTON_INNER(self) -> str:  # noqa: N802 (Textual's name for the glyph)
        return CHECK_ON if self.value else CHECK_OFF


class RadioButton(_RadioButton):
    """A radio button: ``●`` when chosen, ``○`` when not."""

    @property
    def BUTTON_INNER(self) -> str:  # noqa: N802 (Textual's name for the glyph)
        return RADIO_ON if self.value else RADIO_OFF


class SelectionList(_SelectionList[T], Generic[T]):
    """A checklist whose unticked lines have a blank box (Textual draws ``X`` on each)."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        index = self.scroll_offset.y + y
        if index >= self.option_count or len(segments) < 2 or segments[1].text != ToggleButton.BUTTON_INNER:
            return strip
        if self.get_option_at_index(index).value not in self._selected:
            segments[1] = Segment(CHECK_OFF, segments[1].style)
            return Strip(segments, strip.cell_length)
        return strip
