"""Phone numbers: parse as typed (Italy by default), store as E.164, show the Italian way.

An SMS can only go to a mobile. Every number the agency keeps is classified once, when it is
saved or imported, so that selections can say at once why a client cannot be sent to:

- ``ok``        a valid mobile (or a foreign number that may be one), stored in E.164;
- ``missing``   no number at all;
- ``invalid``   not a phone number, or not a valid one;
- ``landline``  a valid number that is not a mobile (fixed line, toll free, ...).

Foreign numbers are accepted: for many countries (e.g. the US) a number cannot be told
mobile from fixed, and those are let through. A number with an extension (``349 999 9999
int. 2``) is not a mobile: it is refused as invalid. The reason given for a number that is not
a mobile names what it is (fixed line, toll free, premium rate, ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

DEFAULT_REGION = "IT"

OK = "ok"
MISSING = "missing"
INVALID = "invalid"
LANDLINE = "landline"

#: The reason shown to the user (Italian) for each status that cannot receive an SMS.
REASONS = {
    MISSING: "cellulare mancante",
    INVALID: "cellulare non valido",
    LANDLINE: "numero fisso, non cellulare",
}

#: The reason of an INVALID number typed with letters or other symbols (see check_mobile).
LETTERS_REASON = "il cellulare contiene lettere o simboli (ammessi cifre, spazi, + - . / e parentesi)"

#: A more precise reason for the numbers that are valid but not mobiles, by phonenumbers'
#: type name (PhoneCheck.kind).
KIND_REASONS = {
    "FIXED_LINE": "numero fisso, non cellulare",
    "TOLL_FREE": "numero verde, non cellulare",
    "PREMIUM_RATE": "numero a tariffa speciale, non cellulare",
    "SHARED_COST": "numero a costo ripartito, non cellulare",
    "VOIP": "numero VoIP, non cellulare",
    "PERSONAL_NUMBER": "numero personale, non cellulare",
    "PAGER": "cercapersone, non cellulare",
    "UAN": "numero aziendale unico, non cellulare",
    "VOICEMAIL": "segreteria, non cellulare",
}


#: What a typed number may hold. phonenumbers reads letters as keypad digits ("349 HELLO 12"
#: becomes 349435569 12) and drops what it does not understand ("349O123456"): both would be
#: another person's number, so anything else makes the number invalid before it is parsed.
_ALLOWED = frozenset("0123456789+-./()")


def typed_badly(text: str) -> bool:
    """True when ``text`` holds a character a phone number is never typed with (a letter).

    Any kind of space is fine (spreadsheets write non-breaking ones)."""
    return any(c not in _ALLOWED and not c.isspace() for c in text)


class PhoneError(ValueError):
    """A number an SMS cannot be sent to; the message says why (Italian)."""


@dataclass(frozen=True, slots=True)
class PhoneCheck:
    """What a typed number turned out to be."""

    raw: str
    status: str
    e164: str | None = None
    #: phonenumbers' type name of a valid number (``MOBILE``, ``FIXED_LINE``, ...)
    kind: str | None = None

    @property
    def sendable(self) -> bool:
        """True when an SMS can be sent to this number."""
        return self.status == OK

    @property
    def reason(self) -> str | None:
        """Why an SMS cannot be sent (Italian), or None when it can."""
        if self.status == INVALID and typed_badly(self.raw.strip()):
            return LETTERS_REASON
        if self.status == LANDLINE and self.kind in KIND_REASONS:
            return KIND_REASONS[self.kind]
        return REASONS.get(self.status)

    @property
    def display(self) -> str:
        """The number as staff read it (``349 999 9999``), or as typed when invalid."""
        return display_number(self.stored)

    @property
    def stored(self) -> str:
        """What to keep in the database: E.164 when valid, else the number as typed."""
        return self.e164 or self.raw.strip()


def reason_for(status: str | None) -> str | None:
    """The Italian reason for a stored mobile status (None when sendable)."""
    return REASONS.get(status or MISSING)


@lru_cache(maxsize=65536)
def check_mobile(raw: str | None, region: str = DEFAULT_REGION) -> PhoneCheck:
    """Classify a number as typed by the user or found in a spreadsheet.

    ``349/9999999``, ``349 999 9999``, ``0039 349 9999999`` and ``+39 3499999999`` all give
    ``+393499999999``. Cached: an import of 100,000 clients sees many repeats.
    """
    import phonenumbers
    from phonenumbers import PhoneNumberType

    text = (raw or "").strip()
    if not text:
        return PhoneCheck(raw or "", MISSING)
    if typed_badly(text):
        return PhoneCheck(text, INVALID)
    try:
        number = phonenumbers.parse(" ".join(text.split()), region)  # any space is a space
    except phonenumbers.NumberParseException:
        return PhoneCheck(text, INVALID)
    if not phonenumbers.is_valid_number(number) or number.extension:
        return PhoneCheck(text, INVALID)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    kind = phonenumbers.number_type(number)
    kind_name = _type_name(kind)
    if kind in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE):
        return PhoneCheck(text, OK, e164, kind_name)
    return PhoneCheck(text, LANDLINE, e164, kind_name)


@lru_cache(maxsize=None)
def _type_name(kind: int) -> str:
    """phonenumbers' name of a number type (``MOBILE``, ``TOLL_FREE``, ...)."""
    from phonenumbers import PhoneNumberType

    for name in dir(PhoneNumberType):
        if name.isupper() and getattr(PhoneNumberType, name) == kind:
            return name
    return "UNKNOWN"


def parse_mobile(raw: str | None, region: str = DEFAULT_REGION) -> str:
    """The E.164 form of a mobile typed by the user; PhoneError with the reason otherwise.

    For the fields where one number is typed (the single SMS, ``send single --to``):
    ``parse_mobile("349/9999999") == "+393499999999"``; a landline is refused with
    "numero fisso, non cellulare".
    """
    check = check_mobile(raw, region)
    if check.sendable:
        assert check.e164 is not None
        return check.e164
    shown = check.raw.strip()
    raise PhoneError(f"{shown}: {check.reason}" if shown else str(check.reason))


def display_number(stored: str | None) -> str:
    """The number the way staff read it: ``349 999 9999`` for Italy, international otherwise.

    A stored value that is not E.164 (an invalid number kept as typed) is shown unchanged.
    Remembered: every list row and every live reload of the control panel asks again.
    """
    shown = _displayed.get(stored)  # type: ignore[arg-type]
    if shown is None:
        shown = _format_for_display(stored)
    return shown


def remember_display(shown: dict[str, str]) -> None:
    """Numbers already put the way staff read them (stored -> shown), by ``display_number``
    in another process: the home agenda's helper formats its rows' numbers, so that the
    app's first frame does not wait for the phone-number library to load (27 ms)."""
    _displayed.update(shown)


#: numbers formatted in another process (remember_display)
_displayed: dict[str, str] = {}


def load_phone_library() -> None:
    """Load the phone-number library and its Italian data, as the first number shown would.

    About 45 ms, which the first list of numbers (the control panel, Clienti) otherwise
    pays on the UI thread: the app calls this in a thread of its own once the home screen
    is out. ``_format_for_display`` is not called, so nothing is remembered for a number."""
    import phonenumbers

    phonenumbers.format_number(phonenumbers.parse("+393490000000", None),
                               phonenumbers.PhoneNumberFormat.NATIONAL)


@lru_cache(maxsize=65536)
def _format_for_display(stored: str | None) -> str:
    if not stored:
        return ""
    if not stored.startswith("+"):
        return stored
    import phonenumbers

    try:
        number = phonenumbers.parse(stored, None)
    except phonenumbers.NumberParseException:
        return stored
    if number.country_code == 39:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
