"""What the SMS masks ask while sending, on SQLite and PostgreSQL: preset texts, a campaign's
progress, and the SMS of each day."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from pegaso_tui.db.campaigns import plan_single, queue_campaign
from pegaso_tui.db.models import DELIVERED, FAILED, SENT, UNDELIVERED, Message
from pegaso_tui.db.sending import (
    DEFAULT_PRESETS,
    campaign_progress,
    daily_counts,
    preset_text,
    preset_texts,
    save_preset_text,
)

pytestmark = pytest.mark.usefixtures("any_db")


def test_a_mask_proposes_the_default_text_until_the_agency_saves_its_own():
    assert preset_text("birthday") == "Tanti Auguri dalla tua Agenzia di Viaggi preferita!"
    save_preset_text("practice:unpaid", "Saldo in scadenza, ci chiami")
    save_preset_text("practice:unpaid", "Saldo in scadenza: ci chiami in Agenzia")
    assert preset_text("practice:unpaid") == "Saldo in scadenza: ci chiami in Agenzia"
    texts = preset_texts(["practice:unpaid", "practice:balance-not-notified"])
    assert texts == {
        "practice:unpaid": "Saldo in scadenza: ci chiami in Agenzia",
        "practice:balance-not-notified": DEFAULT_PRESETS["practice:balance-not-notified"],
    }


def test_the_progress_of_a_campaign_counts_each_state():
    campaign = None
    for number in ("349 555 0001", "349 555 0002", "349 555 0003", "349 555 0004", "349 555 0005"):
        plan = plan_single("Ciao", number=number)
        if campaign is None:
            campaign = queue_campaign(plan, sender="FUTURA")
        else:
            Message.insert(campaign=campaign, phone=plan.messages[0].phone, text="Ciao",
                           transaction_id=number).execute()
    ids = [m.id for m in Message.select().order_by(Message.id)]
    for message_id, status in zip(ids, (SENT, DELIVERED, UNDELIVERED, FAILED)):
        Message.update(status=status).where(Message.id == message_id).execute()
    progress = campaign_progress(campaign.id)
    assert (progress.total, progress.queued, progress.sent, progress.delivered,
            progress.undelivered, progress.failed) == (5, 1, 1, 1, 1, 1)
    assert (progress.submitted, progress.finished, progress.done) == (3, 3, False)


def test_the_sms_of_each_day_include_the_days_without_any():
    campaign = queue_campaign(plan_single("Ciao", number="349 555 0001"), sender="FUTURA")
    Message.delete().execute()
    day = date(2026, 11, 20)
    rows = [
        (datetime(2026, 11, 20, 9, 0), DELIVERED),
        (datetime(2026, 11, 20, 23, 59, 59), UNDELIVERED),
        (datetime(2026, 11, 22, 0, 0), DELIVERED),
        (datetime(2026, 11, 22, 8, 0), FAILED),  # never reached the gateway
        (datetime(2026, 11, 23, 0, 0), DELIVERED),  # the day after the range
    ]
    for i, (when, status) in enumerate(rows):
        Message.create(campaign=campaign, phone="+393495550001", text="x", transaction_id=f"t{i}",
                       status=status, queued_at=when)
    days = daily_counts(day, day + timedelta(days=2))
    assert [(d.day.day, d.sent, d.delivered) for d in days] == [(20, 2, 1), (21, 0, 0), (22, 1, 1)]


def test_sms_sent_are_counted_in_parts_and_the_queue_apart():
    from pegaso_tui.db.sending import sms_totals

    long_text = "x" * 200  # two parts
    queue_campaign(plan_single(long_text, number="349 555 0001"), sender="FUTURA")
    queue_campaign(plan_single("Ciao", number="349 555 0002"), sender="FUTURA")
    queue_campaign(plan_single("Ciao", number="349 555 0003"), sender="FUTURA")
    first, second, _third = Message.select().order_by(Message.id)
    Message.update(status=DELIVERED).where(Message.id == first.id).execute()
    Message.update(status=FAILED).where(Message.id == second.id).execute()
    totals = sms_totals()
    assert (totals.sent_parts, totals.waiting) == (2, 1)
