"""The supplier field (recipient "Fornitore" of the single SMS): code, name, and the lens."""

from __future__ import annotations

from pegaso_tui.db.models import Supplier
from pegaso_tui.sms.phone import display_number
from pegaso_tui.widgets.paged_table import Column
from pegaso_tui.widgets.record_picker import RecordPicker

SUPPLIER_COLUMNS: list[Column[Supplier]] = [
    Column("Codice", lambda s: s.code, width=9),
    Column("Ragione Sociale", lambda s: s.name, width=34),
    Column("Cellulare", lambda s: display_number(s.mobile), width=16),
]


def _supplier_by_code(code: str) -> Supplier | None:
    from pegaso_tui.db.suppliers import supplier_by_code

    return supplier_by_code(code)


def _suppliers_pager(search: str):
    from pegaso_tui.db.suppliers import suppliers_pager

    return suppliers_pager(search)


class SupplierPicker(RecordPicker):
    """The code of a supplier; ``.supplier`` is the Supplier once known."""

    LOOKUP_TITLE = "Cerca fornitore"
    UNKNOWN_TEXT = "fornitore inesistente"
    COLUMNS = SUPPLIER_COLUMNS

    class Changed(RecordPicker.Changed):
        """The supplier of the field changed."""

    find_by_code = staticmethod(_supplier_by_code)
    pager = staticmethod(_suppliers_pager)

    @property
    def supplier(self) -> Supplier | None:
        return self.record
