"""How an SMS text is encoded and counted, exactly as the providers count it (GSM 03.38).

- GSM-7: the basic table counts 1 septet a character; the extension table
  (``€ [ ] { } ~ ^ | \\`` and form feed) counts 2 (an escape and the character).
- Any other character makes the whole message UCS-2, counted in UTF-16 code units (a
  character outside the Basic Multilingual Plane, such as most emoji, counts 2).
- One part holds 160 septets or 70 units; a concatenated message holds 153 or 67 a part
  (the rest is the concatenation header). An escape pair or a surrogate pair is never split
  across two parts, so a part may hold one unit less than its maximum.

Text is counted (and sent) in Unicode NFC form: ``Perche`` followed by U+0301 COMBINING
ACUTE ACCENT, as text pasted from macOS often is, is ``Perché`` — GSM-7 — not a UCS-2
message with a stray accent. ``nfc`` gives that form; the campaigns queue it.

``analyze`` runs on every keystroke of the SMS editor, so it does its per-character work in
C (a regex scan, ``str.encode``, set operations) and loops in Python only once per part:
a 1,600-character text takes a few microseconds (``python -m bench --only text``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

GSM7 = "GSM-7"
UCS2 = "UCS-2"

# The GSM 03.38 basic character set, in table order (0x00-0x7F), without the escape (0x1B).
# 0x09 is the capital Ç, as the standard draws it: the small ç is not GSM.
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
#: The extension table: each of these costs an escape plus the character.
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")
#: Every character GSM-7 can carry.
GSM_ALL = GSM_BASIC | GSM_EXTENSION

SINGLE = {GSM7: 160, UCS2: 70}
MULTI = {GSM7: 153, UCS2: 67}

# The extension characters, found by one C-level regex scan: a text has few of them, and the
# part boundaries only need to know where their escapes fall.
_EXTENSION_RE = re.compile("[" + re.escape("".join(sorted(GSM_EXTENSION))) + "]")


def nfc(text: str) -> str:
    """``text`` in Unicode NFC form, as it is counted and sent (composed accents).

    The quick check costs next to nothing on text already composed, which is nearly all.
    """
    if unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def septets(text: str) -> int | None:
    """The septets of ``text`` (in NFC) in GSM-7, or None when GSM-7 cannot carry it."""
    text = nfc(text)
    if not GSM_ALL.issuperset(text):
        return None
    return len(text) + len(_EXTENSION_RE.findall(text))


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

    @property
    def capacity(self) -> int:
        """Units the parts used so far could hold: 160, 306, 459... (70, 134, 201...).

        The denominator of the editor's counter (``75 / 134 · 2 SMS``); the one-part
        capacity for empty text.
        """
        return self.per_segment * max(self.segments, 1)

    def to_json(self) -> dict:
        """The document of ``sms-info --json`` (CLI.md)."""
        return {
            "encoding": self.encoding,
            "segments": self.segments,
            "units": self.units,
            "per_segment": self.per_segment,
            "remaining": self.remaining,
            "non_gsm": list(self.non_gsm),
        }


def non_gsm_characters(text: str) -> tuple[str, ...]:
    """The distinct characters that force UCS-2 (in NFC), in order of first appearance."""
    text = nfc(text)
    if GSM_ALL.issuperset(text):
        return ()
    outside = set(text) - GSM_ALL
    if len(outside) <= 16:  # the usual case: a few quotes or accents, found by C searches
        return tuple(sorted(outside, key=text.index))
    return tuple(dict.fromkeys(c for c in text if c in outside))


def extension_characters(text: str) -> tuple[str, ...]:
    """The distinct extension-table characters (2 septets each), in order of appearance."""
    text = nfc(text)
    found = GSM_EXTENSION.intersection(text)
    return tuple(sorted(found, key=text.index))


def _split(units: int, limit: int, cuts_pair) -> list[int]:
    """Parts of at most ``limit`` units; a part ends one unit early where it would cut a pair.

    ``cuts_pair(end)`` tells whether the unit at absolute position ``end - 1`` is the first
    half of a pair (an escape, or a high surrogate).
    """
    parts: list[int] = []
    start = 0
    while units - start > limit:
        end = start + limit
        if cuts_pair(end):
            end -= 1
        parts.append(end - start)
        start = end
    parts.append(units - start)
    return parts


def analyze(text: str) -> TextInfo:
    """Encoding, units, parts and units left in the last part of ``text`` (in NFC)."""
    text = nfc(text)
    if GSM_ALL.issuperset(text):
        encoding = GSM7
        non_gsm: tuple[str, ...] = ()
        units = len(text) + len(_EXTENSION_RE.findall(text))
    else:
        encoding = UCS2
        non_gsm = non_gsm_characters(text)
        # surrogatepass: a lone surrogate (pasted from a broken source) still counts 1 unit
        encoded = text.encode("utf-16-le", "surrogatepass")
        units = len(encoded) // 2

    if units == 0:
        return TextInfo(encoding, 0, 0, SINGLE[encoding], SINGLE[encoding], non_gsm, ())
    if units <= SINGLE[encoding]:
        single = SINGLE[encoding]
        return TextInfo(encoding, 1, units, single, single - units, non_gsm, (units,))

    per_segment = MULTI[encoding]
    if encoding == GSM7:
        # the septet position of each escape: the k-th extension character, at character
        # index i, has its escape at septet i + k (k escapes come before it)
        escapes = {m.start() + k for k, m in enumerate(_EXTENSION_RE.finditer(text))}

        def cuts_pair(end: int) -> bool:
            return end - 1 in escapes

    else:

        def cuts_pair(end: int) -> bool:
            # the high byte of the unit at end - 1 is a high surrogate: D800-DBFF
            return 0xD8 <= encoded[2 * end - 1] <= 0xDB

    parts = _split(units, per_segment, cuts_pair)
    return TextInfo(
        encoding=encoding,
        segments=len(parts),
        units=units,
        per_segment=per_segment,
        remaining=per_segment - parts[-1],
        non_gsm=non_gsm,
        part_units=tuple(parts),
    )
