"""Mask 8, "Fornitori": the suppliers (recipients of the single SMS), list and form."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Header, Input, Static

from pegaso_tui.db.models import Supplier
from pegaso_tui.db.suppliers import (
    SupplierData,
    delete_supplier,
    next_supplier_code,
    save_supplier,
    supplier_data,
    supplier_message_count,
    suppliers_pager,
)
from pegaso_tui.screens.registry.clients import mobile_cell
from pegaso_tui.screens.registry.record_form import RecordFormScreen
from pegaso_tui.screens.registry.registry_list import RegistryListScreen
from pegaso_tui.sms.phone import check_mobile, display_number
from pegaso_tui.widgets.form_field import FormField
from pegaso_tui.widgets.key_footer import KeyFooter
from pegaso_tui.widgets.paged_table import Column
from pegaso_tui.widgets.plain import esc

SUPPLIER_LIST_COLUMNS: list[Column[Supplier]] = [
    Column("Codice", lambda s: s.code, width=8),
    Column("Ragione Sociale", lambda s: s.name, width=34),
    Column("Cellulare", mobile_cell, width=15, value=lambda s: display_number(s.mobile)),
    Column("Telefono", lambda s: s.phone, width=15),
    Column("E@mail", lambda s: s.email, width=26),
]


class SuppliersScreen(RegistryListScreen[Supplier]):
    """Fornitori."""

    MASK_TITLE = "Fornitori"
    SEARCH_HINT = "cerca per codice, nome, cellulare, e-mail…"
    EXPORT_NAME = "fornitori"
    IMPORT_KIND = "suppliers"
    EMPTY_TEXT = "Nessun fornitore"

    def columns(self) -> list[Column[Supplier]]:
        return SUPPLIER_LIST_COLUMNS

    def make_pager(self, search: str):
        return suppliers_pager(search)

    def open_form(self, row: Supplier | None) -> None:
        self.app.push_screen(SupplierFormScreen(row.id if row else None), self.after_form)

    def delete_row(self, row: Supplier) -> None:
        def asked(messages: int) -> None:
            question = f"Eliminare il fornitore {row.name}?"
            if messages:
                question += f"\nI suoi {messages} SMS restano nello storico con nome e numero."
            self.ask(question, lambda: self.run_db(
                delete_supplier, row.id, done=lambda _: self.deleted(f"Fornitore {row.code} eliminato")
            ), title="Elimina fornitore")

        self.run_db(supplier_message_count, row.id, done=asked)


def _load(supplier_id: int | None) -> SupplierData:
    if supplier_id is None:
        return SupplierData(code=next_supplier_code())
    return supplier_data(supplier_id)


_FIELDS = (
    ("code", "Codice", 20),
    ("name", "Ragione Sociale", 200),
    ("mobile", "Cellulare", 40),
    ("phone", "Telefono", 40),
    ("email", "E@mail", 200),
)


class SupplierFormScreen(RecordFormScreen):
    """Fornitori / Varia (or / Nuovo)."""

    NOUN = "il fornitore"

    def __init__(self, supplier_id: int | None = None) -> None:
        super().__init__(supplier_id)
        self.MASK_TITLE = "Fornitori / Varia" if supplier_id else "Fornitori / Nuovo"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="form-heading")
        with VerticalScroll(classes="form-body"):
            for name, label, length in _FIELDS:
                yield FormField(label, Input(id=name, max_length=length), id=f"f-{name}")
        yield KeyFooter()

    def load_function(self):
        return _load, (self.record_id,)

    def fill(self, data: SupplierData) -> None:
        for name, _, _ in _FIELDS:
            self.query_one(f"#{name}", Input).value = getattr(data, name) or ""
        self.query_one("#mobile", Input).value = display_number(data.mobile)
        self.query_one("#form-heading", Static).update(f"Codice: [b]{esc(data.code)}[/b]  {esc(data.name)}")
        self._flag_mobile()

    def after_load(self) -> None:
        self.query_one("#name" if self.record_id else "#code", Input).focus()

    def on_input_blurred(self, event: Input.Blurred) -> None:
        if event.input.id == "mobile":
            check = check_mobile(event.input.value)
            if check.e164:
                event.input.value = display_number(check.e164)
            self._flag_mobile()

    def _flag_mobile(self) -> None:
        from pegaso_tui.screens.registry.client_form import mobile_warning

        check = check_mobile(self.query_one("#mobile", Input).value)
        self.set_field_error("mobile", mobile_warning(check, "il fornitore"))

    def gather(self) -> SupplierData:
        return SupplierData(**{name: self.query_one(f"#{name}", Input).value for name, _, _ in _FIELDS})

    def save_function(self):
        return save_supplier
