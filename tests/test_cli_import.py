"""``pegaso-tui import``: the summary, ``--json``, ``--rejected`` and the exit codes of CLI.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pegaso_tui.cli import main
from pegaso_tui.db.connection import close_database, open_database
from pegaso_tui.db.models import Client


@pytest.fixture
def files(tmp_path):
    good = tmp_path / "clienti.csv"
    good.write_text("codice;ragione_sociale;cellulare\n2;FUTURA VIAGGI;349/9999999\n280;ROSSO STEFANO;12345\n")
    bad = tmp_path / "clienti_errati.csv"
    bad.write_text("codice;ragione_sociale;data_nascita\n1;A;01/01/1970\n2;;\n3;C;31/02/1980\n")
    return good, bad


def test_an_import_without_rejected_rows_exits_0_with_the_json_of_cli_md(db_url, files, capsys):
    good, _ = files
    assert main(["import", "clients", str(good), "--db", db_url, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data == {
        "imported": 2,
        "updated": 0,
        "rejected": [],
        "warnings": [{"line": 3, "message": "cellulare non valido '12345': conservato com'è, "
                                            "il cliente non riceverà SMS"}],
    }
    assert main(["import", "clients", str(good), "--db", db_url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["updated"] == 2


def test_rejected_rows_are_listed_with_their_line_and_the_exit_status_is_1(db_url, files, capsys):
    _, bad = files
    assert main(["import", "clients", str(bad), "--db", db_url]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "riga 3: scartata: ragione sociale mancante (né nome e cognome)",
        "riga 4: scartata: Data di Nascita: data impossibile: '31/02/1980'",
        "clienti: importati 1, aggiornati 0, scartati 2, avvisi 0 (file UTF-8, separatore punto e virgola)",
    ]
    assert main(["import", "clients", str(bad), "--db", db_url, "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["rejected"] == [
        {"line": 3, "reason": "ragione sociale mancante (né nome e cognome)"},
        {"line": 4, "reason": "Data di Nascita: data impossibile: '31/02/1980'"},
    ]
    open_database(db_url)
    assert [c.code for c in Client.select()] == ["0000001"]
    close_database()


def test_the_rejected_rows_can_be_written_for_fixing(db_url, files, tmp_path, capsys):
    _, bad = files
    out = tmp_path / "da_correggere.csv"
    assert main(["import", "clients", str(bad), "--db", db_url, "--rejected", str(out)]) == 1
    assert f"righe scartate scritte in {out}" in capsys.readouterr().out
    assert out.read_text(encoding="utf-8").splitlines()[0] == "motivo_scarto;codice;ragione_sociale;data_nascita"


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("manca.csv", None, "manca.csv: file non trovato"),
        ("foglio.xlsx", b"PK\x03\x04rest", "foglio.xlsx: è un file Excel (.xlsx)"),
        ("vuoto.csv", b"", "vuoto.csv: il file è vuoto"),
    ],
)
def test_a_missing_or_unreadable_file_is_one_clear_line_and_exit_1(db_url, tmp_path, capsys, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    assert main(["import", "clients", str(path), "--db", db_url]) == 1
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    if content is None:
        assert not Path(db_url).exists()  # a mistyped file name creates no database


def test_an_unknown_kind_is_a_usage_error(db_url, files):
    with pytest.raises(SystemExit) as exc:
        main(["import", "customers", str(files[0]), "--db", db_url])
    assert exc.value.code == 2


def test_the_reasons_are_printed_even_when_the_rejected_file_cannot_be_written(db_url, files, tmp_path, capsys):
    _, bad = files
    out = Path("/dev/full")  # accepted, then every write fails (no space left)
    assert main(["import", "clients", str(bad), "--db", db_url, "--rejected", str(out)]) == 1
    captured = capsys.readouterr()
    assert "riga 3: scartata: ragione sociale mancante" in captured.out
    assert "riga 4: scartata: Data di Nascita" in captured.out
    assert captured.err.count("\n") == 1 and "impossibile scrivere" in captured.err
    assert main(["import", "clients", str(bad), "--db", db_url, "--rejected", str(out), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [r["line"] for r in data["rejected"]] == [3, 4]


def test_rejected_may_not_name_the_input_file(db_url, files, tmp_path, capsys, monkeypatch):
    _, bad = files
    before = bad.read_bytes()
    monkeypatch.chdir(tmp_path)
    for spelling in (str(bad), bad.name, f"./{bad.name}"):
        assert main(["import", "clients", str(bad), "--db", db_url, "--rejected", spelling]) == 2
        assert "non può essere il file da importare" in capsys.readouterr().err
    assert bad.read_bytes() == before
    assert not Path(db_url).exists()  # refused before the database is opened


def test_the_rejected_file_escapes_formulas_as_the_export_does(db_url, tmp_path, capsys):
    path = tmp_path / "clienti.csv"
    path.write_text("codice;ragione_sociale;data_nascita\n1;=HYPERLINK(A1);31/02/1980\n")
    out = tmp_path / "scartate.csv"
    assert main(["import", "clients", str(path), "--db", db_url, "--rejected", str(out)]) == 1
    row = out.read_text(encoding="utf-8").splitlines()[1]
    assert ";'=HYPERLINK(" in row
    # fixed and imported again, the name is what the file said, without the apostrophe
    out.write_text(out.read_text(encoding="utf-8").replace("31/02/1980", "28/02/1980"), encoding="utf-8")
    assert main(["import", "clients", str(out), "--db", db_url]) == 0
    open_database(db_url)
    assert Client.get().name == "=HYPERLINK(A1)"
    close_database()


@pytest.mark.parametrize("where", ["manca/scartate.csv", "."])
def test_a_rejected_path_that_cannot_be_written_is_refused_before_importing(db_url, files, tmp_path, capsys,
                                                                          monkeypatch, where):
    _, bad = files
    monkeypatch.chdir(tmp_path)
    assert main(["import", "clients", str(bad), "--db", db_url, "--rejected", where]) == 2
    assert "--rejected" in capsys.readouterr().err
    assert not Path(db_url).exists()  # nothing imported, no database made


def test_a_device_is_not_imported(db_url, capsys):
    assert main(["import", "clients", "/dev/zero", "--db", db_url]) == 1  # would never end
    assert "non è un file normale" in capsys.readouterr().err
