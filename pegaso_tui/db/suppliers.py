"""Questions about suppliers ("Fornitori"): the list searched as you type, save, delete.

A supplier is a recipient of the single SMS; its mobile is stored as a client's is (E.164
when valid, with its status). Deleting a supplier keeps the SMS sent to it readable.
"""

from __future__ import annotations

from dataclasses import dataclass

from peewee import IntegrityError, fn

from pegaso_tui.db.models import Message, Supplier, database_proxy, normalize_code
from pegaso_tui.db.paging import KeysetPager
from pegaso_tui.db.records import InvalidRecord, RecordNotFound, check_email, clean
from pegaso_tui.db.search import contains_all
from pegaso_tui.sms.phone import LETTERS_REASON, typed_badly


def suppliers_pager(search: str | None = None) -> KeysetPager[Supplier]:
    """Suppliers in code order whose code, name, mobile, phone or email contain every word of
    ``search``."""
    query = Supplier.select()
    condition = contains_all(Supplier.search_text, search)
    if condition is not None:
        query = query.where(condition)
    return KeysetPager(query, [Supplier.code])


def supplier_by_code(code: str) -> Supplier | None:
    """The supplier with this code, or None."""
    return Supplier.get_or_none(Supplier.code == normalize_code(code))


def next_supplier_code() -> str:
    """The code a new supplier is offered: the highest all-digit code plus one."""
    codes = (
        Supplier.select(Supplier.code)
        .where((fn.LENGTH(Supplier.code) == 7) & Supplier.code.between("0000000", "9999999"))
        .order_by(Supplier.code.desc())
        .limit(20)
        .tuples()
    )
    for (code,) in codes:
        if code.isdigit():
            return f"{int(code) + 1:07d}"
    return "0000001"


@dataclass
class SupplierData:
    """What the supplier form edits."""

    code: str = ""
    name: str = ""
    mobile: str = ""
    phone: str = ""
    email: str = ""


def supplier_data(supplier_id: int) -> SupplierData:
    """The supplier as the form opens it (RecordNotFound when deleted)."""
    supplier = Supplier.get_or_none(Supplier.id == supplier_id)
    if supplier is None:
        raise RecordNotFound("il fornitore non esiste più")
    return SupplierData(supplier.code, supplier.name, supplier.mobile, supplier.phone, supplier.email)


def save_supplier(data: SupplierData, supplier_id: int | None = None) -> Supplier:
    """Create or update a supplier; InvalidRecord (by field) when something is wrong."""
    code = normalize_code(data.code)
    errors: dict[str, str] = {}
    if not code:
        errors["code"] = "codice obbligatorio"
    if not clean(data.name):
        errors["name"] = "ragione sociale obbligatoria"
    email_error = check_email(clean(data.email))
    if email_error:
        errors["email"] = email_error
    if typed_badly(clean(data.mobile)):  # letters would become another person's number
        errors["mobile"] = LETTERS_REASON
    if errors:
        raise InvalidRecord(errors)
    with database_proxy.obj.atomic():
        if supplier_id is None:
            supplier = Supplier()
        else:
            supplier = Supplier.get_or_none(Supplier.id == supplier_id)
            if supplier is None:
                raise RecordNotFound("il fornitore non esiste più")
        taken = Supplier.get_or_none((Supplier.code == code) & (Supplier.id != (supplier_id or 0)))
        if taken is not None:
            raise InvalidRecord({"code": f"codice già usato da {taken.name}"})
        supplier.code = code
        supplier.name = clean(data.name)
        supplier.mobile = clean(data.mobile)
        supplier.phone = clean(data.phone)
        supplier.email = clean(data.email)
        try:
            supplier.save()
        except IntegrityError:
            raise InvalidRecord({"code": "codice già usato"}) from None
    return supplier


def supplier_message_count(supplier_id: int) -> int:
    """How many SMS went to this supplier (they stay in the history after a delete)."""
    return Message.select().where(Message.supplier == supplier_id).count()


def delete_supplier(supplier_id: int) -> None:
    """Delete a supplier; the SMS sent to it keep its name and number."""
    deleted = Supplier.delete().where(Supplier.id == supplier_id).execute()
    if not deleted:
        raise RecordNotFound("il fornitore non esiste più")
