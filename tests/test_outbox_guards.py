"""The outbox's guards, each defended by a test that fails when the guard is removed, and the
paths that run only when something goes wrong: a search or a poll that fails, a gateway that
cannot be built, a sender that crashes, a commit that fails while stopping."""

from __future__ import annotations

import logging
from dataclasses import replace

from peewee import OperationalError

from pegaso_tui.db.connection import session
from pegaso_tui.db.models import DELIVERED, QUEUED, SENDING, SENT, Message
from pegaso_tui.gateways import TemporaryGatewayError, make_gateway
from pegaso_tui.sms.outbox import (
    OutboxHub,
    OutboxService,
    ProblemChanged,
    Sender,
    _Batch,
    _Sql,
    Outcome,
)
from tests.outboxutil import FAST, Running, queue_numbers, sender_for, sent_once, statuses, wait_until


def test_a_claim_without_lease_left_for_a_whole_request_is_never_submitted(db, sandbox):
    """A request may only start while the lease outlives it (timeout and grace): otherwise
    another sender could take the message over while it is still on the wire."""
    server = sandbox()
    queue_numbers(5)
    config = replace(FAST, lease_s=0.5, gateway_timeout_s=1.0, grace_s=0.5)
    running = Running(sender_for(server, config))
    try:
        assert not wait_until(lambda: server.state.accepted > 0, timeout=1.0)
    finally:
        running.stop()
    assert server.state.records() == []
    assert statuses() == {QUEUED: 5}
    # handing it back is not an attempt
    assert {m.attempts for m in Message.select()} == {0}


def test_an_outcome_for_a_message_another_sender_took_over_is_not_recorded(db, sandbox):
    """The sender writes "sent" only while it still holds the lease: a message taken over
    meanwhile is the new owner's to record (it searches for it and finds it)."""
    server = sandbox()
    queue_numbers(1)
    sender = sender_for(server)
    with session() as database:
        sender.db, sender.sql = database, _Sql(database)
        (claimed,) = sender._claim(1)
        Message.update(lease_owner="other-host/1/new-owner").execute()
        sender._finished.append(Outcome("accepted", claimed, provider_id="4242"))
        sender._apply(force=True)
    message = Message.get()
    assert (message.status, message.lease_owner, message.provider_id) == (SENDING, "other-host/1/new-owner", None)


class _Flaky:
    """The real SMSHosting adapter, whose searches or polls fail the first ``failures`` times."""

    calls = {"find_transaction": 0, "statuses": 0}

    def __init__(self, settings, failing: str, failures: int) -> None:
        self.gateway = make_gateway(settings, max_connections=1)
        self.failing, self.failures = failing, failures

    def __getattr__(self, name):
        attr = getattr(self.gateway, name)
        if name != self.failing:
            return attr

        def flaky(*args, **kwargs):
            _Flaky.calls[name] += 1
            if _Flaky.calls[name] <= self.failures:
                raise TemporaryGatewayError("il gateway non risponde alla ricerca", "HTTP_503")
            return attr(*args, **kwargs)

        return flaky


def test_a_failing_search_keeps_the_message_waiting_and_never_resubmits_it(db, sandbox):
    server = sandbox(drop_rate=1.0, deliver_after_ms=10)  # accepted, but no answer reaches us
    queue_numbers(3)
    _Flaky.calls = {"find_transaction": 0, "statuses": 0}
    settings = server.gateway_settings(timeout_s=1.0)
    sender = Sender(lambda: _Flaky(settings, "find_transaction", 4), FAST)
    assert sender.run(until_idle=True).ended == "idle"
    assert _Flaky.calls["find_transaction"] > 4
    assert server.state.count_by_transaction().values() and set(server.state.count_by_transaction().values()) == {1}
    assert statuses() == {DELIVERED: 3}


def test_a_failing_delivery_poll_is_asked_again_later(db, sandbox):
    server = sandbox(deliver_after_ms=10)
    queue_numbers(4)
    _Flaky.calls = {"find_transaction": 0, "statuses": 0}
    settings = server.gateway_settings(timeout_s=1.0)
    sender = Sender(lambda: _Flaky(settings, "statuses", 3), FAST)
    assert sender.run(until_idle=True).ended == "idle"
    assert _Flaky.calls["statuses"] > 3
    assert statuses() == {DELIVERED: 4} and sent_once(server)


def test_a_gateway_that_cannot_be_built_is_said_once_and_nothing_leaves_the_queue(db):
    queue_numbers(3)
    hub = OutboxHub()
    problems = []
    hub.subscribe(lambda e: problems.append(e.problem) if isinstance(e, ProblemChanged) else None)

    def broken():
        raise ValueError("tipo di gateway sconosciuto: 'smpp'")

    report = Sender(broken, FAST, hub).run(until_idle=True)
    assert report.ended == "problem" and "smpp" in report.problem.text
    assert len([p for p in problems if p is not None]) == 1
    assert statuses() == {QUEUED: 3}
    assert {m.attempts for m in Message.select()} == {0}


def test_the_apps_sender_starts_again_after_a_crash_and_says_so(db, sandbox, monkeypatch):
    server = sandbox(deliver_after_ms=10)
    queue_numbers(5)
    crashes = []
    original = Sender._reconcile_tick

    def crash_once(self):
        if not crashes:
            crashes.append(1)
            raise RuntimeError("errore di programmazione")
        return original(self)

    monkeypatch.setattr(Sender, "_reconcile_tick", crash_once)
    monkeypatch.setattr(OutboxService, "RESTART_AFTER_S", 0.05)
    settings = server.gateway_settings(timeout_s=1.0)
    from types import SimpleNamespace

    service = OutboxService(SimpleNamespace(gateway=settings), FAST,
                            gateway_factory=lambda: make_gateway(settings, max_connections=1))
    problems = []
    service.hub.subscribe(lambda e: problems.append(e.problem) if isinstance(e, ProblemChanged) else None)
    import threading

    thread = threading.Thread(target=service.run, daemon=True)
    thread.start()
    try:
        assert wait_until(lambda: statuses() == {DELIVERED: 5}, timeout=10)
    finally:
        assert service.stop(wait_s=10)
    assert problems[0].code == "SENDER_ERROR" and "errore di programmazione" in problems[0].text


def test_a_sender_stopped_before_its_thread_starts_never_runs(db, sandbox):
    """The app starts the sender in a thread; the user may quit in the moment before that
    thread runs. The stop must hold, or the sender goes on for ever and the process never
    ends: found as a hang of the start-up tests, once in some hundreds of runs."""
    import threading
    from types import SimpleNamespace

    settings = sandbox().gateway_settings(timeout_s=1.0)
    service = OutboxService(SimpleNamespace(gateway=settings), FAST,
                            gateway_factory=lambda: make_gateway(settings, max_connections=1))
    assert service.stop(wait_s=1)  # on_unmount: the thread is started, not yet running
    thread = threading.Thread(target=service.run, daemon=True)
    thread.start()
    thread.join(timeout=3)
    try:
        assert not thread.is_alive()
        assert not service.running
    finally:
        service._stop.set()  # without the fix: end the sender the test let loose
        thread.join(timeout=10)


def test_a_broken_subscriber_is_logged_and_the_others_still_hear(caplog):
    hub = OutboxHub()
    heard = []

    def broken(event):
        raise KeyError("schermo chiuso")

    hub.subscribe(broken)
    hub.subscribe(heard.append)
    with caplog.at_level(logging.ERROR, logger="pegaso_tui.outbox"):
        hub.publish(ProblemChanged(None))
    assert len(heard) == 1
    assert "schermo chiuso" in caplog.text


def test_a_commit_that_fails_while_stopping_is_made_again_nothing_is_dropped(db, sandbox, monkeypatch):
    server = sandbox(latency_ms=40, deliver_after_ms=60_000)
    queue_numbers(40)
    running = Running(sender_for(server, replace(FAST, window=4)))
    failed = []
    original = _Batch.execute

    def fails_once_when_stopping(self, sql):
        if running.stop_event.is_set() and not failed:
            failed.append(1)
            raise OperationalError("database is locked")
        return original(self, sql)

    monkeypatch.setattr(_Batch, "execute", fails_once_when_stopping)
    assert wait_until(lambda: server.state.accepted >= 8)
    running.stop()
    assert failed
    counts = statuses()
    assert SENDING not in counts, counts
    assert counts[SENT] == server.state.accepted  # what the gateway took is recorded
    assert Message.select().where(Message.lease_owner.is_null(False)).count() == 0


def test_jobs_no_lane_started_are_handed_back_at_a_stop_without_costing_an_attempt(db, sandbox):
    server = sandbox(latency_ms=300, deliver_after_ms=60_000)
    queue_numbers(12)
    running = Running(sender_for(server, replace(FAST, window=1, claim_batch=8)))
    assert wait_until(lambda: server.state.requests >= 1)
    running.stop()
    counts = statuses()
    assert SENDING not in counts and counts[QUEUED] >= 10
    assert {m.attempts for m in Message.select().where(Message.status == QUEUED)} == {0}
