"""``search``, ``template``, ``schedule`` and ``select saved`` (CLI.md, "Saved searches,
models, schedules"), with a fixed clock (``--now``) and real processes racing each other."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import date

import pytest

from pegaso_tui.cli import main
from pegaso_tui.db.connection import close_database, open_database
from pegaso_tui.db.models import Message, Schedule, ScheduleRun
from pegaso_tui.sending.scheduler import rome_time
from tests.factories import make_client, saved_the_day_before


@pytest.fixture
def clients(any_url, monkeypatch):
    """Anna (birthday 10 March), Bruno (birthday 12 March), Carla (no promo consent)."""
    monkeypatch.setenv("PEGASO_SENDER", "AGENZIA")
    open_database(any_url)
    make_client("0000002", first_name="Anna", mobile="349 111 1111", birth_date=date(1980, 3, 10))
    make_client("0000003", first_name="Bruno", mobile="349 222 2222", birth_date=date(1975, 3, 12))
    make_client("0000004", first_name="Carla", mobile="349 333 3333", birth_date=date(1990, 3, 11),
                sms_promo=False)
    close_database()
    return any_url


def cli(db, *args) -> int:
    return main([*args, "--db", db])


def out_json(capsys):
    return json.loads(capsys.readouterr().out)


def test_saving_a_search_in_each_date_mode_and_selecting_it_on_a_day(clients, capsys):
    db = clients
    assert cli(db, "search", "save", "fisse", "--kind", "birthdays", "--from", "09-03-2027",
               "--to", "10-03-2027", "--dates", "fixed") == 0
    assert cli(db, "search", "save", "mobili", "--kind", "birthdays", "--from", "today",
               "--to", "x") == 1  # a bad date: one line
    assert "data non valida" in capsys.readouterr().err
    assert cli(db, "search", "save", "senza", "--kind", "birthdays", "--dates", "none",
               "--scheduling", "--menu", "--description", "compleanni della settimana") == 0
    capsys.readouterr()
    assert cli(db, "search", "list", "--json") == 0
    rows = {r["name"]: r for r in out_json(capsys)["rows"]}
    assert (rows["senza"]["dates"], rows["senza"]["scheduling"], rows["senza"]["menu"]) == ("none", True, True)
    assert rows["fisse"]["dates"] == "fixed"
    assert cli(db, "select", "saved", "fisse", "--on", "01-06-2027", "--json") == 0
    assert [r["client"] for r in out_json(capsys)["rows"]] == ["0000002"]
    assert cli(db, "select", "saved", "senza", "--on", "05-03-2027", "--json") == 0
    assert [r["client"] for r in out_json(capsys)["rows"]] == ["0000002", "0000003"]  # 5 to 12 March
    assert cli(db, "select", "saved", "nessuna") == 1
    assert "nessuna ricerca salvata" in capsys.readouterr().err


def test_a_rolling_search_moves_with_the_day(clients, capsys):
    db = clients
    today = rome_time().date()
    assert cli(db, "search", "save", "oggi", "--kind", "birthdays", "--dates", "rolling",
               "--from", today.strftime("%d-%m-%Y"), "--to", today.strftime("%d-%m-%Y")) == 0
    capsys.readouterr()
    assert cli(db, "select", "saved", "oggi", "--on", "12-03-2027", "--json") == 0
    assert [r["client"] for r in out_json(capsys)["rows"]] == ["0000003"]


def test_models_are_saved_listed_and_deleted(clients, capsys):
    db = clients
    assert cli(db, "template", "save", "auguri", "--text", "Tanti auguri {nome}!") == 0
    assert capsys.readouterr().out == "Modello 'auguri' salvato.\n"
    assert cli(db, "template", "list", "--json") == 0
    assert [(r["name"], r["text"]) for r in out_json(capsys)["rows"]] == [("auguri", "Tanti auguri {nome}!")]
    assert cli(db, "template", "delete", "auguri") == 0
    assert cli(db, "template", "delete", "auguri") == 1
    assert capsys.readouterr().err.strip() == "pegaso-tui: nessun modello di nome 'auguri'"


def test_a_model_or_a_schedule_with_a_placeholder_no_sms_can_fill_is_refused(clients, capsys):
    """Walked in Modelli: "Ciao {nme}" was saved, and every mask that took the model then
    refused to send it; a schedule with it ran "non eseguito" at its hour."""
    db = clients
    assert cli(db, "template", "save", "saluto", "--text", "Ciao {nme}!") == 1
    assert "segnaposto sconosciuto: {nme}" in capsys.readouterr().err
    cli(db, "search", "save", "tutti", "--kind", "promo", "--scheduling")
    assert cli(db, "schedule", "add", "x", "--search", "tutti", "--text", "Ciao {nme}", "--at", "23:59",
               "--from", "01-03-2027") == 1
    assert "segnaposto sconosciuto: {nme}" in capsys.readouterr().err
    assert cli(db, "template", "list", "--json") == 0
    assert out_json(capsys)["rows"] == []


def test_schedule_add_needs_a_search_enabled_for_scheduling(clients, capsys):
    db = clients
    cli(db, "search", "save", "solo", "--kind", "promo")
    assert cli(db, "schedule", "add", "x", "--search", "solo", "--text", "Ciao", "--at", "09:00",
               "--from", "01-03-2027") == 1
    assert "Abilita comunicazioni programmate" in capsys.readouterr().err
    cli(db, "search", "save", "tutti", "--kind", "promo", "--scheduling")
    assert cli(db, "schedule", "add", "x", "--search", "tutti", "--text", "Ciao", "--at", "9.75",
               "--from", "01-03-2027") == 1
    assert "ora non valida" in capsys.readouterr().err
    assert cli(db, "schedule", "run-due", "--now", "ieri") == 1
    assert capsys.readouterr().err.count("\n") == 1


def test_run_due_over_several_days_then_history(clients, capsys):
    db = clients
    cli(db, "search", "save", "compleanni", "--kind", "birthdays", "--dates", "none", "--scheduling")
    cli(db, "template", "save", "auguri", "--text", "Tanti auguri {nome}!")
    capsys.readouterr()
    assert cli(db, "schedule", "add", "auguri", "--search", "compleanni", "--template", "auguri",
               "--at", "09:00", "--from", "08-03-2027", "--json") == 0
    added = out_json(capsys)
    assert (added["purpose"], added["once"], added["state"]) == ("auguri", False, "attiva")
    assert cli(db, "template", "delete", "auguri") == 1  # a schedule sends it
    capsys.readouterr()
    runs = []
    for now in ("2027-03-09T10:00", "2027-03-09T10:00", "2027-03-10T08:59", "2027-03-10T09:00",
                "2027-03-11T09:30", "2027-03-12T09:00"):
        assert cli(db, "schedule", "run-due", "--now", now, "--json") == 0
        runs += out_json(capsys)["runs"]
    assert [(r["day"], r["status"], r["queued"]) for r in runs] == [
        ("2027-03-08", "missed", 0),
        ("2027-03-09", "done", 2),  # today to today+7: Anna and Bruno, once this year
        ("2027-03-10", "done", 0),
        ("2027-03-11", "done", 0),
        ("2027-03-12", "done", 0),
    ]
    assert cli(db, "schedule", "history", "auguri", "--json") == 0
    history = out_json(capsys)["runs"]
    assert history[-1]["day"] == "2027-03-08" and history[-1]["status"] == "missed"
    done = next(r for r in history if r["day"] == "2027-03-09")
    assert sorted(r["client"] for r in done["recipients"]) == ["0000002", "0000003"]
    assert cli(db, "schedule", "pause", "auguri") == 0
    capsys.readouterr()
    assert cli(db, "schedule", "list", "--json") == 0
    assert out_json(capsys)["rows"][0]["state"] == "in pausa"
    assert cli(db, "schedule", "delete", "auguri") == 0
    assert "obsoleta" in capsys.readouterr().out


def _race(db: str, now: str, processes: int) -> list[dict]:
    """``schedule run-due --now`` from ``processes`` real processes started together."""
    env = dict(os.environ, PEGASO_SENDER="AGENZIA")
    command = [sys.executable, "-m", "pegaso_tui", "schedule", "run-due", "--now", now, "--json", "--db", db]
    procs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
             for _ in range(processes)]
    runs = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err.decode()
        runs += json.loads(out)["runs"]
    return runs


@pytest.mark.slow
def test_processes_running_the_same_minute_queue_each_occurrence_once(clients):
    db = clients
    assert main(["search", "save", "tutti", "--kind", "promo", "--scheduling", "--db", db]) == 0
    assert main(["schedule", "add", "promo", "--search", "tutti", "--text", "Offerte {nome}",
                 "--at", "10:00", "--from", "01-05-2027", "--db", db]) == 0
    runs = []
    for day in ("01", "02", "03"):
        runs += _race(db, f"2027-05-{day}T10:00", processes=3)
    assert sorted((r["day"], r["status"], r["queued"]) for r in runs) == [
        ("2027-05-01", "done", 2), ("2027-05-02", "done", 2), ("2027-05-03", "done", 2)]
    open_database(db)
    try:
        per_number = Counter(m.phone for m in Message.select())
        assert per_number == {"+393491111111": 3, "+393492222222": 3}  # Carla never: no consent
        assert ScheduleRun.select().count() == 3
    finally:
        close_database()


def test_worker_runs_the_due_schedule_and_sends_it(clients, sandbox, monkeypatch, capsys):
    db = clients
    server = sandbox(deliver_after_ms=10)
    monkeypatch.setenv("PEGASO_GATEWAY_URL", server.url)
    monkeypatch.setenv("PEGASO_GATEWAY_KEY", "sandbox")
    monkeypatch.setenv("PEGASO_GATEWAY_SECRET", "sandbox")
    cli(db, "search", "save", "tutti", "--kind", "promo", "--scheduling")
    today = rome_time().strftime("%d-%m-%Y")
    assert cli(db, "schedule", "add", "promo", "--search", "tutti", "--text", "Offerte {nome}",
               "--at", "00:00", "--from", today) == 0
    saved_the_day_before(Schedule.get(Schedule.name == "promo"))  # else today's 00:00 is none
    assert cli(db, "worker", "--until-idle", "--poll-interval", "0.05") == 0
    err = capsys.readouterr().err
    assert "comunicazione programmata 'promo'" in err and "2 SMS accodati" in err
    assert "inviati 2, consegnati 2" in err
