"""The outbox against the faults real gateways and networks make (issue 12).

- a gateway slow to accept, that records a send even after its client has gone;
- a reverse proxy that answers 504 while the gateway behind it still accepts the SMS;
- consent withdrawn, a client deleted or a campaign cancelled after the campaign was queued.

Each scenario counts, in the sandbox's own records, how often each transaction id arrived.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from pegaso_tui.db.cancelling import cancel_campaign, cancel_message
from pegaso_tui.db.campaigns import plan_selection, queue_campaign
from pegaso_tui.db.models import (
    CANCELLED,
    DELIVERED,
    QUEUED,
    SENDING,
    Client,
    Message,
    PracticeNotice,
)
from pegaso_tui.db.selections import (
    PracticeFilters,
    PracticeStatus,
    PromoFilters,
    practices_to_notify,
    promo_recipients,
)
from pegaso_tui.sms.outbox import OutboxHub, MessagesChanged
from tests.factories import make_client, make_practice
from tests.outboxutil import FAST, Running, queue_numbers, sender_for, sent_once, statuses, wait_until


def _mobile(i: int) -> str:
    return f"347 {i // 10000 % 1000:03d} {i % 10000:04d}"


def _promo_campaign(clients: int):
    made = [make_client(name=f"CLIENTE {i:03d}", mobile=_mobile(i + 1)) for i in range(clients)]
    plan = plan_selection(promo_recipients(PromoFilters()), "Offerta per te")
    return made, queue_campaign(plan, sender="AGENZIA")


# --- a proxy that answers 504 ------------------------------------------------------------------


def test_a_proxy_504_never_makes_a_second_send(any_db, sandbox):
    """The gateway accepts each SMS 0.3 s after it arrived; a proxy in front answers 504 at
    0.15 s. Searching at once finds nothing, so resubmitting then would send it twice."""
    server = sandbox(accept_delay_ms=300, false_504_rate=1.0, deliver_after_ms=20)
    queue_numbers(20)
    report = sender_for(server, replace(FAST, grace_s=0.6)).run(until_idle=True)
    assert report.ended == "idle"
    counts = server.state.count_by_transaction()
    assert len(counts) == 20 and set(counts.values()) == {1}, counts
    assert statuses() == {DELIVERED: 20}
    assert server.state.false_504s == 20


def test_some_504s_among_good_answers_still_send_each_sms_once(any_db, sandbox):
    server = sandbox(accept_delay_ms=200, false_504_rate=0.5, deliver_after_ms=20, seed=7)
    queue_numbers(40)
    report = sender_for(server, replace(FAST, grace_s=0.5)).run(until_idle=True)
    assert report.ended == "idle"
    assert set(server.state.count_by_transaction().values()) == {1}
    assert statuses() == {DELIVERED: 40}
    assert 0 < server.state.false_504s < 40


def test_a_timeout_on_a_slow_gateway_waits_the_grace_before_searching(any_db, sandbox):
    """The client gives up at 0.2 s; the gateway records the send at 0.5 s."""
    server = sandbox(accept_delay_ms=500, deliver_after_ms=20)
    queue_numbers(10)
    config = replace(FAST, gateway_timeout_s=0.2, grace_s=1.0)
    assert sender_for(server, config).run(until_idle=True).ended == "idle"
    assert set(server.state.count_by_transaction().values()) == {1}
    assert statuses() == {DELIVERED: 10}


# --- consent withdrawn after queuing -------------------------------------------------------------


def test_consent_withdrawn_after_queuing_is_honoured_at_send(any_db, sandbox):
    server = sandbox(deliver_after_ms=20)
    clients, campaign = _promo_campaign(8)
    # after the campaign was queued, before any sender ran:
    Client.update(sms_promo=False).where(Client.id.in_([clients[0].id, clients[1].id])).execute()
    Client.update(walk_in=True).where(Client.id == clients[2].id).execute()
    clients[3].delete_instance()
    hub = OutboxHub()
    seen: list = []
    hub.subscribe(lambda e: seen.extend(e.updates) if isinstance(e, MessagesChanged) else None)
    report = sender_for(server, FAST, hub=hub).run(until_idle=True)
    assert report.cancelled == 4 and report.sent == 4
    reached = {r["to"] for r in server.state.records()}
    rows = {m.client_code: m for m in Message.select().where(Message.campaign == campaign.id)}
    for client in clients[:4]:
        message = rows[client.code]
        assert message.status == CANCELLED
        assert message.phone.lstrip("+") not in reached
    assert "consenso revocato" in rows[clients[0].code].last_error
    assert "cliente libero" in rows[clients[2].code].last_error
    assert rows[clients[3].code].last_error == "cliente eliminato"
    assert {rows[c.code].status for c in clients[4:]} == {DELIVERED}
    # the panel hears of the cancellations as of any other change
    assert sum(1 for u in seen if u.status == CANCELLED) == 4


def test_a_practice_notice_without_consent_is_cancelled_and_the_practice_freed(any_db, sandbox):
    server = sandbox(deliver_after_ms=20)
    keep, drop = make_client(mobile=_mobile(1)), make_client(mobile=_mobile(2))
    make_practice(keep), make_practice(drop)
    selection = practices_to_notify(PracticeFilters(PracticeStatus.UNPAID))
    queue_campaign(plan_selection(selection, "Saldo della pratica {pratica}"), sender="AGENZIA")
    assert PracticeNotice.select().count() == 2
    Client.update(sms_practices=False).where(Client.id == drop.id).execute()
    sender_for(server, FAST).run(until_idle=True)
    assert len(server.state.records()) == 1
    cancelled = Message.get(Message.client == drop.id)
    assert cancelled.status == CANCELLED and "Invio Sms Pratiche" in cancelled.last_error
    # its notice is released: the practice is selected again for this status
    assert [n.practice.client_id for n in PracticeNotice.select()] == [keep.id]
    assert practices_to_notify(PracticeFilters(PracticeStatus.UNPAID)).count == 0  # no consent


# --- cancelling a campaign -------------------------------------------------------------------


def test_a_cancelled_campaign_sends_nothing_not_yet_handed_over(any_db, sandbox):
    server = sandbox(deliver_after_ms=20)
    campaign = queue_numbers(12)
    # one message is already held by a sender: it may be on the wire
    held = Message.select().where(Message.campaign == campaign.id).order_by(Message.id).first()
    Message.update(status=SENDING, lease_owner="other/1/x").where(Message.id == held.id).execute()
    result = cancel_campaign(campaign.id)
    assert (result.cancelled, result.already_sent) == (11, 1)
    Message.update(status=QUEUED, lease_owner=None).where(Message.id == held.id).execute()
    sender_for(server, FAST).run(until_idle=True)
    assert len(server.state.records()) == 1
    assert statuses() == {CANCELLED: 11, DELIVERED: 1}
    assert cancel_campaign(campaign.id).cancelled == 0


def test_cancelling_one_sms_leaves_the_rest_of_its_campaign(any_db, sandbox):
    server = sandbox(deliver_after_ms=20)
    campaign = queue_numbers(3)
    first = Message.select().where(Message.campaign == campaign.id).order_by(Message.id).first()
    assert cancel_message(first.id).cancelled == 1
    sender_for(server, FAST).run(until_idle=True)
    assert statuses() == {CANCELLED: 1, DELIVERED: 2}
    assert Message.get_by_id(first.id).last_error == "annullato dall'operatore"


def test_a_sender_running_while_a_campaign_is_cancelled_sends_each_sms_at_most_once(any_db, sandbox):
    server = sandbox(latency_ms=20, deliver_after_ms=20)
    campaign = queue_numbers(200)
    running = Running(sender_for(server, replace(FAST, window=2)))
    assert wait_until(lambda: server.state.accepted >= 10)
    result = cancel_campaign(campaign.id)
    running.stop()
    sender_for(server, FAST).run(until_idle=True)
    assert result.cancelled > 0
    assert statuses().get(CANCELLED) == result.cancelled
    assert sent_once(server) and server.state.accepted == 200 - result.cancelled
