"""``pegaso-tui config show | get | set``: checked values, secrets as ••••, the file written
atomically with mode 0600, and left exactly as it was after a bad key or value."""

from __future__ import annotations

import re

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from pegaso_tui.cli import main
from pegaso_tui.config import GatewaySettings, Settings, SendingSettings, load_settings


def cfg() -> Path:
    return Path(os.environ["PEGASO_CONFIG"])


def run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(["config", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_set_writes_the_file_with_mode_0600_and_the_settings_read_it_back(capsys):
    assert run(capsys, "set", "agency", "Futura Viaggi")[0] == 0
    assert run(capsys, "set", "sender", "FUTURA")[0] == 0
    assert run(capsys, "set", "max_parts", "4")[0] == 0
    assert run(capsys, "set", "gateway.kind", "sandbox")[0] == 0
    assert run(capsys, "set", "gateway.url", "http://127.0.0.1:8080/rest/api")[0] == 0
    assert run(capsys, "set", "gateway.timeout_s", "7,5")[0] == 0
    assert run(capsys, "set", "gateway.dlr_port", "13080")[0] == 0
    assert run(capsys, "set", "sending.quiet_hours", "9:00 - 20:00")[0] == 0
    assert run(capsys, "set", "sending.quiet_days", "lun-sab")[0] == 0
    assert stat.S_IMODE(cfg().stat().st_mode) == 0o600
    settings = load_settings()
    assert (settings.agency, settings.sender, settings.max_parts) == ("Futura Viaggi", "FUTURA", 4)
    assert settings.gateway.kind == "sandbox"
    assert settings.gateway.timeout_s == 7.5
    assert settings.gateway.dlr_port == 13080
    # stored as the contract writes them
    assert settings.sending == SendingSettings(quiet_hours="09:00-20:00", quiet_days="mon-sat")
    assert run(capsys, "get", "max_parts")[1] == "4\n"


def test_secrets_are_shown_as_dots_and_never_printed(capsys):
    assert run(capsys, "set", "gateway.key", "  MYKEY123  ")[0] == 0  # spaces of a paste dropped
    status, out, err = run(capsys, "set", "gateway.secret", "S3CRET-VALUE")
    assert status == 0 and "S3CRET" not in out + err and "••••" in out
    assert load_settings().gateway.key == "MYKEY123"
    status, out, _ = run(capsys, "show")
    assert "S3CRET" not in out and "MYKEY123" not in out
    assert re.search(r"^gateway\.secret +=  ••••$".replace("=  ", "= "), out, re.M)
    assert run(capsys, "get", "gateway.secret")[1] == "••••\n"
    data = json.loads(run(capsys, "show", "--json")[1])
    assert data["gateway.key"] == "••••" and data["max_parts"] == 3


def test_an_unset_secret_shows_nothing(capsys):
    assert run(capsys, "get", "gateway.secret")[1] == "\n"


@pytest.mark.parametrize("args, says", [
    (("set", "nonsense", "1"), "impostazione sconosciuta 'nonsense'"),
    (("get", "gateway.password"), "impostazione sconosciuta"),
    (("set", "max_parts", "tre"), "'max_parts': un numero intero di parti da 1 a 10"),
    (("set", "max_parts", "0"), "da 1 a 10"),
    (("set", "max_parts", "11"), "da 1 a 10"),
    (("set", "gateway.kind", "twilio"), "gateway sconosciuto"),
    (("set", "gateway.url", "api.smshosting.it"), "indirizzo non valido"),
    (("set", "gateway.url", "http://host:99999/x"), "indirizzo non valido"),
    (("set", "gateway.timeout_s", "nan"), "da 0,1 a 300"),
    (("set", "gateway.timeout_s", "inf"), "da 0,1 a 300"),
    (("set", "gateway.timeout_s", "0"), "da 0,1 a 300"),
    (("set", "gateway.dlr_port", "-1"), "una porta da 0 a 65535"),
    (("set", "gateway.secret", "two words"), "contiene spazi"),
    (("set", "sender", "AGENZIAFUTURA"), "al massimo 11 caratteri"),
    (("set", "agency", "Futura\nViaggi"), "su una riga"),
    (("set", "operator", "m" * 65), "al massimo 64"),
    (("set", "sending.quiet_hours", "9:00"), "atteso HH:MM-HH:MM"),
    (("set", "sending.quiet_hours", "nove-venti"), "atteso HH:MM-HH:MM"),
    (("set", "sending.quiet_hours", "9-20:0"), "atteso HH:MM-HH:MM"),
    (("set", "sending.quiet_hours", "25:00-26:00"), "ora impossibile"),
    (("set", "sending.quiet_hours", "20:00-09:00"), "finisce prima di cominciare"),
    (("set", "sending.quiet_days", "mon-funday"), "giorno sconosciuto"),
])
def test_a_bad_key_or_value_is_one_line_and_leaves_the_file_as_it_was(capsys, args, says):
    assert run(capsys, "set", "agency", "Futura Viaggi")[0] == 0
    before = cfg().read_bytes()
    status, out, err = run(capsys, *args)
    assert status == 1
    assert says in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert cfg().read_bytes() == before
    assert sorted(p.name for p in cfg().parent.iterdir() if p.name.startswith(".config")) == []


@pytest.mark.parametrize("typed", ["9-20", "9.00-20.00", "0900-2000", " 9:00 - 20 "])
def test_the_promo_window_is_taken_as_the_times_of_the_masks_are(capsys, typed):
    """Walked in Configurazione at 80x24: Fascia oraria "9-20" was refused, where the
    schedules take "930" for 09:30."""
    assert run(capsys, "set", "sending.quiet_hours", typed)[0] == 0
    assert load_settings(cfg(), env={}).sending.quiet_hours == "09:00-20:00"


def test_set_keeps_what_it_does_not_change(capsys):
    cfg().write_text('operator = "mario"\n\n[keys]\nconfirm = "f10,ctrl+s"\n\n[gateway]\nkey = "K"\n')
    assert run(capsys, "set", "gateway.url", "https://example.org/rest/api")[0] == 0
    settings = load_settings(cfg(), env={})
    assert settings.operator == "mario"
    assert settings.keys == {"confirm": "f10,ctrl+s"}
    assert (settings.gateway.key, settings.gateway.url) == ("K", "https://example.org/rest/api")


def test_config_set_can_repair_a_file_with_a_bad_value(capsys):
    cfg().write_text("max_parts = 99\n")
    assert main(["credit"]) == 1  # every other command stops on it, with the reason
    assert "max_parts" in capsys.readouterr().err
    status, _, err = run(capsys, "show")
    assert status == 1 and "max_parts" in err
    assert run(capsys, "set", "max_parts", "3")[0] == 0
    assert load_settings().max_parts == 3


def test_a_value_from_the_environment_is_marked_and_not_written(capsys, monkeypatch):
    monkeypatch.setenv("PEGASO_SENDER", "ENVALIAS")
    assert run(capsys, "set", "agency", "Futura Viaggi")[0] == 0
    assert "ENVALIAS" not in cfg().read_text()
    out = run(capsys, "show")[1]
    assert re.search(r"^sender +=  ENVALIAS  # da PEGASO_SENDER$".replace("=  ", "= "), out, re.M)


def test_settings_keep_the_credentials_out_of_their_repr():
    settings = Settings(gateway=GatewaySettings(key="THE-KEY", secret="THE-SECRET"))
    assert "THE-KEY" not in repr(settings) and "THE-SECRET" not in repr(settings)


def test_help_and_a_missing_action_are_usage_errors():
    done = subprocess.run([sys.executable, "-m", "pegaso_tui", "config", "set", "--help"],
                          capture_output=True, text=True)
    assert done.returncode == 0 and "VALUE" in done.stdout
    done = subprocess.run([sys.executable, "-m", "pegaso_tui", "config"], capture_output=True, text=True)
    assert done.returncode == 2 and "Traceback" not in done.stderr
