"""Import N generated clients from a CSV into a fresh PostgreSQL database and print the
seconds: ``python -m bench.pg_import 50000``. Run it from two checkouts, alternating, to see
what a change costs an import (the registry bench writes its clients in bulk, not through the
importer). The server is ``$PEGASO_TEST_PG`` (default: the local ``test`` database's server).
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path


def main() -> None:
    import psycopg2

    from pegaso_tui.db.connection import close_database, open_database
    from pegaso_tui.db.importer import import_csv

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    rnd = random.Random(5)
    last = ("ROSSI", "RUSSO", "FERRARI", "ESPOSITO", "BIANCHI", "ROMANO", "COLOMBO", "RICCI")
    first = ("MARIO", "LUCA", "GIULIA", "ANNA", "PAOLO", "FRANCESCA")
    cities = ("ROMA", "MILANO", "NAPOLI", "VERONA", "SOMMACAMPAGNA")
    admin_url = os.environ.get("PEGASO_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "clienti.csv"
        with path.open("w", encoding="utf-8") as out:
            out.write("codice;cognome;nome;città;cellulare\n")
            for i in range(1, count + 1):
                out.write(f"{i};{rnd.choice(last)};{rnd.choice(first)};{rnd.choice(cities)};"
                          f"347{rnd.randrange(10**7):07d}\n")
        admin = psycopg2.connect(admin_url)
        admin.autocommit = True
        name = "pegaso_bench_import_" + uuid.uuid4().hex[:8]
        with admin.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        try:
            open_database(f"{admin_url.rsplit('/', 1)[0]}/{name}")
            started = time.perf_counter()
            report = import_csv(path, "clients")
            seconds = time.perf_counter() - started
            if report.rejected:
                raise SystemExit(f"rows rejected: {report.rejected[:2]}")
            print(f"{count:,} clients imported in {seconds:.2f} s")
        finally:
            close_database()
            with admin.cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()


if __name__ == "__main__":
    main()
