"""A field whose Invio acts at once, in the field's own turn.

``Input`` tells its Invio with ``Input.Submitted``, a message that reaches the screen only
after the keys the field already holds behind the Invio: "347 1234567", Invio, "348 7654321",
Invio typed together in the client form's Altri cellulari appended the second number to the
first before the first was taken. Here the Invio calls ``on_enter`` as the field reads it
(``typing_order`` runs a field's own bindings at once), so the keys behind it meet what it
did: the field emptied, the focus moved on.

When what the Invio does finishes later (a lookup closing, a subject taken by its mask), the
keys behind it must wait: ``held`` is the ``KeyHold`` that keeps them meanwhile, started by
``on_enter`` and released by whoever finishes the work.
"""

from __future__ import annotations

from typing import Any, Callable

from textual import events
from textual.widgets import Input

from pegaso_tui.widgets.typing_order import KeyHold


class EnterInput(Input):
    """An ``Input`` whose Invio calls ``on_enter(value)`` at once instead of posting
    ``Submitted``; while ``held`` holds, the keys that reach it are kept there."""

    def __init__(self, *args: Any, on_enter: Callable[[str], None], held: KeyHold | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._on_enter = on_enter
        self._held = held

    async def action_submit(self) -> None:
        self._on_enter(self.value)

    async def _on_key(self, event: events.Key) -> None:
        # before Input's own handler (Textual calls them in MRO order), which is not called
        # for a key held here
        if self._held is not None:
            self._held.hold(event)
