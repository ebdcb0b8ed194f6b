"""Questions about preferences ("Preferenze"): the agency's own list of client interests.

A preference code is unique regardless of case (``croc`` is ``CROC``: the promo selection
matches codes that way). A preference outlives the clients that have it; deleting one that
clients use removes it from them, so the list asks first and says how many.
"""

from __future__ import annotations

from dataclasses import dataclass

from peewee import JOIN, IntegrityError, fn

from pegaso_tui.db.models import ClientPreference, Preference, database_proxy
from pegaso_tui.db.paging import KeysetPager
from pegaso_tui.db.records import InvalidRecord, RecordNotFound, clean
from pegaso_tui.db.search import contains_all


def normalize_preference_code(code: str | None) -> str:
    """A preference code as stored: trimmed, upper case (never zero-padded)."""
    return clean(code).upper()


@dataclass(frozen=True)
class PreferenceRow:
    """A preference in the list, with how many clients have it."""

    id: int
    code: str
    description: str
    clients: int


def preferences_pager(search: str | None = None) -> KeysetPager[PreferenceRow]:
    """Preferences in code order whose code or description contain every word of ``search``,
    each with the number of clients that have it."""
    clients = fn.COUNT(ClientPreference.id)
    query = (
        Preference.select(Preference.id, Preference.code, Preference.description, clients.alias("clients"))
        .join(ClientPreference, JOIN.LEFT_OUTER)
        .group_by(Preference.id, Preference.code, Preference.description)
    )
    condition = contains_all(fn.LOWER(Preference.code.concat(" ").concat(Preference.description)), search)
    if condition is not None:
        query = query.where(condition)
    return KeysetPager(
        query.tuples(),
        [Preference.code],
        convert=lambda r: PreferenceRow(*r),
        key_of=lambda row: (row.code,),
    )


def all_preferences() -> list[Preference]:
    """Every preference in code order (the checklist of the client's "SMS" tab)."""
    return list(Preference.select().order_by(Preference.code))


def preference_data(preference_id: int) -> Preference:
    """One preference (RecordNotFound when deleted)."""
    preference = Preference.get_or_none(Preference.id == preference_id)
    if preference is None:
        raise RecordNotFound("la preferenza non esiste più")
    return preference


def save_preference(code: str, description: str, preference_id: int | None = None) -> Preference:
    """Create or update a preference; InvalidRecord when the code is empty or already used."""
    code = normalize_preference_code(code)
    description = clean(description)
    errors = {}
    if not code:
        errors["code"] = "codice obbligatorio"
    elif " " in code or "|" in code or "," in code:
        # the import file lists a client's preferences as CODE|CODE
        errors["code"] = "il codice non può contenere spazi, virgole o '|'"
    if not description:
        errors["description"] = "descrizione obbligatoria"
    if errors:
        raise InvalidRecord(errors)
    with database_proxy.obj.atomic():
        if preference_id is None:
            preference = Preference()
        else:
            preference = Preference.get_or_none(Preference.id == preference_id)
            if preference is None:
                raise RecordNotFound("la preferenza non esiste più")
        taken = Preference.get_or_none(
            (fn.UPPER(Preference.code) == code) & (Preference.id != (preference_id or 0))
        )
        if taken is not None:
            raise InvalidRecord({"code": f"codice già usato da '{taken.description}'"})
        preference.code = code
        preference.description = description
        try:
            preference.save()
        except IntegrityError:
            raise InvalidRecord({"code": "codice già usato"}) from None
    return preference


def preference_usage(preference_id: int) -> int:
    """How many clients have this preference."""
    return ClientPreference.select().where(ClientPreference.preference == preference_id).count()


def delete_preference(preference_id: int) -> int:
    """Delete a preference and its links to clients; return how many clients had it."""
    with database_proxy.obj.atomic():
        used = preference_usage(preference_id)
        ClientPreference.delete().where(ClientPreference.preference == preference_id).execute()
        deleted = Preference.delete().where(Preference.id == preference_id).execute()
    if not deleted:
        raise RecordNotFound("la preferenza non esiste più")
    return used
