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
