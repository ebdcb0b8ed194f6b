"""Reading a mask's fields: errors by field, and a pair of dates as a range.

Kept apart from ``mask.py`` and ``practices.py`` so that a mask that only reads dates (the
control panel) does not import the SMS editor, the send preview and the selections with them:
those made the panel's first opening about 130 ms longer.
"""

from __future__ import annotations

from pegaso_tui.dates import DateError, DateRange
from pegaso_tui.widgets.date_input import DateInput


class FieldErrors(Exception):
    """Some fields are wrong: field id -> message (Italian)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def date_range(screen, start_id: str, end_id: str, errors: dict[str, str], *, required: bool = False) -> DateRange:
    """Two DateInputs read as a range; errors keyed by their FormField ids."""
    values = {}
    for key in (start_id, end_id):
        field = screen.query_one(f"#{key}", DateInput)
        try:
            values[key] = field.date
        except DateError as exc:
            errors[f"field-{key}"] = str(exc)
            values[key] = None
        if required and values[key] is None and f"field-{key}" not in errors:
            errors[f"field-{key}"] = "data obbligatoria"
    try:
        return DateRange(values[start_id], values[end_id])
    except DateError as exc:
        errors[f"field-{end_id}"] = str(exc)
        return DateRange()
