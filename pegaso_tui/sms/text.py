"""How an SMS text is encoded and counted, exactly as the providers count it (GSM 03.38).

- GSM-7: the basic table counts 1 septet a character; the extension table
  (``€ [ ] { } ~ ^ | \\`` and form feed) counts 2 (an escape and the character).
- Any other character makes the whole message UCS-2, counted in UTF-16 code units (a
  character outside the Basic Multilingual Plane, such as most emoji, counts 2).
- One part holds 160 septets or 70 units; a concatenated message holds 153 or 67 a part
  (the rest is the concatenation header). An escape pair or a surrogate pair is never split
  across two parts, so a part may hold one unit less than its maximum.
"""

from __future__ import annotations

from dataclasses import dataclass, field

GSM7 = "GSM-7"
UCS2 = "UCS-2"

# The GSM 03.38 basic character set, in table order, without the escape (0x1B).
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
#: The extension table: each of these costs an escape plus the character.
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")

SINGLE = {GSM7: 160, UCS2: 70}
MULTI = {GSM7: 153, UCS2: 67}


def gsm_cost(char: str) -> int | None:
    """Septets a character costs in GSM-7 (1 or 2), or None if GSM-7 cannot carry it."""
    if char in GSM_BASIC:
        return 1
    if char in GSM_EXTENSION:
        return 2
    return None


def ucs2_cost(char: str) -> int:
    """UTF-16 code units of a character (2 outside the Basic Multilingual Plane)."""
    return 2 if ord(char) > 0xFFFF else 1


@dataclass(frozen=True, slots=True)
class TextInfo:
    """The analysis of one SMS text (CLI.md, ``sms-info --json``)."""

    encoding: str
    segments: int
    units: int
    per_segment: int
    remaining: int
    non_gsm: tuple[str, ...] = field(default_factory=tuple)
    #: units in each part, in order (empty text: no parts)
    part_units: tuple[int, ...] = field(default_factory=tuple)

    def to_json(self) -> dict:
        return {
            "encoding": self.encoding,
            "segments": self.segments,
            "units": self.units,
            "per_segment": self.per_segment,
            "remaining": self.remaining,
            "non_gsm": list(self.non_gsm),
        }


def non_gsm_characters(text: str) -> tuple[str, ...]:
    """The distinct characters that force UCS-2, in order of first appearance."""
    seen: dict[str, None] = {}
    for char in text:
        if gsm_cost(char) is None:
            seen.setdefault(char, None)
    return tuple(seen)


def _pack(costs: list[int], limit: int) -> list[int]:
    """Fill parts of ``limit`` units with indivisible costs; the units of each part."""
    parts: list[int] = []
    current = 0
    for cost in costs:
        if current + cost > limit:
            parts.append(current)
            current = 0
        current += cost
    parts.append(current)
    return parts


def analyze(text: str) -> TextInfo:
    """Encoding, units, parts and units left in the last part of ``text``."""
    non_gsm = non_gsm_characters(text)
    if non_gsm:
        encoding = UCS2
        costs = [ucs2_cost(c) for c in text]
    else:
        encoding = GSM7
        costs = [gsm_cost(c) or 0 for c in text]
    units = sum(costs)
    if units == 0:
        return TextInfo(encoding, 0, 0, SINGLE[encoding], SINGLE[encoding], non_gsm, ())
    if units <= SINGLE[encoding]:
        per_segment = SINGLE[encoding]
        parts = [units]
    else:
        per_segment = MULTI[encoding]
        parts = _pack(costs, per_segment)
    return TextInfo(
        encoding=encoding,
        segments=len(parts),
        units=units,
        per_segment=per_segment,
        remaining=per_segment - parts[-1],
        non_gsm=non_gsm,
        part_units=tuple(parts),
    )
