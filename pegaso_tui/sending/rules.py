"""Rules that decide, when a message is claimed, whether it may still be submitted now.

Pure functions, no database and no Textual: the outbox's claim-time check gathers the facts
(the campaign's purpose, the number, the client, whether they objected, the clock) and asks.

- **Opposizione (opt-out).** A ``marketing`` or ``auguri`` SMS to a number or a client that
  objected is never sent: ``opt_out_refusal`` gives the reason to cancel it with. Service
  SMS still go.
- **Fasce orarie (allowed hours).** ``marketing`` and ``auguri`` SMS are submitted only
  inside the allowed hours and days (default 09:00-20:00, Monday to Saturday), Europe/Rome
  time: ``quiet_hours_wait`` gives the moment the window opens. Service SMS never wait.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

#: The agency's clock: the allowed hours are Italian time whatever the server's zone.
ROME = ZoneInfo("Europe/Rome")

#: Purposes that are promotion: they need consent, respect the opt-out and wait for the window.
PROMOTIONAL = ("marketing", "auguri")

#: What a held message says in the lists.
WAITING_FOR_WINDOW = "in attesa della fascia oraria"
#: The error code a held message carries while queued (it is not an error: it waits).
QUIET_HOURS_CODE = "QUIET_HOURS"
#: The reason a message to someone who objected is cancelled with.
OPTED_OUT = "opposizione al marketing (lista Non disturbare)"

_DAY_NAMES = {
    "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
    "lun": 0, "mar": 1, "mer": 2, "gio": 3, "ven": 4, "sab": 5, "dom": 6,
}
_ENGLISH_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class RuleSettingsError(ValueError):
    """The allowed hours or days in the settings cannot be read; the message says why."""


def is_promotional(purpose: str | None) -> bool:
    """Whether a purpose is marketing in the privacy law's sense (``marketing``, ``auguri``)."""
    return purpose in PROMOTIONAL


@dataclass(frozen=True)
class SendingWindow:
    """The hours and week days in which promotional SMS may be submitted (Europe/Rome)."""

    start: time
    end: time
    days: frozenset[int]  # 0 = Monday

    @classmethod
    def parse(cls, hours: str | None, days: str | None = "mon-sat") -> "SendingWindow | None":
        """The window of the settings ``quiet_hours = "09:00-20:00"``, ``quiet_days =
        "mon-sat"``; None when ``hours`` is empty (no restriction).

        Days are English or Italian three-letter names, as a range (``mon-sat``, which may wrap:
        ``sat-mon``) or a list (``mon,wed,fri``); empty days mean every day.
        RuleSettingsError, in Italian, for anything else.
        """
        text = (hours or "").strip()
        if not text:
            return None
        start_text, sep, end_text = text.partition("-")
        if not sep:
            raise RuleSettingsError(f"fascia oraria '{text}': scrivere HH:MM-HH:MM, es. 09:00-20:00")
        start, end = _clock(start_text, text), _clock(end_text, text)
        if end <= start:
            raise RuleSettingsError(f"fascia oraria '{text}': l'ora finale deve seguire quella iniziale")
        return cls(start, end, parse_days(days))

    def describe(self) -> str:
        """``09:00-20:00 mon-sat`` (for messages and ``config show``)."""
        names = ",".join(_ENGLISH_DAYS[d] for d in sorted(self.days))
        return f"{self.start:%H:%M}-{self.end:%H:%M} {names}"

    def allows(self, moment: datetime) -> bool:
        """Whether ``moment`` (aware, or naive in the machine's local time) is inside."""
        local = _in_rome(moment)
        return local.weekday() in self.days and self.start <= local.time() < self.end

    def next_opening(self, moment: datetime) -> datetime:
        """The first moment at or after ``moment`` inside the window, in the same form as
        ``moment`` (aware, or naive local time, as the outbox stores its times)."""
        local = _in_rome(moment)
        if self.allows(local):
            return moment
        day = local.date()
        for offset in range(8):
            candidate_day = day + timedelta(days=offset)
            if candidate_day.weekday() not in self.days:
                continue
            opening = _rome_wall_time(candidate_day, self.start)
            if opening > local:
                return _like(opening, moment)
        raise RuleSettingsError("la fascia oraria non ha nessun giorno")  # days is never empty


def _clock(text: str, whole: str) -> time:
    try:
        hour, minute = text.strip().split(":")
        return time(int(hour), int(minute))
    except ValueError:
        raise RuleSettingsError(f"fascia oraria '{whole}': scrivere HH:MM-HH:MM, es. 09:00-20:00") from None


def parse_days(text: str | None) -> frozenset[int]:
    """Week days from ``mon-sat``, ``lun-sab``, ``mon,wed,fri`` (empty: every day)."""
    value = (text or "").strip().lower()
    if not value:
        return frozenset(range(7))
    days: set[int] = set()
    for part in value.split(","):
        first, sep, last = part.strip().partition("-")
        try:
            a = _DAY_NAMES[first.strip()[:3]]
            b = _DAY_NAMES[last.strip()[:3]] if sep else a
        except KeyError:
            raise RuleSettingsError(
                f"giorni della fascia oraria '{text}': usare mon..sun (o lun..dom), es. mon-sat"
            ) from None
        day = a
        days.add(day)
        while day != b:  # a range may wrap over Sunday: sat-mon
            day = (day + 1) % 7
            days.add(day)
    return frozenset(days)


def _in_rome(moment: datetime) -> datetime:
    # a naive time is the machine's local time (datetime.now(), as the outbox keeps it)
    return moment.astimezone(ROME)


def _rome_wall_time(day, at: time) -> datetime:
    """``day`` at ``at`` Italian time. A time the clocks skip (the spring DST change) is not
    a moment: the window then opens at the first minute that exists, as a clock on the wall
    would show it (02:30 on that day opens at 03:00)."""
    wall = datetime.combine(day, at)
    for minutes in range(0, 24 * 60):
        candidate = wall + timedelta(minutes=minutes)
        aware = candidate.replace(tzinfo=ROME)
        # through UTC and back: a wall time that does not exist comes back changed
        if aware.astimezone(timezone.utc).astimezone(ROME).replace(tzinfo=None) == candidate:
            return aware
    return wall.replace(tzinfo=ROME)  # unreachable: no gap lasts a day


def _like(moment: datetime, model: datetime) -> datetime:
    """``moment`` in the form of ``model``: aware stays aware, naive becomes local naive."""
    if model.tzinfo is not None:
        return moment.astimezone(model.tzinfo)
    return moment.astimezone().replace(tzinfo=None)


# --- The rules ---------------------------------------------------------------------------------


def opt_out_refusal(purpose: str | None, phone: str | None, client_id: int | None,
                    now: datetime, *, opted_out: bool) -> str | None:
    """Why a message may not be sent because of an objection, or None.

    ``opted_out`` is whether the number or the client is on the opt-out list (the caller
    asks the database: ``db.optouts.is_opted_out(phone, client_id)``). Only ``marketing``
    and ``auguri`` are refused; ``now`` is taken for the uniform signature of the rules.
    """
    del phone, client_id, now  # the facts are in ``opted_out``; kept for the rules' shape
    if opted_out and is_promotional(purpose):
        return OPTED_OUT
    return None


def quiet_hours_wait(purpose: str | None, phone: str | None, client_id: int | None,
                     now: datetime, *, window: SendingWindow | None) -> datetime | None:
    """Until when a message must wait for the allowed hours, or None to send it now.

    A service SMS never waits; with no window (``quiet_hours = ""``) nothing waits.
    """
    del phone, client_id
    if window is None or not is_promotional(purpose) or window.allows(now):
        return None
    return window.next_opening(now)


def window_note(purpose: str | None, now: datetime, window: SendingWindow | None) -> str | None:
    """What to tell whoever queues a campaign now that it will wait for the window, or None:
    ``fuori dalla fascia oraria (09:00-20:00 mon,...,sat): partiranno dal 02-06-2027 09:00``."""
    until = quiet_hours_wait(purpose, None, None, now, window=window)
    if until is None:
        return None
    assert window is not None
    opening = _in_rome(until)
    return (f"fuori dalla fascia oraria ({window.describe()}): partiranno dal "
            f"{opening:%d-%m-%Y %H:%M}")


@dataclass(frozen=True)
class Verdict:
    """What the rules say of a claimed message: cancel it, hold it, or (both None) send it."""

    cancel: str | None = None
    wait_until: datetime | None = None

    @property
    def send(self) -> bool:
        return self.cancel is None and self.wait_until is None


def judge(purpose: str | None, phone: str | None, client_id: int | None, now: datetime, *,
          opted_out: bool, window: SendingWindow | None) -> Verdict:
    """Every rule of this module on one message: a refusal wins over a wait."""
    reason = opt_out_refusal(purpose, phone, client_id, now, opted_out=opted_out)
    if reason:
        return Verdict(cancel=reason)
    return Verdict(wait_until=quiet_hours_wait(purpose, phone, client_id, now, window=window))
