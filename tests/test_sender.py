"""The sender alias: 11 characters with a letter, or a number in international form."""

from __future__ import annotations

import re

import pytest

from pegaso_tui.sms.sender import (
    ALIAS_NOTICE,
    ALPHANUMERIC,
    NUMERIC,
    SenderError,
    check_sender,
    sender_problem,
)


@pytest.mark.parametrize(
    "typed, value",
    [
        ("FUTURA", "FUTURA"),
        ("  Futura  ", "Futura"),
        ("Futura Vgg", "Futura Vgg"),
        ("Viaggi2026", "Viaggi2026"),
        ("ABCDEFGHIJK", "ABCDEFGHIJK"),
        ("A", "A"),
        ("2026Viaggi", "2026Viaggi"),
    ],
)
def test_a_valid_alias(typed, value):
    sender = check_sender(typed)
    assert (sender.value, sender.kind) == (value, ALPHANUMERIC)


@pytest.mark.parametrize(
    "typed", ["+393499999999", "+39 349 999 9999", "0039 3499999999", "+44 7911 123456"]
)
def test_a_number_in_international_form(typed):
    sender = check_sender(typed)
    assert sender.kind == NUMERIC and sender.value.startswith("+")
    assert sender.value in ("+393499999999", "+447911123456")


@pytest.mark.parametrize(
    "typed, message",
    [
        ("", "mittente mancante"),
        ("   ", "mittente mancante"),
        (None, "mittente mancante"),
        ("AGENZIAFUTURA", "al massimo 11 caratteri (spazi compresi), questo ne ha 13"),
        ("FUTURA VIAGGI", "al massimo 11 caratteri"),
        ("3499999999", "forma internazionale"),
        ("12345", "almeno una lettera"),
        ("FUTURA!", "carattere non ammesso in un alias: '!'"),
        ("CITTÀ", "carattere non ammesso in un alias: 'À'"),
        ("Futura-V", "carattere non ammesso"),
        ("A  B", "al massimo uno spazio tra due parole"),
        ("+39", "6-15 cifre"),
        ("+39 349 999 99999999", "6-15 cifre"),
        ("+999 123456789", "numero non valido"),
        ("+39abc", "'+' seguito da"),
    ],
)
def test_a_wrong_sender_says_why(typed, message):
    with pytest.raises(SenderError, match=re.escape(message)):
        check_sender(typed)
    assert message in sender_problem(typed)


def test_a_valid_sender_has_no_problem():
    assert sender_problem("FUTURA") is None


def test_the_agcom_notice_names_the_rule():
    assert "AGCOM 306/20/CIR" in ALIAS_NOTICE
    assert "registrato" in ALIAS_NOTICE
