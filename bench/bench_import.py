"""Importing 100,000 clients from a CSV takes well under a minute (issue 2).

The file is written from the big demo database the way Excel saves it in Italy: semicolons,
Windows-1252, Italian headers, dates as 31/12/1980, mobiles typed in several ways, some
malformed. It is imported twice into a fresh database: all new, then all updates. The
baseline of the same run is reading and splitting the file alone.
"""

from __future__ import annotations

import csv
import time

from bench import data

HEADER = ["Codice", "Ragione Sociale", "Tipo", "Nome", "Cognome", "Cellulare", "Telefono",
          "E-mail", "Data di nascita", "Indirizzo", "CAP", "Città", "Provincia",
          "Codice Fiscale", "Partita IVA", "Invio Sms Pratiche", "Invio Sms Promo",
          "Cliente Libero", "Preferenze"]


def _typed(mobile: str, n: int) -> str:
    """An E.164 mobile as someone would type it in a spreadsheet."""
    if not mobile.startswith("+39"):
        return mobile
    national = mobile[3:]
    style = n % 4
    if style == 0:
        return f"{national[:3]}/{national[3:]}"
    if style == 1:
        return f"{national[:3]} {national[3:6]} {national[6:]}"
    if style == 2:
        return f"0039 {national}"
    return f"+39 {national}"


def write_csv(source, path, count: int) -> None:
    from pegaso_tui.db.connection import close_database, open_database
    from pegaso_tui.db.models import Client, ClientPreference, Preference

    open_database(str(source))
    try:
        links: dict[int, list[str]] = {}
        query = (ClientPreference.select(ClientPreference.client, Preference.code)
                 .join(Preference).tuples())
        for client_id, code in query:
            links.setdefault(client_id, []).append(code)
        rows = Client.select(
            Client.id, Client.code, Client.name, Client.kind, Client.first_name, Client.last_name,
            Client.mobile, Client.phone, Client.email, Client.birth_date, Client.address,
            Client.zip, Client.city, Client.province, Client.fiscal_code, Client.vat_number,
            Client.sms_practices, Client.sms_promo, Client.walk_in,
        ).order_by(Client.id).limit(count).tuples()
        yes = {True: "si", False: "no"}
        with open(path, "w", encoding="cp1252", errors="replace", newline="") as fh:
            writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
            writer.writerow(HEADER)
            for n, r in enumerate(rows):
                writer.writerow([
                    r[1], r[2], "azienda" if r[3] == "company" else "persona", r[4], r[5],
                    _typed(r[6], n), r[7], r[8], r[9].strftime("%d/%m/%Y") if r[9] else "",
                    r[10], r[11], r[12], r[13], r[14], r[15], yes[bool(r[16])],
                    yes[bool(r[17])], "x" if r[18] else "", "|".join(links.get(r[0], [])),
                ])
    finally:
        close_database()


def run(bench) -> None:
    from pegaso_tui.db import csvfile
    from pegaso_tui.db.connection import close_database, open_database
    from pegaso_tui.db.demo_names import PREFERENCES
    from pegaso_tui.db.importer import import_csv

    count = 10_000 if bench.quick else 100_000
    source = data.demo_database(bench)
    clients = bench.out / f"import-clients-{count}.csv"
    write_csv(source, clients, count)
    preferences = bench.out / "import-preferences.csv"
    preferences.write_text("codice;descrizione\n" + "".join(f"{c};{d}\n" for c, d, _ in PREFERENCES),
                           encoding="cp1252")
    target = bench.out / "import.db"
    for suffix in ("", "-wal", "-shm"):
        (bench.out / f"import.db{suffix}").unlink(missing_ok=True)
    open_database(str(target))
    try:
        import_csv(preferences, "preferences")
        started = time.perf_counter()
        report = import_csv(clients, "clients")
        first = time.perf_counter() - started
        started = time.perf_counter()
        again = import_csv(clients, "clients")
        second = time.perf_counter() - started
    finally:
        close_database()
        for suffix in ("", "-wal", "-shm"):
            (bench.out / f"import.db{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    csvfile.read_table(clients)
    reading = time.perf_counter() - started
    limit = 60 if not bench.quick else 6
    bench.report(f"import {count} clients (new)", first, "s", target=limit,
                 imported=report.imported, rejected=len(report.rejected),
                 warnings=len(report.warnings), baseline=reading, baseline_name="(reading the CSV)")
    bench.report(f"import {count} clients again (updates)", second, "s", target=limit,
                 updated=again.updated, baseline=reading, baseline_name="(reading the CSV)")
