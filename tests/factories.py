"""Small builders of registry rows for tests: sensible defaults, every field overridable."""

from __future__ import annotations

import itertools
from datetime import date

from pegaso_tui.db.models import (
    Client,
    ClientPreference,
    Practice,
    PracticeNotice,
    Preference,
)

_codes = itertools.count(100)
_numbers = itertools.count(1)

#: A valid Italian mobile for each client unless a test says otherwise.
MOBILE = "349 999 9999"


def make_client(code: str | None = None, **fields) -> Client:
    """A person who agreed to both kinds of SMS, with a valid mobile."""
    values = dict(
        code=code or f"{next(_codes):07d}",
        name="ROSSO STEFANO",
        first_name="Stefano",
        last_name="Rosso",
        mobile=MOBILE,
        sms_practices=True,
        sms_promo=True,
    )
    values.update(fields)
    return Client.create(**values)


def make_practice(client: Client, number: str | None = None, **fields) -> Practice:
    """A practice of this year with no flag set: it lacks every notice."""
    values = dict(
        number=number or f"2026/{next(_numbers):04d}",
        client=client,
        practice_date=date(2026, 3, 1),
        departure_date=date(2026, 7, 1),
        destination="Sharm el Sheikh",
        amount=1500,
        balance=500,
    )
    values.update(fields)
    return Practice.create(**values)


def make_preference(code: str, description: str | None = None) -> Preference:
    return Preference.create(code=code, description=description or code)


def give_preference(client: Client, *preferences: Preference) -> None:
    for preference in preferences:
        ClientPreference.create(client=client, preference=preference)


def record_notice(practice: Practice, kind: str) -> PracticeNotice:
    return PracticeNotice.create(practice=practice, kind=kind)


def saved_the_day_before(schedule) -> None:
    """As if ``schedule`` had been saved the day before its start: every occurrence from its
    first day on is one (one due earlier on the day it is saved is none)."""
    from datetime import datetime, time, timedelta

    from pegaso_tui.db.models import Schedule

    before = datetime.combine(schedule.start_date - timedelta(days=1), time(12, 0))
    Schedule.update(created_at=before, updated_at=before).where(Schedule.id == schedule.id).execute()
