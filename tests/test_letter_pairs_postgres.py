"""Search words of one or two letters on PostgreSQL through the clients' index of letter pairs
(schema 9): the same clients as a LIKE of every word, the index really usable by the search's
own query, common words kept away from it, and an older database upgraded."""

from __future__ import annotations

import random

import pytest

from pegaso_tui.db import letter_pairs, pair_counts
from pegaso_tui.db.clients import clients_pager
from pegaso_tui.db.connection import close_database, open_database
from pegaso_tui.db.models import Client, SchemaInfo
from pegaso_tui.db.schema import SCHEMA_VERSION, schema_version
from tests.factories import make_client
from tests.test_client_fulltext import _expected
from tests.test_client_fulltext import _found as found
from tests.test_letter_pairs import ALPHABET, _every_short_word, follows_the_apps_writes

pytestmark = pytest.mark.postgres


def _found(text: str) -> tuple[list[str], int]:
    return found(text, page=500)


def _random_clients(count: int) -> None:
    rnd = random.Random(9)
    for i in range(1, count + 1):
        text = "".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(0, 12)))
        make_client(f"{i:07d}", name="X")
        Client.update(search_text=text).where(Client.code == f"{i:07d}").execute()


def _uses_pairs(text: str) -> bool:
    sql, _ = clients_pager(text).query.sql()
    return letter_pairs.PG_FUNCTION in sql


@pytest.mark.parametrize("few_min", [10**9, 0], ids=["through-the-index", "through-like"])
def test_every_short_word_finds_what_like_finds(pg_db, monkeypatch, few_min):
    monkeypatch.setattr(letter_pairs, "FEW_MIN", few_min)
    monkeypatch.setattr(letter_pairs, "FEW_SHARE", 0.0 if few_min == 0 else 1.0)
    _random_clients(150)
    pg_db.execute_sql("ANALYZE client")
    for word in _every_short_word() + ["r o", "zq a", "è x", "ro zzz", "%", "_"]:
        expected = _expected(word)
        assert _found(word) == (expected, len(expected)), word
    # the two ways were really taken
    assert _uses_pairs("qx") is (few_min > 0)


def test_the_search_query_can_use_the_index_of_pairs(pg_db):
    """The expression and collation of the search's condition are the index's: otherwise the
    index is built, kept, and never read."""
    make_client("0000001", name="QXENIA")
    # enough clients for the planner to prefer an index to reading them all
    Client.insert_many(
        [{"code": f"{i:07d}", "name": "ROSSI MARIO", "search_text": f"rossi mario verona {i}"}
         for i in range(2, 5001)]
    ).execute()
    pg_db.execute_sql("ANALYZE client")
    pager = clients_pager("qx")
    assert _uses_pairs("qx")
    for query in (pager.query.order_by(Client.code).limit(100), pager.query.select(Client.id)):
        sql, params = query.sql()
        plan = "\n".join(row[0] for row in pg_db.execute_sql("EXPLAIN " + sql, params).fetchall())
        assert letter_pairs.PG_INDEX in plan, plan
    assert _found("qx") == (["0000001"], 1)


def test_a_word_most_clients_hold_is_not_looked_up_in_the_index(pg_db, monkeypatch):
    """Computing the pairs of every client takes seconds on a million: a common word is read
    with LIKE (its first page is near in code order), a rare one through the index."""
    monkeypatch.setattr(letter_pairs, "FEW_MIN", 20)
    for i in range(1, 201):
        make_client(f"{i:07d}", name=f"ROSSI {i}", city="VERONA")
    make_client("0000900", name="QXENIA")
    pg_db.execute_sql("ANALYZE client")
    assert not _uses_pairs("ro")
    assert not _uses_pairs("e")
    assert _uses_pairs("qx")
    assert _found("ro")[1] == len(_expected("ro")) == 201  # the default client is a Rosso
    assert _found("qx") == (["0000900"], 1)


def _count_plan(pg_db, monkeypatch, text: str) -> str:
    """The plan of the query the list's count runs for ``text`` (the count is taken)."""
    statements = []
    execute = pg_db.execute_sql

    def recording(sql, params=None, *args, **kwargs):
        statements.append((sql, params))
        return execute(sql, params, *args, **kwargs)

    monkeypatch.setattr(pg_db, "execute_sql", recording)
    count = clients_pager(text).count()
    monkeypatch.setattr(pg_db, "execute_sql", execute)
    assert count == len(_expected(text)), text
    sql, params = next((sql, params) for sql, params in statements if "COUNT" in sql.upper())
    with pg_db.atomic():  # explained as it ran: after the settings it gave its transaction
        for setting, _ in statements:
            if setting.startswith("SET LOCAL"):
                pg_db.execute_sql(setting)
        return "\n".join(row[0] for row in pg_db.execute_sql("EXPLAIN " + sql, params).fetchall())


def test_the_count_of_a_common_short_word_reads_the_index_not_every_client(pg_db, monkeypatch):
    """On a million clients the count of "ro r" (29% of them) read them all with LIKE (354 ms);
    the index of pairs counts it (193 ms) and gives the same number. A single short word is
    counted from the counts per pair (``test_pair_counts_postgres``)."""
    monkeypatch.setattr(letter_pairs, "FEW_MIN", 20)
    Client.insert_many(
        [{"code": f"{i:07d}", "name": "X", "kind": "person" if i % 2 else "company",
          "search_text": f"rossi mario verona {i}" if i % 10 < 3 else f"bianchi luca milano {i}"}
         for i in range(1, 5001)]
    ).execute()
    make_client("0009000", name="QXENIA")
    pg_db.execute_sql("ANALYZE client")
    assert not _uses_pairs("ro")  # the list walks the clients in code order...
    plan = _count_plan(pg_db, monkeypatch, "r o")
    assert letter_pairs.PG_INDEX in plan, plan  # ...the count of two short words reads the index
    for text in ("ro", "qx", "a"):  # one word: its counts per pair (schema 10), not a client
        plan = _count_plan(pg_db, monkeypatch, text)
        assert pair_counts.TABLE in plan and " client " not in plan, (text, plan)
    persons = Client.select().where(Client.search_text.contains("ro") & (Client.kind == "person"))
    assert clients_pager("ro", kind="person").count() == persons.count() > 500
    # a word of three letters or more keeps the trigram index's count
    assert letter_pairs.PG_FUNCTION not in _count_plan(pg_db, monkeypatch, "ro verona")


def test_the_apps_connections_do_not_compile_queries(pg_db):
    """JIT costs 50-200 ms a query, and the planner asks for it on the count of a common
    short word on a million clients (its function of pairs is priced high)."""
    assert pg_db.execute_sql("SHOW jit").fetchone()[0] == "off"


def test_the_index_follows_writes_by_the_app_and_by_hand(pg_db):
    follows_the_apps_writes()
    pg_db.execute_sql("UPDATE client SET search_text = 'aqxb é' WHERE code = '0000001'")
    assert _found("qx") == (["0000001"], 1)
    assert _found("é") == (["0000001"], 1)
    assert _found("b") == (["0000001"], 1)  # the last character alone
    pg_db.execute_sql("UPDATE client SET search_text = '' WHERE code = '0000001'")
    assert _found("qx") == ([], 0)


def test_an_older_database_gets_the_index_when_upgraded(pg_url):
    db = open_database(pg_url)
    make_client("0000001", name="QXENIA", city="ROMA")
    # as schema 8 left it on PostgreSQL: no function, no index
    db.execute_sql(f"DROP INDEX {letter_pairs.PG_INDEX}")
    db.execute_sql(f"DROP FUNCTION {letter_pairs.PG_FUNCTION}(text)")
    SchemaInfo.update(version=8).execute()
    close_database()

    db = open_database(pg_url)
    try:
        assert schema_version(db) == SCHEMA_VERSION
        names = {row[0] for row in db.execute_sql("SELECT indexname FROM pg_indexes WHERE tablename = 'client'")}
        assert letter_pairs.PG_INDEX in names
        assert _found("qx") == (["0000001"], 1)
        make_client("0000002", name="AQX")
        assert _found("qx") == (["0000001", "0000002"], 2)
    finally:
        close_database()


def _estimate(pg_db, word: str) -> float:
    sql = "EXPLAIN (FORMAT JSON) SELECT 1 FROM client WHERE search_text LIKE %s"
    plan = pg_db.execute_sql(sql, (f"%{word}%",)).fetchone()[0]
    return float(plan[0]["Plan"]["Plan Rows"])


def test_the_planner_sees_a_word_a_few_clients_in_a_hundred_hold(pg_db):
    """It estimates ``LIKE '%ros%'`` from the entries of its histogram of the search text that
    hold ``ros``. With PostgreSQL's 100 entries, a word missing from all of them was taken for
    0.01% of the clients: on a million, the 40,000 ROSSI were sorted for the list's first page
    (138 ms) instead of walked in code order (2 ms). Here 70 clients in 10,100 (0.7%) hold it,
    side by side in the text's order, between two of the 100 entries (every 102nd text)."""
    rows = [{"code": f"{i:07d}", "name": "X", "search_text": f"c{i:05d} " + ("ros" if 112 <= i < 182 else "xyz")}
            for i in range(10_100)]
    with pg_db.atomic():
        for start in range(0, len(rows), 2000):
            Client.insert_many(rows[start:start + 2000]).execute()
    pg_db.execute_sql("ANALYZE client")
    assert _estimate(pg_db, "ros") >= 25  # 70 hold it; the histogram of 100 said 1
