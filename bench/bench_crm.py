"""The CRM's subject search answers each keystroke in under 50 ms on 100,000 clients and
100,000 requests (issue 7).

The database holds 100,000 clients, 10,000 CRM contacts and 100,000 requests (40% from
clients, 10% from contacts, half from unregistered subjects, many of them calling more than
once). For each keystroke of "rossi" and for a fragment of a mobile the figure is the median
time of the first page (50 subjects, what the contact field shows) through the domain function
the masks call, against a baseline measured in the same run: a bare indexed query of 50
clients by code, through the same ORM. ``PEGASO_BENCH_PG=postgresql://user@host/dbname``
runs the same on PostgreSQL too (that database is dropped and created again; the trigram
indexes are there when the server offers ``pg_trgm``).
"""

from __future__ import annotations

import os
import random
import time
from datetime import datetime, timedelta

from bench.common import Bench

TARGET_MS = 50.0
PAGE = 50

SURNAMES = (
    "ROSSI RUSSO FERRARI ESPOSITO BIANCHI ROMANO COLOMBO RICCI MARINO GRECO BRUNO GALLO CONTI "
    "MANCINI COSTA GIORDANO RIZZO LOMBARDI MORETTI BARBIERI FONTANA SANTORO MARIANI RINALDI "
    "CARUSO FERRARA GALLI MARTINI LEONE LONGO GENTILE MARTINELLI VITALE LOMBARDO SERRA COPPOLA "
    "MARCHETTI PARISI VILLA CONTE FERRARO FERRI FABBRI BIANCO MARINI GRASSO VALENTINI MESSINA "
    "SALA GATTI PELLEGRINI PALUMBO SANNA FARINA RIZZI MONTI CATTANEO MORELLI AMATO SILVESTRI "
    "MAZZA TESTA GRASSI CARBONE GIULIANI BENEDETTI BARONE ROSSETTI CAPUTO MONTANARI GUERRA "
    "PALMIERI BERNARDI MARTINO FIORE FERRANTE BRUNI PROSPERI ROSSINI ROSATI"
).split() + ["DE LUCA", "DE SANTIS", "D'ANGELO", "DE ANGELIS", "DE ROSA"]
FIRST_NAMES = (
    "MARIO LUCA GIUSEPPE ANNA MARIA GIULIA FRANCESCO PAOLA STEFANO LAURA ANDREA ELENA MARCO "
    "SARA ROBERTO CHIARA ALESSANDRO FRANCESCA DAVIDE SILVIA"
).split()
CITIES = "ROMA MILANO VERONA NAPOLI TORINO BOLOGNA FIRENZE BARI PADOVA VENEZIA".split()
DESTINATIONS = ["Mar Rosso", "Maldive", "Crociera Mediterraneo", "New York", "Sardegna", "Giappone"]


def build(url: str, clients: int, requests: int, contacts: int) -> None:
    """Fill a fresh database at ``url`` quickly (insert_many in one transaction per table)."""
    from pegaso_tui.db.connection import open_database
    from pegaso_tui.db.models import Client, Contact, Operator, Request, database_proxy, search_text

    db = open_database(url)
    rnd = random.Random(7)
    operator = Operator.create(username="bench", name="bench")

    def person() -> str:
        return f"{rnd.choice(SURNAMES)} {rnd.choice(FIRST_NAMES)}"

    def mobile() -> str:
        return f"+39{rnd.randint(3200000000, 3499999999)}"

    def insert(model, rows) -> None:
        with database_proxy.atomic():
            for start in range(0, len(rows), 1000):
                model.insert_many(rows[start : start + 1000]).execute()

    rows = []
    for i in range(1, clients + 1):
        code, name, number, city = f"{i:07d}", person(), mobile(), rnd.choice(CITIES)
        rows.append(dict(code=code, name=name, mobile=number, mobile_status="ok", city=city,
                         search_text=search_text(code, name, number, city)))
    insert(Client, rows)
    rows = []
    for _ in range(contacts):
        name, number = person(), mobile()
        rows.append(dict(name=name, mobile=number, mobile_status="ok", search_text=search_text(name, number)))
    insert(Contact, rows)
    rows = []
    start = datetime(2023, 1, 1, 9, 0)
    for i in range(requests):
        draw = rnd.random()
        name, number = person(), mobile()
        row = dict(subject_name=name, mobile=number, description="Richiesta di preventivo",
                   request_type="call", destinations=rnd.choice(DESTINATIONS), operator=operator.id,
                   created_at=start + timedelta(minutes=13 * i), is_open=rnd.random() < 0.2,
                   search_text=search_text(name, number), client=None, contact=None)
        if draw < 0.4:
            row["client"] = rnd.randint(1, clients)
        elif draw < 0.5:
            row["contact"] = rnd.randint(1, contacts)
        rows.append(row)
    insert(Request, rows)
    # A database in use has statistics (and on PostgreSQL a visibility map, which index-only
    # scans need): autovacuum keeps them, a fresh bulk load has not had it yet.
    db.execute_sql("ANALYZE" if url.endswith(".db") else "VACUUM ANALYZE")


def measure(bench: Bench, label: str, url: str, sizes: tuple[int, int, int], fresh) -> None:
    from pegaso_tui.db.clients import clients_pager
    from pegaso_tui.db.connection import close_database
    from pegaso_tui.db.crm.subjects import search_subjects

    clients, requests, contacts = sizes
    started = time.perf_counter()
    fresh()
    build(url, clients, requests, contacts)
    print(f"  [{label}] {clients:,} clients, {contacts:,} contacts, {requests:,} requests built "
          f"in {time.perf_counter() - started:.1f} s", flush=True)

    pager = clients_pager()
    key = ("0050000",)
    baseline_ms = bench.time_it(lambda: pager.after(key, PAGE), repeat=15) * 1000
    bench.report(f"crm.{label}.baseline_50_clients_by_code", baseline_ms, "ms")
    worst = 0.0
    for typed in ("r", "ro", "ros", "ross", "rossi", "3471", "34712"):
        ms = bench.time_it(lambda: search_subjects(typed).first(PAGE), repeat=9) * 1000
        found = len(search_subjects(typed).first(PAGE).rows)
        worst = max(worst, ms)
        bench.report(f"crm.{label}.subject_search[{typed}]", ms, "ms", TARGET_MS,
                     baseline=baseline_ms, rows=found)
    bench.report(f"crm.{label}.subject_search_worst_keystroke", worst, "ms", TARGET_MS,
                 baseline=baseline_ms)
    close_database()


def run(bench: Bench) -> None:
    sizes = (10_000, 10_000, 1_000) if bench.quick else (100_000, 100_000, 10_000)
    path = bench.out / "crm.db"

    def fresh_sqlite() -> None:
        for suffix in ("", "-wal", "-shm"):
            p = path.with_name(path.name + suffix)
            if p.exists():
                p.unlink()

    measure(bench, "sqlite", str(path), sizes, fresh_sqlite)
    pg = os.environ.get("PEGASO_BENCH_PG")
    if pg:
        measure(bench, "postgres", pg, sizes, lambda: _fresh_pg(pg))


def _fresh_pg(url: str) -> None:
    """Drop and recreate the bench's PostgreSQL database."""
    import psycopg2

    base, _, name = url.rpartition("/")
    admin = psycopg2.connect(f"{base}/postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    admin.close()
