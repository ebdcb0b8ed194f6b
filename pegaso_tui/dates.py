"""Dates as the agency types them: ``DD-MM-YYYY`` first, also ``DD/MM/YYYY`` and ISO.

Shared by the command line, the masks and the importer, so that a date means the same thing
everywhere. No UI and no database here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

_DMY = re.compile(r"^\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?\s*$")
#: digits only, as the original masks took them: ``31122026`` or ``311226``
_DIGITS = re.compile(r"^\s*(\d{2})(\d{2})(\d{2}|\d{4})\s*$")


def expand_typed_digits(text: str) -> str:
    """A date typed in a mask as digits only, as the original masks took it, written the
    usual way: ``31122026`` and ``311226`` are ``31-12-2026``; anything else is returned as
    it is. A two-digit year 00–49 is 2000–2049, 50–99 is 1950–1999 (a trip in 26 and a birth
    in 83 both read right). Only the masks do this: an imported file must write the year in
    full (``01/02/30`` could be 1930 or 2030, and nobody is there to see the guess).
    """
    match = _DIGITS.match(text or "")
    if not match:
        return text
    day, month, year = match.groups()
    if len(year) == 2:
        year = str(2000 + int(year) if int(year) < 50 else 1900 + int(year))
    return f"{day}-{month}-{year}"


class DateError(ValueError):
    """A date the user typed cannot be understood; the message is for the user (Italian)."""


def parse_date(text: str) -> date:
    """Parse ``31-12-2026``, ``31/12/2026``, ``31.12.2026`` or ``2026-12-31``.

    Raises DateError with an Italian message for anything else, including impossible
    dates such as ``31-02-2026``.
    """
    if text is None:
        raise DateError("data mancante")
    match = _DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _ISO.match(text)
        if not match:
            raise DateError(f"data non valida: '{text.strip()}' (usare GG-MM-AAAA)")
        year, month, day = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(f"data impossibile: '{text.strip()}'") from None


def parse_optional_date(text: str | None) -> date | None:
    """Like parse_date, but an empty field (or the mask's ``- -``) means no date."""
    if text is None:
        return None
    stripped = text.strip()
    if not stripped or stripped.replace("-", "").replace("/", "").strip() == "":
        return None
    return parse_date(stripped)


def format_date(value: date | datetime | None) -> str:
    """``DD-MM-YYYY``, the way the masks show a date; empty for no date."""
    if value is None:
        return ""
    return value.strftime("%d-%m-%Y")


def format_time(value: datetime | None) -> str:
    """``HH:MM:SS`` as in the control panel's "Ora Invio"."""
    if value is None:
        return ""
    return value.strftime("%H:%M:%S")


@dataclass(frozen=True, slots=True)
class DateRange:
    """An inclusive range of dates; either end may be open (None)."""

    start: date | None = None
    end: date | None = None

    def __post_init__(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise DateError(
                f"l'intervallo termina ({format_date(self.end)}) prima di iniziare "
                f"({format_date(self.start)})"
            )

    @property
    def is_open(self) -> bool:
        """True when neither end is given: the range filters nothing."""
        return self.start is None and self.end is None

    def contains(self, value: date | None) -> bool:
        """Whether value falls in the range (a missing date never does, unless open)."""
        if self.is_open:
            return True
        if value is None:
            return False
        if self.start and value < self.start:
            return False
        if self.end and value > self.end:
            return False
        return True

    @classmethod
    def parse(cls, start: str | None, end: str | None) -> "DateRange":
        """Build a range from two typed fields (either may be empty)."""
        return cls(parse_optional_date(start), parse_optional_date(end))


def this_year(today: date | None = None) -> DateRange:
    """The default practice-date range of the masks: 1 January to 31 December."""
    today = today or date.today()
    return DateRange(date(today.year, 1, 1), date(today.year, 12, 31))
