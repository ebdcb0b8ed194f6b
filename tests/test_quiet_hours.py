"""The privacy rules at claim time, through the real sender and the sandbox gateway (issue 15):
a number that objected after its promo was queued gets nothing; a marketing SMS outside the
allowed hours waits for them, a service SMS does not; ``worker --until-idle`` counts the waiting
ones as idle and says how many."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pegaso_tui.cli import main
from pegaso_tui.db.campaigns import plan_selection, plan_single, queue_campaign
from pegaso_tui.db.connection import close_database, open_database
from pegaso_tui.db.models import CANCELLED, DELIVERED, QUEUED, Message
from pegaso_tui.db.optouts import add_opt_out
from pegaso_tui.db.selections import PromoFilters, promo_recipients
from pegaso_tui.sending.privacy import waiting_for_window
from pegaso_tui.sending.rules import SendingWindow
from tests.factories import make_client
from tests.outboxutil import FAST, sender_for

ROME = ZoneInfo("Europe/Rome")


def _promo(count: int):
    clients = [make_client(name=f"CLIENTE {i}", mobile=f"347 000 {i:04d}") for i in range(1, count + 1)]
    campaign = queue_campaign(plan_selection(promo_recipients(PromoFilters()), "Offerta!"), sender="AGENZIA")
    return clients, campaign


def _closed_window_now() -> SendingWindow:
    """A window that is closed right now, whatever the hour the test runs at: it opens two
    hours from now (Italian time) and lasts one hour, every day."""
    now = datetime.now(ROME)
    start = (now + timedelta(hours=2)).replace(second=0, microsecond=0)
    if start.hour >= 22:  # keep start < end within the day
        start = start.replace(hour=0, minute=0)
    end = start + timedelta(hours=1)
    return SendingWindow.parse(f"{start:%H:%M}-{end:%H:%M}", "")


def test_a_number_that_objected_after_queuing_gets_nothing(any_db, sandbox):
    server = sandbox(deliver_after_ms=20)
    clients, campaign = _promo(4)
    add_opt_out("347 000 0001", via="phone")  # by number
    add_opt_out(client=clients[1], via="desk")  # by client
    report = sender_for(server, FAST).run(until_idle=True)
    assert (report.sent, report.cancelled) == (2, 2)
    reached = {r["to"] for r in server.state.records()}
    rows = {m.client_code: m for m in Message.select().where(Message.campaign == campaign.id)}
    for client in clients[:2]:
        assert rows[client.code].status == CANCELLED
        assert "Non disturbare" in rows[client.code].last_error
        assert rows[client.code].phone.lstrip("+") not in reached
    assert {rows[c.code].status for c in clients[2:]} == {DELIVERED}


def test_a_service_sms_to_who_objected_still_goes(any_db, sandbox):
    server = sandbox(deliver_after_ms=20)
    anna = make_client(name="ROSSI ANNA", mobile="347 000 0001")
    add_opt_out(client=anna)
    queue_campaign(plan_single("Documenti pronti", client=anna), sender="AGENZIA")
    report = sender_for(server, FAST).run(until_idle=True)
    assert report.sent == 1 and report.cancelled == 0


def test_marketing_outside_the_hours_waits_and_service_goes(any_db, sandbox):
    server = sandbox(deliver_after_ms=20)
    _promo(3)
    queue_campaign(plan_single("Documenti pronti", number="347 999 0001"), sender="AGENZIA")
    window = _closed_window_now()
    report = sender_for(server, replace(FAST, sending_window=window)).run(until_idle=True)
    # until_idle returned although three SMS are queued: they wait for their window
    assert report.sent == 1
    assert [r["to"] for r in server.state.records()] == ["393479990001"]
    held = list(Message.select().where(Message.status == QUEUED))
    assert len(held) == 3
    assert {m.last_error for m in held} == {"in attesa della fascia oraria"}
    opening = window.next_opening(datetime.now(ROME)).astimezone().replace(tzinfo=None)
    assert {m.next_attempt_at.replace(microsecond=0) for m in held} == {opening}
    assert {m.attempts for m in held} == {0}  # waiting is not an attempt
    assert waiting_for_window() == 3
    # the control panel says so under the list, with the moment the window opens
    from pegaso_tui.widgets.message_list import describe_message

    shown = describe_message(held[0])
    assert f"stato: in attesa della fascia oraria, parte dal {opening:%d-%m-%Y} alle {opening:%H:%M}" in shown
    assert "motivo" not in shown


def test_the_held_sms_go_out_once_the_window_opens(any_db, sandbox):
    server = sandbox(deliver_after_ms=20)
    _promo(2)
    sender_for(server, replace(FAST, sending_window=_closed_window_now())).run(until_idle=True)
    assert server.state.records() == []
    # the window's time has come (moved here rather than waiting for the clock)
    Message.update(next_attempt_at=datetime.now() - timedelta(seconds=1)).execute()
    always = SendingWindow.parse("00:00-23:59", "")
    report = sender_for(server, replace(FAST, sending_window=always)).run(until_idle=True)
    assert report.sent == 2 and waiting_for_window() == 0
    assert {m.status for m in Message.select()} == {DELIVERED}


def test_a_service_sms_behind_a_held_promo_campaign_goes_out_at_once(any_db, sandbox):
    # 400 promo SMS queued after 20:00 are put back one claim at a time; each claim used to
    # be followed by the idle pause (0.2 s), so an SMS queued after them waited ~6 s here,
    # and minutes behind a big campaign
    import threading
    import time

    server = sandbox(deliver_after_ms=20)
    _promo(400)
    queue_campaign(plan_single("Documenti pronti", number="347 999 0001"), sender="AGENZIA")
    config = replace(FAST, sending_window=_closed_window_now(), idle_wait_s=0.5)
    stop = threading.Event()
    sender = sender_for(server, config)
    worker = threading.Thread(target=sender.run, args=(stop,))
    started = time.monotonic()
    worker.start()
    try:
        while not server.state.records() and time.monotonic() - started < 10:
            time.sleep(0.02)
        took = time.monotonic() - started
    finally:
        stop.set()
        worker.join(10)
    assert [r["to"] for r in server.state.records()] == ["393479990001"]
    assert took < 3, f"the service SMS left after {took:.1f} s"
    assert waiting_for_window() == 400


def test_worker_until_idle_says_how_many_wait(db_url, sandbox, tmp_path, capsys):
    server = sandbox(deliver_after_ms=20)
    open_database(db_url)
    _promo(2)
    close_database()
    window = _closed_window_now()
    gateway = server.gateway_settings(timeout_s=2)
    (tmp_path / "config.toml").write_text(
        f'[gateway]\nurl = "{gateway.url}"\nkey = "{gateway.key}"\nsecret = "{gateway.secret}"\n'
        f'timeout_s = 2.0\n[sending]\nquiet_hours = "{window.start:%H:%M}-{window.end:%H:%M}"\n'
        'quiet_days = ""\n', encoding="utf-8")
    assert main(["worker", "--db", db_url, "--until-idle"]) == 0
    err = capsys.readouterr().err
    assert "2 SMS in attesa della fascia oraria (restano in coda)" in err
    assert server.state.records() == []


def test_send_promo_says_its_purpose_and_that_it_will_wait(db_url, tmp_path, capsys):
    open_database(db_url)
    make_client(name="ROSSI ANNA", mobile="347 000 0001")
    close_database()
    window = _closed_window_now()
    (tmp_path / "config.toml").write_text(
        f'[sending]\nquiet_hours = "{window.start:%H:%M}-{window.end:%H:%M}"\nquiet_days = ""\n',
        encoding="utf-8")
    assert main(["send", "promo", "--db", db_url, "--text", "Offerta!", "--sender", "AGENZIA", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "Finalità: marketing" in out
    assert f"Attenzione: fuori dalla fascia oraria ({window.describe()}): partiranno dal " in out
