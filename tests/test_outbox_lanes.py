"""The sender runs as many lanes as pay: all of them on a slow gateway, two when the process
is busy on the CPU (issue 17: eight lanes on a fast gateway cost a quarter more CPU per SMS
than two, and sent no more)."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

from pegaso_tui.gateways import make_gateway
from pegaso_tui.sms.outbox import Claimed, _Lanes, lanes_worth_running


def test_lanes_halve_at_a_core_and_never_drop_below_two():
    assert lanes_worth_running(8, 8, busy=0.95, waiting=True) == 4
    assert lanes_worth_running(4, 8, busy=1.3, waiting=True) == 2
    assert lanes_worth_running(2, 8, busy=1.0, waiting=True) == 2
    # a window of one stays one
    assert lanes_worth_running(1, 1, busy=1.0, waiting=True) == 1


def test_lanes_double_while_they_wait_on_the_network_with_work_waiting():
    assert lanes_worth_running(2, 8, busy=0.1, waiting=True) == 4
    assert lanes_worth_running(4, 8, busy=0.1, waiting=True) == 8
    assert lanes_worth_running(8, 8, busy=0.1, waiting=True) == 8
    # nothing waits for a lane: more lanes would have nothing to do
    assert lanes_worth_running(2, 8, busy=0.1, waiting=False) == 2
    # in between: as they are
    assert lanes_worth_running(4, 8, busy=0.7, waiting=True) == 4


class _Recording:
    """The sandbox gateway, noting which lane sent each SMS."""

    def __init__(self, settings, seen: list[str]) -> None:
        self.gateway = make_gateway(settings, max_connections=1)
        self.seen = seen
        self.can_search = True

    def send(self, submission):
        self.seen.append(threading.current_thread().name)
        return self.gateway.send(submission)

    def close(self) -> None:
        self.gateway.close()


def _claimed(n: int) -> list[Claimed]:
    until = datetime.now() + timedelta(minutes=5)
    return [Claimed(id=i, campaign_id=1, transaction_id=f"lane-{i}", phone=f"+39340{i:07d}",
                    text="Prova", sender="AGENZIA", encoding="GSM-7", practice_id=None,
                    attempts=1, lease_until=until) for i in range(n)]


def _run(lanes: _Lanes, jobs: list[Claimed]) -> list[str]:
    for job in jobs:
        lanes.jobs.put(("submit", job))
    kinds = [lanes.outcomes.get(timeout=30).kind for _ in jobs]
    lanes.close()
    return kinds


def test_lanes_past_the_active_ones_take_no_job(sandbox):
    server = sandbox()
    settings = server.gateway_settings()
    seen: list[str] = []
    lanes = _Lanes(4, lambda: _Recording(settings, seen), margin_s=0.0, active=1)
    assert _run(lanes, _claimed(20)) == ["accepted"] * 20
    assert set(seen) == {"pegaso-outbox-0"}


def test_on_a_slow_gateway_every_lane_stays_at_work(sandbox):
    server = sandbox(latency_ms=100)
    settings = server.gateway_settings()
    seen: list[str] = []
    lanes = _Lanes(8, lambda: _Recording(settings, seen), margin_s=0.0)
    started = time.monotonic()
    assert _run(lanes, _claimed(48)) == ["accepted"] * 48
    # eight at a time: six rounds of 100 ms, where two lanes would need twenty-four
    assert len(set(seen)) == 8
    assert time.monotonic() - started < 2.0


def test_a_lane_woken_by_more_work_takes_it(sandbox, monkeypatch):
    """Lanes gated while the process was busy run again once it waits on the network."""
    server = sandbox(latency_ms=50)
    settings = server.gateway_settings()
    seen: list[str] = []
    monkeypatch.setattr(_Lanes, "TUNE_EVERY_S", 0.05)
    lanes = _Lanes(4, lambda: _Recording(settings, seen), margin_s=0.0, active=2)
    assert _run(lanes, _claimed(40)) == ["accepted"] * 40
    assert len(set(seen)) == 4
