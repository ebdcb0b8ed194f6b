"""Search words of one or two letters through the clients' index of letter pairs (schema 8,
SQLite): exactly the clients a LIKE of every word finds, in code order, through every kind of
write, and counted without reading the clients."""

from __future__ import annotations

import random
import sqlite3

import pytest

from pegaso_tui.db import search
from pegaso_tui.db.clients import clients_pager
from pegaso_tui.db.connection import close_database, open_database
from pegaso_tui.db.models import Client, SchemaInfo
from pegaso_tui.db.schema import SCHEMA_VERSION, schema_version
from tests.factories import make_client
from tests.test_client_fulltext import _expected
from tests.test_client_fulltext import _found as found

#: Letters, digits, what mobiles and e-mails hold, LIKE's own wildcards, a quote, accented
#: letters (two bytes in UTF-8), an upper-case one and a space.
ALPHABET = "arozqx3+@.è'%_ÈéR "


def _found(text: str) -> tuple[list[str], int]:
    return found(text, page=500)


def _every_short_word() -> list[str]:
    letters = ALPHABET.replace(" ", "").lower()
    return sorted(set(letters) | {a + b for a in letters for b in letters})


@pytest.mark.parametrize("broad", [2000, 1], ids=["few-matches", "many-matches"])
def test_every_short_word_finds_what_like_finds(db, monkeypatch, broad):
    monkeypatch.setattr(search, "BROAD", broad)  # both ways to the first page
    rnd = random.Random(8)
    for i in range(1, 201):
        text = "".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(0, 12)))
        make_client(f"{i:07d}", name="X")
        Client.update(search_text=text).where(Client.code == f"{i:07d}").execute()
    for word in _every_short_word() + ["r o", "zq a", "è x"]:
        expected = _expected(word)
        assert _found(word) == (expected, len(expected)), word
    assert _found("qx") == (_expected("qx"), len(_expected("qx")))


def _shell(db_url: str, sql: str, *params) -> None:
    """A write by another program (the ``sqlite3`` shell): no application function there."""
    connection = sqlite3.connect(db_url)
    with connection:
        connection.execute(sql, params)
    connection.close()


def _copy_by_hand(db_url: str, code: str, new_code: str, text: str) -> None:
    """A client written by the shell: a copy of ``code``'s row with its own code and text."""
    connection = sqlite3.connect(db_url)
    connection.row_factory = sqlite3.Row
    row = dict(connection.execute("SELECT * FROM client WHERE code = ?", (code,)).fetchone())
    connection.close()
    row.update(id=None, code=new_code, search_text=text)
    names = ", ".join(row)
    _shell(db_url, f"INSERT INTO client ({names}) VALUES ({', '.join('?' * len(row))})", *row.values())


def follows_the_apps_writes() -> None:
    """Clients written by the app are found by a short word, and no more once renamed
    (``0000001``, ROSSI MARIO of VERONA, is left for the caller's writes by hand)."""
    make_client("0000001", name="ROSSI MARIO", city="VERONA")
    make_client("0000002", name="QXENIA", city="ROMA")
    assert _found("qx") == (["0000002"], 1)
    qxenia = Client.get(Client.code == "0000002")
    qxenia.name = "XENIA"
    qxenia.save()
    assert _found("qx") == ([], 0)


def test_the_index_follows_writes_by_the_app_and_by_hand(db, db_url):
    follows_the_apps_writes()
    # by hand, and in capitals, as LIKE would still find it
    _copy_by_hand(db_url, "0000001", "0000003", "AQXB É")
    assert _found("qx") == (["0000003"], 1)
    assert _found("q b") == (["0000003"], 1)
    _shell(db_url, "UPDATE client SET search_text = 'nothing' WHERE code = '0000003'")
    assert _found("qx") == ([], 0)
    _shell(db_url, "DELETE FROM client WHERE code = '0000001'")
    assert _found("ve") == ([], 0)
    assert _found("o") == (["0000002", "0000003"], 2)


def test_a_short_word_is_counted_from_the_index_without_reading_the_clients(db):
    for i in range(1, 6):
        make_client(f"{i:07d}", name=f"ROSSI {i}")
    statements: list[str] = []
    db.connection().set_trace_callback(statements.append)
    try:
        assert clients_pager("ro").count() == 5
        assert clients_pager("qx").count() == 0
    finally:
        db.connection().set_trace_callback(None)
    assert statements, "nothing was asked of the database"
    assert not [s for s in statements if '"client"' in s], statements


def test_an_older_database_gets_its_clients_indexed_when_upgraded(db_url):
    db = open_database(db_url)
    make_client("0000001", name="QXENIA", city="ROMA")
    # as schema 7 left it: no index of letter pairs
    for name in ("insert", "delete", "update"):
        db.execute_sql(f"DROP TRIGGER client_pairs_{name}")
    db.execute_sql("DROP TABLE client_pairs")
    SchemaInfo.update(version=7).execute()
    close_database()

    db = open_database(db_url)
    try:
        assert schema_version(db) == SCHEMA_VERSION
        assert _found("qx") == (["0000001"], 1)
        make_client("0000002", name="AQX")
        assert _found("qx") == (["0000001", "0000002"], 2)
    finally:
        close_database()


def test_the_search_text_the_app_writes_is_found_by_its_short_words(db):
    make_client("0000001", name="D'ANGELO ÈVA", mobile="+39 347 1234567", email="eva.d@example.it")
    assert "èva" in Client.get().search_text
    for word in ("d'", "'a", "è", "èv", "+3", "@e", "t", "it", "67"):
        assert _found(word) == (["0000001"], 1), word
