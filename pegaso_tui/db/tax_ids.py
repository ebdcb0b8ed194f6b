"""Italian fiscal codes and VAT numbers, checked with python-stdnum.

A person's codice fiscale has 16 characters (with the check letter, and omocodia handled by
stdnum); a company's is its 11 digits, usually equal to its partita IVA (a sole trader may
use the owner's 16-character one: stdnum's ``it.codicefiscale`` accepts both). A foreign
client (country other than Italy) is never held to the Italian rules: the value is kept as
typed, in upper case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from stdnum import exceptions as stdnum_errors
from stdnum.it import codicefiscale, iva

#: The ways the country of an Italian client is written (the seed shows ``ITA``/``ITALIA``).
ITALY_NAMES = frozenset({"", "IT", "ITA", "ITALIA", "ITALY"})


def is_italy(country: str | None) -> bool:
    """True when the country field means Italy (empty counts as Italy: the default)."""
    return (country or "").strip().upper() in ITALY_NAMES


@dataclass(frozen=True, slots=True)
class TaxIdCheck:
    """A checked value: what to store, and why it is wrong (None when fine or empty)."""

    value: str
    error: str | None = None


def _reason(exc: Exception, what: str, shape: str) -> str:
    if isinstance(exc, stdnum_errors.InvalidChecksum):
        return f"{what}: carattere di controllo errato"
    if isinstance(exc, stdnum_errors.InvalidComponent):
        return f"{what}: data di nascita o comune non validi"
    if isinstance(exc, stdnum_errors.InvalidLength):
        return f"{what}: lunghezza errata ({shape})"
    return f"{what}: formato non valido ({shape})"


_FISCAL_SHAPE = "16 caratteri, o 11 cifre per un'azienda"
_VAT_SHAPE = "11 cifre"


def check_fiscal_code(
    value: str | None,
    *,
    country: str | None = None,
    birth_date: date | None = None,
) -> TaxIdCheck:
    """Check a codice fiscale (empty is fine).

    For a person with a birth date, a 16-character code must encode that date (day, month and
    the last two digits of the year: the century is not in the code).
    """
    text = (value or "").strip().upper()
    if not text:
        return TaxIdCheck("")
    if not is_italy(country):
        return TaxIdCheck(text)
    try:
        compact = codicefiscale.validate(text)
    except stdnum_errors.ValidationError as exc:
        return TaxIdCheck(text, _reason(exc, "codice fiscale", _FISCAL_SHAPE))
    if birth_date is not None and len(compact) == 16:
        encoded = codicefiscale.get_birth_date(compact)
        if (encoded.day, encoded.month, encoded.year % 100) != (
            birth_date.day, birth_date.month, birth_date.year % 100
        ):
            return TaxIdCheck(
                compact,
                f"il codice fiscale non corrisponde alla data di nascita "
                f"({birth_date:%d-%m-%Y}: il codice indica il {encoded:%d-%m} di un anno '{encoded:%y})",
            )
    return TaxIdCheck(compact)


def check_vat_number(value: str | None, *, country: str | None = None) -> TaxIdCheck:
    """Check a partita IVA (empty is fine): 11 digits with the Luhn check digit.

    ``IT 022 634 70235`` is stored as ``02263470235``.
    """
    text = (value or "").strip().upper()
    if not text:
        return TaxIdCheck("")
    if not is_italy(country):
        return TaxIdCheck(text)
    try:
        return TaxIdCheck(iva.validate(text))
    except stdnum_errors.ValidationError as exc:
        return TaxIdCheck(text, _reason(exc, "partita IVA", _VAT_SHAPE))
