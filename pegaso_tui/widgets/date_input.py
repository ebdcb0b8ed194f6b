"""Dates typed the Italian way, ``DD-MM-YYYY``, checked as they are typed.

``DateInput`` accepts only digits and separators, marks itself invalid while the text is not a
possible date (``31-02-2026`` is refused), and rewrites a good date in the canonical form when
the field is left. Digits only are taken as the original masks took them (``31122026``,
``311226``); ``1/2/26`` with separators is not guessed.
"""

from __future__ import annotations

import datetime as dt

from textual.validation import ValidationResult, Validator

from pegaso_tui.dates import DateError, expand_typed_digits, format_date, parse_optional_date
from pegaso_tui.widgets.fitted_input import FittedInput


class DateValidator(Validator):
    """Valid when the text is empty (if allowed) or a possible date."""

    def __init__(self, required: bool = False) -> None:
        super().__init__()
        self.required = required

    def validate(self, value: str) -> ValidationResult:
        if not value.strip():
            return self.failure("data obbligatoria") if self.required else self.success()
        try:
            parse_optional_date(expand_typed_digits(value))
        except DateError as exc:
            return self.failure(str(exc))
        return self.success()


class DateInput(FittedInput):
    """An input for one date; ``.date`` is the date typed (None when empty)."""

    DEFAULT_CSS = """
    DateInput {
        width: auto;
    }
    """

    def __init__(
        self,
        value: dt.date | None = None,
        *,
        required: bool = False,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(
            value=format_date(value),
            placeholder="GG-MM-AAAA",
            restrict=r"[0-9\-/.]*",
            max_length=10,
            visible_chars=10,
            validators=[DateValidator(required)],
            validate_on=["changed", "blur", "submitted"],
            id=id,
            classes=classes,
        )
        self.required = required

    @property
    def date(self) -> dt.date | None:
        """The date typed, None when empty; DateError (Italian message) when impossible."""
        value = parse_optional_date(expand_typed_digits(self.value))
        if value is None and self.required:
            raise DateError("data obbligatoria")
        return value

    @date.setter
    def date(self, value: dt.date | None) -> None:
        self.value = format_date(value)

    @property
    def error(self) -> str | None:
        """Why the text is not a date (Italian), or None when it is fine."""
        try:
            self.date
        except DateError as exc:
            return str(exc)
        return None

    def on_blur(self) -> None:
        # A good date is shown in the canonical form once the field is left; a wrong one is
        # said under it at once (walked: "31022026" then Tab in Registro invii and Storico
        # Richieste said nothing, and the list of the dates before stayed under it)
        error = self.error
        if error is None:
            if self.value.strip():
                self.value = format_date(self.date)
            return
        from pegaso_tui.widgets.form_field import FormField

        field = next((a for a in self.ancestors if isinstance(a, FormField)), None)
        if field is not None:
            field.set_error(error)
