"""The Kannel adapter against a real Kannel 1.4.5 (bearerbox, smsbox, fakesmsc) on loopback.

Skipped, with the reason, where Kannel is not installed (``apt-get install kannel
kannel-extras``; ``.ci/run`` does it). What the SMSC received is read from what fakesmsc
printed, and compared with the text queued and the parts ``sms-info`` counts.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace

import pytest

from pegaso_tui.db.models import DELIVERED, FAILED, SENT, UNCERTAIN, Message
from pegaso_tui.gateways import AccountGatewayError, CreditUnknownError, Submission, make_gateway
from pegaso_tui.gateways.dlr import ReportReceiver
from pegaso_tui.sms.outbox import Sender
from pegaso_tui.sms.text import analyze
from tests.kannelutil import Kannel, skip_reason
from tests.outboxutil import FAST, Running, number, queue_numbers, statuses, wait_until

pytestmark = pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or "")

GSM = "Gentile cliente, il saldo di 1.500 € è dovuto entro il 14-07 [rif. A/12] {ok}"
UCS2 = "L’offerta “Mare” È valida 😀 fino a domenica"
THREE_PARTS = ("La sua pratica è confermata: partenza da Verona alle 6.30, rientro alle 22. "
               "Porti i documenti e il voucher. ") * 3 + "Buon viaggio da FUTURA VIAGGI!"


@pytest.fixture
def kannel(tmp_path):
    with Kannel(tmp_path / "kannel") as running:
        yield running


def sender_for(kannel, receiver, config=FAST, **changes):
    settings = kannel.gateway_settings(timeout_s=config.gateway_timeout_s, **changes)
    return Sender(lambda: make_gateway(settings, max_connections=1, report_url=receiver.url),
                  config, reports=receiver)


def units(text: str) -> int:
    return analyze(text).units


def queue_texts(texts: dict[str, str]) -> None:
    """One campaign: each number gets its text."""
    from pegaso_tui.db.campaigns import CampaignPlan, PlannedMessage, queue_campaign

    messages = [PlannedMessage(phone=phone, text=text, encoding=analyze(text).encoding,
                               segments=analyze(text).segments) for phone, text in texts.items()]
    queue_campaign(CampaignPlan(kind="single", purpose="service", template="t", messages=messages),
                   sender="AGENZIA")


def test_gsm_ucs2_and_three_part_texts_reach_the_smsc_exactly_once_and_are_delivered(db, kannel):
    texts = {number(1): GSM, number(2): UCS2, number(3): THREE_PARTS}
    assert [analyze(t).segments for t in texts.values()] == [1, 1, 3]
    queue_texts(texts)
    with ReportReceiver() as receiver:
        report = sender_for(kannel, receiver).run(until_idle=True)
    assert report.ended == "idle"
    assert statuses() == {DELIVERED: 3}

    received = kannel.texts(ucs2_numbers=frozenset({number(2)}))
    assert len(received) == 3  # each once
    by_number = {to: (sender, parts) for to, sender, parts in received}
    for phone, text in texts.items():
        sender, parts = by_number[phone]
        assert sender == "AGENZIA"
        assert "".join(parts) == text  # the exact text: no "?" for é, €, ’ or the emoji
        # split where sms-info says: the units of each part
        assert tuple(units(p) for p in parts) == analyze(text).part_units
    assert all(m.sent_at and m.delivered_at for m in Message.select())


def test_a_text_longer_than_max_messages_is_refused_before_kannel_cuts_it(db, kannel):
    queue_numbers(1, text=THREE_PARTS)
    with ReportReceiver() as receiver:
        sender_for(kannel, receiver, max_messages=2).run(until_idle=True)
    message = Message.get()
    assert message.status == FAILED
    assert "al massimo 2" in message.last_error
    time.sleep(0.3)
    assert kannel.parts() == []  # nothing reached the SMSC


def test_reports_arrive_on_the_dlr_url_with_our_transaction_id(kannel):
    with ReportReceiver() as receiver, make_gateway(kannel.gateway_settings(), report_url=receiver.url) as gateway:
        result = gateway.send(Submission("tx0001", "+393401234567", "Ciao", "AGENZIA", "GSM-7"))
        assert result.accepted and result.provider_id is None  # Kannel gives no id
        assert wait_until(lambda: receiver.received >= 2, timeout=10)
        reports = receiver.drain()
    assert {r.transaction_id for r in reports} == {"tx0001"}
    # Kannel reports the SMSC's acceptance (8) and the delivery (1), in either order
    assert sorted(r.provider_code for r in reports) == ["1", "8"]
    assert {r.status for r in reports} == {SENT, DELIVERED}


def test_smsc_link_down_kannel_queues_and_delivers_when_it_is_back(db, kannel):
    kannel.stop_smsc()
    queue_numbers(2)
    with ReportReceiver() as receiver:
        running = Running(sender_for(kannel, receiver))
        try:
            # "3: Queued for later delivery": accepted by Kannel, not yet at the SMSC
            assert wait_until(lambda: statuses() == {SENT: 2}, timeout=10)
            time.sleep(0.5)
            assert kannel.parts() == [] and statuses() == {SENT: 2}
            kannel.start_smsc()
            assert wait_until(lambda: statuses() == {DELIVERED: 2}, timeout=30)
        finally:
            running.stop()
    assert sorted(p.to for p in kannel.parts()) == [number(0), number(1)]


def test_smsbox_address_alone_is_enough(kannel):
    base = kannel.sendsms_url.removesuffix("/cgi-bin/sendsms")
    with ReportReceiver() as receiver, make_gateway(kannel.gateway_settings(url=base),
                                                     report_url=receiver.url) as gateway:
        assert gateway.send(Submission("tx0003", "+393401234567", "Ciao", "AGENZIA", "GSM-7")).accepted
        assert wait_until(lambda: receiver.received >= 2, timeout=10)
        receiver.drain()


def test_a_number_kannel_refuses_fails_alone_and_the_rest_goes(db, kannel):
    """A black-listed number (400 "denied by white- and/or black-lists") fails with Kannel's
    reason; the account is not paused for it, the next SMS goes."""
    queue_texts({"+393409990000": "Ciao", number(7): "Ciao"})
    with ReportReceiver() as receiver:
        report = sender_for(kannel, receiver).run(until_idle=True)
    assert report.ended == "idle" and report.problem is None
    refused = Message.get(Message.phone == "+393409990000")
    assert refused.status == FAILED and "SMS rifiutato da Kannel" in refused.last_error
    assert Message.get(Message.phone == number(7)).status == DELIVERED


def test_no_credit_to_read_and_wrong_credentials_are_said(kannel):
    with make_gateway(kannel.gateway_settings()) as gateway:
        with pytest.raises(CreditUnknownError, match="Kannel non fornisce il credito"):
            gateway.credit()
        assert gateway.aliases() is None and gateway.can_search is False
    submission = Submission("tx0002", "+393401234567", "Ciao", "AGENZIA", "GSM-7")
    with make_gateway(kannel.gateway_settings(secret="sbagliata"), report_url="http://127.0.0.1:9/dlr") as gateway:
        with pytest.raises(AccountGatewayError) as error:
            gateway.send(submission)
    assert error.value.code == "BAD_CREDENTIALS"
    # never sent without a way to hear back
    with make_gateway(kannel.gateway_settings()) as gateway:
        with pytest.raises(AccountGatewayError) as error:
            gateway.send(submission)
    assert error.value.code == "NO_REPORTS"
    time.sleep(0.3)
    assert kannel.parts() == []


def _worker(tmp_path, db_url, kannel, *extra, dlr_port: int = 0):
    config = tmp_path / "worker.toml"
    config.write_text(
        f'database = "{db_url}"\n[gateway]\nkind = "kannel"\nurl = "{kannel.sendsms_url}"\n'
        f'key = "{kannel.username}"\nsecret = "{kannel.password}"\ntimeout_s = 1.0\n'
        f"dlr_port = {dlr_port}\n"
    )
    env = {**os.environ, "PEGASO_CONFIG": str(config)}
    return subprocess.Popen([sys.executable, "-m", "pegaso_tui", "worker", "--window", "2", *extra],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_a_worker_killed_mid_run_never_sends_twice_and_leaves_nothing_unknown_unsaid(tmp_path, db, db_url, kannel):
    from pegaso_tui.db.campaigns import CampaignPlan, PlannedMessage, queue_campaign
    from tests.kannelutil import free_port

    count = 120
    plan = CampaignPlan(kind="single", purpose="service", template="t", messages=[
        PlannedMessage(phone=number(i), text=f"Messaggio {i}", encoding="GSM-7", segments=1)
        for i in range(count)])
    queue_campaign(plan, sender="AGENZIA")
    port = free_port()
    workers = [_worker(tmp_path, db_url, kannel, dlr_port=port)]
    try:
        assert wait_until(lambda: len(kannel.parts()) >= 20, timeout=30)
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait(10)
        # the next worker listens on the same port: reports Kannel still sends reach it
        workers.append(_worker(tmp_path, db_url, kannel, "--until-idle", dlr_port=port))
        out, err = workers[1].communicate(timeout=90)
        assert workers[1].returncode == 0, err
    finally:
        for worker in workers:  # a failed test leaves no worker behind
            if worker.poll() is None:
                worker.kill()
                worker.wait(10)

    texts = [parts[0] for _, _, parts in kannel.texts()]
    assert len(texts) == len(set(texts)), "an SMS reached the SMSC twice"
    final = dict(Message.select(Message.text, Message.status).tuples())
    assert set(final.values()) <= {DELIVERED, UNCERTAIN}  # nothing queued, sending or lost
    for text, status in final.items():
        if status == DELIVERED:
            assert text in texts
    # every message the SMSC did not get was sent by the second worker, or waits for a human
    assert all(final[t] in (DELIVERED, UNCERTAIN) for t in texts)


def test_the_apps_sender_receives_the_reports_too(db, kannel):
    """The app runs OutboxService: it opens its own report endpoint for a Kannel gateway."""
    import threading

    from pegaso_tui.config import Settings
    from pegaso_tui.sms.outbox import OutboxService

    settings = Settings(gateway=kannel.gateway_settings())
    service = OutboxService(settings, replace(FAST, gateway_timeout_s=2.0))
    thread = threading.Thread(target=service.run, daemon=True)
    thread.start()
    try:
        assert wait_until(lambda: service.receiver is not None, timeout=5)
        queue_texts({number(5): UCS2})
        assert wait_until(lambda: statuses() == {DELIVERED: 1}, timeout=15)
    finally:
        assert service.stop(wait_s=15)
    assert service.receiver is None  # its endpoint closed with it


def test_texts_on_a_part_boundary_arrive_whole_in_the_parts_counted(db, kannel):
    """An escape (€) across the 153rd septet stays whole, where sms-info splits it. An emoji
    across the 67th unit: Kannel 1.4.5 cuts the surrogate pair (67 + 11 units, the handset
    joins the parts before reading them) where sms-info keeps it whole (66 + 12): the same
    number of SMS, and the same text."""
    euro = "a" * 152 + "€" + "b" * 20
    emoji = "È" + "a" * 65 + "😀" + "b" * 10
    queue_texts({number(8): euro, number(9): emoji})
    with ReportReceiver() as receiver:
        sender_for(kannel, receiver).run(until_idle=True)
    assert statuses() == {DELIVERED: 2}
    received = {to: parts for to, _, parts in kannel.texts(ucs2_numbers=frozenset({number(9)}))}
    assert tuple(units(p) for p in received[number(8)]) == analyze(euro).part_units == (152, 22)
    joined = "".join(received[number(9)]).encode("utf-16-be", "surrogatepass").decode("utf-16-be")
    assert joined == emoji
    assert len(received[number(9)]) == analyze(emoji).segments == 2
