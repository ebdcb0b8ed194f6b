"""Messages counted per day and status, kept by the database itself.

The control panel asks "how many SMS in this range", "how many sent and delivered each day"
and "how many parts were paid for". On a million messages each answer was a scan of them.
The table ``message_day_count`` (model ``MessageDayCount``) holds one row per queue day and
status with the number of messages and the sum of their parts, so each answer is a sum over
at most a few hundred rows.

Database triggers keep it, not Python: every insert, status change and delete of a message
changes the counts in the same statement's transaction, whichever code path (the outbox, a
campaign, a cancel, a cascade from a deleted campaign, a hand-written SQL) did it. So the
counts can never drift from the messages while a transaction commits or rolls back.

- SQLite: row triggers, each an UPSERT on the ``(day, status)`` row. A campaign (and the
  demo data) inserts its rows inside ``counted_in_bulk``, which counts them with one grouped
  UPSERT in the same transaction instead.
- PostgreSQL: statement triggers over the transition tables, so queuing 100,000 messages
  in one INSERT is one grouped UPSERT, not 100,000. Rows are upserted in key order, so two
  transactions touching the same days take their row locks in the same order (no deadlock).

The day is the date of ``queued_at`` as stored (local time), as the list's date range is.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterator

from peewee import Case, Database, PostgresqlDatabase, fn

from pegaso_tui.db.messages import ACCEPTED
from pegaso_tui.db.models import DELIVERED, QUEUED, SENDING, MessageDayCount

_SQLITE_TRIGGERS = (
    """
    CREATE TRIGGER IF NOT EXISTS message_day_count_insert AFTER INSERT ON message
    BEGIN
        INSERT INTO message_day_count (day, status, messages, parts)
        VALUES (date(NEW.queued_at), NEW.status, 1, NEW.segments)
        ON CONFLICT (day, status) DO UPDATE
        SET messages = messages + 1, parts = parts + excluded.parts;
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS message_day_count_delete AFTER DELETE ON message
    BEGIN
        UPDATE message_day_count SET messages = messages - 1, parts = parts - OLD.segments
        WHERE day = date(OLD.queued_at) AND status = OLD.status;
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS message_day_count_update
    AFTER UPDATE OF status, queued_at, segments ON message
    WHEN OLD.status IS NOT NEW.status OR OLD.queued_at IS NOT NEW.queued_at
         OR OLD.segments IS NOT NEW.segments
    BEGIN
        UPDATE message_day_count SET messages = messages - 1, parts = parts - OLD.segments
        WHERE day = date(OLD.queued_at) AND status = OLD.status;
        INSERT INTO message_day_count (day, status, messages, parts)
        VALUES (date(NEW.queued_at), NEW.status, 1, NEW.segments)
        ON CONFLICT (day, status) DO UPDATE
        SET messages = messages + 1, parts = parts + excluded.parts;
    END
    """,
)

# One grouped UPSERT of the changes of a statement; ``{changes}`` is a SELECT of
# (day, status, messages, parts) deltas. Zero deltas (a lease renewed, a text fixed) are
# dropped; the ORDER BY makes every transaction lock the rows in the same order.
_PG_APPLY = """
    INSERT INTO message_day_count (day, status, messages, parts)
    SELECT day, status, SUM(messages), SUM(parts) FROM ({changes}) AS changes
    GROUP BY day, status
    HAVING SUM(messages) <> 0 OR SUM(parts) <> 0
    ORDER BY day, status
    ON CONFLICT (day, status) DO UPDATE
    SET messages = message_day_count.messages + EXCLUDED.messages,
        parts = message_day_count.parts + EXCLUDED.parts;
"""
_PG_NEW = "SELECT queued_at::date AS day, status, 1 AS messages, segments AS parts FROM new_rows"
_PG_OLD = "SELECT queued_at::date AS day, status, -1 AS messages, -segments AS parts FROM old_rows"

_PG_FUNCTIONS = {
    "insert": _PG_APPLY.format(changes=_PG_NEW),
    "delete": _PG_APPLY.format(changes=_PG_OLD),
    "update": _PG_APPLY.format(changes=f"{_PG_NEW} UNION ALL {_PG_OLD}"),
}
_PG_REFERENCING = {
    "insert": "REFERENCING NEW TABLE AS new_rows",
    "delete": "REFERENCING OLD TABLE AS old_rows",
    "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
}


_SQLITE_INSERT_TRIGGER = _SQLITE_TRIGGERS[0]


@contextmanager
def counted_in_bulk(db: Database) -> Iterator[None]:
    """Insert many messages at once, counted by one grouped UPSERT instead of one per row.

    Inside an open transaction: on SQLite the row trigger on INSERT is dropped for the
    ``with`` block and created again after it, and the messages the block inserted (those
    past the highest id before it) are counted then. The trigger's UPSERT per row was a
    third of queuing 100,000 SMS (issue 17).

    Why it cannot let a message slip by uncounted: DDL is transactional in SQLite, so a crash
    or an error rolls the DROP back with the rows; and the DROP takes the write lock, which
    this transaction keeps to the commit, so no other connection inserts in between (nor ever
    sees the table without its trigger). PostgreSQL's triggers are per statement already:
    nothing to do there.
    """
    if isinstance(db, PostgresqlDatabase):
        yield
        return
    if not db.in_transaction():
        raise RuntimeError("counted_in_bulk needs an open transaction")
    db.execute_sql("DROP TRIGGER IF EXISTS message_day_count_insert")
    # read after the DROP, which took the write lock: every id past it is this block's
    (last,) = db.execute_sql("SELECT COALESCE(MAX(id), 0) FROM message").fetchone()
    try:
        yield
    finally:
        # also after an error: should the caller catch it and commit what was inserted, the
        # counts still match the messages and the trigger is back
        db.execute_sql(
            "INSERT INTO message_day_count (day, status, messages, parts) "
            "SELECT date(queued_at), status, COUNT(*), COALESCE(SUM(segments), 0) FROM message "
            "WHERE id > ? GROUP BY 1, 2 ON CONFLICT (day, status) DO UPDATE "
            "SET messages = messages + excluded.messages, parts = parts + excluded.parts",
            (last,),
        )
        db.execute_sql(_SQLITE_INSERT_TRIGGER)


def install_message_counts(db: Database) -> None:
    """Create the triggers that keep ``message_day_count`` (the table must exist).

    Idempotent: called for a new database and by the upgrade to schema 6.
    """
    if not isinstance(db, PostgresqlDatabase):
        for statement in _SQLITE_TRIGGERS:
            db.execute_sql(statement)
        return
    for event, body in _PG_FUNCTIONS.items():
        db.execute_sql(
            f"CREATE OR REPLACE FUNCTION message_day_count_{event}() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN {body} RETURN NULL; END $$"
        )
        db.execute_sql(f"DROP TRIGGER IF EXISTS message_day_count_{event} ON message")
        db.execute_sql(
            f"CREATE TRIGGER message_day_count_{event} AFTER {event.upper()} ON message "
            f"{_PG_REFERENCING[event]} FOR EACH STATEMENT "
            f"EXECUTE FUNCTION message_day_count_{event}()"
        )
    # TRUNCATE skips row and statement triggers of DELETE: empty the counts with it
    db.execute_sql(
        "CREATE OR REPLACE FUNCTION message_day_count_truncate() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN DELETE FROM message_day_count; RETURN NULL; END $$"
    )
    db.execute_sql("DROP TRIGGER IF EXISTS message_day_count_truncate ON message")
    db.execute_sql(
        "CREATE TRIGGER message_day_count_truncate AFTER TRUNCATE ON message "
        "FOR EACH STATEMENT EXECUTE FUNCTION message_day_count_truncate()"
    )


def rebuild_message_counts(db: Database) -> None:
    """Count every message again into ``message_day_count`` (the upgrade's backfill; also a
    repair). Run it in a transaction with the triggers in place, so nothing slips between."""
    day = "queued_at::date" if isinstance(db, PostgresqlDatabase) else "date(queued_at)"
    db.execute_sql("DELETE FROM message_day_count")
    db.execute_sql(
        "INSERT INTO message_day_count (day, status, messages, parts) "
        f"SELECT {day}, status, COUNT(*), COALESCE(SUM(segments), 0) FROM message "
        f"GROUP BY {day}, status"
    )


def _in_days(query, start: date | None, end: date | None):
    if start is not None:
        query = query.where(MessageDayCount.day >= start)
    if end is not None:
        query = query.where(MessageDayCount.day <= end)
    return query


def count_messages(start: date | None = None, end: date | None = None) -> int:
    """How many messages were queued from ``start`` to ``end`` (inclusive days; open ends
    when None): the control panel's "riga N di M"."""
    query = _in_days(MessageDayCount.select(fn.COALESCE(fn.SUM(MessageDayCount.messages), 0)), start, end)
    return int(query.scalar() or 0)


@dataclass(frozen=True)
class DayCount:
    """SMS sent on a day, and how many of them were delivered."""

    day: date
    sent: int
    delivered: int


def _as_date(value) -> date:
    # SQLite gives text, PostgreSQL a date; peewee may turn either into a datetime
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def daily_counts(start: date, end: date) -> list[DayCount]:
    """SMS handed to the gateway per day from ``start`` to ``end``, and how many of them were
    delivered (every day listed, zeros included): the control panel's chart.

    Days are those of ``queued_at``, as the panel's list: a message is sent within moments of
    being queued.
    """
    if end < start:
        raise ValueError("l'intervallo termina prima di iniziare")
    counts = MessageDayCount.messages
    rows = _in_days(
        MessageDayCount.select(
            MessageDayCount.day,
            fn.SUM(Case(None, [(MessageDayCount.status.in_(ACCEPTED), counts)], 0)),
            fn.SUM(Case(None, [(MessageDayCount.status == DELIVERED, counts)], 0)),
        ),
        start,
        end,
    ).group_by(MessageDayCount.day).tuples()
    found = {_as_date(day): (int(sent or 0), int(delivered or 0)) for day, sent, delivered in rows}
    days = []
    current = start
    while current <= end:
        sent, delivered = found.get(current, (0, 0))
        days.append(DayCount(current, sent, delivered))
        current += timedelta(days=1)
    return days


@dataclass(frozen=True)
class SmsTotals:
    """The SMS this agency has had accepted by the gateway (in parts: what it paid for), and
    those still waiting to be sent."""

    sent_parts: int
    waiting: int


def sms_totals() -> SmsTotals:
    """"SMS inviati" of the control panel, and the messages still in the queue."""
    rows = (
        MessageDayCount.select(
            MessageDayCount.status, fn.SUM(MessageDayCount.messages), fn.SUM(MessageDayCount.parts)
        )
        .group_by(MessageDayCount.status)
        .tuples()
    )
    sent = waiting = 0
    for status, messages, parts in rows:
        if status in ACCEPTED:
            sent += int(parts or 0)
        elif status in (QUEUED, SENDING):
            waiting += int(messages or 0)
    return SmsTotals(sent, waiting)
