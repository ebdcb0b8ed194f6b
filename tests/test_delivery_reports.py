"""Delivery reports pushed to the sender's loopback endpoint (Kannel's dlr-url), recorded
through the outbox: needs no Kannel (tests/test_kannel.py has the real one)."""

from __future__ import annotations

import httpx

from pegaso_tui.config import GatewaySettings
from pegaso_tui.db.models import DELIVERED, FAILED, SENT, Message
from pegaso_tui.gateways import make_gateway
from pegaso_tui.gateways.dlr import ReportReceiver
from pegaso_tui.sms.outbox import Sender
from tests.outboxutil import FAST, Running, queue_numbers


def test_a_report_never_moves_a_status_backwards(db):
    """Kannel may report "delivered" (1) before "accepted by the SMSC" (8), twice even."""
    queue_numbers(2)
    first, second = Message.select().order_by(Message.id)
    Message.update(status=SENT).execute()
    settings = GatewaySettings(kind="kannel", url="http://127.0.0.1:9/cgi-bin/sendsms", key="k", secret="s")
    with ReportReceiver() as receiver:
        # a sender records them (its gateway is never asked anything: nothing is queued)
        running = Running(Sender(lambda: make_gateway(settings, report_url=receiver.url), FAST,
                                 reports=receiver))
        try:
            for tid, dlr in ((first.transaction_id, 1), (first.transaction_id, 8),
                             (second.transaction_id, 16), (second.transaction_id, 1),
                             ("not-ours", 1)):
                # answered once recorded
                answer = httpx.get(receiver.url, params={"tid": tid, "type": dlr, "reply": "ACK/"})
                assert answer.status_code == 200
            assert httpx.get(receiver.url, params={"tid": "x", "type": "99"}).status_code == 400
        finally:
            running.stop()
    first, second = Message.select().order_by(Message.id)
    assert first.status == DELIVERED and first.delivered_at
    assert second.status == FAILED and "SMSC" in second.last_error


def test_a_report_nobody_recorded_is_not_acknowledged(db):
    """Kannel is told 503 (and sends it again) unless the report was committed."""
    with ReportReceiver(ack_timeout_s=0.2) as receiver:
        answer = httpx.get(receiver.url, params={"tid": "tx1", "type": "1"})
    assert answer.status_code == 503


def test_a_taken_dlr_port_does_not_stop_a_second_sender():
    from pegaso_tui.gateways.dlr import receiver_for

    with ReportReceiver() as first:
        settings = GatewaySettings(kind="kannel", dlr_port=first.port)
        second = receiver_for(settings)
        try:
            assert second.port != first.port and str(first.port) in second.note
        finally:
            second.stop()
    assert receiver_for(GatewaySettings(kind="smshosting")) is None
