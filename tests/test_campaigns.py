"""Campaigns: a selection and a template become messages in one transaction."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from pegaso_tui.db import selections as sel
from pegaso_tui.db.campaigns import (
    CampaignError,
    CreditShortfall,
    SelectionChanged,
    plan_selection,
    plan_single,
    queue_campaign,
)
from pegaso_tui.db.connection import session
from pegaso_tui.db.models import QUEUED, Campaign, Client, Message, PracticeNotice
from tests.factories import make_client, make_practice

UNPAID = sel.PracticeFilters(status=sel.PracticeStatus.BALANCE_NOT_NOTIFIED)
TEMPLATE = "Gentile {nome}, per la pratica {pratica} del {partenza} resta un saldo di {saldo}."


def balance_selection():
    return sel.practices_to_notify(UNPAID)


@pytest.fixture
def agency(any_db):
    """Three clients with a practice each; one has no mobile."""
    anna = make_client("0000002", first_name="Anna", mobile="349 111 1111")
    bruno = make_client("0000003", first_name="Bruno", mobile="349 222 2222")
    carla = make_client("0000004", first_name="Carla", mobile="")
    for client, number in ((anna, "2026/0001"), (bruno, "2026/0002"), (carla, "2026/0003")):
        make_practice(client, number, departure_date=date(2026, 7, 14), balance=Decimal("1250.5"))
    return any_db


def test_the_preview_count_is_the_queued_count(agency):
    plan = plan_selection(balance_selection(), TEMPLATE)
    campaign = queue_campaign(plan, sender="AGENZIA")
    messages = list(Message.select().where(Message.campaign == campaign).order_by(Message.id))
    assert plan.count == len(messages) == campaign.message_count == 2
    assert plan.not_sendable == 1
    assert [m.text for m in messages] == [
        "Gentile Anna, per la pratica 2026/0001 del 14-07-2026 resta un saldo di € 1.250,50.",
        "Gentile Bruno, per la pratica 2026/0002 del 14-07-2026 resta un saldo di € 1.250,50.",
    ]
    assert {m.status for m in messages} == {QUEUED}
    assert len({m.transaction_id for m in messages}) == 2
    assert {(m.phone, m.sender, m.encoding, m.segments) for m in messages} == {
        ("+393491111111", "AGENZIA", "GSM-7", 1), ("+393492222222", "AGENZIA", "GSM-7", 1)}


def test_a_queued_notice_keeps_the_practice_out_of_the_next_selection(agency):
    queue_campaign(plan_selection(balance_selection(), TEMPLATE), sender="AGENZIA")
    assert PracticeNotice.select().count() == 2
    # "Dettaglio Stato Pratica > SMS" shows when each notice was queued: a real date and time
    for notice in PracticeNotice.select():
        assert isinstance(notice.created_at, datetime)
        assert abs(notice.created_at - notice.message.queued_at) < timedelta(seconds=5)
    again = balance_selection()
    assert [row.practice for row in again.rows] == ["2026/0003"]  # the one without a mobile


def test_two_terminals_queuing_the_same_notices_queue_them_once(agency):
    first = plan_selection(balance_selection(), TEMPLATE)
    second = plan_selection(balance_selection(), TEMPLATE)  # previewed before the first was queued
    queue_campaign(first, sender="AGENZIA")
    with pytest.raises(SelectionChanged, match="ripetere l'anteprima"):
        queue_campaign(second, sender="AGENZIA")
    # the whole second campaign was rolled back
    assert Campaign.select().count() == 1
    assert Message.select().count() == 2 and PracticeNotice.select().count() == 2


def test_two_terminals_at_once_on_sqlite(db, db_url):
    anna = make_client("0000002", first_name="Anna")
    for n in range(50):
        make_practice(anna, f"2026/{n:04d}")
    plans = [plan_selection(balance_selection(), "Saldo {pratica}") for _ in range(2)]
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def terminal(plan):
        with session():
            barrier.wait()
            try:
                queue_campaign(plan, sender="AGENZIA")
                outcomes.append("queued")
            except SelectionChanged:
                outcomes.append("changed")

    threads = [threading.Thread(target=terminal, args=(plan,)) for plan in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["changed", "queued"]
    assert Message.select().count() == PracticeNotice.select().count() == 50


def test_every_placeholder_problem_is_named_at_once(agency):
    Client.update(first_name="").where(Client.code == "0000003").execute()
    with pytest.raises(CampaignError) as error:
        plan_selection(balance_selection(), "Gentile {nome}, {pratica}")
    assert "{nome} manca per 1 destinatario: 0000003 ROSSO STEFANO (pratica 2026/0002)" in str(error.value)
    with pytest.raises(CampaignError, match=r"segnaposto sconosciuto: \{nomee\}"):
        plan_selection(balance_selection(), "Gentile {nomee}")
    with pytest.raises(CampaignError, match="vuoto"):
        plan_selection(balance_selection(), "   ")


def test_a_text_longer_than_allowed_is_refused(agency):
    with pytest.raises(CampaignError, match="occupa 2 SMS, oltre il massimo di 1"):
        plan_selection(balance_selection(), "x" * 200, max_parts=1)


def test_a_credit_shortfall_is_said_plainly(agency):
    queue_campaign(plan_selection(balance_selection(), TEMPLATE), sender="AGENZIA")
    dario = make_client("0000005", first_name="Dario", mobile="349 333 3333")
    make_practice(dario, "2026/0009")
    plan = plan_selection(balance_selection(), TEMPLATE)
    with pytest.raises(CreditShortfall) as error:
        queue_campaign(plan, sender="AGENZIA", credits_left=2)
    assert str(error.value) == "credito insufficiente: servono 1 SMS, ne restano 2 di cui 2 già impegnati da messaggi in coda"
    assert Campaign.select().count() == 1
    queue_campaign(plan, sender="AGENZIA", credits_left=3)
    assert Campaign.select().count() == 2


def test_marketing_goes_only_to_clients_who_still_agree(any_db):
    make_client("0000002", first_name="Anna", mobile="349 111 1111")
    bruno = make_client("0000003", first_name="Bruno", mobile="349 222 2222")
    make_client("0000004", first_name="Carla", mobile="349 333 3333", sms_promo=False)
    plan = plan_selection(sel.promo_recipients(sel.PromoFilters()), "Offerte per te, {nome}!")
    assert plan.purpose == "marketing" and plan.count == 2
    bruno.sms_promo = False  # withdrew consent after the preview
    bruno.save()
    with pytest.raises(SelectionChanged, match="1 destinatario senza più il consenso"):
        queue_campaign(plan, sender="AGENZIA")
    assert Message.select().count() == 0


def test_a_single_sms_is_a_campaign_of_one(any_db):
    plan = plan_single("Il suo documento è pronto", number="349/4445555")
    campaign = queue_campaign(plan, sender="AGENZIA")
    [message] = campaign.messages
    assert (campaign.kind, campaign.purpose, message.phone) == ("single", "servizio", "+393494445555")
    with pytest.raises(CampaignError, match="numero 0458001234: numero fisso"):
        plan_single("Ciao", number="0458001234")
    with pytest.raises(CampaignError, match=r"\{nome\} manca per 1 destinatario: 349 444 5555"):
        plan_single("Ciao {nome}", number="3494445555")
    anna = make_client("0000002", first_name="Anna")
    assert plan_single("Ciao {nome}", client=anna).messages[0].text == "Ciao Anna"


def test_nothing_to_queue_is_refused(agency):
    plan = plan_selection(sel.practices_to_notify(sel.PracticeFilters(
        status=sel.PracticeStatus.UNPAID, clients=sel.ClientRange("0000004", "0000004"))), TEMPLATE)
    assert plan.count == 0 and plan.not_sendable == 1
    with pytest.raises(CampaignError, match="nessun destinatario inviabile"):
        queue_campaign(plan, sender="AGENZIA")


def test_a_decomposed_accent_is_queued_composed_as_it_was_counted(any_db):
    # text pasted from macOS, and a name imported the same way: e + U+0301
    client = make_client("0000005", first_name="Jose\u0301", mobile="349 555 5555")
    plan = plan_single("Perche\u0301 no, {nome}?", client=client)
    [message] = plan.messages
    assert message.text == "Perché no, José?"
    assert (message.encoding, message.segments) == ("GSM-7", 1)
    campaign = queue_campaign(plan, sender="FUTURA", operator=None, credits_left=None)
    assert Message.get(Message.campaign == campaign).text == "Perché no, José?"
    assert Campaign.get_by_id(campaign.id).template == "Perché no, {nome}?"
