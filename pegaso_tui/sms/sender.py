"""The sender of an SMS ("Mittente"): an alias such as ``FUTURA``, or a number.

What the networks deliver reliably, and what the providers accept:

- an **alphanumeric alias**: 1 to 11 characters, letters ``A-Z a-z`` and digits, with at least
  one letter; single spaces between words are allowed (``FUTURA VGG``). Accented letters and
  punctuation are refused: operators filter them or handsets show them wrongly;
- a **number in international form**: ``+`` (or ``00``) and the country code, e.g.
  ``+393499999999``; stored as E.164. A number without the country code is refused: abroad
  it would be read as a different number.

In Italy an alias must also be registered with the provider, with its holder's details
(AGCOM resolution 306/20/CIR): an alias that is not registered is replaced by a random
number. ``ALIAS_NOTICE`` says so; the masks show it wherever the alias is set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_ALIAS = 11
ALPHANUMERIC = "alphanumeric"
NUMERIC = "numeric"

#: Shown wherever the sender alias is set (masks, settings): the Italian rule.
ALIAS_NOTICE = (
    "Delibera AGCOM 306/20/CIR: il mittente alfanumerico (alias) deve essere registrato "
    "presso il fornitore SMS con i dati del titolare, PEC compresa. Un alias non registrato "
    "viene sostituito da un mittente numerico casuale."
)

_ALIAS = re.compile(r"[A-Za-z0-9]+(?: [A-Za-z0-9]+)*")
_NUMBER_CHARS = re.compile(r"[+0-9 ./()-]+")


class SenderError(ValueError):
    """The sender cannot be used; the message says why (Italian)."""


@dataclass(frozen=True, slots=True)
class Sender:
    """A valid sender: the value to give the gateway, and its kind."""

    value: str
    kind: str  # ALPHANUMERIC or NUMERIC

    def __str__(self) -> str:
        return self.value


def check_sender(raw: str | None) -> Sender:
    """The sender as the gateway wants it; SenderError with the reason when it is not valid.

    Surrounding spaces are ignored. ``FUTURA``, ``Futura Vgg``, ``Viaggi2026``,
    ``+39 349 999 9999`` and ``0039 3499999999`` are valid; ``3499999999`` (no country code),
    ``12345`` (digits only), ``AGENZIAFUTURA`` (13 characters), ``FUTURA!`` and ``CITTÀ``
    are not.
    """
    text = (raw or "").strip()
    if not text:
        raise SenderError("mittente mancante: indicare un alias (es. FUTURA) o un numero")
    if text.startswith("+") or (text.startswith("00") and _NUMBER_CHARS.fullmatch(text)):
        return Sender(_international_number(text), NUMERIC)
    if _NUMBER_CHARS.fullmatch(text) and not any(c.isalpha() for c in text):
        raise SenderError(
            f"mittente '{text}': un mittente numerico va scritto in forma internazionale, "
            "con il prefisso del paese (es. +393499999999); un alias deve contenere "
            "almeno una lettera"
        )
    if len(text) > MAX_ALIAS:
        raise SenderError(
            f"mittente '{text}': un alias può avere al massimo {MAX_ALIAS} caratteri "
            f"(spazi compresi), questo ne ha {len(text)}"
        )
    wrong = [c for c in dict.fromkeys(text) if not (c.isascii() and (c.isalnum() or c == " "))]
    if wrong:
        shown = " ".join(f"'{c}'" for c in wrong)
        raise SenderError(
            f"mittente '{text}': carattere non ammesso in un alias: {shown} "
            "(solo lettere senza accenti, cifre e spazi)"
        )
    if not _ALIAS.fullmatch(text):
        raise SenderError(f"mittente '{text}': al massimo uno spazio tra due parole")
    if not any(c.isalpha() for c in text):
        raise SenderError(f"mittente '{text}': un alias deve contenere almeno una lettera")
    return Sender(text, ALPHANUMERIC)


def _international_number(text: str) -> str:
    import phonenumbers

    digits = re.sub(r"[ ./()-]", "", text)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if not re.fullmatch(r"\+[0-9]{6,15}", digits):
        raise SenderError(
            f"mittente '{text}': un numero in forma internazionale è '+' seguito da "
            "6-15 cifre (es. +393499999999)"
        )
    try:
        number = phonenumbers.parse(digits, None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise SenderError(f"mittente '{text}': numero non valido")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def sender_problem(raw: str | None) -> str | None:
    """The reason ``raw`` is not a valid sender, or None: for the masks' validators."""
    try:
        check_sender(raw)
    except SenderError as exc:
        return str(exc)
    return None
