"""The domain functions behind issue 14's fixes, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from pegaso_tui.db.clients import clients_pager
from pegaso_tui.db.models import Client, Message
from tests.factories import make_client

pytestmark = pytest.mark.usefixtures("any_db")


def test_a_page_around_a_saved_record_holds_it_with_its_neighbours():
    for number in range(1, 121):
        make_client(f"{number:07d}", name=f"CLIENTE {number:03d}")
    target = Client.get(Client.code == "0000077")
    page, index = clients_pager().around_id(target.id, 50)
    assert page.rows[index].code == "0000077"
    names = [c.name for c in page.rows]
    assert names == sorted(names) and len(names) == 50
    assert not page.at_start and not page.at_end
    assert clients_pager("nessuno").around_id(target.id, 50) is None  # not in this search


def test_a_sample_sms_is_a_test_campaign_counted_apart_and_its_number_remembered():
    from pegaso_tui.db.models import SENT
    from pegaso_tui.db.sample_sends import sample_number, sample_parts_sent, send_sample

    assert sample_number("anna") == ""
    campaign = send_sample("Ciao Ugo", "347 999 0001", "anna", sender="FUTURA", of="SMS Promozionali")
    assert campaign.kind == "test" and campaign.message_count == 1
    assert sample_number("anna") == "+393479990001" and sample_number("luca") == ""
    assert sample_parts_sent() == 0  # queued, not yet sent
    Message.update(status=SENT).execute()
    assert sample_parts_sent() == 1
    send_sample("Ciao", "349 111 2222", "anna", sender="FUTURA")
    assert sample_number("anna") == "+393491112222"  # the last one typed


def test_the_test_sms_count_reads_only_the_test_campaigns(any_db):
    """The control panel asks it each time it opens: it must count the test SMS sent, and
    on SQLite read the test campaigns' messages only, never walk every message sent (half a
    second and the whole file on a million messages, issue 17)."""
    from pegaso_tui.db.campaigns import plan_single, queue_campaign
    from pegaso_tui.db.models import DELIVERED, SENT, database_proxy
    from pegaso_tui.db.sample_sends import sample_parts_query, sample_parts_sent, send_sample

    queue_campaign(plan_single("Buongiorno", number="349 555 0000"), sender="FUTURA")
    send_sample("Prova " + "lunga " * 40, "347 999 0001", "anna", sender="FUTURA")  # 2 parts
    send_sample("Ciao", "347 999 0002", "anna", sender="FUTURA")
    Message.update(status=SENT).execute()
    Message.update(status=DELIVERED).where(Message.phone == "+393479990002").execute()
    assert sample_parts_sent() == 3
    from peewee import SqliteDatabase

    if isinstance(database_proxy.obj, SqliteDatabase):
        sql, params = sample_parts_query().sql()
        plan = " | ".join(row[3] for row in database_proxy.obj.execute_sql("EXPLAIN QUERY PLAN " + sql, params))
        assert "message_campaign_id" in plan, plan
        assert "message_status" not in plan, plan
