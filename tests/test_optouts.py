"""Opposizione (opt-out): a number or a client that objected is never selected for marketing or
greetings, nor queued one; service SMS still go (issue 15, item 6)."""

from __future__ import annotations

from datetime import date

import pytest

from pegaso_tui.db import selections as sel
from pegaso_tui.db.campaigns import SelectionChanged, plan_selection, queue_campaign
from pegaso_tui.db.models import Campaign, OptOut
from pegaso_tui.db.optouts import (
    OptOutError,
    add_opt_out,
    client_opt_out,
    is_opted_out,
    opt_out_rows,
    remove_client_opt_out,
    remove_opt_out,
)
from pegaso_tui.dates import DateRange
from tests.factories import make_client, make_practice


def _promo_codes() -> list[str]:
    return [row.client for row in sel.promo_recipients(sel.PromoFilters()).rows]


def test_a_number_that_objected_is_not_selected_for_promo_or_birthdays(any_db):
    make_client("0000002", mobile="349 111 1111", birth_date=date(1980, 6, 2))
    make_client("0000003", mobile="349 222 2222", birth_date=date(1980, 6, 2))
    row, new = add_opt_out("349/2222222", reason="non vuole offerte", via="phone")
    assert new and row.client == "0000003" and row.mobile == "+393492222222"
    assert _promo_codes() == ["0000002"]
    birthdays = sel.birthday_recipients(sel.BirthdayFilters(DateRange(date(2027, 6, 1), date(2027, 6, 7))))
    assert [r.client for r in birthdays.rows] == ["0000002"]
    assert sel.count_recipients(sel.PromoFilters()).count == 1


def test_a_client_that_objected_is_left_out_whatever_its_number(any_db):
    anna = make_client("0000002", mobile="349 111 1111")
    make_client("0000003", mobile="349 222 2222")
    add_opt_out(client=anna, via="desk")
    anna.mobile = "349 555 5555"  # a new number does not lift the objection
    anna.save()
    assert _promo_codes() == ["0000003"]
    assert client_opt_out(anna.id).via == "desk"


def test_service_sms_still_go_to_who_objected(any_db):
    anna = make_client("0000002", mobile="349 111 1111")
    make_practice(anna, "2026/0001", practice_date=date.today())
    add_opt_out("349 111 1111")
    selection = sel.practices_to_notify(sel.PracticeFilters(sel.PracticeStatus.UNPAID))
    assert [r.client for r in selection.rows] == ["0000002"]


def test_an_objection_after_the_preview_stops_the_promo_being_queued(any_db):
    make_client("0000002", mobile="349 111 1111")
    make_client("0000003", mobile="349 222 2222")
    plan = plan_selection(sel.promo_recipients(sel.PromoFilters()), "Offerte!")
    add_opt_out("+393492222222", via="email")
    with pytest.raises(SelectionChanged, match="1 destinatario nella lista Non disturbare"):
        queue_campaign(plan, sender="AGENZIA")
    assert Campaign.select().count() == 0


def test_recording_twice_keeps_one_row_and_removing_lifts_it(any_db):
    make_client("0000002", mobile="349 111 1111")
    first, new = add_opt_out("3491111111", reason="telefonata", via="phone")
    again, new_again = add_opt_out("+39 349 111 1111", reason="e-mail di conferma", via="email")
    assert new and not new_again and again.id == first.id
    assert (again.reason, again.via, again.at) == ("e-mail di conferma", "email", first.at)
    assert is_opted_out("+393491111111", None)
    assert remove_opt_out("349 111 1111") == 1
    assert not is_opted_out("+393491111111", None)
    assert _promo_codes() == ["0000002"]
    with pytest.raises(OptOutError, match="non è nella lista"):
        remove_opt_out("349 111 1111")


def test_bad_input_is_refused_in_italian(any_db):
    with pytest.raises(OptOutError, match="numero non valido"):
        add_opt_out("06 1234567")
    with pytest.raises(OptOutError, match="canale sconosciuto"):
        add_opt_out("349 111 1111", via="piccione")
    assert OptOut.select().count() == 0


def test_the_list_reads_newest_first_and_a_client_can_be_forgotten(any_db):
    anna = make_client("0000002", name="ROSSI ANNA", mobile="349 111 1111")
    add_opt_out(client=anna, via="desk", reason="allo sportello")
    add_opt_out("349 777 7777", via="other")
    rows = opt_out_rows()
    assert [r.mobile for r in rows] == ["+393497777777", "+393491111111"]
    assert {r.to_json()["client"] for r in rows} == {"0000002", None}
    assert remove_client_opt_out(anna.id) == 1
    assert [r.mobile for r in opt_out_rows()] == ["+393497777777"]


def test_the_import_column_records_objections_and_never_lifts_one(any_db, tmp_path):
    from pegaso_tui.db.importer import import_csv

    path = tmp_path / "clienti.csv"
    path.write_text(
        "codice;ragione_sociale;cellulare;invio_sms_promo;opposizione\n"
        "0000002;ROSSI ANNA;349 111 1111;si;si\n"
        "0000003;BIANCHI BRUNO;349 222 2222;si;\n"
        "0000004;VERDI CARLA;349 333 3333;si;no\n", encoding="utf-8")
    report = import_csv(path, "clients")
    assert report.imported == 3 and not report.rejected
    assert [(r.client, r.mobile, r.reason) for r in opt_out_rows()] == [
        ("0000002", "+393491111111", "da importazione")]
    assert _promo_codes() == ["0000003", "0000004"]
    add_opt_out("349 222 2222", via="desk")
    import_csv(path, "clients")  # again: nothing doubled, BIANCHI's objection stays
    assert sorted(r.client for r in opt_out_rows()) == ["0000002", "0000003"]
