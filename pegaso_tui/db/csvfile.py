"""Reading and writing the CSV files the agency exchanges with spreadsheets (CLI.md, "CSV files").

What Excel in Italy produces is the yardstick: semicolon separated (comma elsewhere), saved
as Windows-1252 or UTF-8 with a BOM, sometimes with a ``sep=;`` first line, dates as
``31/12/1980``, amounts as ``1.234,50``. This module only turns bytes into records with their
line numbers, and typed text into values; what the columns mean is ``importer``'s business.
No database and no UI here.
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator, Sequence

from pegaso_tui.dates import DateError, parse_optional_date

#: The separators we detect, in order of preference on a tie (Excel in Italy writes ``;``).
DELIMITERS = (";", ",", "\t")
DELIMITER_NAMES = {";": "punto e virgola", ",": "virgola", "\t": "tabulazione"}

#: Bytes that open files which are certainly not CSV, and what to tell the user.
_NOT_CSV_SIGNATURES = (
    (b"PK\x03\x04", "è un file Excel (.xlsx) o un archivio compresso, non un CSV: "
                    "in Excel usare «Salva con nome» > «CSV (delimitato dal separatore di elenco)»"),
    (b"\xd0\xcf\x11\xe0", "è un file Excel (.xls), non un CSV: "
                          "in Excel usare «Salva con nome» > «CSV (delimitato dal separatore di elenco)»"),
    (b"%PDF", "è un PDF, non un CSV"),
    (b"\x1f\x8b", "è un archivio compresso (gzip), non un CSV"),
)


class CsvFileError(Exception):
    """The file as a whole cannot be read as CSV; the message is one line for the user."""


@dataclass(slots=True)
class CsvRecord:
    """One record of the file: the line it starts on and its fields as typed."""

    line: int
    values: list[str]
    #: why the record could not be parsed as CSV (unclosed quotes, ...), or None
    error: str | None = None


@dataclass
class CsvTable:
    """A decoded CSV file: header, records with their line numbers, and how it was read."""

    path: Path
    encoding: str  # the Python codec, to write a file the same way
    encoding_label: str  # for the user: "UTF-8", "UTF-8 con BOM", "Windows-1252"
    delimiter: str
    header: list[str]
    header_line: int
    records: list[CsvRecord] = field(default_factory=list)
    #: lines holding no data at all (empty, or only separators), skipped
    blank_lines: int = 0
    #: in a Windows-1252 file, the lines written in UTF-8 (read as UTF-8: see decode_mixed)
    utf8_lines: list[int] = field(default_factory=list)

    @property
    def delimiter_label(self) -> str:
        return DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))


# --- reading ------------------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str, str]:
    """Decode the bytes of a text file: (text, codec, label for the user).

    UTF-8 with a BOM, UTF-16 with a BOM (Excel's "Testo Unicode"), plain UTF-8, and otherwise
    Windows-1252, which is what Excel writes in Italy. A file that is valid UTF-8 is read as
    UTF-8: the other way round, Windows-1252 would accept anything and garble accents.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig", "UTF-8 con BOM"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16", "UTF-16"
    try:
        return data.decode("utf-8"), "utf-8", "UTF-8"
    except UnicodeDecodeError:
        pass
    text, _ = decode_mixed(data)
    return text, "cp1252", "Windows-1252"


def _legacy(line: bytes) -> str:
    try:
        return line.decode("cp1252")
    except UnicodeDecodeError:
        # five byte values are unassigned in Windows-1252: Latin-1 still reads every byte
        return line.decode("latin-1")


def decode_mixed(data: bytes) -> tuple[str, list[int]]:
    """A file that is not UTF-8 as a whole, read line by line as each was written: a line
    that is valid UTF-8 with accents is UTF-8 (pasted from a web page or another file), the
    others Windows-1252. Returns the text and the numbers of the UTF-8 lines with accents.

    Read as Windows-1252 throughout, "NICOLÒ" in UTF-8 would be stored as "NICOLÃ’".
    """
    parts = []
    utf8_lines = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            parts.append(line.decode("ascii"))
            continue
        try:
            parts.append(line.decode("utf-8"))
            utf8_lines.append(number)
        except UnicodeDecodeError:
            parts.append(_legacy(line))
    return "\n".join(parts), utf8_lines


def _check_not_binary(data: bytes) -> None:
    for signature, message in _NOT_CSV_SIGNATURES:
        if data.startswith(signature):
            raise CsvFileError(message)
    head = data[:8192]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CsvFileError("il file contiene dati binari: non è un file CSV")


#: The largest file an import reads (it is read whole): a million rows take a fraction.
MAX_FILE_BYTES = 2 * 1024**3


def check_readable(path: Path | str) -> None:
    """CsvFileError saying plainly why ``path`` cannot be read (missing, a folder, a device
    or a pipe that would never end, too big, ...)."""
    import stat

    with _reading(Path(path)) as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise CsvFileError("non è un file normale (un dispositivo o una pipe?)")
        if info.st_size > MAX_FILE_BYTES:
            raise CsvFileError(f"file troppo grande ({info.st_size // 1024**2} MB, al massimo {MAX_FILE_BYTES // 1024**2} MB)")
        fh.read(1)


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or a CsvFileError saying plainly why it cannot be read."""
    check_readable(path)
    with _reading(path) as fh:
        return fh.read()


@contextmanager
def _reading(path: Path) -> Iterator[BinaryIO]:
    try:
        with open(path, "rb") as fh:
            yield fh
    except FileNotFoundError:
        raise CsvFileError("file non trovato") from None
    except IsADirectoryError:
        raise CsvFileError("è una cartella, non un file") from None
    except PermissionError:
        raise CsvFileError("permesso di lettura negato") from None
    except OSError as exc:
        raise CsvFileError(f"impossibile leggere il file: {exc.strerror or exc}") from None


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _split_header(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return [line]


def choose_delimiter(header_line: str, score: Callable[[list[str]], int]) -> str:
    """The separator that splits the header into the most recognised column names.

    ``score`` counts the names a given split recognises; on a tie the split with more fields
    wins, then the order of DELIMITERS. Counting recognised names rather than characters
    keeps a header such as ``Ragione sociale, S.p.A.;codice`` from fooling us.
    """
    best = DELIMITERS[0]
    best_key = (-1, -1)
    for delimiter in DELIMITERS:
        fields = _split_header(header_line, delimiter)
        key = (score(fields), len(fields))
        if key > best_key:
            best, best_key = delimiter, key
    return best


def _is_blank(values: Sequence[str]) -> bool:
    return all(not v.strip() for v in values)


def read_table(
    path: Path | str,
    score: Callable[[list[str]], int] = lambda fields: 0,
    max_records: int | None = None,
) -> CsvTable:
    """Read a CSV file: detect encoding and separator, find the header, number the records.

    ``score`` helps choose the separator (see choose_delimiter). ``max_records`` stops early
    (for a preview). Raises CsvFileError when the file is missing, unreadable, empty, binary
    or has no header.
    """
    path = Path(path)
    data = read_bytes(path)
    if data.startswith(b"PK\x03\x04") and _is_xlsx(data):
        return _read_xlsx(path, data, max_records)
    _check_not_binary(data)
    text, codec, label = decode(data)
    utf8_lines = decode_mixed(data)[1] if codec == "cp1252" else []
    # Only CR/LF end a line in CSV (str.splitlines would also split on form feeds and the like).
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the last line does not start another
    # The header is the first line with something on it; Excel may put "sep=;" before it.
    index = 0
    forced = None
    while index < len(lines) and not lines[index].strip():
        index += 1
    if index < len(lines) and re.fullmatch(r"\s*sep=(.)\s*", lines[index]):
        forced = re.fullmatch(r"\s*sep=(.)\s*", lines[index]).group(1)  # type: ignore[union-attr]
        index += 1
        while index < len(lines) and not lines[index].strip():
            index += 1
    if index >= len(lines):
        raise CsvFileError("il file è vuoto")
    delimiter = forced or choose_delimiter(lines[index], score)
    table = CsvTable(path, codec, label, delimiter, [], index + 1, utf8_lines=utf8_lines)

    # Parse from the header's line on, keeping physical line numbers (a quoted field may
    # span lines, so a record's number is the line it starts on).
    rest = "\n".join(lines[index:]) + "\n"
    reader = csv.reader(io.StringIO(rest, newline=""), delimiter=delimiter, strict=True)
    offset = index  # lines before the header
    first = True
    while True:
        start = reader.line_num + 1 + offset
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            end = reader.line_num + offset
            raw = lines[start - 1 : end]
            reason = _csv_error_reason(str(exc), start, end)
            table.records.append(CsvRecord(start, _naive_split(raw, delimiter), reason))
            continue
        if first:
            table.header = [v.strip() for v in values]
            first = False
            continue
        if not values or _is_blank(values):
            table.blank_lines += 1
            continue
        if any("\x00" in v for v in values):  # PostgreSQL cannot store it; nobody types it
            clean = [v.replace("\x00", "") for v in values]
            table.records.append(CsvRecord(start, clean, "la riga contiene caratteri nulli (file danneggiato?)"))
            continue
        # a cell the export (or the rejected rows) wrote as '=... goes back to what it was
        table.records.append(CsvRecord(start, [formula_unsafe(v) for v in values]))
        if max_records is not None and len(table.records) >= max_records:
            break
    if not table.header or _is_blank(table.header):
        raise CsvFileError("manca la riga di intestazione con i nomi delle colonne")
    return table


# --- XLSX: what the export writes, read back -----------------------------------------------


def _is_xlsx(data: bytes) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def xlsx_cell_text(value: object) -> str:
    """A cell of a spreadsheet as the CSV import reads text: dates ``DD-MM-YYYY``, flags
    ``si``/``no``, numbers with a point (both forms are read as amounts)."""
    from datetime import datetime

    if value is None:
        return ""
    if isinstance(value, bool):
        return "si" if value else "no"
    if isinstance(value, datetime):
        value = value.date() if not value.time() else value
        if isinstance(value, datetime):
            return value.strftime("%d-%m-%Y %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def _read_xlsx(path: Path, data: bytes, max_records: int | None) -> CsvTable:
    """The first sheet of an Excel workbook as a table (the export's XLSX imports back)."""
    try:
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise CsvFileError(f"file Excel illeggibile: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
    try:
        sheet = workbook.worksheets[0]
        table: CsvTable | None = None
        blank = 0
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            values = [xlsx_cell_text(v) for v in cells]
            if table is None:
                if _is_blank(values):
                    continue
                while values and not values[-1].strip():
                    values.pop()  # the sheet's width may run past the header
                table = CsvTable(path, "utf-8-sig", "Excel (XLSX)", ";", [v.strip() for v in values], number)
                continue
            if _is_blank(values):
                blank += 1
                continue
            # a spreadsheet has no missing cells, only empty ones
            values += [""] * (len(table.header) - len(values))
            table.records.append(CsvRecord(number, values))
            if max_records is not None and len(table.records) >= max_records:
                break
    finally:
        workbook.close()
    if table is None:
        raise CsvFileError("il file è vuoto")
    table.blank_lines = blank
    return table


def _csv_error_reason(message: str, start: int, end: int) -> str:
    if "unexpected end of data" in message:
        span = f" (righe {start}-{end})" if end > start else ""
        return f"virgolette aperte e mai chiuse fino alla fine del file{span}"
    if "expected after" in message:
        return "testo dopo le virgolette di chiusura di un campo"
    return f"riga CSV malformata: {message}"


def _naive_split(lines: list[str], delimiter: str) -> list[str]:
    """Best effort fields of a malformed record, so the user gets it back to fix."""
    return "\n".join(lines).split(delimiter)


# --- writing ------------------------------------------------------------------------------------


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: A number or a phone number may begin with + or -: it cannot run anything.
_HARMLESS = re.compile(r"^[+-]?[\d\s.,/()]+$")


def formula_safe(text: str) -> str:
    """A cell that a spreadsheet would run as a formula (``=HYPERLINK(...)``), made text with
    a leading apostrophe; numbers and phone numbers (``+39 ...``) are left alone."""
    if text.startswith(_FORMULA_START) and not _HARMLESS.match(text):
        return "'" + text
    if text.startswith("'") and formula_safe(text[1:]) == text:
        return "'" + text  # '=x itself: one more apostrophe, so that formula_unsafe gives it back
    return text


def formula_unsafe(text: str) -> str:
    """The inverse of ``formula_safe``: what an exported cell held before it was escaped
    (so that an exported list imports back unchanged)."""
    if text.startswith("'") and formula_safe(text[1:]) == text:
        return text[1:]
    return text


def write_table(
    path: Path | str,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    encoding: str = "utf-8-sig",
    delimiter: str = ";",
) -> None:
    """Write a CSV file that Excel opens as it opened the original (same codec and separator)."""
    codec = "utf-8-sig" if encoding in ("utf-8-sig", "utf-16") else encoding
    with open(path, "w", encoding=codec, errors="replace", newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow([formula_safe(h) for h in header])
        # the rejected rows are opened in Excel to be fixed: nothing in them may run
        writer.writerows([formula_safe(cell) for cell in row] for row in rows)


# --- header names -------------------------------------------------------------------------------


def header_key(name: str) -> str:
    """A header name reduced to compare names: no case, accents, spaces or punctuation.

    ``Città``, ``CITTA'``, ``citta`` give ``citta``; ``Ragione Sociale``, ``ragione_sociale``
    and ``RagioneSociale`` give ``ragionesociale``; ``E-mail`` gives ``email``.
    """
    decomposed = unicodedata.normalize("NFKD", name.strip().lstrip("\ufeff"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c for c in plain.lower() if c.isalnum())


# --- values -------------------------------------------------------------------------------------


class ValueProblem(ValueError):
    """A field's text cannot be understood; the message (Italian) says why."""


_TRUE = {"1", "true", "t", "si", "s", "yes", "y", "x", "vero", "v", "on", "ok"}
_FALSE = {"", "0", "false", "f", "no", "n", "falso", "off"}


def parse_bool(text: str) -> bool:
    """``1/0``, ``true/false``, ``si/no`` (``sì``), ``x``/empty, and the usual variants."""
    key = header_key(text)  # "Sì" -> "si", " X " -> "x", "-1" (Access) -> "1"
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValueProblem(f"valore non valido '{text.strip()}' (usare 1/0, si/no, true/false, x o vuoto)")


_DMY_TIME = re.compile(r"^\s*(\d{1,2}[-/.]\d{1,2}[-/.]\d{4})[ T]\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*$")
_DMY_SHORT = re.compile(r"^\s*\d{1,2}[-/.]\d{1,2}[-/.]\d{2}\s*$")


def parse_csv_date(text: str) -> date | None:
    """A date as ``pegaso_tui.dates`` reads it; a time Excel appends (``00:00:00``) is dropped.

    Empty means no date. A two-digit year is refused: ``01/02/30`` could be 1930 or 2030.
    """
    match = _DMY_TIME.match(text)
    if match:
        text = match.group(1)
    if _DMY_SHORT.match(text):
        raise ValueProblem(f"anno a due cifre in '{text.strip()}': scrivere l'anno per intero (GG-MM-AAAA)")
    try:
        return parse_optional_date(text)
    except DateError as exc:
        raise ValueProblem(str(exc)) from None


_AMOUNT_CHARS = re.compile(r"^-?[\d.,]+$")
_CENTS = Decimal("0.01")
#: DecimalField(max_digits=12, decimal_places=2)
_AMOUNT_LIMIT = Decimal("9999999999.99")


def parse_amount(text: str) -> Decimal | None:
    """An amount the Italian way (``1.234,50``), or the machine way (``1234.50``).

    - both separators: the last one is the decimal separator (``1.234,50``, ``1,234.50``);
    - only commas: one comma is the decimal comma (``1234,5``); several are thousands;
    - only dots: several are thousands (``1.234.567``); one dot followed by exactly three
      digits is a thousands dot, as an Italian writes ``1.500``; otherwise a decimal point.

    A currency sign and spaces are ignored. Empty means no amount. More than two decimals
    is refused rather than rounded.
    """
    raw = text.strip()
    cleaned = re.sub(r"(?i)\s|€|euro|eur", "", raw)
    if not cleaned:
        return None
    negative = cleaned.startswith("-") or (cleaned.startswith("(") and cleaned.endswith(")"))
    cleaned = cleaned.strip("()").lstrip("-+")
    if not _AMOUNT_CHARS.match(cleaned) or not any(c.isdigit() for c in cleaned):
        raise ValueProblem(f"importo non valido '{raw}'")
    comma, dot = cleaned.rfind(","), cleaned.rfind(".")
    if comma >= 0 and dot >= 0:
        decimal_sep = "," if comma > dot else "."
        thousands = "." if decimal_sep == "," else ","
        integer, _, decimals = cleaned.rpartition(decimal_sep)
        if decimal_sep in integer:
            raise ValueProblem(f"importo non valido '{raw}'")
        _check_groups(integer, thousands, raw)
        integer = integer.replace(thousands, "")
    elif comma >= 0:
        if cleaned.count(",") > 1:
            _check_groups(cleaned, ",", raw)
            integer, decimals = cleaned.replace(",", ""), ""
        else:
            integer, _, decimals = cleaned.partition(",")
    elif dot >= 0:
        parts = cleaned.split(".")
        if len(parts) > 2 or len(parts[1]) == 3:
            _check_groups(cleaned, ".", raw)
            integer, decimals = cleaned.replace(".", ""), ""
        else:
            integer, decimals = parts
    else:
        integer, decimals = cleaned, ""
    if len(decimals) > 2:
        raise ValueProblem(f"importo con più di due decimali '{raw}'")
    try:
        value = Decimal(f"{integer or '0'}.{decimals or '0'}").quantize(_CENTS)
    except InvalidOperation:
        raise ValueProblem(f"importo non valido '{raw}'") from None
    if value > _AMOUNT_LIMIT:
        raise ValueProblem(f"importo troppo grande '{raw}'")
    return -value if negative else value


def _check_groups(number: str, separator: str, raw: str) -> None:
    groups = number.split(separator)
    if not groups[0] or len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:]):
        raise ValueProblem(f"importo non valido '{raw}'")
