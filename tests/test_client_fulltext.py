"""The registry search through the clients' trigram index (schema 6): the same clients, in the
same order and the same count, as a plain LIKE of every word, through every write."""

from __future__ import annotations

import pytest

from pegaso_tui.db import search
from pegaso_tui.db.clients import clients_pager
from pegaso_tui.db.models import Client, SchemaInfo
from pegaso_tui.db.schema import SCHEMA_VERSION, schema_version
from pegaso_tui.db.search import contains_all
from tests.factories import make_client

SEARCHES = ["ros", "rossi", "ROSSI verona", "ver", "34", "3471", "r", "ro zz", "zzzz", "o'ne",
            'il "vero"', "a_b", "50%", "ve rona", "mario 3471", "rossi ve"]


def _people() -> None:
    make_client("0000001", name="ROSSI MARIO", first_name="Mario", last_name="Rossi", city="VERONA",
                mobile="347 111 2222")
    make_client("0000002", name="ROSSINI ANNA", first_name="Anna", last_name="Rossini", city="ROMA",
                mobile="347 123 4567")
    make_client("0000003", name="VERDI PAOLO", first_name="Paolo", last_name="Verdi", city="ROVERETO")
    make_client("0000004", name="O'NEIL JOHN", first_name="John", last_name="O'Neil", city="VERONA",
                email="a_b@example.it")
    make_client("0000005", name='BAR "IL VERO" 50%', kind="company", city="BOLOGNA")
    make_client("0000006", name="GROSSI LUCA", first_name="Luca", last_name="Grossi", city="VERONA",
                mobile="347 100 0000")


def _expected(text: str) -> list[str]:
    condition = contains_all(Client.search_text, text)
    query = Client.select(Client.code).order_by(Client.code)
    if condition is not None:
        query = query.where(condition)
    return [code for (code,) in query.tuples()]


def _found(text: str, page: int = 100) -> tuple[list[str], int]:
    pager = clients_pager(text)
    return [c.code for c in pager.first(page).rows], pager.count()


@pytest.mark.parametrize("broad", [2000, 1], ids=["few-matches", "many-matches"])
def test_the_index_finds_what_like_finds_in_code_order(any_db, monkeypatch, broad):
    monkeypatch.setattr(search, "BROAD", broad)  # both ways to the first page
    _people()
    for text in SEARCHES:
        expected = _expected(text)
        assert _found(text) == (expected, len(expected)), text
    assert _found("rossi") == (["0000001", "0000002", "0000006"], 3)


def test_the_index_follows_edits_and_deletes(any_db):
    _people()
    mario = Client.get(Client.code == "0000001")
    mario.city = "TRENTO"
    mario.save()
    Client.delete().where(Client.code == "0000002").execute()
    make_client("0000007", name="ROSSI LUIGI", first_name="Luigi", last_name="Rossi", city="VERONA")
    assert _found("rossi verona") == (["0000006", "0000007"], 2)
    assert _found("trento") == (["0000001"], 1)
    assert _found("rossini") == ([], 0)


def test_pages_after_the_first_follow_the_index_too(any_db, monkeypatch):
    monkeypatch.setattr(search, "BROAD", 2000)
    for i in range(1, 31):
        make_client(f"{i:07d}", name=f"CLIENTE {i}", city="VERONA" if i % 3 else "ROMA")
    pager = clients_pager("verona")
    first = pager.first(5)
    following = pager.after(pager.key_of(first.rows[-1]), 100)
    codes = [c.code for c in first.rows + following.rows]
    assert codes == _expected("verona") and len(codes) == 20 and following.at_end


def test_an_older_database_gets_its_clients_indexed_when_upgraded(any_url):
    from pegaso_tui.db.connection import close_database, open_database

    db = open_database(any_url)
    _people()
    if "sqlite" in type(db).__name__.lower():
        # as schema 5 left it: no full-text index
        for name in ("client_fts_insert", "client_fts_delete", "client_fts_update"):
            db.execute_sql(f"DROP TRIGGER {name}")
        db.execute_sql("DROP TABLE client_fts")
    SchemaInfo.update(version=5).execute()
    close_database()

    db = open_database(any_url)
    assert schema_version(db) == SCHEMA_VERSION
    assert _found("rossi verona") == (["0000001", "0000006"], 2)
    assert _found("vero") == (_expected("vero"), len(_expected("vero")))
