"""The one exception of the CRM domain: bad input, explained to the user."""

from __future__ import annotations


class CrmError(ValueError):
    """Input the CRM refuses; ``str(exc)`` is the Italian message, ``field`` the form field it
    is about (``subject``, ``description``, ``recontact_date``, ...) or None for the whole."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
