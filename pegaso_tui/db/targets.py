"""A target: the selection made by a filters dict, as a campaign records its filters.

``describe()`` of the mask's filters (``PracticeFilters``, ``PromoFilters``,
``BirthdayFilters``) gives a JSON-ready dict; ``select_target`` turns such a dict back into
the selection, so a target can be stored (a saved search, a CRM batch) and run again. Dates
are taken as written: the saved searches' date modes (fixed, rolling) are theirs to apply
before calling this.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pegaso_tui.dates import DateRange
from pegaso_tui.db import selections as sel

#: The names a kind goes by: the campaign's and the command line's.
_KINDS = {"practice": "practice", "practices": "practice", "promo": "promo",
          "birthday": "birthday", "birthdays": "birthday"}


def _date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _dates(data: dict[str, Any], start: str, end: str) -> DateRange:
    return DateRange(_date(data.get(start)), _date(data.get(end)))


def filters_of(kind: str, data: dict[str, Any]):
    """The mask's filters from a filters dict (SelectionError when they cannot be applied)."""
    name = _KINDS.get(kind)
    clients = sel.ClientRange(data.get("client_from"), data.get("client_to"))
    try:
        if name == "practice":
            return sel.PracticeFilters(
                sel.PracticeStatus.parse(data.get("status") or ""), clients,
                _dates(data, "practice_from", "practice_to"),
                _dates(data, "departure_from", "departure_to"),
            )
        if name == "promo":
            return sel.PromoFilters(
                clients=clients, preferences=tuple(data.get("preferences") or ()),
                with_practices=bool(data.get("with_practices")),
                practice_dates=_dates(data, "practice_from", "practice_to"),
                departure_dates=_dates(data, "departure_from", "departure_to"),
            )
        if name == "birthday":
            return sel.BirthdayFilters(_dates(data, "from", "to"))
    except ValueError as exc:  # an impossible date in the stored dict
        raise sel.SelectionError(str(exc)) from None
    raise sel.SelectionError(f"tipo di selezione sconosciuto: {kind}")


def select_target(kind: str, data: dict[str, Any]) -> sel.Selection:
    """The selection of ``kind`` (practice, promo, birthday) with the filters in ``data``."""
    filters = filters_of(kind, data)
    if isinstance(filters, sel.PracticeFilters):
        return sel.practices_to_notify(filters)
    if isinstance(filters, sel.PromoFilters):
        return sel.promo_recipients(filters)
    return sel.birthday_recipients(filters)
