"""Mask 7, "Pratiche": the practices, newest first, searched as you type.

The search matches the practice number, the destination and the client's code, name,
mobile or city. The four status flags are shown as the "SMS Pratiche" mask uses them.
"""

from __future__ import annotations

from decimal import Decimal

from pegaso_tui.dates import format_date
from pegaso_tui.numbers import money
from pegaso_tui.db.models import Practice
from pegaso_tui.db.practices import delete_practice, practice_message_count, practices_pager
from pegaso_tui.screens.registry.clients import flag
from pegaso_tui.screens.registry.registry_list import RegistryListScreen
from pegaso_tui.widgets.paged_table import Column


def _decimal(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


PRACTICE_LIST_COLUMNS: list[Column[Practice]] = [
    Column("Numero", lambda p: p.number, width=9),
    Column("Data Prat.", lambda p: format_date(p.practice_date), width=10, value=lambda p: p.practice_date),
    Column("Cliente", lambda p: p.client.code, width=7),
    Column("Ragione Sociale", lambda p: p.client.name, width=15),
    Column("Partenza", lambda p: format_date(p.departure_date), width=10, value=lambda p: p.departure_date),
    Column("Destinazione", lambda p: p.destination, width=12),
    Column("Importo", lambda p: f"{money(p.amount):>9}", width=9, value=lambda p: _decimal(p.amount)),
    # "Avv." as the mask's own labels say (the manual's "Aw." is an OCR slip)
    Column("Avv.Sal", lambda p: flag(p.notified_balance), width=7, value=lambda p: p.notified_balance),
    Column("Avv.Doc", lambda p: flag(p.notified_documents), width=7, value=lambda p: p.notified_documents),
    Column("Sald.", lambda p: flag(p.paid), width=5, value=lambda p: p.paid),
    Column("Cons.Doc", lambda p: flag(p.documents_delivered), width=8, value=lambda p: p.documents_delivered),
]


class PracticesScreen(RegistryListScreen[Practice]):
    """Pratiche."""

    MASK_TITLE = "Pratiche"
    SEARCH_HINT = "cerca per numero, destinazione, cliente…"
    EXPORT_NAME = "pratiche"
    IMPORT_KIND = "practices"
    EMPTY_TEXT = "Nessuna pratica"

    def columns(self) -> list[Column[Practice]]:
        return PRACTICE_LIST_COLUMNS

    def make_pager(self, search: str):
        return practices_pager(search)

    def open_form(self, row: Practice | None) -> None:
        from pegaso_tui.screens.registry.practice_form import PracticeFormScreen

        self.app.push_screen(PracticeFormScreen(row.id if row else None), self.after_form)

    def delete_row(self, row: Practice) -> None:
        def asked(messages: int) -> None:
            question = f"Eliminare la pratica {row.number} di {row.client.name}?"
            if messages:
                question += f"\nI suoi {messages} SMS restano nello storico."
            self.ask(question, lambda: self.run_db(
                delete_practice, row.id, done=lambda _: self.deleted(f"Pratica {row.number} eliminata")
            ), title="Elimina pratica")

        self.run_db(practice_message_count, row.id, done=asked)
