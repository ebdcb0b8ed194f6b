"""SMS text is counted exactly as the providers count it (GSM 03.38, 160/153, 70/67)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pegaso_tui.sms.text import (
    GSM7,
    GSM_BASIC,
    GSM_EXTENSION,
    UCS2,
    analyze,
    extension_characters,
    non_gsm_characters,
)

# The basic table of 3GPP TS 23.038 (GSM 03.38), written out by code position 0x00-0x7F
# independently of the module's string. 0x1B is the escape to the extension table.
SPEC_BASIC = [
    "@", "£", "$", "¥", "è", "é", "ù", "ì", "ò", "Ç", "\n", "Ø", "ø", "\r", "Å", "å",
    "\u0394", "_", "\u03a6", "\u0393", "\u039b", "\u03a9", "\u03a0", "\u03a8",
    "\u03a3", "\u0398", "\u039e", None, "Æ", "æ", "ß", "É",
    " ", "!", '"', "#", "¤", "%", "&", "'", "(", ")", "*", "+", ",", "-", ".", "/",
    *"0123456789", ":", ";", "<", "=", ">", "?",
    "¡", *"ABCDEFGHIJKLMNOPQRSTUVWXYZ", "Ä", "Ö", "Ñ", "Ü", "§",
    "¿", *"abcdefghijklmnopqrstuvwxyz", "ä", "ö", "ñ", "ü", "à",
]
# The extension table: position -> character (each costs the escape plus itself).
SPEC_EXTENSION = {
    0x0A: "\f", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\",
    0x3C: "[", 0x3D: "~", 0x3E: "]", 0x40: "|", 0x65: "€",
}
NINE = "€[]{}~^|\\"


def test_the_tables_are_those_of_gsm_03_38():
    assert len(SPEC_BASIC) == 128
    assert GSM_BASIC == {c for c in SPEC_BASIC if c is not None}
    assert GSM_EXTENSION == set(SPEC_EXTENSION.values())
    assert set(NINE) | {"\f"} == GSM_EXTENSION


def case(text, encoding, segments, units, remaining, parts=None, non_gsm=""):
    return pytest.param(
        text, encoding, segments, units, remaining, parts, tuple(non_gsm),
        id=(text[:12] + f"..{len(text)}") if len(text) > 14 else repr(text),
    )


CASES = [
    # empty text: no part at all
    case("", GSM7, 0, 0, 160, ()),
    # GSM-7: 160 in one part, 153 a part beyond
    case("1" * 160, GSM7, 1, 160, 0, (160,)),
    case("1" * 161, GSM7, 2, 161, 145, (153, 8)),
    case("1" * 306, GSM7, 2, 306, 0, (153, 153)),
    case("1" * 307, GSM7, 3, 307, 152, (153, 153, 1)),
    case("1" * 459, GSM7, 3, 459, 0),
    case("1" * 460, GSM7, 4, 460, 152),
    # the seed's counter
    case("Tanti Auguri dalla tua Agenzia di Viaggi preferita!", GSM7, 1, 51, 109),
    # each extension character costs 2 and fits exactly at the end of one part ...
    *[case("a" * 158 + c, GSM7, 1, 160, 0, (160,)) for c in NINE],
    # ... and one septet more makes two parts
    *[case("a" * 159 + c, GSM7, 2, 161, 145, (153, 8)) for c in NINE],
    # ... and the escape pair is never split across the 153 boundary
    *[case("a" * 152 + c + "a" * 10, GSM7, 2, 164, 141, (152, 12)) for c in NINE],
    case("a" * 152 + "\f" + "a" * 10, GSM7, 2, 164, 141, (152, 12)),
    case("€" * 80, GSM7, 1, 160, 0),
    case("€" * 81, GSM7, 2, 162, 143, (152, 10)),  # 76 pairs fill 152, 5 pairs follow
    case("10 €", GSM7, 1, 5, 155),
    # UCS-2: 70 in one part, 67 a part beyond
    case("È" + "a" * 69, UCS2, 1, 70, 0, (70,), "È"),
    case("È" + "a" * 70, UCS2, 2, 71, 63, (67, 4), "È"),
    case("È" + "a" * 133, UCS2, 2, 134, 0, (67, 67), "È"),
    case("È" + "a" * 134, UCS2, 3, 135, 66, (67, 67, 1), "È"),
    # in UCS-2 an extension character is one UTF-16 unit like any other
    case("€ È", UCS2, 1, 3, 67, (3,), "È"),
    # emoji: 2 UTF-16 units, a surrogate pair never split
    case("😀", UCS2, 1, 2, 68, (2,), "😀"),
    case("😀" * 35, UCS2, 1, 70, 0, (70,), "😀"),
    case("😀" * 36, UCS2, 2, 72, 61, (66, 6), "😀"),
    case("È" + "a" * 65 + "😀" + "a" * 10, UCS2, 2, 78, 55, (66, 12), "È😀"),
    # a flag is two regional indicators (2 units each); joined emoji count every code point
    case("🇮🇹", UCS2, 1, 4, 66, (4,), "🇮🇹"),
    case("👨\u200d👩\u200d👧", UCS2, 1, 8, 62, (8,), "👨\u200d👩👧"),
    case("👍🏽", UCS2, 1, 4, 66, (4,), "👍🏽"),
    case("❤️", UCS2, 1, 2, 68, (2,), "❤\ufe0f"),
    # Italian: à è é ì ò ù are GSM; È á í ó ú ç are not (Ç is)
    case("àèéìòù", GSM7, 1, 6, 154),
    case("perché più città Ç", GSM7, 1, 18, 142),
    case("È", UCS2, 1, 1, 69, (1,), "È"),
    case("á", UCS2, 1, 1, 69, (1,), "á"),
    case("í", UCS2, 1, 1, 69, (1,), "í"),
    case("ó", UCS2, 1, 1, 69, (1,), "ó"),
    case("ú", UCS2, 1, 1, 69, (1,), "ú"),
    case("ç", UCS2, 1, 1, 69, (1,), "ç"),
    case("L’agenzia", UCS2, 1, 9, 61, (9,), "’"),
    # newline is LF (1 septet), CR too; a tab is not GSM
    case("a\nb", GSM7, 1, 3, 157),
    case("a\r\nb", GSM7, 1, 4, 156),
    case("a\tb", UCS2, 1, 3, 67, (3,), "\t"),
    case("\n" * 161, GSM7, 2, 161, 145),
    # Greek capitals of the table are GSM, the other Greek letters are not
    case("ΔΦΓΛΩΠΨΣΘΞ", GSM7, 1, 10, 150),
    case("α", UCS2, 1, 1, 69, (1,), "α"),
    case("@£$¥¤§¿¡", GSM7, 1, 8, 152),
    case("`", UCS2, 1, 1, 69, (1,), "`"),
    case("a\u00a0b", UCS2, 1, 3, 67, (3,), "\u00a0"),
]


@pytest.mark.parametrize("text, encoding, segments, units, remaining, parts, non_gsm", CASES)
def test_a_text_is_counted_as_the_providers_count_it(
    text, encoding, segments, units, remaining, parts, non_gsm
):
    info = analyze(text)
    assert (info.encoding, info.segments, info.units, info.remaining) == (
        encoding, segments, units, remaining,
    )
    if parts is not None:
        assert info.part_units == parts
    assert info.non_gsm == non_gsm
    single, multi = {GSM7: 160, UCS2: 70}, {GSM7: 153, UCS2: 67}
    assert info.per_segment == (single if segments <= 1 else multi)[encoding]


def test_the_table_has_at_least_forty_cases():
    assert len(CASES) >= 40


def test_the_json_has_the_shape_of_cli_md():
    assert analyze("Tanti Auguri dalla tua Agenzia di Viaggi preferita!").to_json() == {
        "encoding": "GSM-7", "segments": 1, "units": 51, "per_segment": 160,
        "remaining": 109, "non_gsm": [],
    }
    assert analyze("È ora ’").to_json()["non_gsm"] == ["È", "’"]


def test_non_gsm_characters_are_listed_once_in_order_of_appearance():
    assert non_gsm_characters("’a È ’ È ç") == ("’", "È", "ç")
    many = "".join(chr(0x4E00 + i) for i in range(40))  # more than the fast path handles
    assert non_gsm_characters(many + many) == tuple(many)
    assert extension_characters("x € [ € ]") == ("€", "[", "]")


def test_the_capacity_is_the_counter_denominator():
    assert analyze("").capacity == 160
    assert analyze("a" * 161).capacity == 306
    assert analyze("È" + "a" * 70).capacity == 134


# --- properties --------------------------------------------------------------------------------
#
# The reference here is written from the standard, not from the module: each text is encoded
# into the units the network carries (septet codes of SPEC_BASIC/SPEC_EXTENSION with the 0x1B
# escape; UTF-16 code units), those units are cut into parts of 160/153 (70/67) that never end
# on an escape or a high surrogate, and each part is decoded back to check that it holds whole
# characters. ``analyze`` must agree part by part.

ESC = 0x1B
SPEC_CODE = {c: i for i, c in enumerate(SPEC_BASIC) if c is not None}
SPEC_EXT_CODE = {c: i for i, c in SPEC_EXTENSION.items()}


def spec_units(text: str) -> tuple[str, list[int]]:
    """The encoding the standard would pick and the units it carries."""
    import unicodedata

    text = unicodedata.normalize("NFC", text)
    if all(c in SPEC_CODE or c in SPEC_EXTENSION.values() for c in text):
        units: list[int] = []
        for c in text:
            if c in SPEC_CODE:
                units.append(SPEC_CODE[c])
            else:
                units += [ESC, SPEC_EXT_CODE[c]]
        return GSM7, units
    data = text.encode("utf-16-be", "surrogatepass")
    return UCS2, [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2)]


def spec_parts(encoding: str, units: list[int]) -> list[list[int]]:
    """The units cut into parts, a pair never split (the last unit of a part is never an
    escape nor a high surrogate)."""
    single, multi = (160, 153) if encoding == GSM7 else (70, 67)
    if not units:
        return []
    if len(units) <= single:
        return [units]
    parts = []
    rest = units
    while rest:
        part = rest[:multi]
        if len(rest) > multi:
            last = part[-1]
            # 0x1B is never a character's code (SPEC_BASIC has None there, and no extension
            # code is 0x1B): a part ending on it would cut an escape from its character
            if (encoding == GSM7 and last == ESC) or (encoding == UCS2 and 0xD800 <= last <= 0xDBFF):
                part = part[:-1]
        parts.append(part)
        rest = rest[len(part):]
    return parts


def decode_part(encoding: str, part: list[int]) -> str:
    """A part back to text: fails if it starts or ends inside a pair."""
    if encoding == UCS2:
        return b"".join(u.to_bytes(2, "big") for u in part).decode("utf-16-be")  # strict
    out, i = [], 0
    while i < len(part):
        if part[i] == ESC:
            out.append(SPEC_EXTENSION[part[i + 1]])  # IndexError: an escape cut from its char
            i += 2
        else:
            out.append(SPEC_BASIC[part[i]])
            i += 1
    return "".join(out)


# Text built around the part boundaries: a run of one-unit characters up to a few units before
# a boundary (160, 153, 306, 459 / 70, 67, 134, 201), then what must not be cut there (an
# escape pair, several in a row, an emoji, a flag), then more text; filler may hold pairs too,
# which moves every later boundary.
GSM_SINGLE = st.sampled_from(list("aZ09 .,'\nèéùìòàÉÇ@£$_!?"))
GSM_PAIR = st.sampled_from(list(NINE) + ["\f"])
UCS_SINGLE = st.sampled_from(list("aZ09 .,àÈçá’—“”…") + ["\u00a0"])
UCS_PAIR = st.sampled_from(["😀", "🇮", "🇹", "𝄞", "👍"])
BOUNDARIES = {GSM7: (160, 153, 306, 459), UCS2: (70, 67, 134, 201)}


@st.composite
def around_a_boundary(draw):
    encoding = draw(st.sampled_from([GSM7, UCS2]))
    single, pair = (GSM_SINGLE, GSM_PAIR) if encoding == GSM7 else (UCS_SINGLE, UCS_PAIR)
    boundary = draw(st.sampled_from(BOUNDARIES[encoding]))
    start = boundary + draw(st.integers(-3, 1))  # where the pairs begin, in units
    head = "’" if encoding == UCS2 else ""  # one character that forces UCS-2
    filler = draw(st.lists(st.one_of(single, single, single, pair), max_size=8))
    text = head + "".join(filler)
    while len(spec_units(text)[1]) < start:
        text += draw(single)
    text += "".join(draw(st.lists(pair, min_size=1, max_size=3)))
    text += "".join(draw(st.lists(st.one_of(single, pair), max_size=5)))
    return text


boundary_text = around_a_boundary()
alphabet = st.sampled_from(list("aZ09 .,'\n") + list(NINE) + list("àèÈçá’—") + ["😀", "🇮", "\f"])
any_text = boundary_text | st.text(alphabet=alphabet, max_size=700) | st.text(max_size=300)


@settings(max_examples=500, deadline=None)
@given(boundary_text)
def test_parts_are_cut_as_the_standard_cuts_them_around_every_boundary(text):
    from hypothesis import event

    encoding, units = spec_units(text)
    parts = spec_parts(encoding, units)
    info = analyze(text)
    event(f"{encoding}, {len(parts)} parts")
    assert info.encoding == encoding
    assert info.units == len(units)
    assert list(info.part_units) == [len(p) for p in parts]
    assert info.segments == len(parts)
    # every part holds whole characters, and together they are the text
    import unicodedata

    assert "".join(decode_part(encoding, p) for p in parts) == unicodedata.normalize("NFC", text)


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_any_text_agrees_with_the_standard(text):
    encoding, units = spec_units(text)
    assert list(analyze(text).part_units) == [len(p) for p in spec_parts(encoding, units)]


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_units_never_exceed_parts_times_units_per_part(text):
    info = analyze(text)
    assert info.units <= info.segments * info.per_segment
    assert sum(info.part_units) == info.units
    assert all(0 < u <= info.per_segment for u in info.part_units)
    assert info.remaining == (info.per_segment - info.part_units[-1] if text else info.per_segment)
    assert info.segments == len(info.part_units)


@settings(max_examples=300, deadline=None)
@given(any_text, st.data())
def test_adding_a_character_never_lowers_the_parts(text, data):
    char = data.draw(alphabet | st.characters(), label="char")
    where = data.draw(st.integers(0, len(text)), label="where")
    before = analyze(text).segments
    after = analyze(text[:where] + char + text[where:]).segments
    assert after >= before


# --- NFC ------------------------------------------------------------------------------------


def test_a_decomposed_accent_is_counted_as_the_composed_letter():
    # "Perché" as pasted from macOS: e + U+0301 COMBINING ACUTE ACCENT
    decomposed = "Perche\u0301 no?"
    info = analyze(decomposed)
    assert (info.encoding, info.units, info.non_gsm) == (GSM7, 10, ())
    assert analyze("E\u0300 ora").non_gsm == ("È",)  # È is not GSM, composed or not


@settings(max_examples=200, deadline=None)
@given(boundary_text)
def test_a_text_and_its_decomposed_form_count_the_same(text):
    import unicodedata

    assert analyze(unicodedata.normalize("NFD", text)) == analyze(text)
