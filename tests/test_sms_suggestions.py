"""Every character that forces UCS-2 gets the GSM replacement staff would type themselves."""

from __future__ import annotations

import pytest

from pegaso_tui.sms.suggestions import (
    apply_suggestions,
    gain,
    replacement_for,
    suggestions,
    unfixable,
)
from pegaso_tui.sms.text import GSM7, UCS2, analyze


@pytest.mark.parametrize(
    "char, replacement",
    [
        ("’", "'"), ("‘", "'"), ("`", "'"), ("´", "'"),
        ("“", '"'), ("”", '"'), ("«", '"'), ("»", '"'),
        ("–", "-"), ("—", "-"), ("−", "-"), ("•", "-"),
        ("…", "..."),
        ("\u00a0", " "), ("\u202f", " "), ("\t", " "),
        ("\u200b", ""), ("\u00ad", ""), ("\ufeff", ""),
        ("È", "E'"), ("À", "A'"), ("Ì", "I'"), ("Ò", "O'"), ("Ù", "U'"),
        ("á", "à"), ("í", "ì"), ("ó", "ò"), ("ú", "ù"),
        ("ç", "c"), ("ê", "e"), ("ã", "a"), ("ł", "l"), ("œ", "oe"),
        ("ﬁ", "fi"), ("²", "2"), ("Ａ", "A"), ("º", "o"),
        ("€", "€"), ("è", "è"),  # GSM already
    ],
)
def test_the_gsm_replacement_of_a_character(char, replacement):
    assert replacement_for(char) == replacement


@pytest.mark.parametrize("char", ["😀", "°", "漢", "Ж", "½"])
def test_some_characters_have_no_replacement(char):
    assert replacement_for(char) is None


def test_applying_the_suggestions_turns_a_word_processor_text_into_one_gsm_part():
    text = "L’agenzia “Futura” — È aperta… anche di sabato\u00a0mattina"
    assert analyze(text).encoding == UCS2
    fixed = apply_suggestions(text)
    assert fixed == "L'agenzia \"Futura\" - E' aperta... anche di sabato mattina"
    assert analyze(fixed).encoding == GSM7
    assert gain(text) == (1, 1)


def test_the_suggestions_save_parts_where_it_matters():
    text = "Gentile cliente, l’offerta è valida " + "x" * 100
    assert gain(text) == (3, 1)


def test_characters_without_replacement_stay_and_are_named():
    text = "Buon viaggio! 😀 Ci vediamo all’aeroporto"
    assert unfixable(text) == ("😀",)
    fixed = apply_suggestions(text)
    assert "'" in fixed and "😀" in fixed
    assert analyze(fixed).non_gsm == ("😀",)


def test_suggestions_list_each_character_once_with_its_count_and_name():
    found = suggestions("’a’ È 😀")
    assert [(s.char, s.replacement, s.count) for s in found] == [
        ("’", "'", 2), ("È", "E'", 1), ("😀", None, 1),
    ]
    assert found[0].name == "U+2019 RIGHT SINGLE QUOTATION MARK"
    assert found[2].shown_replacement == "(nessuna sostituzione GSM)"
    assert suggestions("tutto GSM € [ ]") == []


def test_a_gsm_text_is_left_alone():
    text = "Prezzo: 10 € {nome} [sconto]"
    assert apply_suggestions(text) is text


@pytest.mark.parametrize("char", ["˜", "‗", "¨", "¯", "¸", "˘", "‾", "ˆ"])
def test_a_spacing_accent_or_line_is_not_turned_into_a_space(char):
    # decomposition would leave a space where the reader saw a sign: no replacement
    assert replacement_for(char) is None
    assert apply_suggestions(f"prezzo {char}50") == f"prezzo {char}50"
    assert char in unfixable(f"a{char}b")


def test_a_decomposed_accent_needs_no_suggestion():
    # "Perché" pasted from macOS (e + U+0301): GSM-7 once composed, nothing to replace
    assert suggestions("Perche\u0301?") == []
    assert apply_suggestions("Perche\u0301?") == "Perché?"
    assert apply_suggestions("E\u0300 ora") == "E' ora"
