"""The operators' manual: one Markdown page per mask, in Italian, shipped inside the package.

The pages are ``pegaso_tui/manuale/NN-title.md`` (NN is the mask's number; ``00-indice.md`` is
the first page, with the keys every mask shares). ``F1`` shows the page of the mask in use
(``screens.help``); ``docs/manuale/`` in the repository points here. No Textual in this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pegaso_tui.masks import MASKS, Mask

MANUAL_DIR = Path(__file__).parent / "manuale"
INDEX_PAGE = MANUAL_DIR / "00-indice.md"


def page_for_mask(number: int) -> Path | None:
    """The manual's page of mask ``number``, or None when it has none yet."""
    pages = sorted(MANUAL_DIR.glob(f"{number:02d}-*.md"))
    return pages[0] if pages else None


def mask_of(screen_class: type) -> Mask | None:
    """The mask whose screen is ``screen_class`` (None for a form, a dialog, the home)."""
    path = f"{screen_class.__module__}:{screen_class.__qualname__}"
    return next((mask for mask in MASKS if mask.screen == path), None)


def page_for_screens(screen_classes: Iterable[type]) -> Path:
    """The page for the screen on top of a stack (``screen_classes`` from the top down).

    A form or a dialog has no page of its own: it gets the page of the mask it was opened
    from (the nearest mask under it), and the home screen gets the index.
    """
    for screen_class in screen_classes:
        mask = mask_of(screen_class)
        if mask is not None:
            page = page_for_mask(mask.number)
            if page is not None:
                return page
    return INDEX_PAGE
