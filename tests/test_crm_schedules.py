"""A scheduled communication that creates CRM actions instead of SMS (issue 15, item 7, last
sentence), with a fixed clock: one action per client per occurrence, exactly once however
many senders run, in Richieste Aperte and the agenda like any other action."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import date, datetime, timedelta

import pytest

from pegaso_tui.cli import main
from pegaso_tui.db.connection import close_database, open_database
from pegaso_tui.db.crm.agenda import agenda_pager
from pegaso_tui.db.crm.requests import open_requests_pager
from pegaso_tui.db.models import Campaign, Message, Request, Schedule, ScheduleRun, SchemaInfo
from pegaso_tui.db.schedules import (
    ScheduleError,
    ScheduleFields,
    history,
    runs_pager,
    save_schedule,
    schedule_form_data,
)
from pegaso_tui.db.schema import SCHEMA_VERSION, schema_version
from pegaso_tui.db.searches import save_search
from pegaso_tui.sending.scheduler import run_due
from tests.factories import make_client


def run(text: str):
    return run_due(datetime.fromisoformat(text), default_sender="AGENZIA")


def crm_schedule(name="richiami", **more):
    values = dict(name=name, search="tutti", at="10:00", start=date(2027, 5, 1),
                  text="Proporre la crociera", kind="crm", crm_type="Telefonata",
                  crm_operators=("mario", "lucia"), crm_due_days=3)
    values.update(more)
    return save_schedule(ScheduleFields(**values))


def _agency():
    make_client("0000002", name="ROSSI ANNA", mobile="349 111 1111")
    make_client("0000003", name="BIANCHI BRUNO", mobile="349 222 2222")
    save_search("tutti", "promo", {}, date_mode="none", scheduling=True, today=date(2027, 5, 1))


def test_a_crm_schedule_run_on_two_days_creates_the_actions_once_per_day(any_db):
    _agency()
    crm_schedule()
    for day in (1, 2):
        assert run(f"2027-05-0{day}T09:59") == []
        [result] = run(f"2027-05-0{day}T10:00")
        assert (result.day, result.status, result.crm_actions, result.queued) == (
            date(2027, 5, day), "done", 2, 0)
        assert run(f"2027-05-0{day}T10:00") == []  # twice in the same minute
        assert run(f"2027-05-0{day}T18:00") == []
    actions = list(Request.select().order_by(Request.id))
    # one action per client per day, due the run day + 3, shared out in turn, no SMS at all
    assert Counter((r.subject_name, r.recontact_date) for r in actions) == {
        ("ROSSI ANNA", date(2027, 5, 4)): 1, ("BIANCHI BRUNO", date(2027, 5, 4)): 1,
        ("ROSSI ANNA", date(2027, 5, 5)): 1, ("BIANCHI BRUNO", date(2027, 5, 5)): 1}
    assert [r.operator.username for r in actions] == ["mario", "lucia", "mario", "lucia"]
    assert {(r.request_type, r.description, r.purpose, r.is_open) for r in actions} == {
        ("call", "Proporre la crociera", "marketing", True)}
    assert Message.select().count() == 0 and Campaign.select().count() == 0
    # Storico Invii: each run with how many actions it created
    schedule = Schedule.get(name="richiami")
    assert [(r["day"], r["status"], r["crm_actions"]) for r in history(schedule)] == [
        ("2027-05-02", "done", 2), ("2027-05-01", "done", 2)]
    rows = runs_pager(schedule.id).first(10).rows
    assert [(r.day, r.crm_actions) for r in rows] == [(date(2027, 5, 2), 2), (date(2027, 5, 1), 2)]


def test_the_scheduled_actions_are_in_richieste_aperte_and_the_agenda(any_db):
    _agency()
    crm_schedule(crm_operators=("mario",), crm_due_days=2)
    run("2027-05-01T10:00")
    opened = open_requests_pager(operator="mario").first(10).rows
    assert sorted(r.subject_name for r in opened) == ["BIANCHI BRUNO", "ROSSI ANNA"]
    assert agenda_pager("mario", date(2027, 5, 2)).count() == 0  # not due yet
    due = agenda_pager("mario", date(2027, 5, 3)).first(10).rows
    assert sorted(r.summary for r in due) == ["Proporre la crociera"] * 2


def test_an_sms_schedule_still_sends_sms(any_db):
    _agency()
    save_schedule(ScheduleFields(name="promo", search="tutti", at="10:00", start=date(2027, 5, 1),
                                 text="Offerte!"))
    [result] = run("2027-05-01T10:00")
    assert (result.queued, result.crm_actions) == (2, None)
    assert Request.select().count() == 0
    assert "crm_actions" not in history(Schedule.get(name="promo"))[0]


def test_a_crm_schedule_refuses_bad_crm_fields(any_db):
    _agency()
    with pytest.raises(ScheduleError, match="tipo di azione sconosciuto"):
        crm_schedule(crm_type="fax")
    with pytest.raises(ScheduleError, match="almeno un operatore"):
        crm_schedule(crm_operators=(" ",))
    with pytest.raises(ScheduleError, match="numero di giorni"):
        crm_schedule(crm_due_days=-1)
    assert Schedule.select().count() == 0
    saved = crm_schedule(sender="AGENZIA")
    assert saved.sender == ""  # actions are not sent: no sender to keep
    form = schedule_form_data(saved.id)["schedule"]
    assert (form["kind"], form["crm_type"], form["crm_operators"], form["crm_due_days"]) == (
        "crm", "call", ["mario", "lucia"], 3)


def test_a_version_6_database_is_upgraded_and_its_schedules_stay_sms(any_url):
    db = open_database(any_url)
    _agency()
    save_schedule(ScheduleFields(name="promo", search="tutti", at="10:00", start=date(2027, 5, 1),
                                 text="Offerte!"))
    from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate

    sqlite = "sqlite" in type(db).__name__.lower()
    migrator = SqliteMigrator(db) if sqlite else PostgresqlMigrator(db)
    extra = {"legacy": True} if sqlite else {}  # SQLite rebuilds a table with a foreign key
    migrate(*(migrator.drop_column("schedule", c) for c in
              ("kind", "crm_type", "crm_operators", "crm_due_days")),
            migrator.drop_column("schedule_run", "assignment_id", **extra))
    SchemaInfo.delete().execute()
    SchemaInfo.create(version=6)
    close_database()

    db = open_database(any_url)
    assert schema_version(db) == SCHEMA_VERSION >= 7
    assert {"kind", "crm_type", "crm_operators", "crm_due_days"} <= {
        c.name for c in db.get_columns("schedule")}
    assert "assignment_id" in {c.name for c in db.get_columns("schedule_run")}
    assert Schedule.get(name="promo").kind == "sms"
    crm_schedule()
    [_, crm] = sorted(run("2027-05-01T10:00"), key=lambda r: r.schedule)
    assert crm.crm_actions == 2


# --- The command line -------------------------------------------------------------------------


@pytest.fixture
def agency(any_url, monkeypatch):
    monkeypatch.setenv("PEGASO_SENDER", "AGENZIA")
    open_database(any_url)
    _agency()
    close_database()
    return any_url


def cli(db, *args) -> int:
    return main([*args, "--db", db])


def test_schedule_add_with_crm_fields_and_its_one_line_errors(agency, capsys):
    db = agency
    assert cli(db, "schedule", "add", "x", "--search", "tutti", "--text", "Chiamare", "--at", "10:00",
               "--from", "01-05-2027", "--crm-operator", "mario") == 1
    assert "--crm-type" in capsys.readouterr().err
    assert cli(db, "schedule", "add", "x", "--search", "tutti", "--text", "Chiamare", "--at", "10:00",
               "--from", "01-05-2027", "--crm-type", "call") == 1
    assert capsys.readouterr().err.count("\n") == 1  # no operator: one line
    with pytest.raises(SystemExit) as stopped:
        cli(db, "schedule", "add", "x", "--search", "tutti", "--text", "Chiamare", "--at", "10:00",
            "--from", "01-05-2027", "--crm-type", "call", "--crm-operator", "mario",
            "--due-days", "tre")
    assert stopped.value.code == 2
    assert "numero di giorni non valido" in capsys.readouterr().err
    assert cli(db, "schedule", "add", "x", "--search", "tutti", "--text", "Chiamare", "--at", "10:00",
               "--from", "01-05-2027", "--crm-type", "Telefonata", "--crm-operator", "mario",
               "--crm-operator", "lucia", "--due-days", "2", "--json") == 0
    added = json.loads(capsys.readouterr().out)
    assert added["kind"] == "crm"
    assert added["crm"] == {"type": "call", "operators": ["mario", "lucia"], "due_days": 2}
    assert cli(db, "schedule", "list") == 0
    assert capsys.readouterr().out.splitlines()[0].endswith("azioni CRM")


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
def test_two_processes_running_the_same_minute_create_the_actions_once(agency, capsys):
    db = agency
    assert cli(db, "schedule", "add", "richiami", "--search", "tutti", "--text", "Chiamare {nome}",
               "--at", "10:00", "--from", "01-05-2027", "--crm-type", "call",
               "--crm-operator", "mario", "--due-days", "1") == 0
    runs = []
    for day in ("01", "02"):
        runs += _race(db, f"2027-05-{day}T10:00", processes=2)
    assert sorted((r["day"], r["status"], r["crm_actions"]) for r in runs) == [
        ("2027-05-01", "done", 2), ("2027-05-02", "done", 2)]
    capsys.readouterr()
    assert cli(db, "schedule", "history", "richiami") == 0
    assert "azioni CRM create 2" in capsys.readouterr().out
    open_database(db)
    try:
        per_client_day = Counter((r.subject_name, r.recontact_date) for r in Request.select())
        assert set(per_client_day.values()) == {1} and len(per_client_day) == 4
        assert ScheduleRun.select().count() == 2
    finally:
        close_database()


# --- Mask 17 --------------------------------------------------------------------------------


async def test_mask_17_saves_an_azioni_crm_schedule_and_shows_its_runs(db, db_url):
    from textual.widgets import Input

    from tests.apputil import make_app, wait_for_workers, wait_until

    today = date(2026, 11, 23)
    _agency()
    app = make_app(db_url, today=today, sender="AGENZIA")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "7")
        await wait_for_workers(pilot)
        await pilot.press("f3")
        assert await wait_until(pilot, lambda: app.screen.id == "schedule-dialog")
        dialog = app.screen
        assert not dialog.query_one("#row-crm-type").display  # SMS until Azioni CRM is chosen
        await pilot.press(*"richiami")
        dialog.query_one("#schedule-generates").value = "crm"
        await pilot.pause()
        assert dialog.query_one("#row-crm-type").display
        assert not dialog.query_one("#field-sender").display
        dialog.query_one("#schedule-at", Input).value = "10:30"
        dialog.query_one("#schedule-search").value = "tutti"
        dialog.query_one("#schedule-text").text = "Proporre la crociera"
        dialog.query_one("#schedule-crm-type").value = "meeting"
        dialog.query_one("#schedule-crm-operators", Input).value = "mario, lucia"
        dialog.query_one("#schedule-due-days", Input).value = "5"
        await pilot.press("f10")
        assert await wait_until(pilot, lambda: app.screen.id == "comms-schedules")
        await wait_for_workers(pilot)
        schedule = Schedule.get(Schedule.name == "richiami")
        assert (schedule.kind, schedule.crm_type, schedule.crm_operators, schedule.crm_due_days) == (
            "crm", "meeting", "mario,lucia", 5)
        await pilot.press("f4")  # changing it shows the CRM fields as saved
        assert await wait_until(pilot, lambda: app.screen.id == "schedule-dialog")
        await wait_for_workers(pilot)
        dialog = app.screen
        assert dialog.query_one("#row-crm-type").display
        assert (dialog.query_one("#schedule-crm-type").value,
                dialog.query_one("#schedule-crm-operators", Input).value,
                dialog.query_one("#schedule-due-days", Input).value) == ("meeting", "mario, lucia", "5")
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: app.screen.id == "comms-schedules")
        [result] = run_due(datetime(2026, 11, 23, 10, 30), default_sender="AGENZIA")
        assert result.crm_actions == 2
        await pilot.press("f6")
        assert await wait_until(pilot, lambda: app.screen.id == "comms-history")
        await wait_for_workers(pilot)
        table = app.screen.query_one("#history-runs").table
        assert await wait_until(pilot, lambda: table.row_count == 1)
        assert str(table.get_row_at(0)[5]) == "2"  # the "Azioni CRM" column
        actions = app.screen.query_one("#history-actions")
        assert await wait_until(pilot, lambda: actions.table.row_count == 2)
        assert not app.screen.query_one("#history-recipients").display
        assert sorted(str(actions.table.get_row_at(i)[2]) for i in range(2)) == ["lucia", "mario"]
    assert {r.recontact_date for r in Request.select()} == {date(2026, 11, 28)}
