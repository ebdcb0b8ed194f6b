"""Helpers for the outbox tests: campaigns of many messages, a fast sender, what was sent."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

from peewee import fn

from pegaso_tui.db.campaigns import CampaignPlan, PlannedMessage, queue_campaign
from pegaso_tui.db.models import Message
from pegaso_tui.gateways import make_gateway
from pegaso_tui.sms.outbox import OutboxHub, Sender, SenderConfig

#: A sender paced for tests: short polls, backoffs and pauses.
FAST = SenderConfig(
    window=8,
    gateway_timeout_s=1.0,
    grace_s=0.5,
    poll_interval_s=0.05,
    poll_while_sending_s=0.1,
    reconcile_every_s=0.05,
    backoff_base_s=0.02,
    backoff_max_s=0.2,
    account_pause_s=0.2,
    unreachable_pause_max_s=0.1,
    idle_wait_s=0.05,
    apply_every_s=0.02,
)


def number(i: int, suffix: str = "") -> str:
    """A distinct valid Italian mobile for recipient ``i`` (ending with ``suffix`` if given)."""
    # the ordinary ones end with 0, so they never end with a suffix by chance
    digits = f"{i:06d}0"
    if suffix:
        digits = f"{i:06d}"[: 7 - len(suffix)] + suffix
    return f"+39340{digits}"


def queue_numbers(count: int, text: str = "Messaggio di prova", undeliverable_every: int = 0,
                  suffix: str = "99", sender: str = "AGENZIA"):
    """A campaign of ``count`` SMS to distinct numbers; every ``undeliverable_every``-th one
    ends with ``suffix`` (the sandbox reports it NOTDELIVERED)."""
    from pegaso_tui.sms.text import analyze

    info = analyze(text)
    messages = []
    for i in range(count):
        bad = undeliverable_every and i % undeliverable_every == 0
        messages.append(PlannedMessage(phone=number(i, suffix if bad else ""), text=text,
                                       encoding=info.encoding, segments=info.segments))
    plan = CampaignPlan(kind="single", purpose="servizio", template=text, messages=messages)
    return queue_campaign(plan, sender=sender)


def sender_for(server, config: SenderConfig = FAST, hub: OutboxHub | None = None, **settings_changes):
    """A Sender that talks to the sandbox ``server``."""
    settings = replace(server.gateway_settings(timeout_s=config.gateway_timeout_s), **settings_changes)
    return Sender(lambda: make_gateway(settings, max_connections=1), config, hub)


def statuses() -> dict[str, int]:
    """How many messages are in each status."""
    return dict(Message.select(Message.status, fn.COUNT(Message.id)).group_by(Message.status).tuples())


def sent_once(server) -> bool:
    """Every message in the database reached the sandbox at most once, and every message the
    database says went out reached it exactly once."""
    counts = server.state.count_by_transaction()
    if any(n > 1 for n in counts.values()):
        return False
    went_out = {tid for (tid,) in Message.select(Message.transaction_id)
                .where(Message.status.in_(["sent", "delivered", "undelivered"])).tuples()}
    return all(counts.get(tid) == 1 for tid in went_out)


class Running:
    """A Sender running in a thread until ``stop()``."""

    def __init__(self, sender: Sender) -> None:
        self.sender = sender
        self.stop_event = threading.Event()
        self.report = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        self.report = self.sender.run(self.stop_event)

    def stop(self, timeout: float = 15.0):
        self.stop_event.set()
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the sender did not stop"
        return self.report


def wait_until(condition, timeout: float = 10.0, every: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return False
