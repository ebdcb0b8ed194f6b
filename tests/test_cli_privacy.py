"""``pegaso-tui optout``, ``audit`` and the purpose in ``messages --json`` (issue 15, items 4, 6)."""

from __future__ import annotations

import json
from datetime import date

from pegaso_tui.cli import main
from pegaso_tui.db.connection import close_database, open_database
from tests.factories import make_client, make_practice


def run_json(capsys, *argv) -> dict:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _agency(db_url):
    open_database(db_url)
    anna = make_client("0000002", name="ROSSI ANNA", mobile="349 111 1111", birth_date=date(1980, 6, 2))
    make_client("0000003", name="BIANCHI BRUNO", mobile="349 222 2222", birth_date=date(1980, 6, 3))
    make_practice(anna, "2026/0001", practice_date=date(2026, 2, 1))
    close_database()


def test_optout_add_list_remove(db_url, capsys):
    _agency(db_url)
    assert main(["optout", "add", "349/2222222", "--db", db_url, "--reason", "al telefono",
                 "--via", "phone"]) == 0
    assert capsys.readouterr().out == "349 222 2222 (cliente 0000003 BIANCHI BRUNO) aggiunto alla lista Non disturbare\n"
    data = run_json(capsys, "optout", "list", "--db", db_url)
    [row] = data["rows"]
    assert (row["mobile"], row["client"], row["reason"], row["via"]) == (
        "+393492222222", "0000003", "al telefono", "phone")
    assert row["at"][:4].isdigit()
    promo = run_json(capsys, "select", "promo", "--db", db_url)
    assert [r["client"] for r in promo["rows"]] == ["0000002"]
    assert main(["optout", "remove", "+393492222222", "--db", db_url]) == 0
    capsys.readouterr()
    assert run_json(capsys, "optout", "list", "--db", db_url)["rows"] == []


def test_optout_bad_input_is_one_line_and_exit_1(db_url, capsys):
    assert main(["optout", "add", "06 1234567", "--db", db_url]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("pegaso-tui: numero non valido") and "\n" not in err
    assert main(["optout", "add", "349 111 1111", "--via", "fax", "--db", db_url]) == 1
    assert "canale sconosciuto" in capsys.readouterr().err
    assert main(["optout", "remove", "349 111 1111", "--db", db_url]) == 1
    assert "non è nella lista" in capsys.readouterr().err


def test_the_registro_lists_who_sent_what_with_its_purpose(db_url, capsys, monkeypatch):
    _agency(db_url)
    monkeypatch.setenv("PEGASO_OPERATOR", "lucia")
    for argv in (["send", "practices", "--status", "unpaid", "--text", "Saldo dovuto"],
                 ["send", "promo", "--text", "Offerte!"],
                 ["send", "birthdays", "--from", "01-06-2026", "--to", "07-06-2026", "--text", "Auguri!"],
                 ["send", "single", "--to", "349 555 5555", "--text", "Documenti pronti"]):
        assert main([*argv, "--db", db_url, "--sender", "AGENZIA", "--yes"]) == 0
    capsys.readouterr()
    data = run_json(capsys, "audit", "--db", db_url)
    assert [(r["kind"], r["purpose"], r["count"], r["operator"]) for r in data["rows"]] == [
        ("practice", "servizio", 1, "lucia"), ("promo", "marketing", 2, "lucia"),
        ("birthday", "auguri", 2, "lucia"), ("single", "servizio", 1, "lucia"),
    ]
    assert all(isinstance(r["campaign"], int) for r in data["rows"])
    assert run_json(capsys, "audit", "--db", db_url, "--to", "01-01-2000")["rows"] == []
    messages = run_json(capsys, "messages", "--db", db_url)
    purposes = {(m["name"], m["purpose"]) for m in messages["rows"]}
    assert ("ROSSI ANNA", "auguri") in purposes and ("ROSSI ANNA", "servizio") in purposes
    assert all(isinstance(m["campaign"], int) for m in messages["rows"])
    assert main(["audit", "--db", db_url]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "4 comunicazioni"
    assert main(["audit", "--db", db_url, "--from", "32-01-2026"]) == 1
