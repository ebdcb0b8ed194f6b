"""Bad input on the command line: one line, a non-zero exit, no traceback, no secret, and
nothing changed — neither the database nor the working folder.

Every command and option of ``pegaso-tui --help`` is here, one case per class of bad input
(ports, non-finite and huge numbers, text that is not UTF-8, bad dates and codes, database
URLs and paths, settings files). Each case runs the real program in a fresh process, as a user
would, with secrets in the environment.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from pegaso_tui.cli import OPERATOR_MAX_LENGTH
from pegaso_tui.db.connection import close_database, open_database
from pegaso_tui.db.models import Operator
from tests.factories import make_client, make_practice, make_preference

KEY = "KEY-k3y-4lpha"
SECRET = "SEC-s3cr3t-b3ta"
PASSWORD = "Pa55w0rdXYZ"
SECRETS = (KEY, SECRET, PASSWORD)


@pytest.fixture
def workdir(tmp_path):
    """A working folder with a database of a few clients, and secrets in the environment."""
    folder = tmp_path / "lavoro"
    folder.mkdir()
    db_path = folder / "agenzia.db"
    open_database(str(db_path))
    make_preference("MARE")
    for code in ("0000002", "0000005", "0000007"):
        make_practice(make_client(code))
    close_database()
    (folder / "clienti.csv").write_text("codice;ragione_sociale\n9;NUOVO\n", encoding="utf-8")
    env = {
        **os.environ,
        "PEGASO_DB": str(db_path),
        "PEGASO_GATEWAY_URL": "http://127.0.0.1:9/rest/api",
        "PEGASO_GATEWAY_KEY": KEY,
        "PEGASO_GATEWAY_SECRET": SECRET,
        "PEGASO_SENDER": "AGENZIA",
    }
    return folder, db_path, env


def dump(db_path: Path) -> list[str]:
    """The database's content: its schema, and every row of every table (what a user would
    call "the data"). Full-text indexes count by the tables they are stored in: Python's
    ``iterdump`` reads virtual tables as tables, which an index without a copy of its text
    (``client_pairs``) refuses, as the ``sqlite3`` shell's ``.dump`` knows."""
    connection = sqlite3.connect(db_path)
    try:
        schema = connection.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name"
        ).fetchall()
        content = [repr(row) for row in schema]
        for kind, name, sql in schema:
            if kind != "table" or name.startswith("sqlite_") or sql.startswith("CREATE VIRTUAL TABLE"):
                continue
            quoted = name.replace('"', '""')
            content += [f"{name}: {row!r}" for row in connection.execute(f'SELECT * FROM "{quoted}"')]
        return content
    finally:
        connection.close()


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if not p.name.endswith(("-wal", "-shm")))


def run(argv: list, folder: Path, env: dict, stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pegaso_tui", *argv], cwd=folder, env=env, input=stdin,
        capture_output=True, timeout=60,
    )


def assert_refused(result: subprocess.CompletedProcess, *words: str) -> str:
    out = (result.stdout + result.stderr).decode("utf-8", "replace")
    assert result.returncode != 0, out
    assert "Traceback" not in out and "Error:" not in out, out
    assert 1 <= len(out.strip().splitlines()) <= 3, out
    for secret in SECRETS:
        assert secret not in out, out
    for word in words:
        assert word in out, out
    return out


PG = f"postgresql://mario:{PASSWORD}@127.0.0.1"

CASES = {
    # ports
    "sandbox port too big": (["sandbox", "--port", "99999"], "tra 1 e 65535"),
    "sandbox port negative": (["sandbox", "--port", "-1"], "tra 1 e 65535"),
    "sandbox port not a number": (["sandbox", "--port", "80a"], "--port"),
    "postgres port too big": (["select", "promo", "--db", f"{PG}:99999/x"], "porta"),
    "postgres port not a number": (["select", "promo", "--db", f"{PG}:5x/x"], "porta"),
    "postgres ipv6 bracket not closed": (["select", "promo", "--db", f"postgresql://u:{PASSWORD}@[::1/x"], "IPv6"),
    "postgres ipv6 without brackets": (["select", "promo", "--db", f"postgresql://u:{PASSWORD}@::1/x"], "IPv6"),
    # non-finite and huge numbers
    "poll interval nan": (["worker", "--poll-interval", "nan"], "finito"),
    "poll interval inf": (["worker", "--poll-interval", "inf"], "finito"),
    "poll interval zero": (["worker", "--poll-interval", "0"], "--poll-interval"),
    "window huge": (["worker", "--window", "100000"], "--window"),
    "demo clients huge": (["demo-data", "--clients", "99999999999999999999999"], "--clients"),
    "demo practices negative": (["demo-data", "--practices", "-5"], "--practices"),
    "demo messages float": (["demo-data", "--messages", "1e9"], "--messages"),
    "demo seed not a number": (["demo-data", "--seed", "abc"], "--seed"),
    "sandbox fail rate nan": (["sandbox", "--fail-rate", "nan"], "--fail-rate"),
    "sandbox drop rate above 1": (["sandbox", "--drop-rate", "1.5"], "--drop-rate"),
    "sandbox latency huge": (["sandbox", "--latency-ms", "99999999999"], "--latency-ms"),
    "sandbox delivery negative": (["sandbox", "--deliver-after-ms", "-3"], "--deliver-after-ms"),
    "sandbox credits huge": (["sandbox", "--credits", "1" + "0" * 30], "--credits"),
    "sandbox suffix not digits": (["sandbox", "--undeliverable-suffix", "\u0661\u0662"], "cifre"),
    # text that is not UTF-8 (bytes from a Latin-1 terminal)
    "sms-info latin-1": ([b"sms-info", b"caff\xe8"], "UTF-8"),
    "send text latin-1": ([b"send", b"single", b"--to", b"3491234567", b"--text", b"caff\xe8", b"--yes"], "UTF-8"),
    "client-from latin-1": ([b"select", b"promo", b"--client-from", b"\xe9"], "UTF-8"),
    "messages client latin-1": ([b"messages", b"--client", b"\xff"], "UTF-8"),
    "import file latin-1": ([b"import", b"clients", b"clienti\xe9.csv"], "UTF-8"),
    # dates
    "impossible date": (["select", "birthdays", "--from", "31-02-2026", "--to", "01-03-2026"], "31-02-2026"),
    "month 13": (["select", "practices", "--status", "unpaid", "--practice-from", "01-13-2026"], "01-13-2026"),
    "reversed dates": (["messages", "--from", "10-03-2026", "--to", "01-03-2026"], ""),
    "date of year 99999": (["messages", "--from", "01-01-99999"], "99999"),
    "date as words": (["select", "promo", "--with-practices", "--departure-to", "domani"], "domani"),
    # codes and choices
    "date of year 1": (["select", "birthdays", "--from", "01-01-0001", "--to", "02-01-0001"], "1900"),
    "date of year 9999": (["select", "birthdays", "--from", "31-12-9999", "--to", "31-12-9999"], "1900"),
    "messages to year 9999": (["messages", "--from", "01-01-2026", "--to", "31-12-9999"], "9999"),
    "departure in year 9999": (["select", "practices", "--status", "unpaid", "--departure-to", "31-12-9999"], "9999"),
    "reversed client range": (["select", "promo", "--client-from", "7", "--client-to", "5"], "precede"),
    "unknown preference": (["select", "promo", "--preference", "NESSUNA"], "NESSUNA"),
    "unknown status": (["select", "practices", "--status", "tutte"], "--status"),
    "unknown import kind": (["import", "customers", "clienti.csv"], "customers"),
    "mobile with letters": (["send", "single", "--to", "+39 349 ABC 1234", "--text", "x", "--yes"], "lettere"),
    "sender too long": (["send", "single", "--to", "3491234567", "--text", "x", "--sender", "AGENZIA VIAGGI ROMA", "--yes"], ""),
    "unknown placeholder": (["send", "promo", "--text", "Ciao {nomee}", "--yes"], "nomee"),
    "cancel not a number": (["cancel", "abc"], "campagna"),
    "cancel zero": (["cancel", "0"], "campagna"),
    "cancel huge": (["cancel", "9" * 30], "campagna"),
    "cancel unknown campaign": (["cancel", "4242", "--yes"], "non esiste"),
    # databases and settings
    "mysql url": (["select", "promo", "--db", f"mysql://mario:{PASSWORD}@host/x"], "mysql"),
    "misspelt postgres": (["select", "promo", "--db", f"postgresq://mario:{PASSWORD}@host/x"], "postgresq"),
    "postgres without database": (["select", "promo", "--db", f"{PG}:5432/"], "nome del database"),
    "missing folder": (["select", "promo", "--db", "../manca/del/tutto/x.db"], "manca/del/tutto"),
    "missing relative folder": (["select", "promo", "--db", "nuova/x.db"], "nuova"),
    "folder as database": (["select", "promo", "--db", "."], "cartella"),
    "missing config": (["select", "promo", "--config", "manca.toml"], "manca.toml"),
    "import file missing": (["import", "clients", "manca.csv"], "manca.csv"),
    "import a device": (["import", "clients", "/dev/zero"], "non è un file normale"),
    "rejected into a missing folder": (["import", "clients", "clienti.csv", "--rejected", "manca/x.csv"], "manca"),
    "rejected over the input": (["import", "clients", "clienti.csv", "--rejected", "./clienti.csv"], "--rejected"),
}


@pytest.mark.parametrize("argv, word", CASES.values(), ids=CASES.keys())
def test_bad_input_is_one_line_and_changes_nothing(workdir, argv, word):
    folder, db_path, env = workdir
    before_db, before_files = dump(db_path), listing(folder.parent)
    out = assert_refused(run(argv, folder, env), word)
    assert dump(db_path) == before_db, out
    assert listing(folder.parent) == before_files, out


ENV_CASES = {
    "operator too long": ({"PEGASO_OPERATOR": "x" * (OPERATOR_MAX_LENGTH + 1)}, "operatore"),
    "PEGASO_DB mysql": ({"PEGASO_DB": f"mysql://mario:{PASSWORD}@host/x"}, "mysql"),
    "PEGASO_DB missing folder": ({"PEGASO_DB": "manca/x.db"}, "manca"),
    "PEGASO_CONFIG missing": ({"PEGASO_CONFIG": "manca.toml"}, "manca.toml"),
}


@pytest.mark.parametrize("extra, word", ENV_CASES.values(), ids=ENV_CASES.keys())
def test_bad_environment_is_one_line_and_changes_nothing(workdir, extra, word):
    folder, db_path, env = workdir
    before_db, before_files = dump(db_path), listing(folder.parent)
    assert_refused(run(["select", "promo"], folder, {**env, **extra}), word)
    assert dump(db_path) == before_db
    assert listing(folder.parent) == before_files


@pytest.mark.parametrize("toml", ["[gateway]\ntimeout_s = nan\n", "[gateway]\ntimeout_s = -1\n",
                                  "max_parts = 99999999999999999999\n", "= broken\n"])
def test_bad_settings_files_are_one_line_and_change_nothing(workdir, toml):
    folder, db_path, env = workdir
    (folder.parent / "impostazioni.toml").write_text(toml)
    before_db, before_files = dump(db_path), listing(folder.parent)
    assert_refused(run(["select", "promo", "--config", "../impostazioni.toml"], folder, env), "impostazioni.toml"
                   if "broken" in toml else "impostazione")
    assert dump(db_path) == before_db
    assert listing(folder.parent) == before_files


def test_environment_bytes_that_are_not_utf8_are_one_line(workdir):
    folder, db_path, env = workdir
    env = {k.encode(): v.encode() for k, v in env.items()}
    env[b"PEGASO_OPERATOR"] = b"mari\xf2"
    assert_refused(run(["select", "promo"], folder, env), "PEGASO_OPERATOR")


@pytest.mark.postgres
def test_an_operator_name_too_long_for_postgresql_is_refused_before_writing(pg_url, tmp_path):
    env = {**os.environ, "PEGASO_OPERATOR": "o" * 65}
    assert_refused(run(["send", "single", "--db", pg_url, "--to", "3491234567", "--text", "x",
                        "--sender", "AGENZIA", "--yes"], tmp_path, env), "operatore")
    open_database(pg_url)
    assert not Operator.select().where(Operator.username.startswith("ooo")).exists()


def test_the_operator_limit_is_the_columns_size():
    assert Operator.username.max_length == OPERATOR_MAX_LENGTH


@pytest.mark.parametrize(
    "sql, word",
    [
        ("UPDATE schema_info SET version = 'due'", "schema_info"),
        ("DELETE FROM schema_info", "schema_info"),
        ("DROP TABLE schema_info; CREATE TABLE schema_info (id INTEGER PRIMARY KEY)", "schema_info"),
    ],
)
def test_a_corrupt_schema_info_is_one_line(workdir, sql, word):
    folder, db_path, env = workdir
    connection = sqlite3.connect(db_path)
    connection.executescript(sql)
    connection.close()
    before = dump(db_path)
    assert_refused(run(["select", "promo"], folder, env), word if "DROP" not in sql else "")
    assert dump(db_path) == before


def test_a_new_database_is_not_world_readable_and_only_the_default_folder_is_created(tmp_path):
    folder = tmp_path / "w"
    folder.mkdir()
    env = {**os.environ}
    env.pop("PEGASO_DB", None)
    result = run(["select", "promo", "--db", "nuovo.db"], folder, env)
    assert result.returncode == 0, result.stderr
    assert (folder / "nuovo.db").stat().st_mode & 0o777 == 0o660
    # the default location (nobody typed it) is created
    result = run(["select", "promo"], folder, env)
    assert result.returncode == 0, result.stderr
    default = Path(env["XDG_DATA_HOME"]) / "pegaso-tui" / "pegaso.db"
    assert default.exists() and default.stat().st_mode & 0o007 == 0


def test_a_config_with_the_secret_readable_by_others_is_warned_about(tmp_path, workdir):
    folder, db_path, env = workdir
    config = folder / "config.toml"
    config.write_text(f'[gateway]\nkey = "{KEY}"\nsecret = "{SECRET}"\n')
    config.chmod(0o644)
    env = {**env, "PEGASO_CONFIG": str(config)}
    env.pop("PEGASO_GATEWAY_SECRET")
    result = run(["select", "promo"], folder, env)
    assert result.returncode == 0
    err = result.stderr.decode()
    assert err.count("\n") == 1 and "leggibile da altri" in err and "chmod 600" in err
    assert SECRET not in err
    config.chmod(0o600)
    assert run(["select", "promo"], folder, env).stderr == b""
