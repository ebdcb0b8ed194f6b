"""GSM replacements for the characters that force UCS-2.

One typographic apostrophe copied from a word processor turns a 160-character SMS into three
UCS-2 parts. For each character outside GSM 03.38 this module knows the replacement staff
would type themselves:

- typographic quotes and apostrophes, primes, the backtick: ``'`` and ``"``;
- dashes and the minus sign: ``-``; the ellipsis: ``...``; bullets: ``-``;
- the spaces a word processor inserts (non-breaking, thin, ...): a plain space; invisible
  characters (zero-width space, soft hyphen, byte order mark): nothing; tab: a space;
- Italian capitals with a grave accent, which GSM lacks: ``È`` → ``E'``, ``À`` → ``A'`` (the
  way Italians write them on a keyboard without them); the acute vowels that Italian does
  not use, ``á í ó ú``, become the grave ones that GSM has (``à ì ò ù``): in an Italian text
  they are a slip for those;
- any other accented Latin letter: the letter without its accent (``ç`` → ``c``,
  ``ê`` → ``e``), found by Unicode decomposition;
- compatibility forms (``ﬁ`` → ``fi``, ``²`` → ``2``, full-width letters), by NFKC.

Emoji, ideograms, Cyrillic and the like have no replacement: they stay UCS-2, and the editor
says so.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from pegaso_tui.sms.text import GSM_ALL, analyze, nfc, non_gsm_characters

_TABLE: dict[str, str] = {}


def _add(chars: str, replacement: str) -> None:
    for char in chars:
        _TABLE[char] = replacement


_add("\u2018\u2019\u201a\u201b\u2032\u2035\u0060\u00b4\u02bc\u02b9", "'")  # ‘ ’ ‚ ‛ ′ ‵ ` ´ ʼ ʹ
_add("\u201c\u201d\u201e\u201f\u2033\u2036\u00ab\u00bb\u02ba", '"')  # “ ” „ ‟ ″ ‶ « » ʺ
_add("\u2039", "<")  # ‹
_add("\u203a", ">")  # ›
_add("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043", "-")  # ‐ ‑ ‒ – — ― − ⁃
_add("\u2022\u25cf\u25e6\u2219\u00b7", "-")  # • ● ◦ ∙ ·
_add("\u2026", "...")  # …
_add("\u00a0\u2007\u202f\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u3000", " ")
_add("\t", " ")
_add("\u2028\u2029\u0085", "\n")  # line and paragraph separators, NEL
_add("\u200b\u00ad\ufeff\u2060", "")  # zero-width space, soft hyphen, BOM, word joiner
_add("\u00c0", "A'")  # À
_add("\u00c8", "E'")  # È
_add("\u00cc", "I'")  # Ì
_add("\u00d2", "O'")  # Ò
_add("\u00d9", "U'")  # Ù
_add("\u00c1", "A'")  # Á
_add("\u00cd", "I'")  # Í
_add("\u00d3", "O'")  # Ó
_add("\u00da", "U'")  # Ú
_add("\u00e1", "à")  # á
_add("\u00ed", "ì")  # í
_add("\u00f3", "ò")  # ó
_add("\u00fa", "ù")  # ú
_add("\u00a9", "(c)")  # ©
_add("\u00ae", "(R)")  # ®
_add("\u00d7", "x")  # ×
_add("\u2044", "/")  # ⁄
# letters that Unicode does not decompose
_add("\u0142", "l")  # ł
_add("\u0141", "L")  # Ł
_add("\u0111", "d")  # đ
_add("\u0110", "D")  # Đ
_add("\u0131", "i")  # ı
_add("\u0153", "oe")  # œ
_add("\u0152", "OE")  # Œ
# Spacing accents and lines (˜ ¨ ¯ ¸ ‗ ‾) have none either: decomposition would make them a
# space (see _keeps_meaning).
# The degree sign (°) has no replacement on purpose: "n°" wants "n.", "25°C" wants "25 C";
# staff choose, the editor shows it highlighted.


@lru_cache(maxsize=4096)
def replacement_for(char: str) -> str | None:
    """The GSM text to write instead of ``char``, or None when there is none.

    A character GSM already carries is its own replacement.
    """
    if char in GSM_ALL:
        return char
    if char in _TABLE:
        return _TABLE[char]
    # compatibility forms: ﬁ -> fi, ² -> 2, full-width A -> A
    compatible = unicodedata.normalize("NFKC", char)
    if compatible != char and GSM_ALL.issuperset(compatible) and _keeps_meaning(char, compatible):
        return compatible
    # accented letters: the base letter (ç -> c, ê -> e, ő -> o); a GSM accented letter
    # obtained by recomposition (e.g. ǹ -> n) is fine too
    decomposed = unicodedata.normalize("NFKD", char)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    if base and base != char and GSM_ALL.issuperset(base) and _keeps_meaning(char, base):
        return base
    return None


def _keeps_meaning(char: str, replacement: str) -> bool:
    """Whether a replacement found by decomposition still says something.

    A spacing accent or line (``˜``, ``¨``, ``¯``, ``‗``, ``‾``) decomposes into a space and a
    combining mark: dropping the mark leaves a space where the reader saw a sign. Such a
    "replacement" is no replacement; the character stays highlighted and staff choose.
    """
    if replacement.strip() == "":
        return False
    return " " not in replacement or char.isspace()


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One character that forces UCS-2, and what to write instead (None: nothing fits)."""

    char: str
    replacement: str | None
    count: int

    @property
    def name(self) -> str:
        """The character's Unicode name, for the explanation (``U+2019 RIGHT SINGLE ...``)."""
        return ", ".join(
            f"U+{ord(c):04X} {unicodedata.name(c, '') or _VISIBLE.get(c, 'carattere di controllo')}"
            for c in self.char
        )

    @property
    def shown(self) -> str:
        """The character as it can be printed (invisible ones by name)."""
        return _VISIBLE.get(self.char, self.char)

    @property
    def shown_replacement(self) -> str:
        """The replacement as it can be printed."""
        if self.replacement is None:
            return "(nessuna sostituzione GSM)"
        if self.replacement == "":
            return "(rimosso)"
        return _VISIBLE.get(self.replacement, self.replacement)

    def to_json(self) -> dict:
        """JSON-ready data: the character, its replacement (or null), how many times."""
        return {"char": self.char, "replacement": self.replacement, "count": self.count}


_VISIBLE = {
    "\t": "TAB",
    "\n": "a capo",
    " ": "spazio",
    "\u00a0": "spazio non separabile",
    "\u202f": "spazio stretto non separabile",
    "\u2009": "spazio sottile",
    "\u200b": "spazio di larghezza zero",
    "\u00ad": "trattino morbido",
    "\ufeff": "BOM",
    "\u2060": "word joiner",
    "\u2028": "separatore di riga",
    "\u2029": "separatore di paragrafo",
    "\u0085": "NEL",
}


def suggestions(text: str) -> list[Suggestion]:
    """For each character of ``text`` that forces UCS-2, in order, its GSM replacement."""
    text = nfc(text)
    return [
        Suggestion(char, replacement_for(char), text.count(char))
        for char in non_gsm_characters(text)
    ]


def apply_suggestions(text: str) -> str:
    """``text`` with every character that has a GSM replacement replaced.

    Characters without one (emoji, ...) are left as they are: the text stays UCS-2 then.
    The text comes back in NFC, the form it is counted and sent in.
    """
    text = nfc(text)
    table = {}
    for char in non_gsm_characters(text):
        replacement = replacement_for(char)
        if replacement is not None:
            table[ord(char)] = replacement
    return text.translate(table) if table else text


def unfixable(text: str) -> tuple[str, ...]:
    """The characters of ``text`` that force UCS-2 and have no GSM replacement."""
    return tuple(c for c in non_gsm_characters(text) if replacement_for(c) is None)


def gain(text: str) -> tuple[int, int]:
    """Parts now, and parts after ``apply_suggestions``: what the fix saves."""
    return analyze(text).segments, analyze(apply_suggestions(text)).segments
