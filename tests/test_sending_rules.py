"""The claim-time rules of issue 15 on their own: opt-out and the allowed hours (Fasce orarie)."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings, strategies as st

from pegaso_tui.config import SettingsError, load_settings
from pegaso_tui.sending.rules import (
    OPTED_OUT,
    RuleSettingsError,
    SendingWindow,
    judge,
    opt_out_refusal,
    parse_days,
    quiet_hours_wait,
)

ROME = ZoneInfo("Europe/Rome")
DEFAULT = SendingWindow.parse("09:00-20:00", "mon-sat")


def rome(*args) -> datetime:
    return datetime(*args, tzinfo=ROME)


def test_a_promo_at_night_waits_until_nine_the_next_morning():
    # Tuesday 1 June 2027, 22:30 in Rome
    assert quiet_hours_wait("marketing", "+393491111111", 1, rome(2027, 6, 1, 22, 30),
                            window=DEFAULT) == rome(2027, 6, 2, 9, 0)


def test_a_greeting_early_in_the_morning_waits_for_nine_the_same_day():
    assert quiet_hours_wait("auguri", None, 1, rome(2027, 6, 1, 7, 15), window=DEFAULT) == rome(2027, 6, 1, 9, 0)


def test_inside_the_window_nothing_waits_and_the_end_is_excluded():
    assert quiet_hours_wait("marketing", None, 1, rome(2027, 6, 1, 9, 0), window=DEFAULT) is None
    assert quiet_hours_wait("marketing", None, 1, rome(2027, 6, 1, 19, 59), window=DEFAULT) is None
    assert quiet_hours_wait("marketing", None, 1, rome(2027, 6, 1, 20, 0), window=DEFAULT) == rome(2027, 6, 2, 9, 0)


def test_saturday_evening_waits_for_monday_morning():
    # Saturday 5 June 2027 at 21:00: Sunday is not an allowed day
    assert quiet_hours_wait("marketing", None, 1, rome(2027, 6, 5, 21, 0), window=DEFAULT) == rome(2027, 6, 7, 9, 0)
    assert quiet_hours_wait("marketing", None, 1, rome(2027, 6, 6, 12, 0), window=DEFAULT) == rome(2027, 6, 7, 9, 0)


def test_a_service_sms_is_never_held():
    assert quiet_hours_wait("servizio", None, 1, rome(2027, 6, 6, 3, 0), window=DEFAULT) is None


def test_no_window_means_no_limit():
    assert SendingWindow.parse("", "mon-sat") is None
    assert quiet_hours_wait("marketing", None, 1, rome(2027, 6, 6, 3, 0), window=None) is None


def test_the_window_is_italian_time_whatever_the_clock_given():
    # 06:30 UTC in summer is 08:30 in Rome: still closed; 07:30 UTC is 09:30: open
    assert not DEFAULT.allows(datetime(2027, 6, 1, 6, 30, tzinfo=timezone.utc))
    assert DEFAULT.allows(datetime(2027, 6, 1, 7, 30, tzinfo=timezone.utc))
    opening = quiet_hours_wait("marketing", None, 1, datetime(2027, 6, 1, 6, 30, tzinfo=timezone.utc),
                               window=DEFAULT)
    assert opening == datetime(2027, 6, 1, 7, 0, tzinfo=timezone.utc)


def test_a_naive_time_is_the_machines_local_time_and_comes_back_naive():
    moment = rome(2027, 6, 1, 22, 30).astimezone().replace(tzinfo=None)  # as datetime.now() gives
    opening = quiet_hours_wait("marketing", None, 1, moment, window=DEFAULT)
    assert opening.tzinfo is None
    assert opening.astimezone(ROME) == rome(2027, 6, 2, 9, 0)


def test_an_opening_time_the_clocks_skip_moves_past_the_gap():
    # 28 March 2027: in Rome the clocks go from 02:00 to 03:00
    window = SendingWindow.parse("02:30-20:00", "")
    opening = window.next_opening(rome(2027, 3, 28, 1, 0))
    assert opening.astimezone(timezone.utc) == datetime(2027, 3, 28, 1, 0, tzinfo=timezone.utc)
    assert opening.astimezone(ROME).hour == 3


def test_days_read_as_ranges_lists_and_in_italian():
    assert parse_days("mon-sat") == frozenset(range(6))
    assert parse_days("lun-sab") == frozenset(range(6))
    assert parse_days("sat-mon") == frozenset({5, 6, 0})
    assert parse_days("mon,wed,fri") == frozenset({0, 2, 4})
    assert parse_days("") == frozenset(range(7))


@pytest.mark.parametrize("hours, days", [("9-20", "mon-sat"), ("20:00-09:00", "mon-sat"),
                                         ("09:00-20:00", "lunedì-xyz"), ("25:00-26:00", "")])
def test_bad_settings_are_refused_in_italian(hours, days):
    with pytest.raises(RuleSettingsError):
        SendingWindow.parse(hours, days)


def test_the_settings_file_carries_the_window_and_refuses_a_bad_one(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[sending]\nquiet_hours = "08:30-19:00"\nquiet_days = "mon-fri"\n')
    window = load_settings(path, env={}).sending.window()
    assert window.describe() == "08:30-19:00 mon,tue,wed,thu,fri"
    path.write_text("")
    assert load_settings(path, env={}).sending.window().describe() == "09:00-20:00 mon,tue,wed,thu,fri,sat"
    path.write_text('[sending]\nquiet_hours = "sempre"\n')
    with pytest.raises(SettingsError, match="quiet_hours"):
        load_settings(path, env={})


def test_an_objection_stops_marketing_and_greetings_but_not_service():
    now = rome(2027, 6, 1, 10, 0)
    assert opt_out_refusal("marketing", "+393491111111", 7, now, opted_out=True) == OPTED_OUT
    assert opt_out_refusal("auguri", "+393491111111", 7, now, opted_out=True) == OPTED_OUT
    assert opt_out_refusal("servizio", "+393491111111", 7, now, opted_out=True) is None
    assert opt_out_refusal("marketing", "+393491111111", 7, now, opted_out=False) is None


def test_judge_cancels_before_it_holds():
    night = rome(2027, 6, 1, 23, 0)
    assert judge("marketing", None, 1, night, opted_out=True, window=DEFAULT).cancel == OPTED_OUT
    held = judge("marketing", None, 1, night, opted_out=False, window=DEFAULT)
    assert held.wait_until == rome(2027, 6, 2, 9, 0) and not held.send
    assert judge("servizio", None, 1, night, opted_out=True, window=DEFAULT).send


def test_whoever_queues_a_promo_at_night_is_told_when_it_will_go():
    from pegaso_tui.sending.rules import window_note

    note = window_note("marketing", rome(2027, 6, 5, 21, 0), DEFAULT)
    assert note == "fuori dalla fascia oraria (09:00-20:00 mon,tue,wed,thu,fri,sat): partiranno dal 07-06-2027 09:00"
    assert window_note("servizio", rome(2027, 6, 5, 21, 0), DEFAULT) is None
    assert window_note("marketing", rome(2027, 6, 5, 10, 0), DEFAULT) is None


_MOMENTS = st.datetimes(min_value=datetime(2027, 1, 1), max_value=datetime(2028, 1, 1),
                        timezones=st.just(timezone.utc))


@settings(max_examples=300, deadline=None)
@given(moment=_MOMENTS, start=st.integers(0, 23 * 60 + 58), length=st.integers(1, 24 * 60),
       days=st.sets(st.integers(0, 6), min_size=1))
def test_the_window_opens_at_the_first_allowed_minute(moment, start, length, days):
    """Whatever the window and the moment (DST days of 2027 included): the opening is inside
    the window, not before the moment, and the minute before it is outside (or before the
    moment)."""
    end = min(start + length, 23 * 60 + 59)
    window = SendingWindow(time(start // 60, start % 60), time(end // 60, end % 60), frozenset(days))
    opening = window.next_opening(moment)
    assert opening >= moment
    assert window.allows(opening)
    before = opening - timedelta(minutes=1)
    assert before < moment or not window.allows(before)
