"""CSV import, rule by rule as CLI.md states it: what Excel writes is read, every bad row is
reported with its line and reason, every other row is imported, nothing is dropped silently.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from pegaso_tui.db import csvfile
from pegaso_tui.db.importer import (
    IGNORED,
    REASON_COLUMN,
    ImportCancelled,
    ImportFileError,
    import_csv,
    preview_csv,
    write_rejected,
)
from pegaso_tui.db.models import Client, ClientPreference, Practice, Preference, Supplier, database_proxy
from pegaso_tui.db.selections import PromoFilters, promo_recipients
from tests.factories import give_preference, make_client, make_preference


def write(tmp_path: Path, text: str, name: str = "file.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def reasons(report) -> list[tuple[int, str]]:
    return [(r.line, r.reason) for r in report.rejected]


def warnings(report) -> list[tuple[int, str]]:
    return [(w.line, w.message) for w in report.warnings]


def preference_codes(client: Client) -> set[str]:
    return {link.preference.code for link in ClientPreference.select().where(ClientPreference.client == client)}


# --- what Excel writes is read --------------------------------------------------------------------


@pytest.mark.usefixtures("db")
def test_a_semicolon_file_saved_by_excel_in_italy_as_windows_1252_keeps_its_accents(tmp_path):
    path = write(tmp_path, "Codice;Ragione Sociale;Città\r\n1;NICOLÒ PERBELLINI;FORLÌ\r\n",
                 encoding="cp1252")
    report = import_csv(path, "clients")
    assert (report.encoding_label, report.delimiter) == ("Windows-1252", ";")
    client = Client.get()
    assert (client.name, client.city) == ("NICOLÒ PERBELLINI", "FORLÌ")


@pytest.mark.usefixtures("db")
def test_a_file_mixing_windows_1252_and_utf8_reads_each_line_as_written_and_says_so(tmp_path):
    # a list saved by Excel (Windows-1252) with two rows pasted from a UTF-8 file
    data = ("Codice;Ragione Sociale;Città\r\n".encode("cp1252")
            + "1;PERBELLINI ANDREA;FORLÌ\r\n".encode("cp1252")
            + "2;NICOLÒ ROSSI;CANTÙ\r\n".encode("utf-8")
            + "3;BIANCHI;ROMA\r\n".encode("cp1252")
            + "4;JOSÉ ÇELIK;SÃO PAULO\r\n".encode("utf-8"))
    path = tmp_path / "misto.csv"
    path.write_bytes(data)
    assert "righe 3, 5" in preview_csv(path, "clients").warnings[-1]
    report = import_csv(path, "clients")
    assert report.ok and report.encoding_label == "Windows-1252"
    assert {c.code: (c.name, c.city) for c in Client.select()} == {
        "0000001": ("PERBELLINI ANDREA", "FORLÌ"),
        "0000002": ("NICOLÒ ROSSI", "CANTÙ"),  # not NICOLÃ’ ROSSI
        "0000003": ("BIANCHI", "ROMA"),
        "0000004": ("JOSÉ ÇELIK", "SÃO PAULO"),
    }
    [warning] = warnings(report)
    assert warning[0] == 3 and "righe scritte in UTF-8, lette come UTF-8: righe 3, 5 " in warning[1]


@pytest.mark.usefixtures("db")
def test_a_comma_separated_utf8_file_with_a_bom_is_read(tmp_path):
    path = write(tmp_path, "\ufeffcode,name,city\n1,\"ROSSI, MARIO\",Città di Castello\n")
    report = import_csv(path, "clients")
    assert (report.encoding_label, report.delimiter, report.imported) == ("UTF-8 con BOM", ",", 1)
    assert Client.get().name == "ROSSI, MARIO"  # a quoted comma is part of the value


@pytest.mark.usefixtures("db")
def test_a_utf8_file_without_bom_and_the_excel_sep_line_are_read(tmp_path):
    path = write(tmp_path, "sep=,\ncodice,ragione_sociale\n7,CAFFÈ SPORT\n")
    report = import_csv(path, "clients")
    assert (report.encoding_label, report.delimiter, report.imported) == ("UTF-8", ",", 1)
    assert Client.get().name == "CAFFÈ SPORT"
    assert reasons(report) == []


@pytest.mark.usefixtures("db")
def test_excels_unicode_text_is_read_too(tmp_path):
    path = write(tmp_path, "codice\tragione sociale\r\n3\tÀNGELO SRL\r\n", encoding="utf-16")
    report = import_csv(path, "clients")
    assert (report.encoding_label, report.delimiter) == ("UTF-16", "\t")
    assert Client.get().name == "ÀNGELO SRL"


@pytest.mark.parametrize(
    "header",
    [
        "codice;ragione_sociale;città;cellulare;data_nascita",
        "CODICE;RAGIONE SOCIALE;CITTA';CELLULARE;DATA NASCITA",
        "Codice;Ragione Sociale;Citta;Cellulare;Data di nascita",
        "code;name;city;mobile;birth_date",
        "Code;Name;City;Mobile;BirthDate",
    ],
)
def test_header_names_in_italian_or_english_any_case_accent_or_spacing(tmp_path, header):
    path = write(tmp_path, f"{header}\n2;FUTURA VIAGGI;VERONA;349/9999999;01/02/1970\n")
    preview = preview_csv(path, "clients")
    assert [c.field for c in preview.columns] == ["code", "name", "city", "mobile", "birth_date"]
    assert preview.error is None


@pytest.mark.parametrize(
    "kind, header, fields",
    [
        ("clients",
         "codice;ragione_sociale;cellulare;telefono;data_nascita;città;cap;provincia;nazione;"
         "codice_fiscale;partita_iva;invio_sms_pratiche;invio_sms_promo;cliente_libero;nome;"
         "cognome;indirizzo;email;tipo;preferenze;consenso_email",
         ["code", "name", "mobile", "phone", "birth_date", "city", "zip", "province", "country",
          "fiscal_code", "vat_number", "sms_practices", "sms_promo", "walk_in", "first_name",
          "last_name", "address", "email", "kind", "preferences", "email_consent"]),
        ("practices",
         "numero;cliente;data_pratica;data_partenza;destinazione;importo;saldo;avvisato_saldo;"
         "avvisato_documenti;saldata;consegnati_documenti",
         ["number", "client", "practice_date", "departure_date", "destination", "amount",
          "balance", "notified_balance", "notified_documents", "paid", "documents_delivered"]),
        ("preferences", "codice;descrizione", ["code", "description"]),
        ("suppliers", "codice;ragione_sociale;cellulare;telefono;email",
         ["code", "name", "mobile", "phone", "email"]),
    ],
)
def test_the_italian_names_of_every_column_are_understood(tmp_path, kind, header, fields):
    path = write(tmp_path, header + "\n")
    assert [c.field for c in preview_csv(path, kind).columns] == fields


@pytest.mark.usefixtures("db")
def test_columns_may_come_in_any_order(tmp_path):
    path = write(tmp_path, "invio_sms_promo;cellulare;ragione_sociale;codice\nsi;3471234567;BIANCHI LUCA;9\n")
    assert import_csv(path, "clients").imported == 1
    client = Client.get()
    assert (client.code, client.name, client.mobile, client.sms_promo) == (
        "0000009", "BIANCHI LUCA", "+393471234567", True,
    )


@pytest.mark.usefixtures("db")
def test_an_unknown_column_is_reported_once_on_the_header_line_and_ignored(tmp_path):
    path = write(tmp_path, "codice;ragione_sociale;fax\n1;A;045 111\n2;B;045 222\n")
    report = import_csv(path, "clients")
    assert warnings(report) == [(1, "colonna sconosciuta ignorata: 'fax'")]
    assert report.imported == 2


@pytest.mark.usefixtures("db")
def test_a_second_column_for_the_same_field_is_reported_and_ignored(tmp_path):
    path = write(tmp_path, "codice;cellulare;ragione_sociale;cell\n1;3471234567;A;3339999999\n")
    report = import_csv(path, "clients")
    assert warnings(report) == [
        (1, "colonna 'cell' ignorata: il campo Cellulare è già nella colonna 'cellulare'")
    ]
    assert Client.get().mobile == "+393471234567"


def test_the_preview_says_how_each_column_was_understood_and_what_each_row_would_do(tmp_path):
    path = write(tmp_path, "codice;ragione_sociale;fax;data_nascita\n1;A;x;31/02/1980\n2;B;y;\n3;C;;\n")
    preview = preview_csv(path, "clients", limit=2)
    assert [(c.header, c.label) for c in preview.columns] == [
        ("codice", "Codice"), ("ragione_sociale", "Ragione Sociale"), ("fax", IGNORED),
        ("data_nascita", "Data di Nascita"),
    ]
    assert preview.total_rows == 3
    assert [(r.line, r.reason) for r in preview.rows] == [
        (2, "Data di Nascita: data impossibile: '31/02/1980'"), (3, None),
    ]
    assert preview.warnings == ["colonna sconosciuta ignorata: 'fax'"]


# --- values -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [("1", True), ("0", False), ("true", True), ("FALSE", False), ("si", True), ("Sì", True),
     ("no", False), ("x", True), ("X", True), ("", False), ("S", True), ("N", False)],
)
def test_booleans_are_1_0_true_false_si_no_or_x_and_empty(text, value):
    assert csvfile.parse_bool(text) is value


@pytest.mark.parametrize(
    "text, value",
    [("31-12-1980", date(1980, 12, 31)), ("31/12/1980", date(1980, 12, 31)),
     ("1980-12-31", date(1980, 12, 31)), ("31/12/1980 00:00:00", date(1980, 12, 31)),
     ("", None)],
)
def test_dates_are_read_as_the_masks_read_them(text, value):
    assert csvfile.parse_csv_date(text) == value


@pytest.mark.parametrize(
    "text, value",
    [("1.234,50", "1234.50"), ("1234,5", "1234.50"), ("1234.50", "1234.50"),
     ("1,234.50", "1234.50"), ("1.500", "1500.00"), ("€ 99", "99.00"), ("12.345.678,9", "12345678.90"),
     ("-20,00", "-20.00"), ("", None)],
)
def test_amounts_are_read_the_italian_way_and_the_machine_way(text, value):
    assert csvfile.parse_amount(text) == (Decimal(value) if value else None)


# --- every bad row is rejected with its line and reason ---------------------------------------------

CLIENT_ERRORS = [
    ("codice;ragione_sociale\n;SENZA CODICE\n", "codice cliente mancante"),
    ("codice;ragione_sociale\n5;\n", "ragione sociale mancante (né nome e cognome)"),
    ("codice;ragione_sociale;data_nascita\n5;A;31-02-1980\n",
     "Data di Nascita: data impossibile: '31-02-1980'"),
    ("codice;ragione_sociale;data_nascita\n5;A;12/03/80\n",
     "Data di Nascita: anno a due cifre in '12/03/80': scrivere l'anno per intero (GG-MM-AAAA)"),
    ("codice;ragione_sociale;data_nascita\n5;A;01-01-2999\n",
     "Data di Nascita: data nel futuro '01-01-2999'"),
    ("codice;ragione_sociale;invio_sms_promo\n5;A;forse\n",
     "Invio Sms Promo: valore non valido 'forse' (usare 1/0, si/no, true/false, x o vuoto)"),
    ("codice;ragione_sociale;tipo\n5;A;ente pubblico\n",
     "Tipo: tipo sconosciuto 'ente pubblico' (person/persona o company/azienda)"),
    ("codice;ragione_sociale;provincia\n5;A;Verona\n",
     "Provincia troppo lungo: 'VERONA' (6 caratteri, al massimo 4)"),
    ("codice;ragione_sociale;città\n5;ROSSI;MARIO;VERONA\n",
     "la riga ha 4 campi, l'intestazione 3: un separatore dentro un valore senza virgolette?"),
    ('codice;ragione_sociale\n5;"ROSSI\n6;BIANCHI\n',
     "virgolette aperte e mai chiuse fino alla fine del file (righe 2-3)"),
    ('codice;ragione_sociale\n5;"ROSSI"X\n', "testo dopo le virgolette di chiusura di un campo"),
]


@pytest.mark.usefixtures("db")
@pytest.mark.parametrize("text, reason", CLIENT_ERRORS)
def test_a_bad_client_row_is_rejected_with_its_line_and_reason(tmp_path, text, reason):
    report = import_csv(write(tmp_path, text), "clients")
    assert reasons(report) == [(2, reason)]
    assert not report.ok


PRACTICE_ERRORS = [
    ("numero;cliente;data_pratica\n2026/1;999;01/03/2026\n",
     "cliente sconosciuto '0000999' (importare prima i clienti)"),
    ("numero;cliente;data_pratica\n2026/1;;01/03/2026\n", "cliente mancante"),
    ("numero;cliente;data_pratica\n;1;01/03/2026\n", "numero pratica mancante"),
    ("numero;cliente;data_pratica\n2026/1;1;\n", "data pratica mancante"),
    ("numero;cliente\n2026/1;1\n", "data pratica mancante"),
    ("numero;cliente;data_pratica;data_partenza\n2026/1;1;01/03/2026;30/02/2026\n",
     "Data Partenza: data impossibile: '30/02/2026'"),
    ("numero;cliente;data_pratica;importo\n2026/1;1;01/03/2026;mille\n",
     "Importo: importo non valido 'mille'"),
    ("numero;cliente;data_pratica;saldo\n2026/1;1;01/03/2026;12,345\n",
     "Saldo: importo con più di due decimali '12,345'"),
    ("numero;cliente;data_pratica;saldata\n2026/1;1;01/03/2026;pagata\n",
     "Saldata: valore non valido 'pagata' (usare 1/0, si/no, true/false, x o vuoto)"),
]


@pytest.mark.usefixtures("db")
@pytest.mark.parametrize("text, reason", PRACTICE_ERRORS)
def test_a_bad_practice_row_is_rejected_with_its_line_and_reason(tmp_path, text, reason):
    make_client("1")
    report = import_csv(write(tmp_path, text), "practices")
    assert reasons(report) == [(2, reason)]
    assert Practice.select().count() == 0


@pytest.mark.usefixtures("db")
def test_bad_preference_and_supplier_rows_are_rejected_too(tmp_path):
    report = import_csv(write(tmp_path, "codice;descrizione\nCROC;Crociere\nMAR;\n;Mare\n"), "preferences")
    assert reasons(report) == [(3, "descrizione mancante"), (4, "codice mancante")]
    report = import_csv(write(tmp_path, "codice;ragione_sociale\n1;T.O.\n2;\n"), "suppliers")
    assert reasons(report) == [(3, "ragione sociale mancante")]


@pytest.mark.usefixtures("db")
def test_every_other_row_is_imported_and_nothing_is_dropped_silently(tmp_path):
    lines = ["codice;ragione_sociale;data_nascita"]
    lines += [f"{n};CLIENTE {n};{'31/02/1980' if n % 10 == 0 else '01/01/1980'}" for n in range(1, 51)]
    lines.insert(20, ";;")  # a row of empty cells, as Excel leaves them: no data, not a client
    report = import_csv(write(tmp_path, "\n".join(lines) + "\n"), "clients")
    assert report.imported == 45
    assert [line for line, _ in reasons(report)] == [11, 22, 32, 42, 52]
    assert report.blank_lines == 1
    assert report.imported + report.updated + len(report.rejected) == report.total_rows
    assert Client.select().count() == 45


@pytest.mark.usefixtures("db")
def test_a_short_row_is_rejected_and_never_clears_the_fields_it_does_not_have(tmp_path):
    make_client("0000002", name="ROSSI", mobile="+393499999999", city="VERONA", sms_promo=True)
    path = write(tmp_path, "codice;ragione_sociale;cellulare;citta;invio_sms_promo\n"
                           "2;ROSSI MARIO\n3;BIANCHI;;;no\n")
    report = import_csv(path, "clients")
    assert reasons(report) == [
        (2, "la riga ha 2 campi, l'intestazione 5: mancano dei campi (nessun dato del record è stato cambiato)")
    ]
    client = Client.get(Client.code == "0000002")
    assert (client.name, client.mobile, client.city, client.sms_promo) == ("ROSSI", "+393499999999", "VERONA", True)
    # an empty cell of a column that is there still clears its field, as before
    assert (report.imported, Client.get(Client.code == "0000003").sms_promo) == (1, False)


def test_a_row_the_database_refuses_is_rejected_alone(tmp_path, db):
    # A trigger stands for any refusal the importer cannot foresee (a constraint added by
    # the agency, a concurrent writer): the batch is retried row by row.
    db.execute_sql(
        "CREATE TRIGGER no_pluto BEFORE INSERT ON client WHEN NEW.name = 'PLUTO' "
        "BEGIN SELECT RAISE(ABORT, 'nome vietato'); END"
    )
    path = write(tmp_path, "codice;ragione_sociale\n1;PIPPO\n2;PLUTO\n3;PAPERINO\n")
    report = import_csv(path, "clients")
    assert reasons(report) == [(3, "errore del database: nome vietato")]
    assert sorted(c.name for c in Client.select()) == ["PAPERINO", "PIPPO"]


# --- warnings: imported, but the user must know ------------------------------------------------------


@pytest.mark.usefixtures("db")
def test_an_invalid_mobile_is_kept_as_typed_with_a_warning_and_the_client_is_not_sendable(tmp_path):
    path = write(tmp_path, "codice;ragione_sociale;cellulare;invio_sms_promo\n1;ROSSI;349/99999;si\n")
    report = import_csv(path, "clients")
    assert report.ok and report.imported == 1
    assert warnings(report) == [
        (2, "cellulare non valido '349/99999': conservato com'è, il cliente non riceverà SMS")
    ]
    client = Client.get()
    assert (client.mobile, client.mobile_status) == ("349/99999", "invalid")
    row = promo_recipients(PromoFilters()).rows[0]
    assert (row.sendable, row.reason) == (False, "cellulare non valido")


@pytest.mark.usefixtures("db")
@pytest.mark.parametrize("typed", ["349O123456", "349 HELLO 12"])
def test_a_mobile_with_letters_is_a_warning_never_another_persons_number(tmp_path, typed):
    path = write(tmp_path, f"codice;ragione_sociale;cellulare;invio_sms_promo\n1;ROSSI;{typed};si\n")
    report = import_csv(path, "clients")
    assert report.ok and report.imported == 1
    assert warnings(report) == [(2, f"cellulare non valido '{typed}': contiene lettere o simboli: "
                                    "conservato com'è, il cliente non riceverà SMS")]
    client = Client.get()
    assert (client.mobile, client.mobile_status) == (typed, "invalid")
    assert promo_recipients(PromoFilters()).rows[0].sendable is False


@pytest.mark.usefixtures("db")
def test_a_landline_in_the_mobile_column_is_a_warning(tmp_path):
    report = import_csv(write(tmp_path, "codice;ragione_sociale;cellulare\n1;ROSSI;045 510712\n"), "clients")
    assert warnings(report) == [
        (2, "il cellulare '045 510712' è un numero fisso: conservato, il cliente non riceverà SMS")
    ]
    assert Client.get().mobile_status == "landline"


@pytest.mark.usefixtures("db")
def test_the_four_ways_of_typing_a_mobile_are_one_number(tmp_path):
    path = write(tmp_path, "codice;ragione_sociale;cellulare\n1;A;349/9999999\n2;B;349 999 9999\n"
                           "3;C;0039 349 9999999\n4;D;+39 3499999999\n")
    assert import_csv(path, "clients").ok
    assert {c.mobile for c in Client.select()} == {"+393499999999"}


@pytest.mark.usefixtures("db")
def test_an_unknown_preference_is_a_warning_and_the_client_keeps_the_others(tmp_path):
    make_preference("CROC", "Crociere")
    make_preference("MAR", "Mare")
    path = write(tmp_path, "codice;ragione_sociale;preferenze\n1;ROSSI;croc|XYZ|MAR\n")
    report = import_csv(path, "clients")
    assert report.ok
    assert warnings(report) == [
        (2, "preferenza sconosciuta 'XYZ': il cliente è importato senza (importare prima le preferenze)")
    ]
    assert preference_codes(Client.get()) == {"CROC", "MAR"}


@pytest.mark.usefixtures("db")
def test_the_preferences_column_replaces_the_clients_preferences(tmp_path):
    croc, mar = make_preference("CROC"), make_preference("MAR")
    kept = make_client("1", name="ROSSI")
    emptied = make_client("2", name="BIANCHI")
    untouched = make_client("3", name="VERDI")
    for client in (kept, emptied, untouched):
        give_preference(client, croc)
    import_csv(write(tmp_path, "codice;preferenze\n1;MAR\n2;\n"), "clients")
    import_csv(write(tmp_path, "codice;cellulare\n3;3331234567\n", name="other.csv"), "clients")
    assert preference_codes(kept) == {"MAR"}
    assert preference_codes(emptied) == set()
    assert preference_codes(untouched) == {"CROC"}  # no preferences column: left alone
    assert mar.id and Preference.select().count() == 2


@pytest.mark.usefixtures("db")
def test_a_cap_that_lost_its_leading_zero_in_excel_gets_it_back_with_a_warning(tmp_path):
    report = import_csv(write(tmp_path, "codice;ragione_sociale;cap;città\n1;A;6121;PERUGIA\n"), "clients")
    assert Client.get().zip == "06121"
    assert warnings(report) == [(2, "CAP '6121' completato in '06121' (zeri iniziali persi da Excel?)")]


@pytest.mark.usefixtures("db")
def test_a_code_repeated_in_the_same_file_updates_the_first_row_with_a_warning(tmp_path):
    path = write(tmp_path, "codice;ragione_sociale\n2;FUTURA VIAGGI\n3;ALTRO\n2;FUTURA VIAGGI WWW\n")
    report = import_csv(path, "clients", batch_size=10)
    assert (report.imported, report.updated) == (2, 1)
    assert warnings(report) == [(4, "codice 0000002 già presente alla riga 2 del file: questa riga la aggiorna")]
    assert Client.get(Client.code == "0000002").name == "FUTURA VIAGGI WWW"


@pytest.mark.usefixtures("db")
def test_a_client_without_ragione_sociale_is_named_after_nome_and_cognome(tmp_path):
    report = import_csv(write(tmp_path, "codice;nome;cognome\n280;Stefano;Rosso\n"), "clients")
    assert report.ok
    client = Client.get()
    assert (client.name, client.first_name, client.last_name, client.kind) == (
        "ROSSO STEFANO", "Stefano", "Rosso", "person",
    )


@pytest.mark.usefixtures("db")
def test_a_client_with_a_vat_number_and_no_kind_is_a_company(tmp_path):
    import_csv(write(tmp_path, "codice;ragione_sociale;partita_iva;tipo\n2;FUTURA;02263470235;\n3;ROSSI;;azienda\n"),
               "clients")
    assert [c.kind for c in Client.select().order_by(Client.code)] == ["company", "company"]


# --- upsert -----------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("any_db")
def test_importing_again_updates_instead_of_duplicating_and_keeps_absent_columns(tmp_path):
    first = write(tmp_path, "codice;ragione_sociale;cellulare;città;invio_sms_promo\n"
                            "2;FUTURA VIAGGI;349/9999999;SOMMACAMPAGNA;si\n3;ROSSI;;VERONA;no\n")
    assert (import_csv(first, "clients").imported, Client.select().count()) == (2, 2)
    second = write(tmp_path, "Codice;Ragione Sociale;Cellulare\n0000002;FUTURA VIAGGI WWW;+39 349 111 2222\n"
                             "4;NUOVO;\n", name="second.csv")
    report = import_csv(second, "clients")
    assert (report.imported, report.updated) == (1, 1)
    futura = Client.get(Client.code == "0000002")
    assert (futura.name, futura.mobile, futura.city, futura.sms_promo) == (
        "FUTURA VIAGGI WWW", "+393491112222", "SOMMACAMPAGNA", True,
    )
    assert "futura viaggi www" in futura.search_text
    assert Client.select().count() == 3


@pytest.mark.usefixtures("any_db")
def test_practices_are_updated_by_number(tmp_path):
    make_client("1")
    make_client("2")
    first = write(tmp_path, "numero;cliente;data_pratica;data_partenza;destinazione;importo;saldo;saldata\n"
                            "2026/0001;1;01/03/2026;01/07/2026;Sharm;\"1.234,50\";500;no\n")
    assert import_csv(first, "practices").imported == 1
    second = write(tmp_path, "numero;saldata;saldo;cliente\n2026/0001;si;0;2\n", name="paid.csv")
    report = import_csv(second, "practices")
    assert (report.imported, report.updated, report.rejected) == (0, 1, [])
    practice = Practice.get()
    assert (practice.paid, practice.balance, practice.amount) == (True, Decimal("0.00"), Decimal("1234.50"))
    assert practice.client.code == "0000002"
    assert practice.departure_date == date(2026, 7, 1)


@pytest.mark.usefixtures("any_db")
def test_preferences_and_suppliers_are_imported_and_updated(tmp_path):
    prefs = write(tmp_path, "codice;descrizione\n1;CITTA' D'ARTE\ncroc;Crociere\n")
    assert import_csv(prefs, "preferences").imported == 2
    again = write(tmp_path, "codice;descrizione\nCROC;CROCIERE\n", name="again.csv")
    assert import_csv(again, "preferences").updated == 1
    assert Preference.get(Preference.code == "CROC").description == "CROCIERE"
    suppliers = write(tmp_path, "codice;ragione_sociale;cellulare\n1;MEDITERRANEO T.O.;347 1234567\n",
                      name="suppliers.csv")
    assert import_csv(suppliers, "suppliers").imported == 1
    supplier = Supplier.get()
    assert (supplier.code, supplier.mobile, supplier.mobile_status) == ("0000001", "+393471234567", "ok")


# --- the rejected rows go back to the user -------------------------------------------------------------------


@pytest.mark.usefixtures("db")
def test_rejected_rows_are_written_to_a_csv_that_imports_once_fixed(tmp_path):
    source = write(tmp_path, "Codice;Ragione Sociale;Data di nascita\n1;ROSSI;31/02/1980\n2;BIANCHI;01/01/1970\n"
                             "3;;02/02/1972\n", encoding="cp1252")
    report = import_csv(source, "clients")
    assert [line for line, _ in reasons(report)] == [2, 4]
    out = tmp_path / "scartate.csv"
    assert write_rejected(report, out) == 2
    with open(out, encoding="cp1252", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert rows[0] == [REASON_COLUMN, "Codice", "Ragione Sociale", "Data di nascita"]
    assert rows[1] == ["riga 2: Data di Nascita: data impossibile: '31/02/1980'", "1", "ROSSI", "31/02/1980"]
    # The user fixes the two rows in Excel and imports the file again, reason column and all.
    rows[1][3] = "28/02/1980"
    rows[2][2] = "VERDI"
    with open(out, "w", encoding="cp1252", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows(rows)
    again = import_csv(out, "clients")
    assert (again.imported, again.rejected, again.warnings) == (2, [], [])
    assert Client.select().count() == 3


# --- progress, and stopping -----------------------------------------------------------------------------


@pytest.mark.usefixtures("db")
def test_the_progress_callback_counts_rows_up_to_the_total(tmp_path):
    lines = ["codice;ragione_sociale"] + [f"{n};C{n}" for n in range(1, 26)]
    seen = []
    import_csv(write(tmp_path, "\n".join(lines)), "clients", progress=lambda d, t: seen.append((d, t)),
               batch_size=10)
    assert seen == [(10, 25), (20, 25), (25, 25)]


@pytest.mark.usefixtures("db")
def test_an_import_stopped_from_the_progress_callback_keeps_what_it_wrote(tmp_path):
    lines = ["codice;ragione_sociale"] + [f"{n};C{n}" for n in range(1, 26)]

    def stop(done, total):
        raise ImportCancelled

    report = import_csv(write(tmp_path, "\n".join(lines)), "clients", progress=stop, batch_size=10)
    assert report.cancelled and report.processed == 10
    assert Client.select().count() == 10
    assert "interrotto dopo 10 righe su 25" in report.summary()


# --- a file that cannot be imported at all is one clear message ----------------------------------------------------


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "file non trovato"),
        (b"", "il file è vuoto"),
        (b"\n\n  \n", "il file è vuoto"),
        (b"PK\x03\x04\x14\x00\x06\x00", "è un file Excel (.xlsx)"),
        (b"%PDF-1.4 ...", "è un PDF, non un CSV"),
        (b"abc\x00\x01\x02def", "il file contiene dati binari: non è un file CSV"),
        ("ciao a tutti\nquesto è un testo\n".encode(), "manca la colonna codice (code, codice, cod, codice_cliente)"),
        (b"numero;cliente;data_pratica\n2026/1;1;01/01/2026\n",
         "(sembra un file di pratiche: usare 'import practices')"),
    ],
)
def test_a_file_that_is_not_a_csv_of_clients_is_one_clear_error(tmp_path, content, message, db):
    path = tmp_path / "clienti.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ImportFileError) as error:
        import_csv(path, "clients")
    assert message in str(error.value)
    assert "\n" not in str(error.value)
    assert Client.select().count() == 0 and database_proxy.obj is db


def test_a_folder_is_not_a_file(tmp_path, db):
    with pytest.raises(ImportFileError, match="è una cartella"):
        import_csv(tmp_path, "clients")
