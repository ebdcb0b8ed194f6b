"""``pegaso-tui sms-info``: the CLI.md contract, the explanation, stdin, exit codes."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from pegaso_tui.cli import main


def info_json(capsys, text: str) -> dict:
    assert main(["sms-info", text, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_json_is_exactly_the_shape_of_cli_md(capsys):
    data = info_json(capsys, "Tanti Auguri dalla tua Agenzia di Viaggi preferita!")
    assert data == {"encoding": "GSM-7", "segments": 1, "units": 51, "per_segment": 160,
                    "remaining": 109, "non_gsm": []}


def test_json_of_a_ucs2_text_lists_the_characters(capsys):
    data = info_json(capsys, "L’offerta È qui 😀" + "x" * 60)
    assert data["encoding"] == "UCS-2"
    assert (data["segments"], data["units"], data["per_segment"]) == (2, 78, 67)
    assert data["remaining"] == 67 - (78 - 67)
    assert data["non_gsm"] == ["’", "È", "😀"]


def test_empty_text_is_zero_segments(capsys):
    data = info_json(capsys, "")
    assert (data["segments"], data["units"], data["remaining"]) == (0, 0, 160)


def test_the_human_output_explains_itself(capsys):
    assert main(["sms-info", "Gentile cliente, l’offerta “Mare” è valida. Prezzo 10 €"]) == 0
    out = capsys.readouterr().out
    assert "Codifica: UCS-2" in out
    assert "Parti: 1 SMS (fino a 70 unità UTF-16)" in out
    assert "’  U+2019 RIGHT SINGLE QUOTATION MARK  →  '" in out
    assert "“  U+201C LEFT DOUBLE QUOTATION MARK  →  \"" in out
    assert "Con le sostituzioni: GSM-7, 1 SMS (56 septetti)." in out


def test_the_human_output_of_a_long_gsm_text(capsys):
    assert main(["sms-info", "a" * 152 + "€" + "b" * 10]) == 0
    out = capsys.readouterr().out
    assert "Parti: 2 SMS concatenati (153 septetti per parte: 152 + 12)" in out
    assert "Unità: 164 septetti su 306" in out
    assert "Restano: 141 nell'ultima parte" in out
    assert "Contano 2 septetti (tabella estesa GSM): €" in out


def test_an_emoji_has_no_replacement(capsys):
    assert main(["sms-info", "Buon viaggio 😀"]) == 0
    out = capsys.readouterr().out
    assert "😀  U+1F600 GRINNING FACE  →  (nessuna sostituzione GSM)" in out


def test_placeholders_are_mentioned(capsys):
    assert main(["sms-info", "Ciao {nome}"]) == 0
    assert "Segnaposti: {nome}" in capsys.readouterr().out


def stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_dash_reads_the_text_from_stdin_without_the_final_newline(capsys, monkeypatch):
    stdin(monkeypatch, "Riga uno\nRiga due È\n".encode())
    assert main(["sms-info", "-", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["units"], data["non_gsm"]) == (len("Riga uno\nRiga due È"), ["È"])


def test_stdin_in_utf16_with_bom_is_read(capsys, monkeypatch):
    stdin(monkeypatch, "Ciao È\r\n".encode("utf-16"))
    assert main(["sms-info", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["units"] == 6


def test_stdin_that_is_not_text_is_one_clear_line_and_exit_1(capsys, monkeypatch):
    stdin(monkeypatch, b"caf\xe8 \xff")
    assert main(["sms-info", "-"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("pegaso-tui: lo standard input non è testo UTF-8")
    assert len(err.strip().splitlines()) == 1


def test_a_missing_text_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["sms-info"])
    assert exit_.value.code == 2


def test_the_real_command_reads_a_pipe():
    done = subprocess.run(
        [sys.executable, "-m", "pegaso_tui", "sms-info", "-", "--json"],
        input="Tanti Auguri dalla tua Agenzia di Viaggi preferita!\n".encode(),
        capture_output=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["units"] == 51
