"""What the columns of an import file mean: the fields of each kind and their header names.

A column is found by name, in English or Italian, whatever the case, accents, spaces or
punctuation (``csvfile.header_key``): ``Città``, ``CITTA'`` and ``city`` are one column. The
alias table is here, for the importer, the README and the import screen. No database access.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Callable

from peewee import Model

from pegaso_tui.db.csvfile import header_key
from pegaso_tui.db.models import Client, Practice, Preference, Supplier

KINDS = ("preferences", "clients", "practices", "suppliers")
KIND_LABELS = {
    "preferences": "preferenze",
    "clients": "clienti",
    "practices": "pratiche",
    "suppliers": "fornitori",
}
#: What the preview says of a column that is not imported.
IGNORED = "ignorata"
#: The column write_rejected adds; the importer ignores it, so a fixed file goes back in as is.
REASON_COLUMN = "motivo_scarto"
_IGNORED_KEYS = {header_key(REASON_COLUMN), "rejectreason", "rejectedreason"}


# --- what the columns mean ------------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    """A field that a CSV column can fill: its model field, label, parser and header names."""

    name: str
    label: str  # Italian, as the masks say it
    parser: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class KindSpec:
    """What one kind of file (clients, practices, ...) holds."""

    kind: str
    model: type[Model]
    key: str  # the field that identifies a record: code or number
    fields: tuple[FieldSpec, ...]

    def by_key(self) -> dict[str, FieldSpec]:
        """Header key (see csvfile.header_key) -> field."""
        table: dict[str, FieldSpec] = {}
        for spec in self.fields:
            for name in (spec.name, *spec.aliases):
                table.setdefault(header_key(name), spec)
        return table

    def field(self, name: str) -> FieldSpec:
        return self._by_name[name]

    @cached_property
    def _by_name(self) -> dict[str, FieldSpec]:
        return {f.name: f for f in self.fields}


def _f(name: str, label: str, parser: str, *aliases: str) -> FieldSpec:
    return FieldSpec(name, label, parser, aliases)


#: Not "id": an export from another program often has an internal id next to the code.
_CODE = ("codice", "cod")
_NAME = ("ragione_sociale", "rag_soc", "ragsoc", "denominazione", "nominativo",
         "intestatario", "nome_completo", "full_name", "company_name", "company")
_MOBILE = ("cellulare", "cell", "numero_cellulare", "num_cellulare", "tel_cellulare",
           "telefono_cellulare", "cellulare_sms", "mobile_phone", "mobile_number",
           "cellphone", "cell_phone")
_PHONE = ("telefono", "tel", "telefono_fisso", "tel_fisso", "fisso", "numero_telefono",
          "phone_number", "telephone", "landline")
_EMAIL = ("e_mail", "mail", "indirizzo_email", "indirizzo_e_mail", "posta_elettronica",
          "email_address", "e_mail_addr", "email_addr")

SPECS: dict[str, KindSpec] = {
    "preferences": KindSpec("preferences", Preference, "code", (
        _f("code", "Codice", "pref_code", *_CODE, "codice_preferenza", "cod_preferenza"),
        _f("description", "Descrizione", "text", "descrizione", "desc", "preferenza",
           "interesse", "nome", "name"),
    )),
    "clients": KindSpec("clients", Client, "code", (
        _f("code", "Codice", "client_code", *_CODE, "codice_cliente", "cod_cliente",
           "client_code", "customer_code", "id_cliente"),
        _f("name", "Ragione Sociale", "text", *_NAME, "ragione"),
        _f("kind", "Tipo", "kind", "tipo", "tipologia", "tipo_cliente", "tipo_soggetto",
           "type", "client_type"),
        _f("first_name", "Nome", "text", "nome", "firstname", "given_name"),
        _f("last_name", "Cognome", "text", "cognome", "lastname", "surname", "family_name"),
        _f("mobile", "Cellulare", "mobile", *_MOBILE),
        _f("phone", "Telefono", "text", *_PHONE),
        _f("email", "E-mail", "email", *_EMAIL),
        _f("birth_date", "Data di Nascita", "date", "data_nascita", "data_di_nascita",
           "nascita", "nato_il", "data_nasc", "birthdate", "date_of_birth", "dob",
           "birthday", "compleanno"),
        _f("address", "Indirizzo", "text", "indirizzo", "via", "street", "address_line"),
        _f("zip", "CAP", "zip", "cap", "zip_code", "zipcode", "postal_code", "postcode",
           "codice_postale"),
        _f("city", "Città", "text", "citta", "città", "comune", "localita", "località",
           "town", "citta_residenza"),
        _f("province", "Provincia", "upper", "provincia", "prov", "pr", "sigla_provincia",
           "state"),
        _f("country", "Nazione", "country", "nazione", "paese", "nazionalita", "nation"),
        _f("fiscal_code", "Codice Fiscale", "upper", "codice_fiscale", "cod_fiscale",
           "cod_fisc", "codfisc", "cf", "c_f", "tax_code", "fiscal_id"),
        _f("vat_number", "Partita IVA", "upper", "partita_iva", "p_iva", "piva", "p_i",
           "partitaiva", "vat", "vat_id", "vat_code"),
        _f("sms_practices", "Invio Sms Pratiche", "bool", "invio_sms_pratiche",
           "sms_pratiche", "consenso_sms_pratiche"),
        _f("sms_promo", "Invio Sms Promo", "bool", "invio_sms_promo", "sms_promo",
           "sms_promozionali", "invio_sms_promozionali", "consenso_sms_promo",
           "consenso_marketing"),
        _f("walk_in", "Cliente Libero", "bool", "cliente_libero", "libero", "walkin"),
        _f("email_consent", "Consenso Email", "bool", "consenso_email", "consenso_mail",
           "consenso_e_mail", "email_ok"),
        _f("travel_agency", "Agenzia Viaggi", "bool", "agenzia_viaggi", "travel_agent"),
        _f("private", "Cliente Privato", "bool", "cliente_privato", "privato"),
        _f("business_started", "Data Inizio Attività", "date", "data_inizio_attivita",
           "inizio_attivita", "data_inizio"),
        _f("notes", "Note", "text", "note", "annotazioni", "notes"),
        _f("preferences", "Preferenze", "prefs", "preferenze", "interessi", "interests",
           "preferenze_cliente"),
        _f("opt_out", "Opposizione Marketing", "bool", "opposizione", "opposizione_marketing",
           "non_disturbare", "optout", "opt_out"),
    )),
    "practices": KindSpec("practices", Practice, "number", (
        _f("number", "Numero Pratica", "number", "numero", "numero_pratica", "num_pratica",
           "nr_pratica", "n_pratica", "pratica", "codice_pratica", "id_pratica",
           "practice", "practice_number", "nr", "num"),
        _f("client", "Cliente", "client_ref", "cliente", "codice_cliente", "cod_cliente",
           "client_code", "customer", "customer_code"),
        _f("practice_date", "Data Pratica", "date", "data_pratica", "data",
           "data_prenotazione", "booking_date", "date"),
        _f("departure_date", "Data Partenza", "date", "data_partenza", "partenza",
           "departure", "data_viaggio"),
        _f("destination", "Destinazione", "text", "destinazione", "meta", "localita",
           "destinazione_viaggio"),
        _f("amount", "Importo", "amount", "importo", "totale", "importo_totale", "total",
           "prezzo", "price"),
        _f("balance", "Saldo", "amount", "saldo", "da_saldare", "residuo",
           "importo_saldo", "saldo_residuo", "balance_due"),
        _f("notified_balance", "Avvisato per Saldo", "bool", "avvisato_saldo",
           "avvisato_per_saldo", "avv_saldo"),
        _f("notified_documents", "Avvisato per Documenti", "bool", "avvisato_documenti",
           "avvisato_per_documenti", "avvisato_docum", "avv_documenti"),
        _f("paid", "Saldata", "bool", "saldata", "saldato", "pagata", "pagato"),
        _f("documents_delivered", "Consegnati Documenti", "bool", "consegnati_documenti",
           "documenti_consegnati", "consegna_documenti", "doc_consegnati"),
    )),
    "suppliers": KindSpec("suppliers", Supplier, "code", (
        _f("code", "Codice", "client_code", *_CODE, "codice_fornitore", "cod_fornitore",
           "supplier_code"),
        _f("name", "Ragione Sociale", "text", *_NAME, "fornitore", "nome", "supplier"),
        _f("mobile", "Cellulare", "mobile", *_MOBILE),
        _f("phone", "Telefono", "text", *_PHONE),
        _f("email", "E-mail", "email", *_EMAIL),
    )),
}

def field_names(kind: str) -> dict[str, list[str]]:
    """Field -> every header name accepted for it (for the README and the import screen)."""
    return {f.name: [f.name, *f.aliases] for f in SPECS[kind].fields}


# --- how a file's columns were understood ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ColumnInfo:
    """One column of the file and what the import does with it."""

    index: int
    header: str
    field: str | None  # the model field it fills, or None when ignored
    label: str  # the field's Italian label, or "ignorata"


def map_columns(spec: KindSpec, header: list[str]) -> tuple[list[ColumnInfo], list[str]]:
    """The columns of ``header`` with the field each fills, and the warnings about the rest."""
    table = spec.by_key()
    columns: list[ColumnInfo] = []
    warnings: list[str] = []
    taken: dict[str, str] = {}
    for index, name in enumerate(header):
        key = header_key(name)
        target = table.get(key)
        if not key or key in _IGNORED_KEYS:
            columns.append(ColumnInfo(index, name, None, IGNORED))
        elif target is None:
            columns.append(ColumnInfo(index, name, None, IGNORED))
            warnings.append(f"colonna sconosciuta ignorata: '{name}'")
        elif target.name in taken:
            columns.append(ColumnInfo(index, name, None, IGNORED))
            warnings.append(
                f"colonna '{name}' ignorata: il campo {target.label} è già nella colonna "
                f"'{taken[target.name]}'"
            )
        else:
            taken[target.name] = name
            columns.append(ColumnInfo(index, name, target.name, target.label))
    return columns, warnings


def header_score(spec: KindSpec) -> Callable[[list[str]], int]:
    """How many names of a header this kind of file knows (to choose the separator)."""
    table = spec.by_key()
    return lambda fields: sum(1 for f in fields if header_key(f) in table)


def key_column_problem(spec: KindSpec, columns: list[ColumnInfo], header: list[str]) -> str | None:
    """Why a file cannot be imported as this kind (no code column), or None when it can."""
    if any(c.field == spec.key for c in columns):
        return None
    key = spec.field(spec.key)
    names = ", ".join([key.name, *key.aliases[:3]])
    message = (
        f"manca la colonna {key.label.lower()} ({names}) nell'intestazione: "
        f"{'; '.join(h for h in header if h) or '(vuota)'}"
    )
    # A practices file imported as clients, and the like: say what it looks like.
    best = max(
        (k for k in KINDS if k != spec.kind),
        key=lambda k: header_score(SPECS[k])(header),
    )
    other = SPECS[best]
    other_columns, _ = map_columns(other, header)
    has_key = any(c.field == other.key for c in other_columns)
    if has_key and header_score(other)(header) > header_score(spec)(header):
        message += f" (sembra un file di {KIND_LABELS[best]}: usare 'import {best}')"
    return message
