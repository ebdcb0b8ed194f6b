"""Real sender processes against a slow gateway: SIGKILL after the claim's grace, SIGHUP (the
SSH session dropped), and a PostgreSQL server that drops their connections."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from pegaso_tui.db.connection import close_database, open_database
from pegaso_tui.db.models import DELIVERED, SENDING, SENT
from tests.outboxutil import queue_numbers, statuses, wait_until

WORKER = [sys.executable, "-m", "pegaso_tui", "worker", "--poll-interval", "0.1"]
SENDER = [sys.executable, "-m", "tests.sender_process"]


def _queue(db_url: str, count: int) -> None:
    open_database(db_url)
    queue_numbers(count)
    close_database()


def _statuses(db_url: str) -> dict[str, int]:
    open_database(db_url)
    try:
        return statuses()
    finally:
        close_database()


def _worker_env(tmp_path, server, db_url: str, timeout_s: float) -> dict[str, str]:
    config = tmp_path / "config.toml"
    config.write_text(f'[gateway]\nurl = "{server.url}"\nkey = "sandbox"\nsecret = "sandbox"\n'
                      f"timeout_s = {timeout_s}\n")
    return {**os.environ, "PEGASO_CONFIG": str(config), "PEGASO_DB": db_url}


def _sender(db_url: str, server, **config) -> subprocess.Popen:
    return subprocess.Popen([*SENDER, db_url, server.url, json.dumps(config)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_senders_killed_on_a_slow_gateway_well_after_their_claim_send_nothing_twice(any_url, tmp_path, sandbox):
    """Each SMS is recorded 1.5 s after it arrives, whether or not its client is still there.
    A sender that claims 200 at a time (the old design) is killed with SIGKILL while requests
    are on the wire, longer after its claim than the grace (5 s); the next sender takes its
    messages over, and is killed the same way. The grace counts from the moment the dead
    owner was first seen gone, so every request it left on the wire has been recorded when
    its transaction id is searched for: nothing is sent twice, nothing is lost."""
    server = sandbox(accept_delay_ms=1500, deliver_after_ms=20)
    _queue(any_url, 80)
    config = dict(window=8, claim_batch=200, gateway_timeout_s=2.0, reconcile_every_s=0.05,
                  poll_interval_s=0.1, poll_while_sending_s=0.2, idle_wait_s=0.05,
                  apply_every_s=0.02, backoff_base_s=0.05, backoff_max_s=0.3)
    kills = 0
    for _ in range(2):
        victim = _sender(any_url, server, **config)
        started = time.monotonic()
        try:
            # well after the claim's grace, and right after requests went on the wire
            assert wait_until(lambda: time.monotonic() - started > 6.0 and server.state.in_progress >= 4,
                              timeout=40, every=0.01)
        finally:
            victim.kill()
            victim.wait()
        kills += 1
    final = subprocess.run([*SENDER, any_url, server.url, json.dumps(config), "--until-idle"],
                           capture_output=True, text=True, timeout=120)
    assert final.returncode == 0, final.stderr
    counts = server.state.count_by_transaction()
    duplicates = {tid: n for tid, n in counts.items() if n > 1}
    assert not duplicates, f"{len(duplicates)} SMS sent twice after {kills} kills"
    assert len(counts) == 80, "some messages were never sent"
    assert _statuses(any_url) == {DELIVERED: 80}


@pytest.mark.slow
def test_a_worker_hung_up_mid_run_stops_at_once_and_leaves_nothing_half_done(any_url, tmp_path, sandbox):
    server = sandbox(accept_delay_ms=400, deliver_after_ms=20)
    _queue(any_url, 120)
    env = _worker_env(tmp_path, server, any_url, timeout_s=1.0)
    worker = subprocess.Popen(WORKER, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_until(lambda: server.state.accepted >= 16, timeout=30)
        hung_up = time.monotonic()
        worker.send_signal(signal.SIGHUP)
        worker.wait(timeout=15)
        took = time.monotonic() - hung_up
    finally:
        if worker.poll() is None:
            worker.kill()
    stderr = worker.stderr.read()
    assert "Traceback" not in stderr
    assert took < 5, f"stopping took {took:.1f} s"
    left = _statuses(any_url)
    assert left.get(SENDING, 0) == 0, left
    assert 0 < server.state.accepted < 120
    final = subprocess.run([*WORKER, "--until-idle"], env=env, capture_output=True, text=True, timeout=120)
    assert final.returncode == 0, final.stderr
    assert set(server.state.count_by_transaction().values()) == {1}
    assert _statuses(any_url) == {DELIVERED: 120}


@pytest.mark.slow
@pytest.mark.postgres
def test_a_worker_rides_out_postgresql_dropping_its_connections(pg_url, tmp_path, sandbox):
    from tests.conftest import _pg_admin_connection

    server = sandbox(latency_ms=30, deliver_after_ms=20)
    _queue(pg_url, 300)
    env = _worker_env(tmp_path, server, pg_url, timeout_s=1.0)
    worker = subprocess.Popen([*WORKER, "--until-idle"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    name = pg_url.rsplit("/", 1)[1]
    admin = _pg_admin_connection()
    try:
        dropped = 0
        for target in (40, 120, 200):
            assert wait_until(lambda: server.state.accepted >= target, timeout=60)
            with admin.cursor() as cur:
                cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
                dropped += sum(1 for (ok,) in cur.fetchall() if ok)
        assert worker.wait(timeout=120) == 0
    finally:
        admin.close()
        if worker.poll() is None:
            worker.kill()
    stderr = worker.stderr.read()
    assert dropped > 0
    assert "Traceback" not in stderr, stderr
    assert "database non raggiungibile" in stderr
    assert set(server.state.count_by_transaction().values()) == {1}
    assert len(server.state.count_by_transaction()) == 300
    assert _statuses(pg_url) == {DELIVERED: 300}


def app_in_a_terminal(tmp_path, server, db_url: str) -> tuple[subprocess.Popen, int]:
    """``pegaso-tui`` on ``db_url`` sending to ``server``, in a terminal of its own (a pty):
    the process and the terminal's master side. A session of its own and no controlling
    terminal: closing the master sends it no SIGHUP."""
    import pty

    env = {**_worker_env(tmp_path, server, db_url, timeout_s=1.0), "TERM": "xterm-256color",
           "COLUMNS": "100", "LINES": "30"}
    master, slave = pty.openpty()
    app = subprocess.Popen([sys.executable, "-m", "pegaso_tui"], env=env, stdin=slave, stdout=slave,
                           stderr=slave, start_new_session=True)
    os.close(slave)
    return app, master


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM])
def test_the_app_hung_up_mid_send_finishes_the_wire_and_hands_back_the_rest(tmp_path, sandbox, signum):
    """The operator's SSH session drops (SIGHUP) or the system stops the app (SIGTERM) while
    its sender is sending: the app ends within seconds, as Ctrl+Q would end it, and nothing is
    left half-done in 'sending'."""
    server = sandbox(accept_delay_ms=400, deliver_after_ms=20)
    db_url = str(tmp_path / "app.db")
    _queue(db_url, 120)
    app, master = app_in_a_terminal(tmp_path, server, db_url)
    try:
        assert wait_until(lambda: server.state.accepted >= 16, timeout=60), "the app did not send"
        app.send_signal(signum)
        if signum == signal.SIGHUP:
            os.close(master)  # the terminal is gone with the session
            master = None
        started = time.monotonic()
        # drain what the app writes while it stops, as a terminal would
        while app.poll() is None and time.monotonic() - started < 20:
            if master is not None:
                try:
                    os.read(master, 65536)
                except OSError:
                    pass
            time.sleep(0.05)
        took = time.monotonic() - started
    finally:
        if app.poll() is None:
            app.kill()
        if master is not None:
            os.close(master)
    assert app.returncode is not None and took < 10, f"the app took {took:.1f} s to stop"
    left = _statuses(db_url)
    assert left.get(SENDING, 0) == 0, left
    assert 0 < server.state.accepted < 120
    assert set(server.state.count_by_transaction().values()) == {1}
