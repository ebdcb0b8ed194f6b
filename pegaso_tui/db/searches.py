"""Saved searches ("Salva ricerca", seed 004): the filters of an SMS mask, kept by name.

A search keeps the filters of "SMS Pratiche", "SMS Promozionali" or "Buon Compleanno" and
one of the seed's three ways of keeping its dates ("Modalità di calcolo"):

- ``none`` (Non salvare le date): no dates; a kind that needs them (birthdays) takes the
  mask's defaults, today to today+7;
- ``fixed`` (Mantieni le date selezionate): the dates as typed;
- ``rolling`` (Mantieni gli intervalli impostati ma aggiorna le date): each date keeps its
  distance from the day the search was saved, so "from today to today+7" stays that.

``filters_on(search, day)`` gives the mask's filters as if today were ``day``: what the
mask opened from the search shows, what ``select saved --on`` lists and what a schedule
reaches on that day.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from peewee import IntegrityError

from pegaso_tui.dates import DateRange
from pegaso_tui.db.models import (
    DATE_MODES,
    DATES_FIXED,
    DATES_NONE,
    DATES_ROLLING,
    Operator,
    SavedSearch,
    Schedule,
    database_proxy,
    now,
)
from pegaso_tui.db.selections import (
    BirthdayFilters,
    ClientRange,
    PracticeFilters,
    PracticeStatus,
    PromoFilters,
    Selection,
    SelectionError,
)

#: The kinds of search, as the selections name them, with the mask each comes from.
KIND_MASKS = {"practice": "SMS Pratiche", "promo": "SMS Promozionali", "birthday": "Buon Compleanno"}
#: The CLI's names (``--kind practices|promo|birthdays``) -> the kind.
CLI_KINDS = {"practices": "practice", "promo": "promo", "birthdays": "birthday"}
#: The date fields of each kind's filters (the keys of ``describe()``).
DATE_KEYS = {
    "practice": ("practice_from", "practice_to", "departure_from", "departure_to"),
    "promo": ("practice_from", "practice_to", "departure_from", "departure_to"),
    "birthday": ("from", "to"),
}
DATE_MODE_LABELS = {
    DATES_NONE: "Non salvare le date",
    DATES_FIXED: "Mantieni le date selezionate",
    DATES_ROLLING: "Mantieni gli intervalli impostati ma aggiorna le date",
}
#: "Buon Compleanno" without saved dates: the mask's default range, today to today+7.
BIRTHDAY_DEFAULT_DAYS = 7


class SearchError(ValueError):
    """A search cannot be saved, found or deleted; the message says why (Italian)."""


def filters_data(filters: PracticeFilters | PromoFilters | BirthdayFilters) -> tuple[str, dict[str, Any]]:
    """(kind, JSON-ready dict) of a mask's filters: what a search stores."""
    if isinstance(filters, PracticeFilters):
        return "practice", filters.describe()
    if isinstance(filters, PromoFilters):
        return "promo", filters.describe()
    if isinstance(filters, BirthdayFilters):
        return "birthday", filters.describe()
    raise TypeError(f"not the filters of a selection: {filters!r}")


def save_search(
    name: str,
    kind: str,
    data: dict[str, Any],
    *,
    date_mode: str = DATES_FIXED,
    description: str = "",
    scheduling: bool = False,
    in_menu: bool = False,
    today: date,
    operator: Operator | None = None,
    replace: bool = False,
) -> SavedSearch:
    """Save (or, with ``replace``, overwrite) the search ``name``.

    ``data`` is the filters' ``describe()``; with ``date_mode`` ``none`` its dates are dropped.
    SearchError for an empty name, a name already used (unless ``replace``), an unknown kind
    or date mode, or filters that do not make a selection.
    """
    name = " ".join((name or "").split())
    if not name:
        raise SearchError("nome della ricerca mancante")
    if kind not in KIND_MASKS:
        raise SearchError(f"tipo di ricerca sconosciuto: {kind}")
    if date_mode not in DATE_MODES:
        raise SearchError(f"modalità delle date sconosciuta: {date_mode} (valori: {', '.join(DATE_MODES)})")
    data = dict(data)
    if date_mode == DATES_NONE:
        for key in DATE_KEYS[kind]:
            data[key] = None
    build_filters(kind, data, date_mode, today, today)  # refuse what would not select
    fields = dict(
        description=(description or "").strip(), kind=kind,
        filters=json.dumps(data, ensure_ascii=False, default=str), date_mode=date_mode,
        saved_on=today, scheduling=scheduling, in_menu=in_menu, operator=operator,
        updated_at=now(),
    )
    with database_proxy.atomic():
        existing = SavedSearch.get_or_none(SavedSearch.name == name)
        if existing is not None:
            if not replace:
                raise SearchError(f"esiste già una ricerca di nome '{name}'")
            if not scheduling and existing.schedules.where(Schedule.obsolete == False).exists():  # noqa: E712
                raise SearchError(
                    f"la ricerca '{name}' è usata da comunicazioni programmate: "
                    "non si può togliere \"Abilita comunicazioni programmate\""
                )
            SavedSearch.update(**fields).where(SavedSearch.id == existing.id).execute()
            return SavedSearch.get_by_id(existing.id)
        try:
            with database_proxy.atomic():
                return SavedSearch.create(name=name, **fields)
        except IntegrityError:
            raise SearchError(f"esiste già una ricerca di nome '{name}'") from None


def _date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def build_filters(kind: str, data: dict[str, Any], date_mode: str, saved_on: date, day: date):
    """The mask's filters of a search on ``day`` (SelectionError when they cannot be)."""
    shift = (day - saved_on) if date_mode == DATES_ROLLING else timedelta(0)

    def when(key: str) -> date | None:
        value = _date(data.get(key))
        return value + shift if value is not None else None

    def dates(start: str, end: str) -> DateRange:
        return DateRange(when(start), when(end))

    clients = ClientRange(data.get("client_from"), data.get("client_to"))
    if kind == "practice":
        return PracticeFilters(
            PracticeStatus.parse(data.get("status") or ""), clients,
            dates("practice_from", "practice_to"), dates("departure_from", "departure_to"),
        )
    if kind == "promo":
        with_practices = bool(data.get("with_practices"))
        return PromoFilters(
            clients=clients, preferences=tuple(data.get("preferences") or ()),
            with_practices=with_practices,
            practice_dates=dates("practice_from", "practice_to") if with_practices else DateRange(),
            departure_dates=dates("departure_from", "departure_to") if with_practices else DateRange(),
        )
    if kind == "birthday":
        span = dates("from", "to")
        if date_mode == DATES_NONE or span.start is None or span.end is None:
            span = DateRange(day, day + timedelta(days=BIRTHDAY_DEFAULT_DAYS))
        return BirthdayFilters(span)
    raise SelectionError(f"tipo di ricerca sconosciuto: {kind}")


def filters_on(search: SavedSearch, day: date):
    """The search's filters as if today were ``day`` (SelectionError if they no longer work)."""
    return build_filters(search.kind, json.loads(search.filters or "{}"), search.date_mode,
                         search.saved_on, day)


def select_saved(search: SavedSearch, day: date) -> Selection:
    """The selection the search makes on ``day``: what a schedule reaches that day."""
    from pegaso_tui.db.selections import birthday_recipients, practices_to_notify, promo_recipients

    filters = filters_on(search, day)
    if isinstance(filters, PracticeFilters):
        return practices_to_notify(filters)
    if isinstance(filters, PromoFilters):
        return promo_recipients(filters)
    return birthday_recipients(filters)


def get_search(name: str) -> SavedSearch:
    """The search called ``name``; SearchError when there is none."""
    search = SavedSearch.get_or_none(SavedSearch.name == " ".join((name or "").split()))
    if search is None:
        raise SearchError(f"nessuna ricerca salvata di nome '{name}'")
    return search


def all_searches() -> list[SavedSearch]:
    """Every saved search, by name."""
    return list(SavedSearch.select().order_by(SavedSearch.name))


def menu_searches() -> list[tuple[int, str, str]]:
    """(id, name, kind) of the searches "Visibile nel menù principale", by name."""
    query = (SavedSearch.select(SavedSearch.id, SavedSearch.name, SavedSearch.kind)
             .where(SavedSearch.in_menu == True)  # noqa: E712
             .order_by(SavedSearch.name).tuples())
    return list(query)


def search_by_id(search_id: int) -> SavedSearch:
    """The search with this id; SearchError when it was deleted meanwhile."""
    search = SavedSearch.get_or_none(SavedSearch.id == search_id)
    if search is None:
        raise SearchError("la ricerca salvata non esiste più")
    return search


def delete_search(name: str) -> None:
    """Delete a search; SearchError when a scheduled communication still uses it."""
    with database_proxy.atomic():
        search = get_search(name)
        users = [s.name for s in search.schedules.order_by(Schedule.name)]
        if users:
            raise SearchError(
                f"la ricerca '{search.name}' è usata dalle comunicazioni programmate: "
                + ", ".join(users)
            )
        search.delete_instance()


def search_json(search: SavedSearch) -> dict[str, Any]:
    """A search as ``search list --json`` prints it."""
    return {
        "name": search.name,
        "kind": search.kind,
        "description": search.description,
        "dates": search.date_mode,
        "saved_on": search.saved_on.isoformat() if search.saved_on else None,
        "scheduling": search.scheduling,
        "menu": search.in_menu,
        "filters": json.loads(search.filters or "{}"),
    }


def searches_pager():
    """Every saved search by name, for the "Ricerche salvate" mask."""
    from pegaso_tui.db.paging import KeysetPager

    return KeysetPager(SavedSearch.select(), [SavedSearch.name])


def update_search_details(
    search_id: int, name: str, *, description: str, date_mode: str, scheduling: bool,
    in_menu: bool,
) -> SavedSearch:
    """Change what a search is called and how it is used, keeping its filters and the day
    they were saved (a rolling search keeps its distances). SearchError for bad input."""
    name = " ".join((name or "").split())
    if not name:
        raise SearchError("nome della ricerca mancante")
    if date_mode not in DATE_MODES:
        raise SearchError(f"modalità delle date sconosciuta: {date_mode}")
    with database_proxy.atomic():
        search = search_by_id(search_id)
        if not scheduling and search.schedules.where(Schedule.obsolete == False).exists():  # noqa: E712
            raise SearchError(
                f"la ricerca '{search.name}' è usata da comunicazioni programmate: "
                "non si può togliere \"Abilita comunicazioni programmate\""
            )
        data = json.loads(search.filters or "{}")
        if date_mode == DATES_NONE:
            for key in DATE_KEYS[search.kind]:
                data[key] = None
        try:
            with database_proxy.atomic():
                SavedSearch.update(
                    name=name, description=(description or "").strip(), date_mode=date_mode,
                    scheduling=scheduling, in_menu=in_menu, updated_at=now(),
                    filters=json.dumps(data, ensure_ascii=False, default=str),
                ).where(SavedSearch.id == search_id).execute()
        except IntegrityError:
            raise SearchError(f"esiste già una ricerca di nome '{name}'") from None
        return search_by_id(search_id)
