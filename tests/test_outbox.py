"""The outbox sender against the sandbox gateway: exactly once, final, announced after commit."""

from __future__ import annotations

import socket
import sqlite3
import subprocess
from dataclasses import replace
from datetime import datetime, timedelta

from pegaso_tui.db import selections as sel
from pegaso_tui.db.campaigns import plan_selection, queue_campaign
from pegaso_tui.db.connection import session
from pegaso_tui.db.models import (
    DELIVERED,
    FAILED,
    QUEUED,
    SENDING,
    SENT,
    UNDELIVERED,
    Message,
    PracticeNotice,
)
from pegaso_tui.gateways import Submission, make_gateway
from pegaso_tui.sms.outbox import MessagesChanged, OutboxHub, ProblemChanged, Sender
from tests.factories import make_client, make_practice
from tests.outboxutil import FAST, Running, queue_numbers, sender_for, sent_once, statuses, wait_until

BALANCE = sel.PracticeFilters(status=sel.PracticeStatus.BALANCE_NOT_NOTIFIED)


def events_of(hub: OutboxHub) -> list:
    events: list = []
    hub.subscribe(events.append)
    return events


def test_a_practice_campaign_is_sent_and_delivered(any_db, sandbox):
    server = sandbox(deliver_after_ms=30, undeliverable_suffix="99")
    anna = make_client("0000002", first_name="Anna", mobile="349 111 1111")
    bruno = make_client("0000003", first_name="Bruno", mobile="349 111 1199")
    make_practice(anna, "2026/0001")
    make_practice(bruno, "2026/0002")
    queue_campaign(plan_selection(sel.practices_to_notify(BALANCE), "Saldo {pratica}, {nome}"), sender="AGENZIA")
    hub = OutboxHub()
    events = events_of(hub)
    report = sender_for(server, hub=hub).run(until_idle=True)
    assert report.ended == "idle"
    assert statuses() == {DELIVERED: 1, UNDELIVERED: 1}
    delivered = Message.get(Message.status == DELIVERED)
    assert delivered.sent_at and delivered.delivered_at and delivered.provider_id
    assert Message.get(Message.status == UNDELIVERED).last_error == "SMS non consegnato al destinatario"
    # the delivered notice is kept (with its date); the undelivered one is released
    [notice] = PracticeNotice.select()
    assert notice.message_id == delivered.id and notice.sent_at is not None
    assert [r.practice for r in sel.practices_to_notify(BALANCE).rows] == ["2026/0002"]
    announced = [(u.message_id, u.status) for e in events if isinstance(e, MessagesChanged) for u in e.updates]
    assert sorted(announced) == sorted([(delivered.id, SENT), (delivered.id, DELIVERED),
                                        (delivered.id + 1, SENT), (delivered.id + 1, UNDELIVERED)])
    assert sent_once(server)


def test_every_change_is_committed_before_it_is_announced(db, db_url, sandbox):
    server = sandbox(deliver_after_ms=20)
    queue_numbers(40)
    hub = OutboxHub()
    seen: list[tuple[str, str | None]] = []
    reader = sqlite3.connect(db_url, check_same_thread=False)  # another connection: sees commits only

    def check(event) -> None:
        if isinstance(event, MessagesChanged):
            for update in event.updates:
                (status,) = reader.execute("SELECT status FROM message WHERE id = ?", (update.message_id,)).fetchone()
                seen.append((update.status, status))

    hub.subscribe(check)
    sender_for(server, hub=hub).run(until_idle=True)
    reader.close()
    assert len(seen) == 80
    # what was announced was already on disk (or already overtaken by a later change)
    assert all(db_status == announced or (announced == SENT and db_status == DELIVERED)
               for announced, db_status in seen)


def test_delivery_polls_wait_while_a_campaign_is_being_submitted(db, sandbox):
    """Submitting comes first: while messages are on their way to the gateway, the delivery
    reports are asked at most every ``poll_while_sending_s``; once all are sent, as usual."""
    server = sandbox(deliver_after_ms=0, latency_ms=4)
    queue_numbers(200)
    hub = OutboxHub()
    order: list[str] = []
    hub.subscribe(lambda event: order.extend(
        u.status for u in event.updates) if isinstance(event, MessagesChanged) else None)
    config = replace(FAST, window=2, claim_batch=10, poll_while_sending_s=30.0)
    report = sender_for(server, config, hub=hub).run(until_idle=True)
    assert report.ended == "idle"
    assert statuses() == {DELIVERED: 200}
    # every message was sent before the first delivery report was asked for
    assert order.index(DELIVERED) > max(i for i, status in enumerate(order) if status == SENT)
    # with polls spaced as when idle, reports arrive while the campaign is still going out
    Message.delete().execute()
    queue_numbers(200)
    order.clear()
    sender_for(server, replace(config, poll_while_sending_s=0.0), hub=hub).run(until_idle=True)
    assert order.index(DELIVERED) < max(i for i, status in enumerate(order) if status == SENT)


def test_faults_every_message_exactly_once_and_final(db, sandbox):
    """20% of sends answered 500, 5% accepted and dropped, some latency."""
    server = sandbox(fail_rate=0.2, drop_rate=0.05, latency_ms=2, deliver_after_ms=20,
                     undeliverable_suffix="99", seed=4)
    queue_numbers(300, undeliverable_every=10)
    report = sender_for(server).run(until_idle=True)
    assert report.ended == "idle"
    assert statuses() == {DELIVERED: 270, UNDELIVERED: 30}
    counts = server.state.count_by_transaction()
    assert len(counts) == 300 and set(counts.values()) == {1}
    assert report.reconciled > 0  # the faults happened, and were reconciled


def test_a_timeout_is_searched_not_resubmitted(db, sandbox):
    server = sandbox(latency_ms=400, deliver_after_ms=10)
    queue_numbers(3)
    config = replace(FAST, gateway_timeout_s=0.15, grace_s=0.5)
    running = Running(sender_for(server, config))
    try:
        # every request times out; the gateway still accepts the SMS after the client gave up
        assert wait_until(lambda: server.state.accepted == 3)
        # each is recorded as uncertain (the sender applies outcomes in batches: wait for it);
        # while the gateway stays slow, the searches time out too and nothing is resubmitted
        assert wait_until(lambda: Message.select().where(Message.error_code == "TIMEOUT").count() == 3)
        assert server.state.accepted == 3
        server.config.latency_ms = 0  # the network recovers
        assert wait_until(lambda: statuses() == {DELIVERED: 3})
    finally:
        report = running.stop()
    assert set(server.state.count_by_transaction().values()) == {1}
    assert report.reconciled == 3


def test_a_message_a_dead_worker_left_sending_is_reconciled(db, sandbox):
    server = sandbox(deliver_after_ms=10)
    queue_numbers(2)
    first, second = Message.select().order_by(Message.id)
    # a worker claimed both, submitted the first, and died before recording anything
    with make_gateway(server.gateway_settings()) as gateway:
        gateway.send(Submission(first.transaction_id, first.phone, first.text, "AGENZIA"))
    dead = subprocess.Popen(["true"])
    dead.wait()
    owner = f"{socket.gethostname()}/{dead.pid}/dead"
    Message.update(status=SENDING, lease_owner=owner, attempts=1,
                   lease_expires_at=datetime.now() + timedelta(hours=1),
                   updated_at=datetime.now() - timedelta(seconds=5)).execute()
    report = sender_for(server).run(until_idle=True)
    assert statuses() == {DELIVERED: 2}
    assert server.state.count_by_transaction() == {first.transaction_id: 1, second.transaction_id: 1}
    assert report.reconciled == 2


def test_a_live_workers_lease_is_respected(db, sandbox):
    server = sandbox()
    queue_numbers(1)
    Message.update(status=SENDING, lease_owner="another-machine/1/x",
                   lease_expires_at=datetime.now() + timedelta(hours=1),
                   updated_at=datetime.now() - timedelta(hours=1)).execute()
    running = Running(sender_for(server))
    try:
        assert not wait_until(lambda: server.state.requests > 0, timeout=0.5)
    finally:
        running.stop()
    assert statuses() == {SENDING: 1}


def test_an_expired_lease_is_reconciled_behind_a_thousand_live_ones(any_db, sandbox):
    """Other senders may hold more messages than one look of the reconcile takes: an expired
    lease behind them must still be found (the database picks it, not a scan of the first
    thousand)."""
    server = sandbox(deliver_after_ms=10)
    queue_numbers(1001)
    *held, last = [m.id for m in Message.select(Message.id).order_by(Message.id)]
    Message.update(status=SENDING, lease_owner="another-machine/1/x", attempts=1,
                   lease_expires_at=datetime.now() + timedelta(hours=1),
                   updated_at=datetime.now()).where(Message.id.in_(held)).execute()
    Message.update(status=SENDING, lease_owner="another-machine/2/y", attempts=1,
                   lease_expires_at=datetime.now() - timedelta(minutes=1),
                   updated_at=datetime.now() - timedelta(minutes=6)).where(Message.id == last).execute()
    running = Running(sender_for(server))
    try:
        assert wait_until(lambda: Message.get_by_id(last).status == DELIVERED)
    finally:
        report = running.stop()
    assert report.reconciled == 1
    assert statuses() == {SENDING: 1000, DELIVERED: 1}  # the live leases are left alone
    assert server.state.count_by_transaction() == {Message.get_by_id(last).transaction_id: 1}


def test_wrong_credentials_one_message_and_the_messages_stay_queued(db, sandbox):
    server = sandbox(deliver_after_ms=10)
    queue_numbers(20)
    hub = OutboxHub()
    events = events_of(hub)
    report = sender_for(server, hub=hub, secret="sbagliato").run(until_idle=True)
    assert report.ended == "problem" and report.problem.code == "BAD_CREDENTIALS"
    problems = [e.problem for e in events if isinstance(e, ProblemChanged)]
    assert [p.code for p in problems] == ["BAD_CREDENTIALS"]
    assert "credenziali" in problems[0].text
    assert statuses() == {QUEUED: 20}
    assert {m.attempts for m in Message.select()} == {0}
    # the settings fixed, everything goes
    report = sender_for(server, hub=hub).run(until_idle=True)
    assert statuses() == {DELIVERED: 20}


def test_no_credit_left_stops_sending_and_keeps_the_rest_queued(db, sandbox):
    server = sandbox(credits=3, deliver_after_ms=10)
    queue_numbers(5)
    hub = OutboxHub()
    events = events_of(hub)
    report = sender_for(server, hub=hub).run(until_idle=True)
    assert report.ended == "problem" and report.problem.code == "BAD_CREDIT"
    assert [e.problem.code for e in events if isinstance(e, ProblemChanged)] == ["BAD_CREDIT"]
    assert server.state.accepted == 3
    assert statuses().get(QUEUED) == 2 and FAILED not in statuses()


def test_an_unreachable_gateway_leaves_everything_queued(db):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    from pegaso_tui.config import GatewaySettings

    settings = GatewaySettings(url=f"http://127.0.0.1:{port}/rest/api", key="k", secret="s", timeout_s=1)
    queue_numbers(5)
    hub = OutboxHub()
    events = events_of(hub)
    report = Sender(lambda: make_gateway(settings), FAST, hub).run(until_idle=True)
    assert report.ended == "problem" and report.problem.code == "CONNECTION"
    assert len([e for e in events if isinstance(e, ProblemChanged)]) == 1
    assert statuses() == {QUEUED: 5}
    assert {m.attempts for m in Message.select()} == {0}


def test_a_refused_number_fails_with_its_reason_and_releases_its_notice(db, sandbox):
    server = sandbox(blacklist=frozenset({"393491111111"}))
    anna = make_client("0000002", first_name="Anna", mobile="349 111 1111")
    make_practice(anna, "2026/0001")
    queue_campaign(plan_selection(sel.practices_to_notify(BALANCE), "Saldo {pratica}"), sender="AGENZIA")
    sender_for(server).run(until_idle=True)
    message = Message.get()
    assert (message.status, message.error_code) == (FAILED, "BLACKLIST")
    assert message.last_error == "numero in lista nera presso il gateway"
    assert PracticeNotice.select().count() == 0
    assert len(sel.practices_to_notify(BALANCE).rows) == 1


def test_retry_after_is_honoured(db, sandbox):
    server = sandbox(throttle_rate=1.0, retry_after_s=30)
    queue_numbers(1)
    started = datetime.now()
    running = Running(sender_for(server))
    try:
        assert wait_until(lambda: Message.get().last_error is not None and Message.get().status == QUEUED)
    finally:
        running.stop()
    message = Message.get()
    assert message.error_code == "TOO_MANY_REQUESTS"
    assert message.next_attempt_at >= started + timedelta(seconds=29)


def test_temporary_errors_fail_after_the_last_attempt(db, sandbox):
    server = sandbox(throttle_rate=1.0, retry_after_s=0)
    queue_numbers(1)
    sender_for(server, replace(FAST, max_attempts=3)).run(until_idle=True)
    message = Message.get()
    assert (message.status, message.attempts) == (FAILED, 3)
    assert message.last_error.startswith("non inviato dopo 3 tentativi: ")


def test_stopping_finishes_what_is_on_the_wire_and_hands_back_the_rest(db, sandbox):
    server = sandbox(latency_ms=50, deliver_after_ms=60_000)
    queue_numbers(60)
    running = Running(sender_for(server, replace(FAST, window=4)))
    assert wait_until(lambda: server.state.accepted >= 8)
    running.stop()
    counts = statuses()
    assert SENDING not in counts and counts[QUEUED] + counts[SENT] == 60
    assert counts[SENT] == server.state.accepted  # nothing on the wire was lost
    assert Message.select().where(Message.lease_owner.is_null(False)).count() == 0
    assert sent_once(server)


def test_a_multipart_sms_is_delivered_only_when_every_part_is(db, sandbox):
    server = sandbox(deliver_after_ms=60_000, per_part_records=True)
    queue_numbers(1, text="La sua pratica è pronta. " * 10)  # two parts
    running = Running(sender_for(server))
    try:
        assert wait_until(lambda: Message.get().status == SENT)
        sms_id = int(Message.get().provider_id)
        server.state.force_status(sms_id, "DELIVERED", part=1)
        assert not wait_until(lambda: Message.get().status != SENT, timeout=0.5)
        server.state.force_status(sms_id, "DELIVERED", part=2)
        assert wait_until(lambda: Message.get().status == DELIVERED)
    finally:
        running.stop()
    assert Message.get().segments == 2


def test_the_sender_thread_uses_its_own_connection(db, sandbox):
    """The app runs the sender beside its screens: the main thread's connection is untouched."""
    server = sandbox(deliver_after_ms=10)
    queue_numbers(3)
    running = Running(sender_for(server))
    try:
        assert wait_until(lambda: statuses() == {DELIVERED: 3})
        with session():
            assert Message.select().count() == 3
    finally:
        running.stop()


def test_the_lanes_are_kept_busy_between_two_commits(db, sandbox):
    """Outcomes are committed together at most every ``apply_every_s``; the next claim must
    not wait for that commit. With a claim of four windows and a long commit interval, a
    sender that slept until the commit left the gateway idle for the whole interval after
    every claim (issue 17: 0.14x a plain loop on loopback)."""
    import threading

    server = sandbox(deliver_after_ms=10)
    queue_numbers(64)
    config = replace(FAST, window=2, claim_batch=8, apply_every_s=60.0)
    sender = sender_for(server, config)
    stop = threading.Event()
    reports = []
    thread = threading.Thread(target=lambda: reports.append(sender.run(stop, until_idle=True)), daemon=True)
    thread.start()
    # eight claims of 8 behind a commit interval of a minute: only a hang would need this long
    thread.join(30)
    stop.set()
    assert not thread.is_alive(), "the sender waited for the commit interval before claiming again"
    assert reports[0].ended == "idle"
    assert statuses() == {DELIVERED: 64}
    assert sent_once(server)


def test_until_idle_returns_as_soon_as_the_last_report_is_recorded(db, sandbox, monkeypatch):
    """`worker --until-idle` is timed by its users with the wait for the reports: it must not
    sit out a throttle once the last report is in (issue 17)."""
    import time

    server = sandbox(deliver_after_ms=100)
    queue_numbers(5)
    # were the idle check only throttled, the worker would wait this long after the last report
    monkeypatch.setattr(Sender, "IDLE_CHECK_EVERY_S", 5.0)
    hub = OutboxHub()
    last_change: list[float] = []
    hub.subscribe(lambda event: last_change.append(time.monotonic()) if isinstance(event, MessagesChanged) else None)
    report = sender_for(server, hub=hub).run(until_idle=True)
    returned = time.monotonic()
    assert report.ended == "idle"
    assert statuses() == {DELIVERED: 5}
    assert returned - last_change[-1] < 1.0


def test_a_full_poll_is_followed_at_once_by_the_next(db, sandbox):
    """Delivery reports asked a batch at a time: when a batch was full, more are due, and
    the next batch is asked at once, not half a poll interval later (issue 17: 3,000 reports
    took three throttles after the last one was in)."""
    import time

    server = sandbox(deliver_after_ms=0)
    queue_numbers(50)
    hub = OutboxHub()
    delivered_at: list[float] = []
    hub.subscribe(lambda event: delivered_at.extend(
        time.monotonic() for u in event.updates if u.status == DELIVERED) if isinstance(event, MessagesChanged) else None)
    # every message is due for its first poll one second after it was sent; 10 per poll, and
    # a throttle of half a second between checks: five polls one after the other take 2 s
    config = replace(FAST, poll_interval_s=1.0, poll_while_sending_s=30.0, poll_batch=10)
    report = sender_for(server, config, hub=hub).run(until_idle=True)
    assert report.ended == "idle"
    assert statuses() == {DELIVERED: 50}
    assert delivered_at[-1] - delivered_at[0] < 1.0


def test_polls_while_sending_follow_the_poll_interval():
    """A worker asked for quick reports polls once a second while it sends, so that only the
    last second's reports are left when the last SMS is out; the app's 5 s polls stay 25 s
    apart while sending (submitting comes first), and never more than 30 s."""
    from pegaso_tui.sms.outbox import SenderConfig

    assert SenderConfig(poll_interval_s=0.2).polls_apart_while_sending == 1.0
    assert SenderConfig(poll_interval_s=5.0).polls_apart_while_sending == 25.0
    assert SenderConfig(poll_interval_s=60.0).polls_apart_while_sending == 30.0
    assert SenderConfig(poll_interval_s=60.0, poll_while_sending_s=2.0).polls_apart_while_sending == 2.0
