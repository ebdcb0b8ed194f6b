"""The selections of the SMS module, rule by rule as the manuals state them (seeds 000/001).

Every test runs on SQLite and on PostgreSQL (``any_db``).
"""

from __future__ import annotations

from datetime import date

import pytest

from pegaso_tui.dates import DateError, DateRange
from pegaso_tui.db.selections import (
    BirthdayFilters,
    ClientRange,
    PracticeFilters,
    PracticeStatus,
    PromoFilters,
    SelectionError,
    birthday_days,
    birthday_recipients,
    count_recipients,
    practices_to_notify,
    promo_recipients,
)
from tests.factories import (
    give_preference,
    make_client,
    make_practice,
    make_preference,
    record_notice,
)

pytestmark = pytest.mark.usefixtures("any_db")

UNPAID = PracticeStatus.UNPAID


def practice_numbers(filters: PracticeFilters) -> list[str]:
    return [row.practice for row in practices_to_notify(filters).rows]


def client_codes(selection) -> list[str]:
    return [row.client for row in selection.rows]


# --- SMS Pratiche -------------------------------------------------------------------------------


def test_sms_pratiche_selects_only_clients_with_invio_sms_pratiche():
    enabled = make_client("0000001")
    disabled = make_client("0000002", sms_practices=False)
    make_practice(enabled, "A")
    make_practice(disabled, "B")
    assert practice_numbers(PracticeFilters(UNPAID)) == ["A"]


def test_sms_pratiche_never_selects_the_walk_in_client():
    walk_in = make_client("0000001", walk_in=True)
    make_practice(walk_in, "A")
    assert practice_numbers(PracticeFilters(UNPAID)) == []


@pytest.mark.parametrize(
    "status, flag",
    [
        (PracticeStatus.BALANCE_NOT_NOTIFIED, "notified_balance"),
        (PracticeStatus.DOCUMENTS_NOT_NOTIFIED, "notified_documents"),
        (PracticeStatus.UNPAID, "paid"),
        (PracticeStatus.DOCUMENTS_NOT_DELIVERED, "documents_delivered"),
    ],
)
def test_each_status_selects_the_practices_lacking_its_flag(status, flag):
    client = make_client()
    make_practice(client, "WITH", **{flag: True})
    make_practice(client, "WITHOUT")
    assert practice_numbers(PracticeFilters(status)) == ["WITHOUT"]


def test_a_practice_already_notified_for_balance_is_not_selected_again():
    client = make_client()
    notified = make_practice(client, "A")
    make_practice(client, "B")
    record_notice(notified, PracticeStatus.BALANCE_NOT_NOTIFIED.value)
    assert practice_numbers(PracticeFilters(PracticeStatus.BALANCE_NOT_NOTIFIED)) == ["B"]


def test_a_notice_of_another_kind_does_not_exclude_the_practice():
    client = make_client()
    practice = make_practice(client, "A")
    record_notice(practice, PracticeStatus.UNPAID.value)
    assert practice_numbers(PracticeFilters(PracticeStatus.BALANCE_NOT_NOTIFIED)) == ["A"]


def test_client_range_is_inclusive_and_compares_codes():
    for code in ("0000001", "0000002", "0000010", "0000011"):
        make_practice(make_client(code), f"P{code}")
    filters = PracticeFilters(UNPAID, clients=ClientRange("2", "10"))
    assert practice_numbers(filters) == ["P0000002", "P0000010"]


def test_practice_date_range_is_inclusive():
    client = make_client()
    make_practice(client, "BEFORE", practice_date=date(2025, 12, 31))
    make_practice(client, "FIRST", practice_date=date(2026, 1, 1))
    make_practice(client, "LAST", practice_date=date(2026, 12, 31))
    make_practice(client, "AFTER", practice_date=date(2027, 1, 1))
    filters = PracticeFilters(UNPAID, practice_dates=DateRange(date(2026, 1, 1), date(2026, 12, 31)))
    assert practice_numbers(filters) == ["FIRST", "LAST"]


def test_departure_range_leaves_out_practices_without_a_departure_date():
    client = make_client()
    make_practice(client, "NO-DEPARTURE", departure_date=None)
    make_practice(client, "IN", departure_date=date(2026, 8, 15))
    make_practice(client, "OUT", departure_date=date(2026, 9, 1))
    filters = PracticeFilters(UNPAID, departure_dates=DateRange(date(2026, 8, 1), date(2026, 8, 31)))
    assert practice_numbers(filters) == ["IN"]
    # without a departure range, the practice with no departure date is selected
    assert "NO-DEPARTURE" in practice_numbers(PracticeFilters(UNPAID))


def test_sms_pratiche_gives_one_row_per_practice():
    client = make_client()
    make_practice(client, "A")
    make_practice(client, "B")
    selection = practices_to_notify(PracticeFilters(UNPAID))
    assert selection.count == 2
    assert client_codes(selection) == [client.code, client.code]


def test_a_client_without_a_valid_mobile_is_listed_as_not_sendable_with_the_reason():
    make_practice(make_client("0000001", mobile=""), "MISSING")
    make_practice(make_client("0000002", mobile="12"), "INVALID")
    make_practice(make_client("0000003", mobile="045 510712"), "LANDLINE")
    make_practice(make_client("0000004"), "OK")
    selection = practices_to_notify(PracticeFilters(UNPAID))
    reasons = {row.practice: (row.sendable, row.reason) for row in selection.rows}
    assert reasons == {
        "MISSING": (False, "cellulare mancante"),
        "INVALID": (False, "cellulare non valido"),
        "LANDLINE": (False, "numero fisso, non cellulare"),
        "OK": (True, None),
    }
    assert (selection.count, selection.sendable) == (4, 1)
    assert [row.practice for row in selection.sendable_rows()] == ["OK"]


def test_selection_json_has_the_shape_of_the_cli_contract():
    client = make_client("0000002", name="FUTURA VIAGGI", mobile="349999999")
    make_practice(client, "2026/0001")
    data = practices_to_notify(PracticeFilters(UNPAID)).to_json()
    assert data["count"] == 1 and data["sendable"] == 1
    row = data["rows"][0]
    assert row["client"] == "0000002"
    assert row["name"] == "FUTURA VIAGGI"
    assert row["mobile"] == "+39349999999"
    assert row["practice"] == "2026/0001"
    assert row["sendable"] is True and row["reason"] is None


def test_a_reversed_client_range_is_an_error():
    with pytest.raises(SelectionError, match="precede"):
        ClientRange("0000010", "0000002")


# --- SMS Promozionali -----------------------------------------------------------------------------


def test_promo_selects_only_clients_with_invio_sms_promo_never_walk_in():
    make_client("0000001")
    make_client("0000002", sms_promo=False)
    make_client("0000003", walk_in=True)
    assert client_codes(promo_recipients(PromoFilters())) == ["0000001"]


def test_promo_with_preferences_selects_clients_with_at_least_one_of_them():
    cruises, sea, mountain = (make_preference(c) for c in ("CROC", "MAR", "8"))
    both = make_client("0000001")
    give_preference(both, cruises, sea)
    only_sea = make_client("0000002")
    give_preference(only_sea, sea)
    other = make_client("0000003")
    give_preference(other, mountain)
    make_client("0000004")  # no preference at all
    selection = promo_recipients(PromoFilters(preferences=("CROC", "MAR")))
    assert client_codes(selection) == ["0000001", "0000002"]  # one row per client


def test_promo_with_an_unknown_preference_is_an_error_naming_it():
    make_preference("CROC")
    with pytest.raises(SelectionError, match="XYZ"):
        promo_recipients(PromoFilters(preferences=("CROC", "XYZ")))


def test_considera_solo_clienti_con_pratiche_keeps_clients_with_a_practice_in_the_dates():
    in_range = make_client("0000001")
    make_practice(in_range, "A", practice_date=date(2026, 5, 1))
    out_of_range = make_client("0000002")
    make_practice(out_of_range, "B", practice_date=date(2024, 5, 1))
    make_client("0000003")  # no practice
    filters = PromoFilters(
        with_practices=True, practice_dates=DateRange(date(2026, 1, 1), date(2026, 12, 31))
    )
    assert client_codes(promo_recipients(filters)) == ["0000001"]
    # without the flag, every enabled client
    assert len(promo_recipients(PromoFilters()).rows) == 3


def test_considera_solo_clienti_con_pratiche_with_departure_range():
    client = make_client("0000001")
    make_practice(client, "A", departure_date=None)
    filters = PromoFilters(
        with_practices=True, departure_dates=DateRange(date(2026, 7, 1), date(2026, 7, 31))
    )
    assert client_codes(promo_recipients(filters)) == []
    make_practice(client, "B", departure_date=date(2026, 7, 31))
    assert client_codes(promo_recipients(filters)) == ["0000001"]


def test_client_codes_compare_by_number_whatever_their_padding():
    # codes written by other programs, or by hand in the database, are not always padded
    # to seven digits: "5"-"7" must take 5, 6 and 7 only, however each is written
    for code in ("2", "0000004", "05", "00000006", "0000007", "8", "00000000009", "ABC", "0000005X"):
        make_practice(make_client(code), f"P{code}")
    numbers = practice_numbers(PracticeFilters(UNPAID, clients=ClientRange("5", "7")))
    # (a code that is not a number, 0000005X, falls in the range as text)
    assert sorted(numbers) == ["P00000006", "P0000005X", "P0000007", "P05"]
    promo = client_codes(promo_recipients(PromoFilters(clients=ClientRange("0000005", "00007"))))
    assert sorted(promo) == ["00000006", "0000005", "0000005X", "0000007"]  # 05 is kept padded
    count = count_recipients(PromoFilters(clients=ClientRange("5", "7")))
    assert (count.count, count.sendable) == (4, 4)
    # an open end, and a bound that is not a number (then codes compare as text)
    assert sorted(client_codes(promo_recipients(PromoFilters(clients=ClientRange(None, "4"))))) == ["0000002", "0000004"]
    assert client_codes(promo_recipients(PromoFilters(clients=ClientRange("AB", "AZ")))) == ["ABC"]


def test_a_numeric_range_reversed_only_by_its_padding_is_not_reversed():
    ClientRange("5", "0000007")
    ClientRange("00000000005", "7")
    with pytest.raises(SelectionError):
        ClientRange("00000009", "5")


def test_promo_client_range():
    for code in ("0000001", "0000005", "0000009"):
        make_client(code)
    selection = promo_recipients(PromoFilters(clients=ClientRange("0000002", "0000009")))
    assert client_codes(selection) == ["0000005", "0000009"]


# --- Buon Compleanno ------------------------------------------------------------------------------


def test_birthdays_select_clients_with_invio_sms_promo_whose_birthday_is_in_range():
    make_client("0000001", birth_date=date(1980, 11, 25))
    make_client("0000002", birth_date=date(1975, 11, 25), sms_promo=False)
    make_client("0000003", birth_date=date(1975, 11, 25), walk_in=True)
    make_client("0000004", birth_date=date(1990, 12, 25))
    make_client("0000005", birth_date=None)
    filters = BirthdayFilters(DateRange(date(2026, 11, 23), date(2026, 11, 30)))
    selection = birthday_recipients(filters)
    assert client_codes(selection) == ["0000001"]
    assert selection.rows[0].birthday == date(2026, 11, 25)
    assert selection.to_json()["rows"][0]["birth_date"] == "1980-11-25"


def test_birthday_range_may_cross_the_new_year_and_is_ordered_by_coming_birthday():
    make_client("0000001", name="GENNAIO", birth_date=date(1970, 1, 5))
    make_client("0000002", name="DICEMBRE", birth_date=date(1985, 12, 28))
    make_client("0000003", name="FEBBRAIO", birth_date=date(1985, 2, 5))
    make_client("0000004", name="VIGILIA", birth_date=date(2001, 12, 20))
    filters = BirthdayFilters(DateRange(date(2026, 12, 20), date(2027, 1, 10)))
    selection = birthday_recipients(filters)
    assert [row.name for row in selection.rows] == ["VIGILIA", "DICEMBRE", "GENNAIO"]
    assert [row.birthday for row in selection.rows] == [
        date(2026, 12, 20), date(2026, 12, 28), date(2027, 1, 5),
    ]


def test_a_29_february_birthday_falls_on_28_february_in_a_common_year():
    make_client("0000001", birth_date=date(2000, 2, 29))
    common = birthday_recipients(BirthdayFilters(DateRange(date(2027, 2, 28), date(2027, 2, 28))))
    assert [row.birthday for row in common.rows] == [date(2027, 2, 28)]
    leap_28 = birthday_recipients(BirthdayFilters(DateRange(date(2028, 2, 28), date(2028, 2, 28))))
    assert leap_28.rows == []
    leap_29 = birthday_recipients(BirthdayFilters(DateRange(date(2028, 2, 29), date(2028, 3, 1))))
    assert [row.birthday for row in leap_29.rows] == [date(2028, 2, 29)]


def test_birthdays_need_both_dates():
    with pytest.raises(SelectionError):
        BirthdayFilters(DateRange(date(2026, 1, 1), None))


def test_a_range_that_ends_before_it_starts_is_refused():
    with pytest.raises(DateError, match="prima di iniziare"):
        DateRange(date(2026, 12, 31), date(2026, 1, 1))


def test_birthday_days_of_a_whole_year_hold_every_day_once():
    days = birthday_days(DateRange(date(2026, 1, 1), date(2027, 6, 30)))
    assert len(days) == 366  # 365 days of 2026, plus 29 February falling on the 28th
    assert days[229] == date(2026, 2, 28)


# --- The count the masks show first ---------------------------------------------------------------


def test_the_count_the_mask_shows_first_is_the_count_of_the_rows_it_lists():
    """The "Destinatari · inviabili" line comes from the database's count before the rows
    are built: for every kind of filter it must match the rows the preview lists."""
    cruises, sea = make_preference("CROC"), make_preference("MAR")
    clients = [
        make_client("0000001", birth_date=date(1980, 12, 30)),
        make_client("0000002", mobile="", birth_date=date(1975, 1, 2)),
        make_client("0000003", mobile="045 510712", birth_date=date(1990, 6, 1)),
        make_client("0000004", sms_promo=False, birth_date=date(1990, 12, 31)),
        make_client("0000005", sms_practices=False),
        make_client("0000006", walk_in=True, birth_date=date(1980, 12, 30)),
        make_client("0000007", mobile="12"),
    ]
    give_preference(clients[0], cruises, sea)  # two preferences, still one row
    give_preference(clients[1], sea)
    for number, client in enumerate(clients):
        make_practice(client, f"A{number}")
        make_practice(client, f"B{number}", paid=True, departure_date=None)
        notified = make_practice(client, f"C{number}", practice_date=date(2025, 1, 1))
        record_notice(notified, UNPAID.value)
    year = DateRange(date(2026, 1, 1), date(2026, 12, 31))
    cases = [
        (practices_to_notify, PracticeFilters(UNPAID)),
        (practices_to_notify, PracticeFilters(PracticeStatus.BALANCE_NOT_NOTIFIED)),
        (practices_to_notify, PracticeFilters(UNPAID, clients=ClientRange("2", "3"))),
        (practices_to_notify, PracticeFilters(
            PracticeStatus.DOCUMENTS_NOT_DELIVERED,
            departure_dates=DateRange(date(2026, 6, 1), date(2026, 7, 31)))),
        (promo_recipients, PromoFilters()),
        (promo_recipients, PromoFilters(preferences=("CROC", "MAR"))),
        (promo_recipients, PromoFilters(with_practices=True, practice_dates=year)),
        (birthday_recipients, BirthdayFilters(DateRange(date(2026, 12, 20), date(2027, 1, 10)))),
    ]
    answers = []
    for select, filters in cases:
        selection = select(filters)
        answer = count_recipients(filters)
        assert (answer.count, answer.sendable) == (selection.count, selection.sendable), filters
        answers.append(tuple(answer))
    # the cases differ, so equal answers are not a coincidence of empty selections
    assert answers == [(5, 2), (15, 6), (2, 0), (10, 4), (5, 2), (2, 1), (5, 2), (2, 1)]


def test_the_count_of_a_selection_with_nobody_is_zero():
    make_client("0000001", sms_promo=False)
    assert tuple(count_recipients(PromoFilters())) == (0, 0)
