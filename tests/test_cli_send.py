"""``send``, ``messages``, ``credit``, ``worker`` and ``sandbox``: CLI.md's contract, exit codes included."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import date

import httpx
import pytest

from pegaso_tui.cli import main
from pegaso_tui.db.connection import close_database, open_database
from pegaso_tui.db.models import QUEUED, Campaign, Message
from tests.factories import make_client, make_practice

TEXT = "Gentile {nome}, il saldo della pratica {pratica} è di {saldo}"


@pytest.fixture
def agency(db_url):
    """Three clients with a practice each (one without a mobile), one without promo consent."""
    open_database(db_url)
    anna = make_client("0000002", first_name="Anna", mobile="349 111 1111")
    bruno = make_client("0000003", first_name="Bruno", mobile="349 222 2299", sms_promo=False)
    carla = make_client("0000004", first_name="Carla", mobile="")
    for client, n in ((anna, "2026/0001"), (bruno, "2026/0002"), (carla, "2026/0003")):
        make_practice(client, n, practice_date=date(2026, 2, 1))
    close_database()
    return db_url


@pytest.fixture
def gateway(sandbox, monkeypatch):
    """A sandbox gateway, named by the environment as a user would."""

    def start(**config):
        server = sandbox(**config)
        monkeypatch.setenv("PEGASO_GATEWAY_URL", server.url)
        monkeypatch.setenv("PEGASO_GATEWAY_KEY", "sandbox")
        monkeypatch.setenv("PEGASO_GATEWAY_SECRET", "sandbox")
        monkeypatch.setenv("PEGASO_SENDER", "AGENZIA")
        return server

    return start


def send_practices(db_url, *extra):
    return ["send", "practices", "--db", db_url, "--status", "balance-not-notified", "--text", TEXT, *extra]


def queued_count(db_url) -> int:
    open_database(db_url)
    try:
        return Message.select().where(Message.status == QUEUED).count()
    finally:
        close_database()


def test_send_queues_exactly_what_select_lists(agency, gateway, capsys):
    gateway()
    assert main(["select", "practices", "--db", agency, "--status", "balance-not-notified", "--json"]) == 0
    selected = json.loads(capsys.readouterr().out)
    assert main(send_practices(agency, "--yes", "--json")) == 0
    captured = capsys.readouterr()
    sent = json.loads(captured.out)
    assert sent["queued"] == selected["sendable"] == 2
    assert sent["segments"] == 2 and isinstance(sent["campaign"], int)
    assert "2 messaggi da accodare (2 SMS); 1 destinatario non inviabile escluso" in captured.err
    # the same practices are not selected again for this notice
    assert main(send_practices(agency, "--yes")) == 1
    assert "nessun destinatario inviabile" in capsys.readouterr().err


def test_without_yes_it_shows_the_count_and_the_credit_and_asks(agency, gateway, capsys, monkeypatch):
    gateway(credits=100)
    monkeypatch.setattr(sys, "stdin", io.StringIO("n\n"))
    assert main(send_practices(agency)) == 1
    captured = capsys.readouterr()
    assert "2 messaggi da accodare (2 SMS)" in captured.out
    assert "Credito residuo: 100 SMS; dopo l'invio: 98" in captured.out
    assert "Accodare l'invio? [s/N]" in captured.out
    assert "invio annullato" in captured.err
    assert queued_count(agency) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("s\n"))
    assert main(send_practices(agency)) == 0
    assert "Campagna 1: 2 messaggi in coda (2 SMS)" in capsys.readouterr().out
    assert queued_count(agency) == 2


def test_a_credit_shortfall_is_refused(agency, gateway, capsys):
    gateway(credits=1)
    assert main(send_practices(agency, "--yes")) == 1
    assert capsys.readouterr().err.strip() == "pegaso-tui: credito insufficiente: servono 2 SMS, ne restano 1"
    assert queued_count(agency) == 0


@pytest.mark.parametrize(
    "change, message",
    [
        (["--text", "Ciao {nom}"], "segnaposto sconosciuto: {nom}"),
        (["--sender", ""], "mittente mancante"),
        (["--sender", "AGENZIAVIAGGI"], "al massimo 11 caratteri"),
        (["--sender", "3491234567"], "forma internazionale"),
        (["--sender", "12345"], "almeno una lettera"),
    ],
)
def test_bad_input_is_refused_with_one_line(agency, gateway, capsys, change, message):
    gateway()
    assert main([*send_practices(agency, "--yes"), *change]) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert queued_count(agency) == 0


def test_an_unreachable_gateway_still_queues_with_a_warning(agency, capsys, monkeypatch):
    monkeypatch.setenv("PEGASO_GATEWAY_URL", "http://127.0.0.1:9/rest/api")
    monkeypatch.setenv("PEGASO_GATEWAY_KEY", "k")
    monkeypatch.setenv("PEGASO_GATEWAY_SECRET", "s")
    assert main(send_practices(agency, "--yes", "--sender", "AGENZIA")) == 0
    assert "credito non verificabile (gateway SMS non raggiungibile" in capsys.readouterr().err
    assert queued_count(agency) == 2


def test_promo_goes_only_to_clients_who_agreed(agency, gateway, capsys):
    gateway()
    assert main(["send", "promo", "--db", agency, "--text", "Offerte per te, {nome}!", "--yes", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["queued"] == 1  # Bruno did not agree, Carla has no mobile


def test_send_single(agency, gateway, capsys):
    gateway()
    assert main(["send", "single", "--db", agency, "--to", "349 444 5555", "--text", "Documenti pronti",
                 "--yes", "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["queued"] == 1
    assert "Destinatario: 349 444 5555" in captured.err  # the number it goes to, before queuing
    assert main(["send", "single", "--db", agency, "--to", "045 800 1234", "--text", "x", "--yes"]) == 1
    assert "numero fisso" in capsys.readouterr().err


def test_worker_sends_and_messages_shows_what_became_of_each(agency, gateway, capsys):
    gateway(deliver_after_ms=20, undeliverable_suffix="99")
    assert main(send_practices(agency, "--yes")) == 0
    assert main(["worker", "--db", agency, "--until-idle", "--poll-interval", "0.05"]) == 0
    assert "inviati 2, consegnati 1, non consegnati 1, falliti 0" in capsys.readouterr().err
    assert main(["messages", "--db", agency, "--json", "--from", "01-01-2026"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["count"] == 2
    anna, bruno = data["rows"]
    assert set(anna) == {"id", "client", "name", "mobile", "text", "status", "queued_at", "sent_at",
                         "delivered_at", "error", "campaign", "purpose"}
    assert (anna["client"], anna["mobile"], anna["status"], anna["error"]) == ("0000002", "+393491111111", "delivered", None)
    assert anna["text"] == "Gentile Anna, il saldo della pratica 2026/0001 è di € 500,00"
    assert anna["delivered_at"] >= anna["sent_at"] >= anna["queued_at"]
    assert (bruno["status"], bruno["error"]) == ("undelivered", "SMS non consegnato al destinatario")
    assert main(["messages", "--db", agency, "--json", "--client", "3"]) == 0
    assert [r["client"] for r in json.loads(capsys.readouterr().out)["rows"]] == ["0000003"]
    assert main(["messages", "--db", agency, "--to", "31-12-2020"]) == 0
    assert capsys.readouterr().out.strip() == "0 messaggi"
    assert main(["messages", "--db", agency, "--from", "31-02-2026"]) == 1


def test_worker_with_wrong_credentials_says_so_once_and_keeps_the_queue(agency, gateway, capsys, monkeypatch):
    gateway()
    assert main(send_practices(agency, "--yes")) == 0
    capsys.readouterr()
    monkeypatch.setenv("PEGASO_GATEWAY_SECRET", "sbagliato")
    assert main(["worker", "--db", agency, "--until-idle"]) == 1
    err = capsys.readouterr().err
    assert err.count("credenziali del gateway SMS non valide") == 2  # the notice, then the exit line
    assert err.strip().endswith("i messaggi restano in coda")
    assert queued_count(agency) == 2


def test_credit(gateway, capsys, monkeypatch):
    gateway(credits=1234)
    assert main(["credit"]) == 0
    assert capsys.readouterr().out.strip() == "Credito residuo: 1.234 SMS (55,53 EUR)"
    assert main(["credit", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"sms_left": 1234, "amount": 55.53, "currency": "EUR"}
    monkeypatch.setenv("PEGASO_GATEWAY_KEY", "altro")
    assert main(["credit"]) == 1
    assert "credenziali del gateway SMS non valide" in capsys.readouterr().err


def test_the_sandbox_command_prints_the_settings_to_use_and_stops_on_sigterm():
    process = subprocess.Popen(
        [sys.executable, "-m", "pegaso_tui", "sandbox", "--key", "k1", "--secret", "s1", "--credits", "7"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        first = process.stdout.readline()
        url = first.split()[-1]
        assert first.startswith("Sandbox SMS in ascolto su http://127.0.0.1:")
        lines = [process.stdout.readline().strip() for _ in range(4)]
        assert f"export PEGASO_GATEWAY_URL={url}" in lines and "export PEGASO_GATEWAY_KEY=k1" in lines
        answer = httpx.get(url + "/user", auth=("k1", "s1"), timeout=5)
        assert answer.json()["italysms"] == 7
        assert httpx.get(url + "/user", auth=("k1", "x"), timeout=5).status_code == 401
        process.terminate()
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_sandbox_options_are_checked(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["sandbox", "--fail-rate", "1.5"])
    assert exit_info.value.code == 2
    assert "deve essere tra 0 e 1" in capsys.readouterr().err


def test_campaign_records_who_sent_it(agency, gateway, capsys):
    gateway()
    assert main(send_practices(agency, "--yes")) == 0
    open_database(agency)
    campaign = Campaign.get()
    assert campaign.operator.username == "tester" and campaign.sender == "AGENZIA"
    assert json.loads(campaign.filters)["status"] == "balance-not-notified"
    close_database()


def test_an_alias_the_gateway_has_not_registered_is_warned_about_and_still_queued(agency, gateway, capsys):
    gateway(aliases=("FUTURA",))
    assert main(["send", "single", "--db", agency, "--to", "349 444 5555", "--text", "Documenti pronti",
                 "--sender", "AGENZIA", "--yes"]) == 0
    err = capsys.readouterr().err
    assert "'AGENZIA' non è un alias registrato" in err and "sarà sostituito da un numero" in err
    assert main(["send", "single", "--db", agency, "--to", "349 444 5555", "--text", "Documenti pronti",
                 "--sender", "FUTURA", "--yes"]) == 0
    assert "sostituito" not in capsys.readouterr().err


def test_send_single_refuses_a_number_with_letters(agency, gateway, capsys):
    gateway()
    code = main(["send", "single", "--db", agency, "--to", "+39 349 ABC 1234", "--text", "Ciao", "--yes"])
    err = capsys.readouterr().err
    assert code == 1 and "contiene lettere" in err and len(err.splitlines()) == 1
    assert queued_count(agency) == 0
