"""One line per field, as the original masks were: Textual's compact inputs, selects, toggles.

A bordered Input takes three rows; the originals fit a whole mask on a 24-line terminal. Every
mask and dialog makes its fields compact when it is mounted (``MaskScreen`` and
``DialogScreen`` call ``make_compact``); the app's stylesheet (``styles/pegaso.tcss``) then
gives compact fields a background of their own and a stronger one for the focused field, since
without the border nothing else would show where the cursor is.
"""

from __future__ import annotations

from typing import Any

#: the widgets that have a ``compact`` style in Textual
COMPACT_WIDGETS = "Input, Select, TextArea, Checkbox, RadioSet, RadioButton, SelectionList"


def make_compact(root: Any) -> None:
    """Switch every field under ``root`` to its one-line (borderless) style."""
    for widget in root.query(COMPACT_WIDGETS):
        widget.compact = True
