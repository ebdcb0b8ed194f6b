"""PostgreSQL (schema 10): the clients counted per letter and pair of letters. The count of a
one- or two-letter search reads those counts, and must stay exactly the number of clients that
hold the word through every way a client is written; a clerk saving a client never waits on an
import's counts; folding keeps the numbers; an older database is counted when upgraded."""

from __future__ import annotations

import random

import psycopg2
import pytest

from pegaso_tui.db import pair_counts
from pegaso_tui.db.clients import clients_pager
from pegaso_tui.db.connection import close_database, open_database
from pegaso_tui.db.importer import import_csv
from pegaso_tui.db.models import COMPANY, PERSON, Client, SchemaInfo, database_proxy
from pegaso_tui.db.schema import SCHEMA_VERSION, schema_version
from pegaso_tui.db.search import SEARCH_STATISTICS
from tests.factories import make_client
from tests.test_letter_pairs import ALPHABET, _every_short_word

pytestmark = pytest.mark.postgres


def _holding(word: str, kind: str | None) -> int:
    """The clients holding ``word``, read from the clients themselves."""
    query = Client.select().where(Client.search_text.contains(word))
    if kind is not None:
        query = query.where(Client.kind == kind)
    return query.count()


def _assert_counts_exact() -> None:
    for word in _every_short_word():
        for kind in (None, PERSON, COMPANY):
            counted = pair_counts.count_holding(database_proxy.obj, word, kind)
            assert counted == _holding(word, kind), (word, kind)


def _rows(pair: str) -> int:
    return database_proxy.obj.execute_sql(
        f"SELECT COUNT(*) FROM {pair_counts.TABLE} WHERE pair = %s", (pair,)
    ).fetchone()[0]


def _text(rnd: random.Random) -> str:
    return "".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(0, 12))).lower()


def test_the_counts_follow_every_kind_of_write(pg_db):
    rnd = random.Random(10)
    # one by one, as the registry mask saves...
    for i in range(1, 41):
        make_client(f"{i:07d}", name="X", kind=PERSON if i % 3 else COMPANY)
        Client.update(search_text=_text(rnd)).where(Client.code == f"{i:07d}").execute()
    # ...many in one statement, as an import's batch, and an upsert of some of them...
    with pg_db.atomic():
        Client.insert_many([{"code": f"{i:07d}", "name": "Y", "kind": PERSON if i % 2 else COMPANY,
                             "search_text": _text(rnd)} for i in range(41, 141)]).execute()
        Client.insert_many([{"code": f"{i:07d}", "name": "Z", "kind": COMPANY, "search_text": _text(rnd)}
                            for i in range(120, 161)]).on_conflict(
            conflict_target=[Client.code], preserve=[Client.kind, Client.search_text]).execute()
    _assert_counts_exact()
    # ...by hand, a kind changed, some deleted, and a transaction rolled back
    pg_db.execute_sql("UPDATE client SET search_text = search_text || 'qx' WHERE mod(id, 4) = 0")
    pg_db.execute_sql("UPDATE client SET kind = 'company' WHERE mod(id, 5) = 0 AND kind = 'person'")
    pg_db.execute_sql("DELETE FROM client WHERE mod(id, 7) = 0")
    pg_db.execute_sql("UPDATE client SET search_text = '' WHERE mod(id, 11) = 0")
    with pytest.raises(RuntimeError), pg_db.atomic():
        pg_db.execute_sql("UPDATE client SET search_text = 'rrrr' WHERE mod(id, 2) = 0")
        raise RuntimeError("rolled back")
    _assert_counts_exact()
    assert pair_counts.count_holding(pg_db, "qx") > 0
    # the list's count is this count
    assert clients_pager("qx").count() == _holding("qx", None)
    assert clients_pager("qx", kind=PERSON).count() == _holding("qx", PERSON)
    pg_db.execute_sql("TRUNCATE client CASCADE")
    assert pair_counts.count_holding(pg_db, "a") == 0


def test_a_write_that_leaves_text_and_kind_alone_adds_no_counts(pg_db):
    """Consent, notes, a mobile's status change often; the counts are for the text."""
    make_client("0000001", name="ROSSI")
    before = pg_db.execute_sql(f"SELECT COUNT(*) FROM {pair_counts.TABLE}").fetchone()[0]
    Client.update(sms_promo=False, notes="chiamare").execute()
    after = pg_db.execute_sql(f"SELECT COUNT(*) FROM {pair_counts.TABLE}").fetchone()[0]
    assert after == before > 0


def _copy_of_first_client(code: str, text: str) -> str:
    """SQL: a copy of client 0000001 with its own code and search text."""
    columns = [f.column_name for f in Client._meta.sorted_fields if f.name not in ("id", "code", "search_text")]
    names = ", ".join(columns)
    return (f"INSERT INTO client (code, search_text, {names}) "
            f"SELECT '{code}', '{text}', {names} FROM client WHERE code = '0000001'")


def test_a_clerk_saving_a_client_does_not_wait_for_an_import_still_writing(pg_db, pg_url):
    """An import's batch holds its transaction open while it writes; every client holds "a"
    or "e". Counts kept by UPSERT on one row per pair made the second writer wait for the
    first's commit; added rows do not."""
    make_client("0000001", name="ROSSI")
    importing = psycopg2.connect(pg_url)
    clerk = psycopg2.connect(pg_url)
    try:
        with importing.cursor() as cur:  # left open: not committed
            cur.execute(_copy_of_first_client("0000002", "rossi anna"))
        with clerk.cursor() as cur:
            cur.execute("SET statement_timeout = '3s'")
            cur.execute(_copy_of_first_client("0000003", "rossa anna"))
        clerk.commit()  # did not wait: a lock would have hit the timeout
        assert pair_counts.count_holding(pg_db, "nn") == 1  # the import is not committed yet
        importing.commit()
        assert pair_counts.count_holding(pg_db, "nn") == 2
    finally:
        importing.close()
        clerk.close()


def test_a_count_folds_the_rows_it_reads_and_keeps_its_number(pg_db, monkeypatch):
    monkeypatch.setattr(pair_counts, "FOLD_ROWS", 5)
    for i in range(1, 21):
        make_client(f"{i:07d}", name=f"ROSSI {i}", kind=PERSON if i % 2 else COMPANY)
    assert _rows("ro") == 20  # one row per statement
    assert pair_counts.count_holding(pg_db, "ro") == 20
    assert _rows("ro") == 2  # one per kind
    assert pair_counts.count_holding(pg_db, "ro") == 20
    assert pair_counts.count_holding(pg_db, "ro", PERSON) == 10
    assert _rows("ss") == 20  # another pair is left for its own count
    _assert_counts_exact()


def test_a_fold_leaves_alone_what_another_transaction_has_not_committed(pg_db, pg_url):
    make_client("0000001", name="ROSSI")
    other = psycopg2.connect(pg_url)
    try:
        with other.cursor() as cur:
            cur.execute("UPDATE client SET search_text = 'bianchi' WHERE code = '0000001'")
        pair_counts.fold(pg_db)  # folds what it sees; the other's rows are not visible to it
        assert pair_counts.count_holding(pg_db, "ro") == 1
        other.commit()
        assert pair_counts.count_holding(pg_db, "ro") == 0
        assert pair_counts.count_holding(pg_db, "bi") == 1
    finally:
        other.close()


def test_an_import_leaves_one_row_per_pair_and_kind(pg_db, tmp_path):
    path = tmp_path / "clienti.csv"
    lines = ["codice;cognome;nome;città"] + [f"{i};ROSSI;MARIO {i};VERONA" for i in range(1, 251)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_csv(path, "clients", batch_size=50)
    assert not report.rejected
    assert _rows("ro") == 1
    _assert_counts_exact()


def test_opening_a_database_folds_counts_grown_large(pg_url, monkeypatch):
    db = open_database(pg_url)
    for i in range(1, 31):
        make_client(f"{i:07d}", name=f"ROSSI {i}")
    db.execute_sql(f"ANALYZE {pair_counts.TABLE}")
    assert _rows("ro") == 30
    close_database()
    monkeypatch.setattr(pair_counts, "FOLD_ALL_ROWS", 100)
    db = open_database(pg_url)
    try:
        assert _rows("ro") == 1
        assert pair_counts.count_holding(db, "ro") == 30
    finally:
        close_database()


def test_an_older_database_is_counted_when_upgraded(pg_url):
    db = open_database(pg_url)
    for i in range(1, 11):
        make_client(f"{i:07d}", name="QXENIA" if i < 4 else "ROSSI", kind=PERSON if i % 2 else COMPANY)
    # as schema 9 left it: no table, no triggers
    for event in ("insert", "update", "delete", "truncate"):
        db.execute_sql(f"DROP TRIGGER {pair_counts.TABLE}_{event} ON client")
    db.execute_sql(f"DROP TABLE {pair_counts.TABLE}")
    db.execute_sql("ALTER TABLE client ALTER COLUMN search_text SET STATISTICS -1")
    SchemaInfo.update(version=9).execute()
    close_database()

    db = open_database(pg_url)
    try:
        assert schema_version(db) == SCHEMA_VERSION
        assert db.execute_sql("SELECT attstattarget FROM pg_attribute WHERE attrelid = 'client'::regclass "
                              "AND attname = 'search_text'").fetchone()[0] == SEARCH_STATISTICS
        assert pair_counts.count_holding(db, "qx") == 3
        assert clients_pager("qx", kind=PERSON).count() == 2
        make_client("0000011", name="AQX")
        _assert_counts_exact()
    finally:
        close_database()
