"""An SMS whose outcome cannot be known ("esito incerto"): held for a human, never resent by
itself; the operator resends it or marks it failed from the control panel."""

from __future__ import annotations

import socket
import threading
import time
from datetime import date

from pegaso_tui.config import GatewaySettings
from pegaso_tui.db.models import FAILED, QUEUED, SENT, UNCERTAIN, Message, PracticeNotice
from pegaso_tui.db.uncertain import fail_uncertain, resend_uncertain
from pegaso_tui.gateways import make_gateway
from pegaso_tui.gateways.dlr import ReportReceiver
from pegaso_tui.sms.outbox import Sender
from tests.apputil import make_app, wait_for_workers, wait_until as app_wait_until
from tests.outboxutil import FAST, Running, queue_numbers, statuses, wait_until


class BlackHole:
    """A loopback server that takes every request and never answers (a hung gateway)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.requests = 0
        self.conns: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)
            threading.Thread(target=self._read, args=(conn,), daemon=True).start()

    def _read(self, conn: socket.socket) -> None:
        while True:
            try:
                data = conn.recv(65536)
            except OSError:
                return
            if not data:
                return
            self.requests += data.count(b"POST /cgi-bin/sendsms")

    def close(self) -> None:
        self.sock.close()
        for conn in self.conns:
            conn.close()


def test_an_unanswered_kannel_submission_is_held_for_a_human_and_never_resent(db):
    queue_numbers(1)
    hole = BlackHole()
    settings = GatewaySettings(kind="kannel", url=f"http://127.0.0.1:{hole.port}/cgi-bin/sendsms",
                               key="pegaso", secret="s", timeout_s=0.3)
    try:
        with ReportReceiver() as receiver:
            sender = Sender(lambda: make_gateway(settings, max_connections=1, report_url=receiver.url),
                            FAST, reports=receiver)
            running = Running(sender)
            try:
                assert wait_until(lambda: statuses() == {UNCERTAIN: 1}, timeout=10)
                time.sleep(1.0)  # well past the grace: still nobody submits it again
                assert statuses() == {UNCERTAIN: 1}
            finally:
                running.stop()
            # a report that comes late still settles it
    finally:
        hole.close()
    assert hole.requests == 1
    message = Message.get()
    assert message.status == UNCERTAIN and "reinviare (F6)" in message.last_error


def test_a_late_report_settles_an_uncertain_message(db):
    import httpx

    queue_numbers(1)
    Message.update(status=UNCERTAIN).execute()
    settings = GatewaySettings(kind="kannel", url="http://127.0.0.1:9/cgi-bin/sendsms", key="k", secret="s")
    with ReportReceiver() as receiver:
        running = Running(Sender(lambda: make_gateway(settings, report_url=receiver.url), FAST, reports=receiver))
        try:
            httpx.get(receiver.url, params={"tid": Message.get().transaction_id, "type": "8"})
            assert wait_until(lambda: statuses() == {SENT: 1})
        finally:
            running.stop()


def test_the_operator_resends_or_fails_an_uncertain_message_once(db):
    from pegaso_tui.db import selections as sel
    from pegaso_tui.db.campaigns import plan_selection, queue_campaign
    from tests.factories import make_client, make_practice

    make_practice(make_client("0000002", first_name="Anna", mobile="349 111 1111"), "2026/0001")
    balance = sel.PracticeFilters(status=sel.PracticeStatus.BALANCE_NOT_NOTIFIED)
    queue_campaign(plan_selection(sel.practices_to_notify(balance), "Saldo {pratica}"), sender="AGENZIA")
    queue_numbers(1)
    first, second = Message.select().order_by(Message.id)
    Message.update(status=UNCERTAIN).execute()
    assert PracticeNotice.select().count() == 1

    assert fail_uncertain(first.id, "mario") and not fail_uncertain(first.id)
    assert not resend_uncertain(first.id)  # decided already
    assert resend_uncertain(second.id, "mario")
    first, second = Message.select().order_by(Message.id)
    assert first.status == FAILED and "operatore" in first.last_error
    assert PracticeNotice.select().count() == 0  # the practice is selected again
    assert second.status == QUEUED and second.next_attempt_at is not None


async def test_control_panel_keys_resend_and_fail_an_uncertain_sms(db_url):
    from pegaso_tui.widgets.message_list import MessageList, sent_dot

    app = make_app(db_url, today=date.today())
    queue_numbers(2)
    Message.update(status=UNCERTAIN).execute()
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.press("5")
        assert await app_wait_until(pilot, lambda: app.screen.title == "Pannello di Controllo SMS")
        panel = app.screen
        messages = panel.query_one(MessageList)
        assert await app_wait_until(pilot, lambda: len(messages.table.rows) == 2)
        assert all(sent_dot(m).style == "yellow" for m in messages.table.rows)
        messages.table.table.focus()
        await pilot.press("end")
        await wait_for_workers(pilot)
        last = messages.table.current_row.id
        await pilot.press("f9")
        await pilot.pause()
        await pilot.press("f10")
        assert await app_wait_until(pilot, lambda: Message.get_by_id(last).status == FAILED)
        await pilot.press("home")
        await wait_for_workers(pilot)
        first = messages.table.current_row.id
        await pilot.press("f6")
        await pilot.pause()
        await pilot.press("escape")  # No: nothing changes
        await pilot.pause()
        assert Message.get_by_id(first).status == UNCERTAIN
        await pilot.press("f6")
        await pilot.pause()
        await pilot.press("f10")
        assert await app_wait_until(pilot, lambda: Message.get_by_id(first).status == QUEUED)


async def test_the_panels_cancel_key_still_cancels_a_queued_sms(db_url):
    """F8 (Annulla SMS) next to F6/F9: it acts on the highlighted row (a property, not a call)."""
    from pegaso_tui.db.models import CANCELLED
    from pegaso_tui.widgets.message_list import MessageList

    app = make_app(db_url, today=date.today())
    queue_numbers(1)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.press("5")
        assert await app_wait_until(pilot, lambda: app.screen.title == "Pannello di Controllo SMS")
        messages = app.screen.query_one(MessageList)
        assert await app_wait_until(pilot, lambda: len(messages.table.rows) == 1)
        messages.table.table.focus()
        await pilot.press("f8")
        await pilot.pause()
        await pilot.press("f10")
        assert await app_wait_until(pilot, lambda: Message.get().status == CANCELLED)
