"""The home agenda read by a helper process while the app starts (issue 17).

The helper is the real one (``python -m pegaso_tui.agenda_preview``) on real databases; the
app is driven by the Textual pilot with its database held closed, to show what the user sees
before it opens.
"""

from __future__ import annotations

import sys
import threading
import time
from datetime import date

import pytest

from pegaso_tui import agenda_preview
from pegaso_tui.agenda_preview import AgendaPreview
from pegaso_tui.db.crm.agenda import agenda_counts, agenda_pager
from pegaso_tui.db.crm.requests import ActivityInput, RequestInput, add_activity, create_request
from pegaso_tui.db.models import Outcome, SchemaInfo
from pegaso_tui.db.schema import SCHEMA_VERSION
from pegaso_tui.widgets.agenda import AgendaPanel
from tests.apputil import make_app, wait_until

TODAY = date(2026, 3, 10)


def seed_agenda(operator: str = "tester") -> None:
    """Overdue and due recontacts (one with a mobile and an activity), and some that are not
    in the agenda: tomorrow's, someone else's, a closed one."""
    create_request(RequestInput("VERDI GINO", "Crociera", recontact_date=date(2026, 3, 2), mobile="3471234567"),
                   operator, date(2026, 3, 1))
    due = create_request(RequestInput("ROSSI MARIO", "Mar Rosso", recontact_date=TODAY), operator, TODAY)
    add_activity(ActivityInput(due.id, TODAY, "Non risponde", Outcome.get(Outcome.name == "In trattativa").id,
                               TODAY), operator, TODAY)
    create_request(RequestInput("BIANCHI", "Neve", recontact_date=date(2026, 3, 11)), operator, TODAY)
    create_request(RequestInput("NERI", "Terme", recontact_date=TODAY), "mario", TODAY)
    closed = create_request(RequestInput("GIALLI", "Tour", recontact_date=TODAY), operator, TODAY)
    add_activity(ActivityInput(closed.id, TODAY, "Venduto", Outcome.get(Outcome.name == "Venduto").id),
                 operator, TODAY)


def finished(preview: AgendaPreview, timeout: float = 30.0) -> AgendaPreview:
    deadline = time.monotonic() + timeout
    while not preview.done():
        assert time.monotonic() < deadline, "the helper never finished"
        time.sleep(0.01)
    return preview


def test_the_helper_reads_the_agenda_the_home_screen_reads(any_url, any_db):
    seed_agenda()
    preview = finished(AgendaPreview.start(any_url, "tester", TODAY, 50))
    found = preview.take()
    assert found is not None
    expected = agenda_pager("tester", TODAY).first(50)
    assert found["rows"] == expected.rows  # every field, the latest activity included
    assert [r.subject_name for r in found["rows"]] == ["VERDI GINO", "ROSSI MARIO"]
    assert found["rows"][1].last_activity == "Non risponde"
    assert (found["overdue"], found["due"]) == agenda_counts("tester", TODAY) == (1, 1)
    assert found["at_end"] is True
    assert preview.process.returncode is not None or preview.process.wait(5) == 0  # no zombie left


def test_the_helper_never_creates_a_database(tmp_path):
    missing = tmp_path / "nuovo.db"
    preview = finished(AgendaPreview.start(f"sqlite:///{missing}", "tester", TODAY, 50))
    assert preview.take() is None
    assert not missing.exists()  # the app creates it, where the user asked, and says so


def test_the_helper_leaves_an_older_schema_to_the_app(db_url, db):
    seed_agenda()
    SchemaInfo.update(version=SCHEMA_VERSION - 1).execute()  # as written by the previous version
    preview = finished(AgendaPreview.start(db_url, "tester", TODAY, 50))
    assert preview.take() is None  # it would read tables that the upgrade has not made yet
    assert [v.version for v in SchemaInfo.select()] == [SCHEMA_VERSION - 1]  # nothing upgraded


def test_the_password_never_reaches_the_helpers_command_line(tmp_path):
    url = "postgresql://pegaso:segreto-di-prova@127.0.0.1:1/agenzia"
    preview = AgendaPreview.start(url, "tester", TODAY, 50)
    try:
        command = " ".join(preview.process.args)
        assert "segreto-di-prova" not in command
        with open(f"/proc/{preview.process.pid}/cmdline", "rb") as cmdline:
            assert b"segreto-di-prova" not in cmdline.read()
    except FileNotFoundError:  # the helper already ended (no server on port 1)
        pass
    finally:
        finished(preview)
        assert preview.take() is None  # no such server: the app will say so itself


def test_a_helper_not_finished_is_stopped_and_reaped(tmp_path, monkeypatch, db_url, db):
    monkeypatch.setattr(agenda_preview, "helper_command",
                        lambda: [sys.executable, "-c", "import time; time.sleep(30)"])
    preview = AgendaPreview.start(db_url, "tester", TODAY, 50)
    assert preview.take() is None  # never waits for it
    assert preview.process.returncode is not None  # stopped, and its exit collected


def held_app(db_url, preview: AgendaPreview):
    """The app as ``pegaso-tui`` starts it: the database opened by the app behind its first
    frame, here held closed until the test lets it open; the helper's page on its way."""
    app = make_app(db_url, today=TODAY)
    services = app.services
    services.database_ready = threading.Event()
    services.agenda_preview = preview
    gate = threading.Event()
    real_open = services.open_database

    def open_when_allowed(on_upgrade=None) -> None:
        gate.wait(30)
        real_open(on_upgrade=on_upgrade)

    services.open_database = open_when_allowed
    return app, gate


async def test_the_agenda_is_in_the_first_frame_before_the_database_opens(db_url, db):
    seed_agenda()
    app, gate = held_app(db_url, finished(AgendaPreview.start(db_url, "tester", TODAY, 50)))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        agenda = app.screen.query_one(AgendaPanel)
        assert not app.services.database_ready.is_set()
        assert [r.subject_name for r in agenda.table.rows] == ["VERDI GINO", "ROSSI MARIO"]
        assert "1 in ritardo · 1 per oggi" in str(agenda.query_one("#agenda-counts").render())
        assert "riga 1 di 2" in str(agenda.table.query_one("#paged-table-status").render())
        assert str(agenda.table.table.get_row_at(0)[2]) == "347 123 4567"  # formatted by the helper
        await pilot.press("tab", "down")  # the operator is already on the second one
        assert agenda.table.current_row.subject_name == "ROSSI MARIO"
        gate.set()
        assert await wait_until(pilot, lambda: agenda.table.pager is not None and not agenda.table._loading
                                and agenda.table.total == 2)
        await pilot.pause()
        # read again from the database: same rows, the cursor where the operator put it
        assert [r.subject_name for r in agenda.table.rows] == ["VERDI GINO", "ROSSI MARIO"]
        assert agenda.table.current_row.subject_name == "ROSSI MARIO"


async def test_a_late_helpers_page_is_shown_as_soon_as_it_comes(db_url, db, monkeypatch, tmp_path):
    seed_agenda()
    # the real helper, but slower to start than the app is to show its first frame: it starts
    # when the test says so (a fixed delay was once shorter than a loaded machine's first frame)
    go = tmp_path / "go"
    monkeypatch.setattr(agenda_preview, "helper_command", lambda: [
        sys.executable, "-c",
        f"import os, runpy, time\nwhile not os.path.exists({str(go)!r}): time.sleep(0.01)\n"
        "runpy.run_module('pegaso_tui.agenda_preview', run_name='__main__')"])
    app, gate = held_app(db_url, AgendaPreview.start(db_url, "tester", TODAY, 50))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        agenda = app.screen.query_one(AgendaPanel)
        assert agenda.table is None  # not yet
        go.touch()
        assert await wait_until(pilot, lambda: agenda.table is not None and agenda.table.rows)
        assert not app.services.database_ready.is_set()  # shown before the database opened
        assert [r.subject_name for r in agenda.table.rows] == ["VERDI GINO", "ROSSI MARIO"]
        gate.set()
        assert await wait_until(pilot, lambda: agenda.table.pager is not None and agenda.table.total == 2
                                and not agenda.table._loading)
        assert len(app.screen.query("#agenda-list")) == 1
        assert [r.subject_name for r in agenda.table.rows] == ["VERDI GINO", "ROSSI MARIO"]


async def test_the_database_first_stops_the_helper(db_url, db, monkeypatch):
    seed_agenda()
    monkeypatch.setattr(agenda_preview, "helper_command",
                        lambda: [sys.executable, "-c", "import time; time.sleep(30)"])
    preview = AgendaPreview.start(db_url, "tester", TODAY, 50)
    app, gate = held_app(db_url, preview)
    gate.set()
    async with app.run_test(size=(100, 30)) as pilot:
        agenda = app.screen.query_one(AgendaPanel)
        # the count and the page are read by two workers: wait for both
        assert await wait_until(pilot, lambda: agenda.table is not None and agenda.table.total == 2
                                and len(agenda.table.rows) == 2)
        assert [r.subject_name for r in agenda.table.rows] == ["VERDI GINO", "ROSSI MARIO"]
        assert preview.process.returncode is not None  # stopped and reaped, not left behind


@pytest.mark.parametrize("stored, shown", [("+393471234567", "347 123 4567"), ("", ""), ("045 800", "045 800")])
def test_numbers_formatted_by_the_helper_read_as_the_apps_own(stored, shown):
    from pegaso_tui.sms.phone import _format_for_display, display_number, remember_display

    assert _format_for_display(stored) == shown
    remember_display({"+390000000001": "told by the helper"})
    assert display_number("+390000000001") == "told by the helper"
    assert display_number(stored) == shown



@pytest.mark.parametrize("command", [[""], [None]])
def test_no_interpreter_to_start_means_no_helper(monkeypatch, db_url, command):
    # an embedded Python has no sys.executable: the agenda is then read as it always was
    monkeypatch.setattr(agenda_preview, "helper_command", lambda: command)
    assert AgendaPreview.start(db_url, "tester", TODAY, 50) is None


def test_no_non_blocking_pipe_means_no_helper_left_behind(monkeypatch, db_url):
    started = []
    real_popen = agenda_preview.subprocess.Popen

    def popen(*args, **kwargs):
        started.append(real_popen(*args, **kwargs))
        return started[-1]

    def no_set_blocking(*args):
        raise AttributeError("set_blocking")  # as on Windows before Python 3.12

    monkeypatch.setattr(agenda_preview.subprocess, "Popen", popen)
    monkeypatch.setattr(agenda_preview.os, "set_blocking", no_set_blocking)
    assert AgendaPreview.start(db_url, "tester", TODAY, 50) is None
    assert started and started[0].returncode is not None  # stopped and reaped
