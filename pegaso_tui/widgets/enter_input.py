"""A field whose Invio acts at once, in the field's own turn.

``Input`` tells its Invio with ``Input.Submitted``, a message that reaches the screen only
after the keys the field already holds behind the Invio: "347 1234567", Invio, "348 7654321",
Invio typed together in the client form's Altri cellulari appended the second number to the
first before the first was taken. Here the Invio calls ``on_enter`` as the field reads it
(``typing_order`` runs a field's own bindings at once), so the keys behind it meet what it
did: the field emptied, the focus moved on.
"""

from __future__ import annotations

from typing import Any, Callable

from textual.widgets import Input


class EnterInput(Input):
    """An ``Input`` whose Invio calls ``on_enter(value)`` at once instead of posting
    ``Submitted``."""

    def __init__(self, *args: Any, on_enter: Callable[[str], None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._on_enter = on_enter

    async def action_submit(self) -> None:
        self._on_enter(self.value)
