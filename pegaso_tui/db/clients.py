"""Questions about clients: find them as you type, page through them."""

from __future__ import annotations

from pegaso_tui.db.models import Client
from pegaso_tui.db.paging import KeysetPager
from pegaso_tui.db.search import contains_all


def clients_pager(search: str | None = None) -> KeysetPager[Client]:
    """Clients in code order whose code, name, mobile, phone, city or email contain every
    word of ``search`` (all clients when it is empty)."""
    query = Client.select()
    condition = contains_all(Client.search_text, search)
    if condition is not None:
        query = query.where(condition)
    return KeysetPager(query, [Client.code])


def client_by_code(code: str) -> Client | None:
    """The client with this code (``2`` finds ``0000002``), or None."""
    from pegaso_tui.db.models import normalize_code

    return Client.get_or_none(Client.code == normalize_code(code))
