"""``[gateway] kind`` and the Kannel settings: read, checked, and what the CLI says of them."""

from __future__ import annotations

import json

import pytest

from pegaso_tui.cli import main
from pegaso_tui.config import GatewaySettings, SettingsError, load_settings
from pegaso_tui.gateways import KINDS


def write(tmp_path, text: str):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_kind_and_the_kannel_settings_are_read_and_checked(tmp_path):
    path = write(tmp_path, '[gateway]\nkind = "kannel"\nurl = "http://127.0.0.1:13013/cgi-bin/sendsms"\n'
                           'key = "pegaso"\nsecret = "x"\ndlr_port = 13080\nmax_messages = 5\n')
    gateway = load_settings(path, env={}).gateway
    assert (gateway.kind, gateway.dlr_port, gateway.max_messages) == ("kannel", 13080, 5)
    assert load_settings(write(tmp_path, ""), env={}).gateway.kind == "smshosting"
    assert load_settings(write(tmp_path, ""), env={"PEGASO_GATEWAY_KIND": "sandbox"}).gateway.kind == "sandbox"
    for bad in ('kind = "twilio"', "dlr_port = 70000", "max_messages = 0", 'dlr_port = "x"'):
        with pytest.raises(SettingsError):
            load_settings(write(tmp_path, f"[gateway]\n{bad}\n"), env={})
    with pytest.raises(SettingsError):
        load_settings(write(tmp_path, ""), env={"PEGASO_GATEWAY_KIND": "skebby"})


def test_every_kind_of_the_settings_has_an_adapter():
    from pegaso_tui.config import GATEWAY_KINDS

    assert set(GATEWAY_KINDS) == set(KINDS)


def test_the_secret_is_never_in_a_repr():
    assert "S3CRET" not in repr(GatewaySettings(kind="kannel", secret="S3CRET"))


def test_credit_of_kannel_is_not_available_and_that_is_not_an_error(monkeypatch, capsys):
    monkeypatch.setenv("PEGASO_GATEWAY_KIND", "kannel")
    monkeypatch.setenv("PEGASO_GATEWAY_URL", "http://127.0.0.1:9/cgi-bin/sendsms")
    assert main(["credit"]) == 0
    assert capsys.readouterr().out.strip() == (
        "Credito residuo: non disponibile (Kannel non fornisce il credito)")
    assert main(["credit", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["sms_left"] is None


def test_an_unknown_kind_is_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PEGASO_CONFIG", str(write(tmp_path, '[gateway]\nkind = "twilio"\n')))
    assert main(["credit"]) != 0
    err = capsys.readouterr().err.strip()
    assert "gateway.kind" in err and len(err.splitlines()) == 1 and "Traceback" not in err
