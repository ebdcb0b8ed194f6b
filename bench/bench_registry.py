"""Issues 6 and 17: the client search answers each keystroke in under 50 ms, and stays flat to
1,000,000 clients; the count of the matches follows within 100 ms.

What is timed is exactly what the "Clienti" mask asks the database per keystroke: the first
page of ``clients_pager(text)`` (100 rows, target 50 ms), then the count of every match
(``pager.count()``, target 100 ms), which the mask asks once the typing pauses, in its own
worker. The baseline, in the same run on the same database, is a bare
``SELECT ... ORDER BY code LIMIT 100``.

Scaling rows at 10,000, 100,000 and 1,000,000 clients (``--quick``: a tenth) show whether the
worst keystroke grows with the registry. SQLite and PostgreSQL (when a server answers at
``$PEGASO_TEST_PG``) are measured alike. The databases are built once and kept (SQLite files
in ``bench/out/``, PostgreSQL databases named ``pegaso_bench_clients_*``) while the model,
the schema and the search code are the same; building the million takes a few minutes.
"""

from __future__ import annotations

import hashlib
import os
import random
import time
from pathlib import Path

from bench.common import Bench

TARGET_MS = 50.0
COUNT_TARGET_MS = 100.0
SIZES = (10_000, 100_000, 1_000_000)
#: What a user types, keystroke by keystroke: a surname, a mobile fragment, a city, and a
#: text that matches nothing (the worst case for a scan: every row is read).
KEYSTROKES = ("r", "ro", "ros", "ross", "rossi", "347", "3471", "ver", "verona", "rossi verona",
              "z", "zz", "zzz", "zzzz", "qx")

_LAST = ("ROSSI", "RUSSO", "FERRARI", "ESPOSITO", "BIANCHI", "ROMANO", "COLOMBO", "RICCI", "MARINO",
         "GRECO", "BRUNO", "GALLO", "CONTI", "DE LUCA", "MANCINI", "COSTA", "GIORDANO", "RIZZO",
         "LOMBARDI", "MORETTI", "BARBIERI", "FONTANA", "SANTORO", "MARIANI", "RINALDI")
_FIRST = ("MARIO", "LUCA", "GIULIA", "ANNA", "PAOLO", "FRANCESCA", "MARCO", "SARA", "ROBERTO",
          "ELENA", "STEFANO", "CHIARA", "ANDREA", "VALENTINA", "GIUSEPPE")
_CITIES = ("ROMA", "MILANO", "NAPOLI", "TORINO", "VERONA", "SOMMACAMPAGNA", "BOLOGNA", "FIRENZE",
           "BARI", "PALERMO", "GENOVA", "PADOVA", "TRIESTE", "BRESCIA", "PARMA")
_FIELDS = ("code", "name", "first_name", "last_name", "city", "mobile", "mobile_status", "email",
           "sms_promo", "search_text", "created_at", "updated_at")
CHUNK = 20_000


def _fingerprint() -> str:
    """Changes with the model, the schema, the search and this generator: a kept database is
    then built again."""
    import pegaso_tui.db.letter_pairs as letter_pairs
    import pegaso_tui.db.models as models
    import pegaso_tui.db.pair_counts as pair_counts
    import pegaso_tui.db.schema as schema
    import pegaso_tui.db.search as search

    digest = hashlib.sha1()
    for module in (models, schema, search, letter_pairs, pair_counts):
        digest.update(Path(module.__file__).read_bytes())
    digest.update(repr((_LAST, _FIRST, _CITIES, _FIELDS)).encode())
    return digest.hexdigest()[:10]


def _client_rows(count: int):
    """The clients, in chunks of tuples (a million dicts would weigh on the measures)."""
    from pegaso_tui.db.models import search_text

    rnd = random.Random(6)
    stamp = "2026-01-01 09:00:00"
    chunk = []
    for i in range(1, count + 1):
        last, first, city = rnd.choice(_LAST), rnd.choice(_FIRST), rnd.choice(_CITIES)
        code = f"{i:07d}"
        name = f"{last} {first}"
        mobile = f"+393{rnd.randint(100_000_000, 499_999_999)}"
        email = f"{first.lower()}.{last.lower().replace(' ', '')}{i}@example.it"
        chunk.append((code, name, first.title(), last.title(), city, mobile, "ok", email, i % 3 == 0,
                      search_text(code, name, first, last, mobile, city, email), stamp, stamp))
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _fill(count: int) -> float:
    from pegaso_tui.db.bulk import insert_rows
    from pegaso_tui.db.models import Client, database_proxy

    from bench.common import client_fields

    fields, defaults = client_fields(_FIELDS)
    started = time.perf_counter()
    for chunk in _client_rows(count):
        with database_proxy.obj.atomic():
            insert_rows(Client, fields, [row + defaults for row in chunk])
    return time.perf_counter() - started


def _measure(bench: Bench, backend: str, count: int, detail: bool) -> None:
    from pegaso_tui.db.clients import clients_pager
    from pegaso_tui.db.models import Client
    from pegaso_tui.db.search import contains_all, only_short_words, pg_count_short_words

    def baseline() -> None:
        list(Client.select().order_by(Client.code).limit(100))

    base_ms = bench.time_it(baseline, repeat=9) * 1000
    size = f"{count:,} clients"
    if detail:
        bench.report(f"{backend}, {size}: bare SELECT ... ORDER BY code LIMIT 100", base_ms, "ms")
    worst_page = worst_count = (0.0, "")
    for text in KEYSTROKES:
        pager = clients_pager(text)
        matches = pager.count()
        page_ms = bench.time_it(lambda: pager.first(100), repeat=5) * 1000
        count_ms = bench.time_it(pager.count, repeat=3) * 1000
        worst_page = max(worst_page, (page_ms, text))
        worst_count = max(worst_count, (count_ms, text))
        if detail:
            # the count as a plain LIKE of each word makes it, in the same run: what the
            # indexes save (or cost) on the count
            like = Client.select().where(contains_all(Client.search_text, text))
            like_ms = bench.time_it(like.count, repeat=3) * 1000
            extra = {}
            if backend == "postgres" and only_short_words(text):
                # what schema 9 counted with, the index of pairs: what the counts per pair save
                pairs_ms = bench.time_it(lambda: pg_count_short_words(Client.select(), Client.search_text, text),
                                         repeat=3) * 1000
                extra["pairs_index_count_ms"] = round(pairs_ms, 1)
            bench.report(
                f"{backend}, {size}: keystroke '{text}' (first page)", page_ms, "ms", target=TARGET_MS,
                baseline=base_ms, matches=matches, count_ms=round(count_ms, 1), like_count_ms=round(like_ms, 1),
                **extra,
            )
    bench.report(f"{backend}, {size}: slowest keystroke (first page)", worst_page[0], "ms",
                 target=TARGET_MS, baseline=base_ms, text=repr(worst_page[1]))
    bench.report(f"{backend}, {size}: slowest count of the matches", worst_count[0], "ms",
                 target=COUNT_TARGET_MS, baseline=base_ms, text=repr(worst_count[1]))


def _sqlite(bench: Bench, count: int, detail: bool) -> None:
    from pegaso_tui.db.connection import close_database, open_database

    path = bench.out / f"clients-{count}-{_fingerprint()}.db"
    if not path.exists():
        for old in bench.out.glob(f"clients-{count}-*.db*"):
            old.unlink()
        building = bench.out / f"clients-{count}-building.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{building}{suffix}").unlink(missing_ok=True)
        open_database(str(building))
        seconds = _fill(count)
        print(f"  (sqlite: {count:,} clients written in {seconds:.1f} s, kept in {path.name})", flush=True)
        close_database()
        building.rename(path)
    open_database(str(path))
    try:
        _measure(bench, "sqlite", count, detail)
    finally:
        close_database()


def _postgres(bench: Bench, count: int, detail: bool) -> None:
    admin_url = os.environ.get("PEGASO_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
    try:
        import psycopg2

        admin = psycopg2.connect(admin_url, connect_timeout=3)
    except Exception as exc:  # no server: say so and go on
        print(f"  (postgres skipped: {str(exc).strip().splitlines()[0]})")
        return
    admin.autocommit = True
    prefix = f"pegaso_bench_clients_{count}_"
    name = prefix + _fingerprint()
    from pegaso_tui.db.connection import close_database, open_database

    with admin.cursor() as cur:
        # starts_with, not LIKE: "_" is LIKE's wildcard, and the 10,000's prefix then matched
        # the 100,000's databases, which every run dropped and wrote again (ten minutes)
        cur.execute("SELECT datname FROM pg_database WHERE starts_with(datname, %s)", (prefix,))
        present = [row[0] for row in cur.fetchall()]
        for old in present:
            if old != name:
                cur.execute(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')
    url = f"{admin_url.rsplit('/', 1)[0]}/{name}"
    try:
        if name not in present:
            with admin.cursor() as cur:
                cur.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
            try:
                open_database(url)
                seconds = _fill(count)
                from pegaso_tui.db.models import database_proxy

                database_proxy.obj.execute_sql("VACUUM ANALYZE client")
                print(f"  (postgres: {count:,} clients written in {seconds:.1f} s, kept as {name})", flush=True)
            except BaseException:
                close_database()
                with admin.cursor() as cur:
                    cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                raise
        else:
            open_database(url)
        # the counts of common words read the whole table: from the server's cache when it
        # holds it, copied in from the system's otherwise (db.pg_cache); the figures depend on it
        from pegaso_tui.db import pg_cache
        from pegaso_tui.db.models import database_proxy

        cache, search = pg_cache.shared_buffers_bytes(database_proxy.obj), pg_cache.search_bytes(database_proxy.obj)
        print(f"  (postgres: shared_buffers {cache // pg_cache.MB} MB; the clients and their search "
              f"indexes {search // pg_cache.MB} MB)", flush=True)
        _measure(bench, "postgres", count, detail)
    finally:
        close_database()
        admin.close()


def _upgrade_to_letter_pairs(bench: Bench, count: int) -> None:
    """The upgrade to schema 8 of a copy of the SQLite registry: the index of letter pairs is
    filled from every client (what a user waits for once, when the new version first opens
    the database)."""
    import shutil

    from pegaso_tui.db.connection import close_database, open_database
    from pegaso_tui.db.models import SchemaInfo

    source = bench.out / f"clients-{count}-{_fingerprint()}.db"
    copy = bench.out / f"clients-{count}-schema7.db"
    shutil.copyfile(source, copy)
    try:
        db = open_database(str(copy))
        for name in ("insert", "delete", "update"):
            db.execute_sql(f"DROP TRIGGER client_pairs_{name}")
        db.execute_sql("DROP TABLE client_pairs")
        SchemaInfo.update(version=7).execute()
        close_database()
        started = time.perf_counter()
        open_database(str(copy))
        seconds = time.perf_counter() - started
        close_database()
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
    bench.report(f"sqlite, {count:,} clients: upgrade to schema 8 (letter pairs filled)", seconds, "s")


def _pg_upgrade_to_letter_pairs(bench: Bench, count: int) -> None:
    """The upgrade from schema 8 to 10 of a copy of the PostgreSQL registry: the GIN index of
    letter pairs built from every client and analysed (9), then every client counted per
    letter pair (10): once, when the new version first opens the database."""
    admin_url = os.environ.get("PEGASO_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
    try:
        import psycopg2

        admin = psycopg2.connect(admin_url, connect_timeout=3)
    except Exception:  # no server: _postgres said so already
        return
    from pegaso_tui.db.connection import close_database, open_database
    from pegaso_tui.db.letter_pairs import PG_FUNCTION, PG_INDEX
    from pegaso_tui.db.models import SchemaInfo
    from pegaso_tui.db.pair_counts import TABLE as PAIRS_TABLE

    admin.autocommit = True
    source = f"pegaso_bench_clients_{count}_{_fingerprint()}"
    copy = f"pegaso_bench_clients_{count}_schema8"
    url = f"{admin_url.rsplit('/', 1)[0]}/{copy}"
    try:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
            cur.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{source}"')
        db = open_database(url)
        db.execute_sql(f"DROP INDEX {PG_INDEX}")
        db.execute_sql(f"DROP FUNCTION {PG_FUNCTION}(text)")
        for event in ("insert", "update", "delete", "truncate"):
            db.execute_sql(f"DROP TRIGGER {PAIRS_TABLE}_{event} ON client")
        db.execute_sql(f"DROP TABLE {PAIRS_TABLE}")
        SchemaInfo.update(version=8).execute()
        close_database()
        started = time.perf_counter()
        open_database(url)
        seconds = time.perf_counter() - started
        close_database()
    finally:
        close_database()
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
        admin.close()
    bench.report(f"postgres, {count:,} clients: upgrade from schema 8 to 10 (letter pairs indexed and counted)",
                 seconds, "s")


def run(bench: Bench) -> None:
    sizes = [s // 10 for s in SIZES] if bench.quick else list(SIZES)
    for count in sizes:
        detail = count == sizes[-1]  # every keystroke at the largest size; the worst at each
        _sqlite(bench, count, detail)
        _postgres(bench, count, detail)
    _upgrade_to_letter_pairs(bench, sizes[1])
    _pg_upgrade_to_letter_pairs(bench, sizes[1])
