"""Screens that survive an error in one of their handlers.

Textual ends a screen's message loop at the first exception of a handler (and the app's
handler exits): the mask would stop answering. ``CarryOn`` hands the error to the app's one
handler (``PegasoApp.report_unexpected``: a dialog, a log) and the loop goes on.
"""

from __future__ import annotations


class CarryOn:
    """Mix into a Screen (or the App) before the Textual class."""

    async def _dispatch_message(self, message) -> None:
        try:
            await super()._dispatch_message(message)  # type: ignore[misc]
        except Exception as error:  # noqa: BLE001 - reported to the user, then carry on
            app = self.app  # type: ignore[attr-defined]
            if not hasattr(app, "report_unexpected"):
                raise
            app._handle_exception(error)  # the app's one place for unexpected errors
