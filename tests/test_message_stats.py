"""The messages counted per day and status (schema 6): kept by the database on every write, so
the control panel's count, chart and totals equal a direct COUNT of the messages."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from peewee import fn

from pegaso_tui.db.message_stats import count_messages, daily_counts, sms_totals
from pegaso_tui.db.messages import ACCEPTED, messages_pager
from pegaso_tui.db.models import (
    DELIVERED,
    FAILED,
    QUEUED,
    SENDING,
    Campaign,
    Message,
    MessageDayCount,
    SchemaInfo,
    database_proxy,
)
from pegaso_tui.db.schema import SCHEMA_VERSION, schema_version
from pegaso_tui.dates import DateRange
from tests.outboxutil import queue_numbers, sender_for


def direct_counts() -> dict[tuple[date, str], tuple[int, int]]:
    """(day, status) -> (messages, parts), counted from the messages themselves."""
    found: dict[tuple[date, str], list[int]] = {}
    for queued_at, status, segments in Message.select(Message.queued_at, Message.status, Message.segments).tuples():
        entry = found.setdefault((_day(queued_at), status), [0, 0])
        entry[0] += 1
        entry[1] += segments
    return {key: tuple(value) for key, value in found.items()}


def kept_counts() -> dict[tuple[date, str], tuple[int, int]]:
    """The same, from the table the triggers keep (rows counted down to zero left out)."""
    return {
        (_day(day), status): (messages, parts)
        for day, status, messages, parts in MessageDayCount.select(
            MessageDayCount.day, MessageDayCount.status, MessageDayCount.messages, MessageDayCount.parts
        ).tuples()
        if messages or parts
    }


def _day(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _move_to(days_ago: int, ids) -> None:
    """Move messages back in time (a campaign of another day)."""
    when = datetime.now().replace(microsecond=0) - timedelta(days=days_ago)
    Message.update(queued_at=when).where(Message.id.in_(list(ids))).execute()


def test_counts_equal_a_direct_count_after_a_real_sender_run(any_db, sandbox):
    server = sandbox(deliver_after_ms=20, undeliverable_suffix="99")
    queue_numbers(40, undeliverable_every=5)
    _move_to(3, range(1, 11))  # some of them queued three days ago
    queue_numbers(7, text="Un testo lungo " * 12)  # two parts each, left in the queue
    assert kept_counts() == direct_counts()

    report = sender_for(server).run(until_idle=True)
    assert report.ended == "idle"
    statuses = {s for (_, s) in kept_counts()}
    assert DELIVERED in statuses and "undelivered" in statuses
    assert kept_counts() == direct_counts()

    today = date.today()
    # what the panel shows: the list's count, the chart and the account's totals
    assert messages_pager(dates=DateRange(today, today)).count() == Message.select().where(
        Message.queued_at >= datetime.combine(today, datetime.min.time())).count()
    assert messages_pager(dates=DateRange(today - timedelta(days=30), today)).count() == Message.select().count()
    assert count_messages() == Message.select().count()
    chart = {d.day: d for d in daily_counts(today - timedelta(days=4), today)}
    assert chart[today - timedelta(days=3)].sent == 10
    assert chart[today].sent == 30 + 7
    assert sum(d.delivered for d in chart.values()) == Message.select().where(Message.status == DELIVERED).count()
    totals = sms_totals()
    assert totals.waiting == 0
    assert totals.sent_parts == Message.select(fn.SUM(Message.segments)).where(Message.status.in_(ACCEPTED)).scalar()


def test_counts_follow_every_kind_of_write_and_a_rollback(any_db):
    campaign = queue_numbers(12)
    queue_numbers(3)
    ids = [m.id for m in Message.select(Message.id).order_by(Message.id)]
    Message.update(status=SENDING).where(Message.id.in_(ids[:4])).execute()
    Message.update(status=FAILED, segments=2).where(Message.id == ids[0]).execute()
    Message.update(lease_owner="me").where(Message.id.in_(ids)).execute()  # no status change
    _move_to(40, ids[4:6])
    Message.delete().where(Message.id == ids[6]).execute()
    assert kept_counts() == direct_counts()

    before = kept_counts()
    try:
        with database_proxy.atomic():
            Message.update(status=DELIVERED).execute()
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    assert kept_counts() == before == direct_counts()

    # a deleted campaign takes its messages with it (ON DELETE CASCADE): the counts follow
    Campaign.delete().where(Campaign.id == campaign.id).execute()
    assert kept_counts() == direct_counts()
    assert sms_totals().waiting == Message.select().where(Message.status.in_([QUEUED, SENDING])).count() == 3


def test_an_older_database_is_counted_when_it_is_upgraded(any_url):
    from pegaso_tui.db.connection import close_database, open_database

    db = open_database(any_url)
    queue_numbers(9)
    _move_to(2, [1, 2])
    Message.update(status=DELIVERED).where(Message.id.in_([2, 3])).execute()
    # as schema 5 left it: messages, and no table of counts yet
    MessageDayCount.drop_table()
    SchemaInfo.update(version=5).execute()
    close_database()

    db = open_database(any_url)
    assert schema_version(db) == SCHEMA_VERSION
    assert kept_counts() == direct_counts()
    assert count_messages() == 9
    queue_numbers(2)  # and the triggers keep it from then on
    assert kept_counts() == direct_counts()


def _insert_one_message(campaign_id: int, tid: str) -> None:
    """A message written by hand, as another program (or an older version) would."""
    Message.insert(campaign=campaign_id, phone="+393490000000", sender="AGENZIA", text="ciao",
                   encoding="GSM-7", segments=1, status=QUEUED, transaction_id=tid,
                   queued_at=datetime.now().replace(microsecond=0)).execute()


def test_a_campaign_queued_in_bulk_is_counted_and_later_writes_are_counted_too(any_db):
    # queue_campaign counts its rows in one grouped UPSERT (issue 17): the same counts as
    # the row trigger, which is back for whatever is written next
    campaign = queue_numbers(30)
    _move_to(3, [m.id for m in Message.select(Message.id).limit(10)])
    queue_numbers(5)
    assert kept_counts() == direct_counts()
    assert count_messages(date.today(), date.today()) == 25
    _insert_one_message(campaign.id, "by-hand-1")
    assert kept_counts() == direct_counts()


def test_a_bulk_insert_that_fails_half_way_leaves_the_counts_right_whatever_the_caller_does(db):
    # SQLite only: there the trigger is dropped for the block (and PostgreSQL cannot commit a
    # transaction after an error anyway)
    from pegaso_tui.db.message_stats import counted_in_bulk

    campaign = queue_numbers(2)
    db = database_proxy.obj
    # the caller catches the error and commits what was written before it
    with db.atomic():
        try:
            with counted_in_bulk(db):
                _insert_one_message(campaign.id, "half-way-1")
                _insert_one_message(campaign.id, "half-way-1")  # the same id: refused
        except Exception:
            pass
    assert Message.select().count() == 3
    assert kept_counts() == direct_counts()
    # and a rolled-back one leaves nothing, the trigger in place
    try:
        with db.atomic():
            with counted_in_bulk(db):
                _insert_one_message(campaign.id, "rolled-back")
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    _insert_one_message(campaign.id, "after")
    assert Message.select().count() == 4
    assert kept_counts() == direct_counts()
