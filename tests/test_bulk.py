"""Bulk writes (``db/bulk.py``): every row written, in order, through the clients' indexes, on
both backends, however the rows fall into statements."""

from __future__ import annotations

import pytest

from pegaso_tui.db import bulk
from pegaso_tui.db.bulk import insert_rows
from pegaso_tui.db.clients import clients_pager
from pegaso_tui.db.models import Client, database_proxy
from tests.factories import make_client

FIELDS = ("code", "name", "first_name", "last_name", "kind", "search_text")


def _rows(codes, name="ROSSI"):
    return [(code, f"{name} {code}", "", "", "person", f"{code} {name.lower()} {code}") for code in codes]


def _defaults() -> tuple[list[str], tuple]:
    """The rows' fields, completed with the defaults of the client's other required fields."""
    fields = list(FIELDS)
    extra = []
    for field in Client._meta.sorted_fields:
        if field.name in fields or field.name == "id" or field.null:
            continue
        default = field.default() if callable(field.default) else field.default
        fields.append(field.name)
        extra.append(default)
    return fields, tuple(extra)


@pytest.mark.parametrize("per_statement", [500, 7], ids=["default", "seven"])
def test_rows_in_several_statements_are_all_written_and_indexed(any_db, monkeypatch, per_statement):
    monkeypatch.setattr(bulk, "SQLITE_ROWS", per_statement)
    fields, extra = _defaults()
    codes = [f"{i:07d}" for i in range(1, 1235)]  # not a multiple of any statement's rows
    with database_proxy.atomic():
        insert_rows(Client, fields, (row + extra for row in _rows(codes)))  # a generator
    assert [c for (c,) in Client.select(Client.code).order_by(Client.id).tuples()] == codes
    assert clients_pager("rossi").count() == len(codes)
    assert clients_pager("qx").count() == 0
    assert [c.code for c in clients_pager("0001234").first(10).rows] == ["0001234"]


def test_an_upsert_updates_rows_written_before_and_in_the_same_statement(any_db):
    make_client("0000001", name="VECCHIO")
    fields, extra = _defaults()
    rows = _rows(["0000001", "0000002"], name="NUOVO")
    if "sqlite" in type(any_db).__name__.lower():
        # PostgreSQL refuses a key twice in one statement (the importer then writes row by
        # row); SQLite updates the row the statement has just written
        rows += _rows(["0000002"], name="QXENIA")
    with database_proxy.atomic():
        insert_rows(Client, fields, [row + extra for row in rows], conflict="code",
                    update=["name", "search_text"])
    second = "QXENIA" if len(rows) == 3 else "NUOVO"
    assert dict(Client.select(Client.code, Client.name).tuples()) == {
        "0000001": "NUOVO 0000001", "0000002": f"{second} 0000002"}
    # the indexes follow the last write of each client
    assert [c.code for c in clients_pager("nuovo").first(10).rows] == (
        ["0000001"] if second == "QXENIA" else ["0000001", "0000002"])
    assert clients_pager("qx").count() == (1 if second == "QXENIA" else 0)
    assert clients_pager("vecchio").count() == 0
