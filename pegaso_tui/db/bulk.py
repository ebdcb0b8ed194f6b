"""Bulk writes: many rows in few statements, for imports and demo data.

Building an INSERT of thousands of rows through peewee's query builder costs more than the
database's own work, so big writes go through the DB-API cursor with plain tuples:
``executemany`` on SQLite (one prepared statement, stepped per row) and psycopg2's
``execute_values`` on PostgreSQL (a page of rows per round trip). Values are Python values
(str, int, bool, Decimal, date, datetime, None): peewee registers the SQLite adapters for
dates and decimals, and psycopg2 adapts them natively. Call inside a transaction.
"""

from __future__ import annotations

from itertools import islice
from typing import Iterable, Sequence

from peewee import Model, SqliteDatabase
from peewee import __exception_wrapper__ as driver_errors  # the drivers' errors as peewee's

from pegaso_tui.db.models import database_proxy

#: Rows per round trip on PostgreSQL.
PG_PAGE_SIZE = 1000
#: Rows per statement on SQLite (fewer when they would pass its 32,766 parameters).
SQLITE_ROWS = 500


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def columns_of(model: type[Model], names: Sequence[str]) -> list[str]:
    """The column names behind field names (``client`` -> ``client_id``)."""
    fields = model._meta.fields
    return [fields[name].column_name for name in names]


def insert_rows(
    model: type[Model],
    fields: Sequence[str],
    rows: Iterable[Sequence],
    *,
    conflict: str | None = None,
    update: Sequence[str] = (),
) -> None:
    """INSERT ``rows`` (tuples in the order of ``fields``) into ``model``'s table.

    With ``conflict`` (a unique field) and ``update`` (fields), a row whose ``conflict``
    value exists updates those fields instead: the upsert of both SQLite and PostgreSQL.
    """
    db = database_proxy.obj
    table = _quote(model._meta.table_name)
    columns = ", ".join(_quote(c) for c in columns_of(model, fields))
    suffix = ""
    if conflict:
        target = _quote(columns_of(model, [conflict])[0])
        assignments = ", ".join(
            f"{_quote(c)} = excluded.{_quote(c)}" for c in columns_of(model, update)
        )
        suffix = f" ON CONFLICT ({target}) DO UPDATE SET {assignments}" if assignments else (
            f" ON CONFLICT ({target}) DO NOTHING"
        )
    cursor = db.cursor()
    with driver_errors:  # IntegrityError & co. as peewee raises them everywhere else
        if isinstance(db, SqliteDatabase):
            _insert_sqlite(cursor, f"INSERT INTO {table} ({columns}) VALUES ", suffix, len(fields), rows)
        else:
            from psycopg2.extras import execute_values

            execute_values(
                cursor,
                f"INSERT INTO {table} ({columns}) VALUES %s{suffix}",
                rows,
                page_size=PG_PAGE_SIZE,
            )


def _insert_sqlite(cursor, head: str, suffix: str, width: int, rows: Iterable[Sequence]) -> None:
    """SQLite: up to ``SQLITE_ROWS`` rows per INSERT statement.

    Not ``executemany``, which runs the statement once per row: each run ends a statement,
    and the clients' full-text indexes (their triggers write FTS5 tables) write what they
    gathered at the end of every statement. One statement per row made each index cost three
    times its work (issue 17: importing 100,000 clients); per 500 rows, the indexes cost
    about what they must.
    """
    per = max(1, min(SQLITE_ROWS, 32766 // max(width, 1)))
    one = "(" + ", ".join("?" * width) + ")"
    full = head + ", ".join([one] * per) + suffix
    it = iter(rows)
    while True:
        part = list(islice(it, per))
        if not part:
            return
        sql = full if len(part) == per else head + ", ".join([one] * len(part)) + suffix
        cursor.execute(sql, [value for row in part for value in row])
