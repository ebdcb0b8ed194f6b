"""``pegaso-tui select``: the public contract of CLI.md, exit codes included."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from pegaso_tui.cli import main
from pegaso_tui.db.connection import close_database, open_database
from tests.factories import give_preference, make_client, make_practice, make_preference


@pytest.fixture
def agency(db_url):
    """A small agency: two clients with practices, one without a mobile, one preference."""
    open_database(db_url)
    futura = make_client("0000002", name="FUTURA VIAGGI", mobile="349/9999999")
    rosso = make_client("0000280", name="ROSSO STEFANO", mobile="", birth_date=date(1970, 12, 25))
    make_practice(futura, "2026/0001", practice_date=date(2026, 2, 1))
    make_practice(rosso, "2026/0002", practice_date=date(2026, 3, 1))
    give_preference(futura, make_preference("CROC", "Crociere"))
    close_database()
    return db_url


def run_json(capsys, *argv) -> dict:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_select_practices_json(agency, capsys):
    data = run_json(capsys, "select", "practices", "--db", agency, "--status", "unpaid",
                    "--practice-from", "01-01-2026", "--practice-to", "31/12/2026")
    assert (data["count"], data["sendable"]) == (2, 1)
    assert [r["practice"] for r in data["rows"]] == ["2026/0001", "2026/0002"]
    assert data["rows"][1]["reason"] == "cellulare mancante"


def test_select_promo_with_preference(agency, capsys):
    data = run_json(capsys, "select", "promo", "--db", agency, "--preference", "CROC")
    assert [r["client"] for r in data["rows"]] == ["0000002"]


def test_select_birthdays_across_the_new_year(agency, capsys):
    data = run_json(capsys, "select", "birthdays", "--db", agency, "--from", "20-12-2026",
                    "--to", "2027-01-10")
    assert [(r["client"], r["birth_date"]) for r in data["rows"]] == [("0000280", "1970-12-25")]


def test_select_table_ends_with_the_counts(agency, capsys):
    assert main(["select", "practices", "--db", agency, "--status", "unpaid"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "2 righe, 1 inviabili"
    assert "non inviabile: cellulare mancante" in out


def test_db_option_is_accepted_before_the_command(agency, capsys):
    assert main(["--db", agency, "select", "promo", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["count"] == 2


@pytest.mark.parametrize(
    "argv, message",
    [
        (["select", "birthdays", "--from", "31-02-2026", "--to", "01-03-2026"], "data impossibile"),
        (["select", "practices", "--status", "unpaid", "--practice-from", "01-12-2026",
          "--practice-to", "01-01-2026"], "prima di iniziare"),
        (["select", "promo", "--preference", "NOPE"], "preferenza sconosciuta: NOPE"),
        (["select", "promo", "--client-from", "10", "--client-to", "2"], "precede"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_1(agency, capsys, argv, message):
    assert main([*argv, "--db", agency]) == 1
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_a_usage_error_exits_2(agency, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["select", "practices", "--status", "nonsense", "--db", agency])
    assert exc.value.code == 2


def test_an_unreachable_postgresql_is_a_clear_error(capsys):
    status = main(["select", "promo", "--db", "postgresql://nobody@127.0.0.1:1/none"])
    assert status == 1
    assert "impossibile aprire il database" in capsys.readouterr().err


@pytest.mark.parametrize("launcher", ["console-script", "python-m"])
def test_the_console_script_and_python_m_run_the_same_cli(agency, launcher):
    argv = (
        [str(Path(sys.executable).parent / "pegaso-tui")]
        if launcher == "console-script"
        else [sys.executable, "-m", "pegaso_tui"]
    )
    done = subprocess.run([*argv, "select", "promo", "--db", agency, "--json"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["count"] == 2


@pytest.mark.parametrize(
    "argv, commands",
    [
        ([], False),
        (["--db", "select.db"], False),  # a database named like a command is not a command
        (["--demo"], False),
        (["--db=x.db", "select", "promo"], True),
        (["--help"], True),
        (["nonsense"], True),  # an unknown command still gets argparse's own error
    ],
)
def test_the_command_modules_are_loaded_only_for_a_command(argv, commands):
    from pegaso_tui.cli import wants_commands

    assert wants_commands(argv) is commands
