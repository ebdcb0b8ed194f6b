"""Export any list to CSV or XLSX, with the columns the list shows. No Textual here.

- **CSV** is written the way Excel in Italy opens it with a double click: UTF-8 *with* a BOM
  (without it Excel reads the file as Windows-1252 and mangles ``à è ò``), ``;`` as the
  separator (Italian Windows uses ``;`` as the list separator, because the comma is the decimal
  point), dates as ``DD-MM-YYYY`` and amounts with a decimal comma. Booleans are ``si``/``no``.
  The file can be imported again (CLI.md accepts exactly these forms).
- **XLSX** is written with openpyxl in write-only mode, so memory stays flat on a million rows:
  dates are real dates (shown ``DD-MM-YYYY``), amounts are numbers, the header is bold and
  frozen, with a filter.

A cell that would start a formula (``=``, ``+``, ``-``, ``@``) is written as text: an export
must never run anything when opened. Rows are read page by page (``export_pager``), and the
file appears only when complete: it is written next to its destination and renamed at the end,
so a failed or cancelled export leaves nothing half-written.
"""

from __future__ import annotations

import csv
import os
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Protocol, Sequence

from pegaso_tui.db.csvfile import formula_safe

FORMATS = ("xlsx", "csv")

#: Rows fetched from the database per query while exporting a pager.
CHUNK = 1000


class ExportColumnLike(Protocol):
    """What a column must offer: its heading and the value of a row's cell.

    ``pegaso_tui.widgets.paged_table.Column`` is one; so is ``ExportColumn``.
    """

    label: str

    def export_value(self, row: Any) -> Any: ...


@dataclass(frozen=True)
class ExportColumn:
    """A column for code that has no table on screen: a heading and a function of the row."""

    label: str
    value: Callable[[Any], Any]
    width: int | None = None

    def export_value(self, row: Any) -> Any:
        return self.value(row)


@dataclass(frozen=True)
class ExportResult:
    """What was written."""

    path: Path
    rows: int
    format: str


class ExportCancelled(Exception):
    """The user stopped the export; nothing was written."""


class ExportError(Exception):
    """The file cannot be written; the message says why (Italian)."""


def export_format(path: str | Path) -> str:
    """``xlsx`` or ``csv`` from the file name; ExportError for any other extension."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ExportError("il file deve finire con .xlsx o .csv")
    return suffix


def iter_pager(pager, chunk: int = CHUNK) -> Iterator[Any]:
    """Every row of a KeysetPager, fetched ``chunk`` rows at a time (memory stays flat)."""
    page = pager.first(chunk)
    while True:
        yield from page.rows
        if page.at_end or not page.rows:
            return
        page = pager.after(pager.key_of(page.rows[-1]), chunk)


def export_pager(
    pager,
    columns: Sequence[ExportColumnLike],
    path: str | Path,
    *,
    progress: Callable[[int, int | None], Any] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ExportResult:
    """Write every row of ``pager`` (not only those on screen) to ``path``."""
    total = pager.count()
    return export_rows(iter_pager(pager), columns, path, total=total, progress=progress, cancelled=cancelled)


def export_rows(
    rows: Iterable[Any],
    columns: Sequence[ExportColumnLike],
    path: str | Path,
    *,
    total: int | None = None,
    progress: Callable[[int, int | None], Any] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ExportResult:
    """Write ``rows`` × ``columns`` to ``path`` (.csv or .xlsx).

    ``progress(done, total)`` is called every few hundred rows; when ``cancelled()`` turns
    true the export stops with ExportCancelled and no file is left behind.
    """
    path = Path(path).expanduser()
    fmt = export_format(path)
    if path.is_dir():
        raise ExportError(f"{path} è una cartella: indicare il nome del file")
    if not path.parent.is_dir():
        raise ExportError(f"la cartella {path.parent} non esiste")
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=f".{fmt}.part", dir=path.parent)
    except OSError as exc:
        raise ExportError(f"impossibile scrivere in {path.parent}: {exc.strerror or exc}") from exc
    os.close(handle)
    temp = Path(temp_name)

    def counted() -> Iterator[Any]:
        done = 0
        for row in rows:
            if cancelled is not None and done % 200 == 0 and cancelled():
                raise ExportCancelled()
            yield row
            done += 1
            if progress is not None and done % 200 == 0:
                progress(done, total)
        if progress is not None:
            progress(done, total if total is not None else done)

    try:
        writer = _write_xlsx if fmt == "xlsx" else _write_csv
        written = writer(temp, columns, counted())
        os.replace(temp, path)
    except OSError as exc:
        raise ExportError(f"impossibile scrivere {path}: {exc.strerror or exc}") from exc
    finally:
        if temp.exists():
            temp.unlink()
    return ExportResult(path, written, fmt)


# --- CSV ------------------------------------------------------------------------------------------

_safe_text = formula_safe


def csv_cell(value: Any) -> str:
    """A value as the Italian CSV shows it (dates DD-MM-YYYY, decimal comma, si/no)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "si" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%d-%m-%Y %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, (Decimal, float)):
        return f"{Decimal(str(value)):f}".replace(".", ",")
    if isinstance(value, int):
        return str(value)
    return _safe_text(str(value))


def _write_csv(path: Path, columns: Sequence[ExportColumnLike], rows: Iterable[Any]) -> int:
    written = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow([column.label for column in columns])
        for row in rows:
            writer.writerow([csv_cell(column.export_value(row)) for column in columns])
            written += 1
    return written


# --- XLSX -----------------------------------------------------------------------------------------


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _write_xlsx(path: Path, columns: Sequence[ExportColumnLike], rows: Iterable[Any]) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Elenco")
    for index, column in enumerate(columns, start=1):
        width = getattr(column, "width", None) or 0
        sheet.column_dimensions[_column_letter(index)].width = max(width, len(column.label), 8) + 2
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.label)
        cell.font = bold
        header.append(cell)
    sheet.append(header)

    def cell_of(value: Any):
        if value is None:
            return None
        if isinstance(value, datetime):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = "DD-MM-YYYY HH:MM:SS"
            return cell
        if isinstance(value, date):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = "DD-MM-YYYY"
            return cell
        if isinstance(value, Decimal):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = "#,##0.00"
            return cell
        if isinstance(value, (bool, int, float)):
            return value
        text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
        if text.startswith("="):
            # openpyxl would store it as a formula: keep it text
            cell = WriteOnlyCell(sheet, value=text)
            cell.data_type = "s"
            return cell
        return text

    written = 0
    try:
        for row in rows:
            sheet.append([cell_of(column.export_value(row)) for column in columns])
            written += 1
    except BaseException:
        # finish openpyxl's streaming writer, or it complains when collected; the part file
        # it writes to is removed by the caller
        try:
            sheet.close()
        except Exception:  # noqa: BLE001 - the first error is the one to report
            pass
        raise
    if columns:
        sheet.auto_filter.ref = f"A1:{_column_letter(len(columns))}{written + 1}"
    workbook.save(path)
    return written
