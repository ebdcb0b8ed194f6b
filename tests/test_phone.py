"""Phone numbers: Italy by default, E.164 stored, the Italian form on screen, mobiles only."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pegaso_tui.sms.phone import (
    INVALID,
    LANDLINE,
    MISSING,
    OK,
    PhoneError,
    check_mobile,
    display_number,
    parse_mobile,
)


@pytest.mark.parametrize(
    "typed",
    [
        "349/9999999", "349 999 9999", "0039 349 9999999", "+39 3499999999",  # foundation issue
        "3499999999", "+393499999999", "+39 349 999 9999", "349.999.9999", "349-9999999",
        "0039-349-9999999", "(+39) 349 9999999", "  349 999 9999  ", "393499999999",
    ],
)
def test_every_form_of_an_italian_mobile_is_one_number(typed):
    check = check_mobile(typed)
    assert (check.status, check.e164) == (OK, "+393499999999")
    assert check.sendable and check.reason is None
    assert check.display == "349 999 9999"


def test_the_seed_nine_digit_mobile_is_valid():
    # seed 000 shows "Cellulare: 349999999": old TIM numbers have 9 digits
    check = check_mobile("349999999")
    assert (check.status, check.e164) == (OK, "+39349999999")
    assert display_number(check.e164) == "349 999 999"


@pytest.mark.parametrize(
    "typed, e164, shown",
    [
        ("+44 7911 123456", "+447911123456", "+44 7911 123456"),
        ("0044 7911 123456", "+447911123456", "+44 7911 123456"),
        ("+41 79 123 45 67", "+41791234567", "+41 79 123 45 67"),
        ("+49 1512 3456789", "+4915123456789", "+49 1512 3456789"),
        ("+33 6 12 34 56 78", "+33612345678", "+33 6 12 34 56 78"),
        # the US cannot tell a mobile from a landline: let through
        ("+1 202 555 0143", "+12025550143", "+1 202-555-0143"),
    ],
)
def test_foreign_mobiles_are_accepted_and_shown_internationally(typed, e164, shown):
    check = check_mobile(typed)
    assert (check.status, check.e164) == (OK, e164)
    assert display_number(e164) == shown


@pytest.mark.parametrize(
    "typed, reason",
    [
        ("045.510712", "numero fisso, non cellulare"),  # the seed's Telefono
        ("06 1234 5678", "numero fisso, non cellulare"),
        ("+39 02 1234 5678", "numero fisso, non cellulare"),
        ("800 123 456", "numero verde, non cellulare"),
        ("899 123 456", "numero a tariffa speciale, non cellulare"),
        ("+33 1 23 45 67 89", "numero fisso, non cellulare"),
    ],
)
def test_a_landline_is_refused_with_a_reason(typed, reason):
    check = check_mobile(typed)
    assert check.status == LANDLINE and not check.sendable
    assert check.e164 and check.e164.startswith("+")
    assert check.reason == reason
    with pytest.raises(PhoneError, match=reason):
        parse_mobile(typed)


@pytest.mark.parametrize(
    "typed",
    ["12", "3499", "349999999999999", "+39", "+378 12",
     "349 999 9999 / 340 111 2222", "0393499999999", "+999 123456"],
)
def test_garbage_is_invalid_and_kept_as_typed(typed):
    check = check_mobile(typed)
    assert check.status == INVALID and check.e164 is None
    assert check.reason == "cellulare non valido"
    assert check.stored == typed.strip()
    assert display_number(check.stored) == typed.strip()
    with pytest.raises(PhoneError, match="cellulare non valido"):
        parse_mobile(typed)


@pytest.mark.parametrize(
    "typed",
    # phonenumbers would read the letters as keypad digits (HELLO = 43556) or drop them
    # (the letter O for a zero): each of these would be someone else's number
    ["349O123456", "349 HELLO 12", "+39 349 ABC 1234", "abc", "349 999 9999 int. 2",
     "3499999999 x12", "349_9999999", "３４９9999999", "cell. 349 999 9999"],
)
def test_a_number_with_letters_or_other_symbols_is_invalid(typed):
    check = check_mobile(typed)
    assert check.status == INVALID and check.e164 is None and not check.sendable
    assert "contiene lettere" in check.reason
    with pytest.raises(PhoneError, match="contiene lettere"):
        parse_mobile(typed)


@pytest.mark.parametrize("typed", ["349/999.9999", "(349) 999-9999", "+39 349 999 9999", "349\u00a0999\t9999"])
def test_the_usual_punctuation_is_accepted(typed):
    assert check_mobile(typed).e164 == "+393499999999"


@pytest.mark.parametrize("typed", ["", "   ", None])
def test_no_number_is_missing(typed):
    check = check_mobile(typed)
    assert check.status == MISSING and check.reason == "cellulare mancante"
    with pytest.raises(PhoneError, match="cellulare mancante"):
        parse_mobile(typed)


def test_parse_mobile_gives_e164():
    assert parse_mobile("349/9999999") == "+393499999999"


def test_display_of_stored_values():
    assert display_number("") == ""
    assert display_number(None) == ""
    assert display_number("+390612345678") == "06 1234 5678"
    assert display_number("+39 not a number") == "+39 not a number"


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=25))
def test_any_input_is_classified_without_error(raw):
    check = check_mobile(raw)
    assert check.status in (OK, MISSING, INVALID, LANDLINE)
    if check.status in (OK, LANDLINE):
        assert check.e164 and check.e164.startswith("+") and check.e164[1:].isdigit()
        assert check_mobile(check.e164).e164 == check.e164  # E.164 is a fixed point


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["32", "33", "34", "35", "36", "37", "38", "39"]), st.integers(0, 10**8 - 1))
def test_every_valid_italian_mobile_round_trips_through_its_display_form(prefix, rest):
    typed = f"3{prefix[1]}{rest:08d}"
    check = check_mobile(typed)
    if check.status == OK:
        assert check_mobile(display_number(check.e164)).e164 == check.e164
