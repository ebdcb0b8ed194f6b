"""The one exception of the CRM domain: bad input, explained to the user."""

from __future__ import annotations


class CrmError(ValueError):
    """Input the CRM refuses; ``str(exc)`` is the Italian message, ``field`` the form field it
    is about (``subject``, ``description``, ``recontact_date``, ...) or None for the whole."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class CrmErrors(CrmError):
    """Several fields refused at once (``errors``, in the order of the form); it reads as the
    first, so a caller that shows one message still shows the topmost."""

    def __init__(self, errors: list[CrmError]) -> None:
        super().__init__(str(errors[0]), errors[0].field)
        self.errors = list(errors)


def all_errors(exc: BaseException) -> list[CrmError]:
    """The CrmErrors inside ``exc`` (one for a plain CrmError, none for anything else)."""
    if isinstance(exc, CrmErrors):
        return list(exc.errors)
    if isinstance(exc, CrmError):
        return [exc]
    return []
