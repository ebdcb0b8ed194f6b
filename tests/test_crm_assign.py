"""CRM actions to a target (issue 15, item 7): one action per client, shared out in turn, in the
agenda by the due date, closed with an outcome like any request."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from pegaso_tui.cli import main
from pegaso_tui.db.connection import close_database, open_database
from pegaso_tui.db.crm.agenda import agenda_pager
from pegaso_tui.db.crm.assignments import assign_crm_actions
from pegaso_tui.db.crm.errors import CrmError
from pegaso_tui.db.crm.requests import ActivityInput, add_activity
from pegaso_tui.db.models import Client, CrmAssignment, Outcome, Request
from pegaso_tui.db.optouts import add_opt_out
from pegaso_tui.db.targets import select_target
from tests.factories import make_client, make_practice

TODAY = date(2027, 6, 1)


def _agency():
    anna = make_client("0000002", name="ROSSI ANNA", mobile="349 111 1111")
    make_client("0000003", name="BIANCHI BRUNO", mobile="349 222 2222")
    make_client("0000004", name="VERDI CARLA", mobile="")
    make_client("0000005", name="NERI DARIO", mobile="349 444 4444", sms_promo=False)
    return anna


def test_one_action_per_client_shared_out_in_turn(any_db):
    _agency()
    selection = select_target("promo", {"client_from": "0000002", "client_to": "0000005"})
    result = assign_crm_actions(selection, request_type="Telefonata", text="Proporre la crociera",
                                operators=["mario", "lucia"], due=TODAY + timedelta(days=3),
                                purpose="marketing", created_by="capo", today=TODAY)
    assert (result.created, result.by_operator) == (3, {"mario": 2, "lucia": 1})
    requests = list(Request.select().order_by(Request.id))
    assert [(r.subject_name, r.operator.username, r.request_type, r.purpose, r.is_open)
            for r in requests] == [
        ("ROSSI ANNA", "mario", "call", "marketing", True),
        ("BIANCHI BRUNO", "lucia", "call", "marketing", True),
        ("VERDI CARLA", "mario", "call", "marketing", True),  # a call needs no mobile
    ]
    assert all(r.recontact_date == TODAY + timedelta(days=3) for r in requests)
    batch = CrmAssignment.get()
    assert (batch.created_count, batch.purpose, batch.operator.username) == (3, "marketing", "capo")


def test_a_client_with_several_practices_gets_one_action(any_db):
    anna = _agency()
    make_practice(anna, "2026/0001", practice_date=date(2026, 2, 1))
    make_practice(anna, "2026/0002", practice_date=date(2026, 3, 1))
    selection = select_target("practices", {"status": "unpaid"})
    assert selection.count == 2
    result = assign_crm_actions(selection, request_type="call", text="Sollecitare il saldo",
                                operators=["mario"], due=TODAY, purpose="servizio",
                                created_by="capo", today=TODAY)
    assert result.created == 1


def test_marketing_actions_leave_out_who_objected(any_db):
    _agency()
    add_opt_out("349 222 2222", via="phone")
    # a practice selection does not look at objections (it is a service); a marketing
    # action made from it still leaves the objector out
    for client in Client.select():
        make_practice(client, practice_date=date(2026, 2, 1))
    selection = select_target("practices", {"status": "unpaid"})
    assert selection.count == 4
    result = assign_crm_actions(selection, request_type="other", text="Invito all'evento",
                                operators=["mario"], due=None, purpose="marketing",
                                created_by="capo", today=TODAY)
    assert (result.created, result.opted_out) == (3, 1)
    assert "BIANCHI BRUNO" not in {r.subject_name for r in Request.select()}


def test_the_actions_come_into_the_agenda_and_close_with_an_outcome(any_db):
    _agency()
    result = assign_crm_actions(select_target("promo", {"client_to": "0000002"}),
                                request_type="call", text="Chiamare per il catalogo",
                                operators=["mario"], due=TODAY + timedelta(days=2),
                                purpose="marketing", created_by="capo", today=TODAY)
    assert result.created == 1
    assert agenda_pager("mario", TODAY).count() == 0  # not due yet
    [row] = agenda_pager("mario", TODAY + timedelta(days=2)).first(10).rows
    assert row.subject_name == "ROSSI ANNA" and row.summary == "Chiamare per il catalogo"
    sold = Outcome.get(Outcome.name == "Venduto")
    add_activity(ActivityInput(request_id=row.id, activity_date=TODAY + timedelta(days=2),
                               description="Chiamata fatta", outcome_id=sold.id),
                 "mario", today=TODAY + timedelta(days=2))
    assert agenda_pager("mario", TODAY + timedelta(days=2)).count() == 0
    assert not Request.get_by_id(row.id).is_open


@pytest.mark.parametrize("changes, field", [
    ({"request_type": "fax"}, "request_type"), ({"text": "  "}, "text"), ({"operators": []}, "operators"),
    ({"due": TODAY - timedelta(days=1)}, "due"), ({"purpose": "spam"}, "purpose"),
])
def test_bad_input_is_refused_before_anything_is_written(any_db, changes, field):
    _agency()
    values = dict(request_type="call", text="x", operators=["mario"], due=TODAY, purpose="servizio",
                  created_by="capo", today=TODAY)
    values.update(changes)
    with pytest.raises(CrmError) as error:
        assign_crm_actions(select_target("promo", {}), **values)
    assert error.value.field == field
    assert Request.select().count() == 0 and CrmAssignment.select().count() == 0


def test_crm_assign_on_a_search_nobody_saved_says_so(db_url, capsys):
    assert main(["crm", "assign", "--db", db_url, "--search", "NESSUNA", "--type", "call", "--text", "t",
                 "--operator", "mario", "--due", "01-01-2099"]) == 1
    err = capsys.readouterr().err
    assert "NESSUNA" in err and len(err.splitlines()) == 1


def test_crm_assign_on_a_saved_search_end_to_end(db_url, capsys):
    open_database(db_url)
    _agency()
    close_database()
    assert main(["search", "save", "clienti-promo", "--db", db_url, "--kind", "promo"]) == 0
    capsys.readouterr()
    assert main(["crm", "assign", "--db", db_url, "--search", "clienti-promo", "--type", "call",
                 "--text", "Proporre la crociera", "--operator", "mario", "--operator", "lucia",
                 "--due", "01-01-2099", "--purpose", "marketing", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"created": 3, "by_operator": {"mario": 2, "lucia": 1}}


def test_crm_assign_refuses_a_bad_date_in_one_line(db_url, capsys):
    assert main(["crm", "assign", "--db", db_url, "--search", "X", "--type", "call", "--text", "t",
                 "--operator", "mario", "--due", "31-02-2027"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("pegaso-tui: --due:") and len(err.strip().splitlines()) == 1
