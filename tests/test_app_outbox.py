"""The app runs the sender while it is open: messages go out, problems are said once."""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import replace
from pathlib import Path

from pegaso_tui.app import OutboxUpdated, PegasoApp
from pegaso_tui.config import load_settings
from pegaso_tui.db.connection import open_database
from pegaso_tui.db.models import DELIVERED, QUEUED, Message
from pegaso_tui.db.operators import current_operator
from pegaso_tui.services import AppServices
from pegaso_tui.sms.outbox import OutboxService
from tests.outboxutil import FAST, queue_numbers, statuses


def app_with_outbox(db_url: str, gateway) -> PegasoApp:
    settings = replace(load_settings(), database=db_url, gateway=gateway)
    open_database(db_url)
    operator = current_operator(settings.operator_name())
    services = AppServices(settings=settings, database_url=db_url, operator_username=operator.username,
                           outbox=OutboxService(settings, replace(FAST, gateway_timeout_s=gateway.timeout_s)))
    return PegasoApp(services, cursor_blink=False)


async def wait_for(pilot, condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        await pilot.pause(0.05)
    return False


async def test_queued_messages_go_out_while_the_app_is_open(db_url, sandbox):
    server = sandbox(deliver_after_ms=20)
    app = app_with_outbox(db_url, server.gateway_settings(timeout_s=2))
    queue_numbers(5)
    seen: list = []
    async with app.run_test(message_hook=lambda m: seen.append(m) if isinstance(m, OutboxUpdated) else None) as pilot:
        assert await wait_for(pilot, lambda: statuses() == {DELIVERED: 5})
        assert await wait_for(pilot, lambda: sum(len(m.updates) for m in seen) >= 10)
    assert not app.services.outbox.running  # closing the app stopped the sender
    statuses_seen = [u.status for m in seen for u in m.updates]
    assert statuses_seen.count("sent") >= 5 and statuses_seen.count("delivered") >= 5


async def test_wrong_settings_give_one_notification_and_keep_the_queue(db_url, sandbox):
    server = sandbox()
    app = app_with_outbox(db_url, replace(server.gateway_settings(timeout_s=2), secret="sbagliato"))
    queue_numbers(12)
    async with app.run_test() as pilot:
        assert await wait_for(pilot, lambda: len(app._notifications) > 0)
        await asyncio.sleep(0.5)  # the sender tries again after its pause: still one message
        await pilot.pause()
        notes = list(app._notifications)
        assert len(notes) == 1
        assert notes[0].title == "Invio SMS sospeso"
        assert "credenziali del gateway SMS non valide" in notes[0].message
        assert "I messaggi restano in coda" in notes[0].message
    assert statuses() == {QUEUED: 12}
    assert {m.attempts for m in Message.select()} == {0}


def test_the_demo_starts_the_sandbox_and_points_the_settings_at_it(tmp_path):
    from pegaso_tui.cli import CliContext, build_parser
    from pegaso_tui.demo import demo_environment
    from pegaso_tui.gateways import make_gateway

    ctx = CliContext(build_parser().parse_args(["--demo"]))
    with demo_environment(ctx) as services:
        assert services.settings.gateway.url == services.extras["sandbox_url"]
        assert services.settings.gateway.url.startswith("http://127.0.0.1:")
        with make_gateway(services.settings.gateway) as gateway:
            assert gateway.credit().sms_left == 5000
        assert services.settings.sender == "PEGASO"
        # {agenzia} works in the demo, and its settings file is its own, not the user's
        assert services.settings.agency == "Futura Viaggi"
        assert services.config_path.parent != Path(os.environ["PEGASO_CONFIG"]).parent
        assert load_settings(services.config_path, env={}).gateway.url == services.settings.gateway.url
        with make_gateway(services.settings.gateway) as gateway:
            assert gateway.aliases() == ["PEGASO", "FUTURA"]


async def test_the_sender_starts_once_the_home_agenda_is_on_screen(db_url, sandbox):
    """Its start (imports, threads, the first claim) used to delay the agenda by a third
    (issue 17): the home agenda comes first, then the sender, which then sends as before."""
    from pegaso_tui.widgets.agenda import AgendaPanel

    server = sandbox(deliver_after_ms=20)
    app = app_with_outbox(db_url, server.gateway_settings(timeout_s=2))
    queue_numbers(3)
    running_when_shown: dict[int, bool] = {}

    def hook(message) -> None:
        # the hook sees the message at every node it bubbles through: the first one counts
        if isinstance(message, AgendaPanel.Shown):
            running_when_shown.setdefault(id(message), app.services.outbox.running)

    async with app.run_test(message_hook=hook) as pilot:
        assert await wait_for(pilot, lambda: statuses() == {DELIVERED: 3})
    assert list(running_when_shown.values()) == [False]
