"""What an exported list holds: every field the import reads, under a header it accepts.

The list on screen shows a few columns with short headings ("Sms Prat"); its export writes
the whole record instead, each column headed with the field's label ("Invio Sms Pratiche"),
which ``import_columns`` maps back to the same field. So any exported list imports back
unchanged (issue 13: a round trip used to lose "Invio Sms Pratiche" of most clients).
No Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from peewee import Case, fn

from pegaso_tui.db.connection import is_sqlite
from pegaso_tui.db.import_columns import SPECS
from pegaso_tui.db.models import COMPANY, Client, ClientPreference, Preference
from pegaso_tui.db.paging import KeysetPager

#: How the kind of client is written: words the import reads back (import_columns "kind").
KIND_WORDS = {COMPANY: "azienda"}
PERSON_WORD = "persona"
#: How a client's preference codes are joined in one cell (the import splits on it).
PREFERENCE_SEPARATOR = "|"


@dataclass(frozen=True)
class RecordColumn:
    """A column of an export: a heading the import accepts and the value of a row's cell."""

    label: str
    value: Callable[[Any], Any]

    def export_value(self, row: Any) -> Any:
        return self.value(row)


def _value_of(kind: str, name: str) -> Callable[[Any], Any]:
    if kind == "clients" and name == "kind":
        return lambda row: KIND_WORDS.get(row.kind, PERSON_WORD)
    if kind == "clients" and name == "preferences":
        # filled by clients_export_pager's subquery, one query for the whole export
        return lambda row: PREFERENCE_SEPARATOR.join(
            sorted(filter(None, (getattr(row, "preference_codes", "") or "").split(PREFERENCE_SEPARATOR)))
        )
    if kind == "clients" and name == "opt_out":
        # filled by clients_export_pager: the client objected, by itself or by its mobile
        return lambda row: bool(getattr(row, "opted_out", False))
    if kind == "practices" and name == "client":
        return lambda row: row.client.code
    return lambda row: getattr(row, name)


def record_columns(kind: str) -> list[RecordColumn]:
    """Every importable field of ``kind`` (clients, practices, suppliers, preferences)."""
    return [RecordColumn(spec.label, _value_of(kind, spec.name)) for spec in SPECS[kind].fields]


def clients_export_pager(pager: KeysetPager) -> KeysetPager:
    """The clients of ``pager`` (a clients_pager) with their preference codes in one column,
    and whether they objected to marketing ("Opposizione Marketing")."""
    aggregate = (
        fn.GROUP_CONCAT(Preference.code, PREFERENCE_SEPARATOR)
        if is_sqlite()
        else fn.STRING_AGG(Preference.code, PREFERENCE_SEPARATOR)
    )
    codes = (
        ClientPreference.select(aggregate)
        .join(Preference)
        .where(ClientPreference.client == Client.id)
    )
    from pegaso_tui.db.optouts import not_opted_out

    opted_out = Case(None, [(not_opted_out(), 0)], 1)
    query = pager.query.select_extend(codes.alias("preference_codes"), opted_out.alias("opted_out"))
    return KeysetPager(query, pager.keys, descending=pager.descending, convert=pager.convert,
                       key_of=pager.key_of)
