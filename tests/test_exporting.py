"""Exporting a list: every row of its pager, the columns shown, CSV for Excel in Italy, XLSX."""

from __future__ import annotations

import csv
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from pegaso_tui.db.clients import clients_pager
from pegaso_tui.db.models import Client
from pegaso_tui.exporting import ExportCancelled, ExportColumn, ExportError, export_pager, export_rows

COLUMNS = [
    ExportColumn("Codice", lambda c: c.code),
    ExportColumn("Ragione Sociale", lambda c: c.name),
    ExportColumn("Nato il", lambda c: c.birth_date),
    ExportColumn("Sms Promo", lambda c: c.sms_promo),
]


def test_every_row_of_the_pager_is_exported_to_xlsx_with_real_dates(db, tmp_path):
    Client.insert_many([
        dict(code=f"{i:07d}", name=f"CLIENTE {i}", birth_date=date(1980, 1, 1 + i % 28), sms_promo=i % 2 == 0)
        for i in range(1, 2501)
    ]).execute()
    progress = []
    result = export_pager(clients_pager(), COLUMNS, tmp_path / "clienti.xlsx",
                          progress=lambda done, total: progress.append((done, total)))
    assert result.rows == 2500
    assert progress[-1] == (2500, 2500)
    rows = list(openpyxl.load_workbook(tmp_path / "clienti.xlsx", read_only=True).active.values)
    assert rows[0] == ("Codice", "Ragione Sociale", "Nato il", "Sms Promo")
    assert len(rows) == 2501
    assert rows[1] == ("0000001", "CLIENTE 1", datetime(1980, 1, 2), False)
    assert rows[-1][0] == "0002500"


def test_csv_is_written_for_excel_in_italy(tmp_path):
    rows = [dict(code="0000002", name="CITTÀ D'ARTE; srl", when=datetime(2026, 3, 2, 10, 0, 5),
                 amount=Decimal("1500.50"), formula="=HYPERLINK(\"x\")", phone="+39 349 999 9999")]
    columns = [ExportColumn(label, lambda r, k=key: r[k]) for label, key in
               [("Codice", "code"), ("Nome", "name"), ("Quando", "when"), ("Importo", "amount"),
                ("Note", "formula"), ("Cellulare", "phone")]]
    export_rows(rows, columns, tmp_path / "x.csv")
    raw = (tmp_path / "x.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8, not Windows-1252
    with open(tmp_path / "x.csv", encoding="utf-8-sig", newline="") as handle:
        header, line = list(csv.reader(handle, delimiter=";"))
    assert header == ["Codice", "Nome", "Quando", "Importo", "Note", "Cellulare"]
    assert line == ["0000002", "CITTÀ D'ARTE; srl", "02-03-2026 10:00:05", "1500,50",
                    "'=HYPERLINK(\"x\")", "+39 349 999 9999"]


def test_a_formula_is_never_written_to_xlsx(tmp_path):
    export_rows([{"n": "=1+1"}], [ExportColumn("Nota", lambda r: r["n"])], tmp_path / "x.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "x.xlsx").active
    assert sheet["A2"].value == "=1+1" and sheet["A2"].data_type == "s"


def test_a_cancelled_or_impossible_export_leaves_no_file(tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    many = [{"n": i} for i in range(1000)]
    column = [ExportColumn("N", lambda r: r["n"])]
    with pytest.raises(ExportCancelled):
        export_rows(many, column, tmp_path / "x.xlsx", cancelled=lambda: True)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ExportError, match="deve finire con .xlsx o .csv"):
        export_rows(many, column, tmp_path / "x.txt")
    with pytest.raises(ExportError, match="non esiste"):
        export_rows(many, column, tmp_path / "missing" / "x.csv")
