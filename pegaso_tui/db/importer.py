"""CSV import of preferences, clients, practices and suppliers (CLI.md, "CSV files").

The rules, as the command line and the import screen promise them:

- Columns are found by name, in English or Italian, whatever the case, accents, spaces or
  punctuation (``Città``, ``CITTA'``, ``citta``); their order is free. Unknown columns are
  reported once and ignored, and so is a second column for a field already found.
- A record with the same code (clients, suppliers, preferences) or number (practices) is
  updated, never duplicated. A column present in the file sets its field, even when the cell
  is empty; a column absent from the file leaves the field as it was.
- Every row that cannot be imported is rejected with its line number and the reason; every
  other row is imported. Nothing is dropped silently.
- A mobile that is not a valid mobile is kept as typed, with a warning: the client is
  imported and shows as not sendable.
- The clients' ``preferences`` column lists preference codes separated by ``|``. It replaces
  the client's preferences (an empty cell removes them). An unknown code is a warning naming
  it: the client is imported without that preference. Import the preferences first.

The API is shared by ``pegaso-tui import`` and the import screen: ``preview_csv`` shows how a
file is understood, ``import_csv`` imports it (with a progress callback) and returns an
``ImportReport``, ``write_rejected`` writes the rejected rows back to a CSV to fix and import
again (its ``motivo_scarto`` column is ignored on the way back in).

Writes are batched: each batch is read, merged and written with a few statements in one
transaction, so 100,000 clients import in seconds. A batch the database refuses as a whole
is retried row by row, so one bad row never costs its neighbours.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable

from peewee import CharField, DatabaseError, Model

from pegaso_tui.db import csvfile
from pegaso_tui.db.bulk import insert_rows
from pegaso_tui.db.csvfile import CsvFileError, CsvRecord, CsvTable, ValueProblem, header_key
from pegaso_tui.db.import_columns import (
    IGNORED,
    KIND_LABELS,
    KINDS,
    REASON_COLUMN,
    SPECS,
    ColumnInfo,
    FieldSpec,
    KindSpec,
    field_names,
    header_score,
    key_column_problem,
    map_columns,
)
from pegaso_tui.db.models import (
    COMPANY,
    PERSON,
    Client,
    ClientPreference,
    Preference,
    Supplier,
    database_proxy,
    normalize_code,
    now,
)
from pegaso_tui.db.pair_counts import fold as fold_pair_counts
from pegaso_tui.errors import first_line
from pegaso_tui.sms.phone import INVALID, LANDLINE, check_mobile, typed_badly

__all__ = [
    "IGNORED", "KINDS", "REASON_COLUMN", "ColumnInfo", "ImportCancelled", "ImportFileError",
    "ImportPreview", "ImportReport", "ImportWarning", "PreviewRow", "RejectedRow", "field_names",
    "import_csv", "preview_csv", "write_rejected",
]

#: Rows per transaction: big enough to be fast, small enough to let other terminals write.
BATCH_SIZE = 2000
#: Keys per ``IN (...)`` lookup (SQLite allows 32,766 parameters).
_STATEMENT_ROWS = 1000


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message is one line for the user."""


class ImportCancelled(Exception):
    """Raised by a progress callback to stop an import between two batches."""


#: Fields a new record cannot do without (the key aside), and what to say when missing.
_REQUIRED = {
    "preferences": {"description": "descrizione mancante"},
    "clients": {"name": "ragione sociale mancante (né nome e cognome)"},
    "practices": {"client": "cliente mancante", "practice_date": "data pratica mancante"},
    "suppliers": {"name": "ragione sociale mancante"},
}
_MISSING_KEY = {
    "preferences": "codice mancante",
    "clients": "codice cliente mancante",
    "practices": "numero pratica mancante",
    "suppliers": "codice fornitore mancante",
}
_RECIPIENT = {"clients": "il cliente", "suppliers": "il fornitore"}

_PERSON_WORDS = {"person", "persona", "personafisica", "fisica", "pf", "privato", "individual",
                 "individuo"}
_COMPANY_WORDS = {"company", "azienda", "ditta", "societa", "impresa", "personagiuridica",
                  "giuridica", "pg", "business", "ente", "agenzia"}
_ITALY = {"", "italia", "it", "ita", "italy"}


def _spec(kind: str) -> KindSpec:
    try:
        return SPECS[kind]
    except KeyError:
        raise ImportFileError(f"tipo di importazione sconosciuto: {kind} (valori: {', '.join(KINDS)})") from None


def _read(path: Path | str, spec: KindSpec, max_records: int | None = None) -> CsvTable:
    try:
        return csvfile.read_table(path, header_score(spec), max_records=max_records)
    except CsvFileError as exc:
        raise ImportFileError(str(exc)) from None


# --- one row: text to values --------------------------------------------------------------------


class RowProblem(ValueError):
    """The row cannot be imported; the message is the reason shown to the user."""


@dataclass(slots=True)
class ParsedRow:
    """A row understood: its key and the values of the columns present."""

    line: int
    key: str
    values: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)


@lru_cache(maxsize=None)
def _max_length(model: type[Model], name: str) -> int | None:
    fld = model._meta.fields.get(name)
    return fld.max_length if isinstance(fld, CharField) else None


def _parse_value(spec: FieldSpec, text: str, row: ParsedRow, kind: str) -> Any:
    parser = spec.parser
    stripped = text.strip()
    if parser == "text":
        return stripped
    if parser == "upper":
        return stripped.upper()
    if parser == "client_code":  # clients and suppliers: "2" is "0000002"
        return normalize_code(stripped)
    if parser == "pref_code":
        return normalize_code(stripped, width=0)
    if parser == "client_ref":
        return normalize_code(stripped) if stripped else ""
    if parser == "number":
        return stripped
    if parser == "bool":
        return csvfile.parse_bool(text)
    if parser == "date":
        return csvfile.parse_csv_date(text)
    if parser == "amount":
        return csvfile.parse_amount(text)
    if parser == "country":
        return stripped.upper() or "ITALIA"
    if parser == "zip":
        return stripped
    if parser == "email":
        if stripped and "@" not in stripped:
            row.warnings.append(f"e-mail non valida '{stripped}': conservata com'è")
        return stripped
    if parser == "kind":
        word = header_key(stripped)
        if not word:
            return None  # decided later: see _default_kind
        if word in _PERSON_WORDS:
            return PERSON
        if word in _COMPANY_WORDS:
            return COMPANY
        raise ValueProblem(f"tipo sconosciuto '{stripped}' (person/persona o company/azienda)")
    if parser == "mobile":
        check = check_mobile(stripped)
        who = _RECIPIENT.get(kind, "il soggetto")
        if check.status == INVALID:
            why = ": contiene lettere o simboli" if typed_badly(stripped) else ""
            row.warnings.append(
                f"cellulare non valido '{stripped}'{why}: conservato com'è, {who} non riceverà SMS"
            )
        elif check.status == LANDLINE:
            row.warnings.append(
                f"il cellulare '{stripped}' è un numero fisso: conservato, {who} non riceverà SMS"
            )
        return stripped
    if parser == "prefs":
        codes = [normalize_code(c, width=0) for c in _split_codes(stripped)]
        return list(dict.fromkeys(c for c in codes if c))
    raise AssertionError(f"parser sconosciuto {parser}")


def _split_codes(text: str) -> list[str]:
    for separator in ("|", ";", ","):
        text = text.replace(separator, "|")
    return text.split("|")


def parse_row(spec: KindSpec, columns: list[ColumnInfo], record: CsvRecord) -> ParsedRow:
    """Understand one record without the database; RowProblem says why it cannot be imported."""
    if record.error:
        raise RowProblem(record.error)
    row = ParsedRow(record.line, "", {}, raw=record.values)
    width = len(columns)
    values = record.values
    if len(values) > width and any(v.strip() for v in values[width:]):
        raise RowProblem(
            f"la riga ha {len(values)} campi, l'intestazione {width}: un separatore dentro un "
            "valore senza virgolette?"
        )
    needed = max((c.index + 1 for c in columns if c.field is not None), default=0)
    if len(values) < needed:
        # A missing cell is not an empty one: taking it for "" would clear the client's
        # mobile or flags that the row never mentioned. The whole row is refused instead.
        raise RowProblem(
            f"la riga ha {len(values)} campi, l'intestazione {width}: mancano dei campi "
            "(nessun dato del record è stato cambiato)"
        )
    for column in columns:
        if column.field is None:
            continue
        fspec = spec.field(column.field)
        text = values[column.index]
        try:
            value = _parse_value(fspec, text, row, spec.kind)
        except ValueProblem as exc:
            raise RowProblem(f"{fspec.label}: {exc}") from None
        row.values[column.field] = value
    key = row.values.pop(spec.key, "")
    if not key:
        raise RowProblem(_MISSING_KEY[spec.kind])
    row.key = key
    _complete(spec, row)
    for name, value in [(spec.key, key), *row.values.items()]:
        limit = _max_length(spec.model, name)
        if limit and isinstance(value, str) and len(value) > limit:
            label = spec.field(name).label
            raise RowProblem(f"{label} troppo lungo: '{value}' ({len(value)} caratteri, al massimo {limit})")
    return row


def _complete(spec: KindSpec, row: ParsedRow) -> None:
    """Rules that tie fields together: a name from first and last name, the CAP's zeros."""
    values = row.values
    if spec.kind == "clients":
        if "name" in values or "first_name" in values or "last_name" in values:
            if not values.get("name"):
                composed = f"{values.get('last_name', '')} {values.get('first_name', '')}".strip()
                if composed:
                    values["name"] = composed.upper()
                elif "name" in values:
                    raise RowProblem(_REQUIRED["clients"]["name"])
        zip_code = values.get("zip", "")
        if (zip_code.isdigit() and 3 <= len(zip_code) < 5
                and header_key(values.get("country", "")) in _ITALY):
            padded = zip_code.zfill(5)
            row.warnings.append(f"CAP '{zip_code}' completato in '{padded}' (zeri iniziali persi da Excel?)")
            values["zip"] = padded
        if "birth_date" in values and values["birth_date"] and values["birth_date"] > date.today():
            raise RowProblem(f"Data di Nascita: data nel futuro '{values['birth_date']:%d-%m-%Y}'")
    for name, message in _REQUIRED[spec.kind].items():
        if name in values and values[name] in ("", None):
            raise RowProblem(message)


# --- the report -----------------------------------------------------------------------------------


@dataclass(slots=True)
class RejectedRow:
    """A row not imported: its line, the reason, and its fields as typed (to write back)."""

    line: int
    reason: str
    values: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "reason": self.reason}


@dataclass(slots=True)
class ImportWarning:
    """Something imported that the user should know about (line 1 is the header)."""

    line: int
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "message": self.message}


@dataclass
class ImportReport:
    """What an import did: counts, every rejected row and every warning, with line numbers."""

    kind: str
    path: Path
    encoding: str
    encoding_label: str
    delimiter: str
    header: list[str]
    columns: list[ColumnInfo]
    total_rows: int = 0
    imported: int = 0
    updated: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    warnings: list[ImportWarning] = field(default_factory=list)
    blank_lines: int = 0
    processed: int = 0
    cancelled: bool = False
    elapsed_s: float = 0.0

    @property
    def ok(self) -> bool:
        """True when no row was rejected (the command's exit status 0)."""
        return not self.rejected

    def to_json(self) -> dict[str, Any]:
        """CLI.md's ``import --json`` document."""
        return {
            "imported": self.imported,
            "updated": self.updated,
            "rejected": [r.to_json() for r in self.rejected],
            "warnings": [w.to_json() for w in self.warnings],
        }

    def summary(self) -> str:
        """One line for the user: what was imported, updated, rejected."""
        label = KIND_LABELS[self.kind]
        separator = csvfile.DELIMITER_NAMES.get(self.delimiter, self.delimiter)
        text = (
            f"{label}: importati {self.imported}, aggiornati {self.updated}, "
            f"scartati {len(self.rejected)}, avvisi {len(self.warnings)} "
            f"(file {self.encoding_label}, separatore {separator})"
        )
        if self.cancelled:
            text += f"; interrotto dopo {self.processed} righe su {self.total_rows}"
        return text


# --- preview ------------------------------------------------------------------------------------


@dataclass(slots=True)
class PreviewRow:
    """One row of the preview: as typed, and what the import would say of it.

    ``reason`` and ``warnings`` come from the row alone; what needs the database (an unknown
    client of a practice, an unknown preference) is known only on import.
    """

    line: int
    values: list[str]
    reason: str | None
    warnings: list[str]


@dataclass
class ImportPreview:
    """How a file would be imported: columns understood, first rows, problems."""

    kind: str
    path: Path
    encoding_label: str
    delimiter: str
    delimiter_label: str
    header: list[str]
    columns: list[ColumnInfo]
    rows: list[PreviewRow]
    total_rows: int
    #: column-level warnings (unknown or duplicate columns)
    warnings: list[str]
    #: why the file cannot be imported at all (no key column), or None
    error: str | None = None


def preview_csv(path: Path | str, kind: str, limit: int = 20) -> ImportPreview:
    """Read ``path`` as a ``kind`` file: how each column is understood and the first rows.

    No database is needed. Raises ImportFileError when the file cannot be read as CSV.
    """
    spec = _spec(kind)
    table = _read(path, spec)
    columns, warnings = map_columns(spec, table.header)
    if table.utf8_lines:
        warnings = [*warnings, mixed_encoding_warning(table.utf8_lines)]
    rows = []
    for record in table.records[:limit]:
        try:
            parsed = parse_row(spec, columns, record)
            rows.append(PreviewRow(record.line, record.values, None, parsed.warnings))
        except RowProblem as exc:
            rows.append(PreviewRow(record.line, record.values, str(exc), []))
    return ImportPreview(
        kind=kind,
        path=Path(path),
        encoding_label=table.encoding_label,
        delimiter=table.delimiter,
        delimiter_label=table.delimiter_label,
        header=table.header,
        columns=columns,
        rows=rows,
        total_rows=len(table.records),
        warnings=warnings,
        error=key_column_problem(spec, columns, table.header),
    )


# --- import ---------------------------------------------------------------------------------------

Progress = Callable[[int, int], Any]


def import_csv(
    path: Path | str,
    kind: str,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Import a CSV file of ``kind`` into the open database; return what happened.

    ``progress(done, total)`` is called after each committed batch (rows done so far, rows
    in the file); it may raise ImportCancelled to stop: the batches already written stay, and
    the report says ``cancelled``. Raises ImportFileError when the file as a whole cannot be
    imported (missing, unreadable, not CSV, no key column).
    """
    started = time.perf_counter()
    spec = _spec(kind)
    table = _read(path, spec)
    columns, column_warnings = map_columns(spec, table.header)
    problem = key_column_problem(spec, columns, table.header)
    if problem:
        raise ImportFileError(problem)
    report = ImportReport(
        kind=kind,
        path=Path(path),
        encoding=table.encoding,
        encoding_label=table.encoding_label,
        delimiter=table.delimiter,
        header=table.header,
        columns=columns,
        total_rows=len(table.records),
        blank_lines=table.blank_lines,
    )
    report.warnings += [ImportWarning(table.header_line, w) for w in column_warnings]
    if table.utf8_lines:
        report.warnings.append(ImportWarning(table.utf8_lines[0], mixed_encoding_warning(table.utf8_lines)))
    _warn_unnamed_columns(table, columns, report)
    writer = _WRITERS[kind](spec, report)
    seen: dict[str, int] = {}  # key -> line of its first row in the file
    batch: list[ParsedRow] = []
    try:
        for record in table.records:
            try:
                row = parse_row(spec, columns, record)
            except RowProblem as exc:
                report.rejected.append(RejectedRow(record.line, str(exc), record.values))
                report.processed += 1
                continue
            first = seen.setdefault(row.key, row.line)
            if first != row.line:
                row.warnings.append(
                    f"{spec.field(spec.key).label.lower()} {row.key} già presente alla riga "
                    f"{first} del file: questa riga la aggiorna"
                )
                if any(r.key == row.key for r in batch):
                    writer.write(batch)  # a batch writes each key once
                    batch = []
            batch.append(row)
            if len(batch) >= batch_size:
                writer.write(batch)
                batch = []
                if progress:
                    progress(report.processed, report.total_rows)
        if batch:
            writer.write(batch)
        if progress:
            progress(report.processed, report.total_rows)
    except ImportCancelled:
        report.cancelled = True
    # each batch added its own rows of counts per letter pair (PostgreSQL): one row each again
    fold_pair_counts(database_proxy.obj)
    report.rejected.sort(key=lambda r: r.line)
    report.warnings.sort(key=lambda w: w.line)
    report.elapsed_s = time.perf_counter() - started
    return report


def mixed_encoding_warning(lines: list[int], shown: int = 20) -> str:
    """What the import says of a Windows-1252 file with some lines in UTF-8."""
    named = ", ".join(str(n) for n in lines[:shown])
    more = f" e altre {len(lines) - shown}" if len(lines) > shown else ""
    return (
        f"file in Windows-1252 con righe scritte in UTF-8, lette come UTF-8: righe {named}{more} "
        "(controllare gli accenti; meglio salvare il file tutto in UTF-8)"
    )


def _warn_unnamed_columns(table: CsvTable, columns: list[ColumnInfo], report: ImportReport) -> None:
    """A column without a name is ignored; say so if it holds data (an empty one is noise)."""
    width = len(columns)
    for column in columns:
        if header_key(column.header) or column.index >= width:
            continue
        if any(column.index < len(r.values) and r.values[column.index].strip() for r in table.records):
            report.warnings.append(ImportWarning(
                table.header_line, f"la colonna {column.index + 1} non ha nome: ignorata"
            ))


def write_rejected(report: ImportReport, path: Path | str) -> int:
    """Write the rejected rows to ``path`` to be fixed and imported again; return how many.

    The file has the original's columns (and separator and encoding) preceded by a
    ``motivo_scarto`` column with the reason, which the importer ignores.
    """
    header = [REASON_COLUMN, *report.header]
    width = len(report.header)
    rows = [
        [f"riga {r.line}: {r.reason}", *(r.values + [""] * (width - len(r.values)))]
        for r in report.rejected
    ]
    csvfile.write_table(path, header, rows, encoding=report.encoding, delimiter=report.delimiter)
    return len(rows)


# --- writing batches ----------------------------------------------------------------------------


def _defaults(model: type[Model]) -> dict[str, Any]:
    values = {}
    for fld in model._meta.sorted_fields:
        if fld.name == "id":
            continue
        default = fld.default
        values[fld.name] = default() if callable(default) else default
    return values


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(slots=True)
class _Outcome:
    """What writing a batch did; kept only once its transaction commits."""

    written: list[tuple[ParsedRow, bool]] = field(default_factory=list)  # (row, is_new)
    rejected: list[RejectedRow] = field(default_factory=list)
    warnings: list[ImportWarning] = field(default_factory=list)


class _Writer:
    """Merges a batch with what the database holds and writes it in one transaction."""

    def __init__(self, spec: KindSpec, report: ImportReport) -> None:
        self.spec = spec
        self.report = report
        self.model = spec.model
        self.key_field = getattr(self.model, spec.key)
        self.defaults = _defaults(self.model)
        self.fields = [f.name for f in self.model._meta.sorted_fields if f.name != "id"]
        self.update_fields = [f for f in self.fields if f not in (spec.key, "created_at")]

    def write(self, batch: list[ParsedRow]) -> None:
        """Write a batch in one transaction; if the database refuses it, row by row."""
        try:
            with database_proxy.atomic():
                outcome = self._write(batch)
        except DatabaseError:
            outcome = _Outcome()
            for row in batch:
                try:
                    with database_proxy.atomic():
                        single = self._write([row])
                except DatabaseError as exc:
                    reason = f"errore del database: {first_line(exc)}"
                    outcome.rejected.append(RejectedRow(row.line, reason, row.raw))
                    continue
                outcome.written += single.written
                outcome.rejected += single.rejected
                outcome.warnings += single.warnings
        report = self.report
        for row, is_new in outcome.written:
            if is_new:
                report.imported += 1
            else:
                report.updated += 1
            report.warnings += [ImportWarning(row.line, w) for w in row.warnings]
        report.rejected += outcome.rejected
        report.warnings += outcome.warnings
        report.processed += len(batch)

    def _write(self, batch: list[ParsedRow]) -> _Outcome:
        outcome = _Outcome()
        keys = [row.key for row in batch]
        existing = {
            data[self.spec.key]: data
            for chunk in _chunks(keys, _STATEMENT_ROWS)
            for data in self.model.select().where(self.key_field.in_(chunk)).dicts()
        }
        self.before_prepare(batch)
        records = []
        for row in batch:
            current = existing.get(row.key)
            try:
                record = self.prepare(row, dict(row.values), current)
            except RowProblem as exc:
                outcome.rejected.append(RejectedRow(row.line, str(exc), row.raw))
                continue
            records.append(record)
            outcome.written.append((row, current is None))
        fields = self.fields
        insert_rows(
            self.model,
            fields,
            [tuple(record[name] for name in fields) for record in records],
            conflict=self.spec.key,
            update=self.update_fields,
        )
        outcome.warnings += self.after_write([row for row, _ in outcome.written])
        return outcome

    def before_prepare(self, batch: list[ParsedRow]) -> None:
        """Look up what the batch refers to (the clients of practices)."""

    def prepare(self, row: ParsedRow, values: dict[str, Any], current: dict | None) -> dict:
        """The full record for ``row``: ``values`` over the current record (or the defaults).

        Raises RowProblem when a new record lacks a field it cannot do without.
        """
        if current is None:
            for name, message in _REQUIRED[self.spec.kind].items():
                if name not in values:
                    raise RowProblem(message)
        record = dict(self.defaults if current is None else current)
        record.pop("id", None)
        record.update(values)
        record[self.spec.key] = row.key
        return self.finish(record, current is None)

    def finish(self, record: dict, is_new: bool) -> dict:
        """Derived columns and timestamps of a record about to be written."""
        return record

    def after_write(self, rows: list[ParsedRow]) -> list[ImportWarning]:
        """Extra writes once the records exist (the clients' preferences); their warnings."""
        return []


class _PreferenceWriter(_Writer):
    pass


class _SupplierWriter(_Writer):
    def finish(self, record: dict, is_new: bool) -> dict:
        supplier = Supplier(**record)
        supplier.refresh_derived()  # the single source of the derived columns
        data = dict(supplier.__data__)
        data.pop("id", None)
        return data


class _ClientWriter(_Writer):
    """Clients: derived columns via Client.refresh_derived, and their preferences."""

    def __init__(self, spec: KindSpec, report: ImportReport) -> None:
        super().__init__(spec, report)
        self.preferences = {
            code.upper(): pid
            for pid, code in Preference.select(Preference.id, Preference.code).tuples()
        }

    def prepare(self, row: ParsedRow, values: dict[str, Any], current: dict | None) -> dict:
        values.pop("preferences", None)  # links, written by after_write
        values.pop("opt_out", None)  # an objection to marketing, written by after_write
        if values.get("kind", "") is None:  # an empty cell
            if current is None:
                values["kind"] = _default_kind(values)
            else:
                del values["kind"]  # keeps what the client is
        elif current is None and "kind" not in values:
            values["kind"] = _default_kind(values)
        return super().prepare(row, values, current)

    def finish(self, record: dict, is_new: bool) -> dict:
        stamp = now()
        client = Client(**record)
        client.refresh_derived()  # the single source of the derived columns
        data = dict(client.__data__)
        data.pop("id", None)
        data["updated_at"] = stamp
        if is_new:
            data["created_at"] = stamp
        return data

    def after_write(self, rows: list[ParsedRow]) -> list[ImportWarning]:
        from pegaso_tui.db.optouts import record_imported_opt_outs

        # a true cell records an objection; an empty or false one never lifts one
        record_imported_opt_outs([row.key for row in rows if row.values.get("opt_out")])
        with_prefs = [row for row in rows if "preferences" in row.values]
        if not with_prefs:
            return []
        codes = [row.key for row in with_prefs]
        ids = {
            code: cid
            for chunk in _chunks(codes, _STATEMENT_ROWS)
            for cid, code in Client.select(Client.id, Client.code).where(Client.code.in_(chunk)).tuples()
        }
        links = []
        warnings = []
        for row in with_prefs:
            for code in row.values["preferences"]:
                pid = self.preferences.get(code.upper())
                if pid is None:
                    warnings.append(ImportWarning(
                        row.line,
                        f"preferenza sconosciuta '{code}': il cliente è importato senza "
                        "(importare prima le preferenze)",
                    ))
                else:
                    links.append((ids[row.key], pid))
        # The column replaces the client's preferences: an empty cell removes them.
        for chunk in _chunks(list(ids.values()), _STATEMENT_ROWS):
            ClientPreference.delete().where(ClientPreference.client.in_(chunk)).execute()
        insert_rows(ClientPreference, ("client", "preference"), links)
        return warnings


def _default_kind(values: dict) -> str:
    """A new client without a kind: a company when it has a VAT number and no person's data."""
    personal = values.get("first_name") or values.get("last_name") or values.get("birth_date")
    return COMPANY if values.get("vat_number") and not personal else PERSON


class _PracticeWriter(_Writer):
    """Practices: the client is given by its code and must exist."""

    clients: dict[str, int]

    def before_prepare(self, batch: list[ParsedRow]) -> None:
        codes = list({row.values["client"] for row in batch if row.values.get("client")})
        self.clients = {
            code: cid
            for chunk in _chunks(codes, _STATEMENT_ROWS)
            for cid, code in Client.select(Client.id, Client.code).where(Client.code.in_(chunk)).tuples()
        }

    def prepare(self, row: ParsedRow, values: dict[str, Any], current: dict | None) -> dict:
        code = values.get("client")
        if code:
            client_id = self.clients.get(code)
            if client_id is None:
                raise RowProblem(f"cliente sconosciuto '{code}' (importare prima i clienti)")
            values["client"] = client_id
        return super().prepare(row, values, current)

    def finish(self, record: dict, is_new: bool) -> dict:
        if is_new:
            record["created_at"] = now()
        for name in ("amount", "balance"):
            if record.get(name) is None:  # an empty cell: no amount is zero
                record[name] = 0
        return record


_WRITERS: dict[str, type[_Writer]] = {
    "preferences": _PreferenceWriter,
    "clients": _ClientWriter,
    "practices": _PracticeWriter,
    "suppliers": _SupplierWriter,
}
