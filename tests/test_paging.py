"""Keyset paging: every row once, in order, from either end, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from pegaso_tui.db.clients import clients_pager
from pegaso_tui.db.models import Campaign, Client, Message
from pegaso_tui.db.paging import KeysetPager

pytestmark = pytest.mark.usefixtures("any_db")


def walk_forward(pager, size):
    page = pager.first(size)
    rows = list(page.rows)
    while not page.at_end:
        page = pager.after(pager.key_of(rows[-1]), size)
        rows += page.rows
    return rows


def walk_backward(pager, size):
    page = pager.last(size)
    rows = list(page.rows)
    while not page.at_start:
        page = pager.before(pager.key_of(rows[0]), size)
        rows = page.rows + rows
    return rows


def make_messages(n: int) -> None:
    campaign = Campaign.create(kind="promo", template="x")
    start = datetime(2026, 11, 1, 9, 0, 0)
    Message.insert_many(
        [
            dict(campaign=campaign, phone="+393499999999", text="x", transaction_id=f"t{i}",
                 # several messages share a second, as they do in a campaign
                 queued_at=start + timedelta(seconds=i // 7))
            for i in range(n)
        ]
    ).execute()


def test_pages_of_clients_hold_every_client_once_in_code_order():
    Client.insert_many([dict(code=f"{i:07d}", name=f"C{i}") for i in range(1, 254)]).execute()
    pager = clients_pager()
    forward = [c.code for c in walk_forward(pager, 20)]
    assert forward == [f"{i:07d}" for i in range(1, 254)]
    assert [c.code for c in walk_backward(pager, 20)] == forward
    assert pager.count() == 253


def test_newest_first_on_a_key_of_two_columns_with_ties():
    make_messages(137)
    pager = KeysetPager(Message.select(), [Message.queued_at, Message.id], descending=True)
    forward = [m.id for m in walk_forward(pager, 10)]
    expected = [m.id for m in Message.select().order_by(Message.queued_at.desc(), Message.id.desc())]
    assert forward == expected
    assert [m.id for m in walk_backward(pager, 9)] == expected


def test_after_inclusive_starts_at_the_row_itself():
    Client.insert_many([dict(code=f"{i:07d}", name=f"C{i}") for i in range(1, 11)]).execute()
    pager = clients_pager()
    page = pager.after(("0000004",), 3, inclusive=True)
    assert [c.code for c in page.rows] == ["0000004", "0000005", "0000006"]
    assert not page.at_end


def test_search_finds_every_word_anywhere_and_escapes_wildcards():
    Client.create(code="1", name="ROSSI MARIO", city="Verona")
    Client.create(code="2", name="PROSPERI ANNA", city="Roma")
    Client.create(code="3", name="BIANCHI 100%", city="Milano")
    assert [c.name for c in clients_pager("ros").first(10).rows] == ["ROSSI MARIO", "PROSPERI ANNA"]
    assert [c.name for c in clients_pager("ros verona").first(10).rows] == ["ROSSI MARIO"]
    assert [c.name for c in clients_pager("100%").first(10).rows] == ["BIANCHI 100%"]
    assert clients_pager("_").first(10).rows == []


def test_a_list_pager_walks_rows_in_memory_like_a_query():
    from pegaso_tui.db.paging import ListPager

    rows = [f"r{i}" for i in range(57)]
    pager = ListPager(rows)
    assert walk_forward(pager, 10) == rows
    assert walk_backward(pager, 8) == rows
    assert pager.count() == 57
    assert pager.after((3,), 2, inclusive=True).rows == ["r3", "r4"]
