"""Real ``pegaso-tui worker`` processes: killed with SIGKILL mid-campaign, stopped with SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from pegaso_tui.db.connection import close_database, open_database
from pegaso_tui.db.models import DELIVERED, QUEUED, SENDING, SENT, UNDELIVERED, Message
from tests.outboxutil import queue_numbers, statuses, wait_until

WORKER = [sys.executable, "-m", "pegaso_tui", "worker", "--poll-interval", "0.05"]


@pytest.fixture
def setup(tmp_path, sandbox):
    """A sandbox, a database and the environment a worker process needs to use them."""

    def make(count: int, db_url: str | None = None, **sandbox_config):
        server = sandbox(**sandbox_config)
        db_url = db_url or str(tmp_path / "outbox.db")
        open_database(db_url)
        queue_numbers(count, undeliverable_every=20)
        close_database()
        config = tmp_path / "config.toml"
        config.write_text(
            f'[gateway]\nurl = "{server.url}"\nkey = "sandbox"\nsecret = "sandbox"\ntimeout_s = 0.5\n'
        )
        env = {**os.environ, "PEGASO_CONFIG": str(config), "PEGASO_DB": db_url}
        return server, db_url, env

    return make


def test_a_worker_killed_again_and_again_sends_nothing_twice_and_loses_nothing(setup):
    server, db_url, env = setup(1000, latency_ms=2, deliver_after_ms=20, undeliverable_suffix="99")
    for target in (150, 400, 700):
        worker = subprocess.Popen(WORKER, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            assert wait_until(lambda: server.state.accepted >= target, timeout=30), "the worker did not send"
        finally:
            worker.kill()  # SIGKILL: no chance to clean up
            worker.wait()
    open_database(db_url)
    left_sending = statuses().get(SENDING, 0)
    close_database()
    assert left_sending > 0  # the kills did leave messages half-done
    # whatever the kills left half-done, a worker run to the end reconciles and finishes it
    final = subprocess.run([*WORKER, "--until-idle"], env=env, capture_output=True, text=True, timeout=90)
    assert final.returncode == 0, final.stderr
    counts = server.state.count_by_transaction()
    assert len(counts) == 1000, "some messages were never sent"
    assert set(counts.values()) == {1}, "some messages were sent twice"
    open_database(db_url)
    assert statuses() == {DELIVERED: 950, UNDELIVERED: 50}


def test_sigterm_stops_a_worker_cleanly(setup):
    server, db_url, env = setup(400, latency_ms=20, deliver_after_ms=60_000)
    worker = subprocess.Popen(WORKER, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_until(lambda: server.state.accepted >= 40, timeout=30)
        worker.send_signal(signal.SIGTERM)
        started = time.monotonic()
        _, err = worker.communicate(timeout=15)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert worker.returncode == 0, err
    assert time.monotonic() - started < 5
    assert "inviati" in err
    open_database(db_url)
    counts = statuses()
    assert SENDING not in counts
    assert counts[SENT] == server.state.accepted and counts[QUEUED] == 400 - counts[SENT]
    assert Message.select().where(Message.lease_owner.is_null(False)).count() == 0


def test_two_worker_processes_at_once_send_nothing_twice(setup, any_url):
    server, db_url, env = setup(600, db_url=any_url, latency_ms=20, deliver_after_ms=20,
                                undeliverable_suffix="99")
    workers = [subprocess.Popen([*WORKER, "--until-idle"], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True) for _ in range(2)]
    try:
        errors = [w.communicate(timeout=90)[1] for w in workers]
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
                w.wait()
    assert [w.returncode for w in workers] == [0, 0], errors
    counts = server.state.count_by_transaction()
    assert len(counts) == 600 and set(counts.values()) == {1}
    # both took part
    sent = [int(e.split("inviati ")[1].split(",")[0]) for e in errors]
    assert all(n > 0 for n in sent) and sum(sent) == 600, errors
    open_database(db_url)
    assert statuses() == {DELIVERED: 570, UNDELIVERED: 30}
