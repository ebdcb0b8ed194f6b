"""Running the scheduled communications that are due (``schedule run-due``, the senders).

Every sender — ``pegaso-tui worker`` and the app — calls ``run_due`` once a minute, and any
number of them may run at once on one database. The rules:

- **Exactly once.** An occurrence is a schedule and a day. Its run row, whose unique key is
  (schedule, day), is written in the same transaction that queues its campaign: a second
  sender calling in the same minute fails on the key and queues nothing (SQLite serialises
  the writers, PostgreSQL makes the second insert wait for the first commit, then refuses it).
- **Missed, never late.** The occurrence of today runs as soon as its time has come, also when
  no sender was running at that time (it runs when one starts). An occurrence of an earlier
  day that never ran is recorded as ``missed`` and never sent. An occurrence due before the
  schedule was saved as it is (or switched on again), that same day, is none: a daily 09:30
  created at 17:00 first sends tomorrow.
- **Europe/Rome.** Times are local. A time that does not exist on the day clocks go forward
  (02:30 on the last Sunday of March) runs at the next valid minute (03:00); a time that
  happens twice (the last Sunday of October) runs once, at its first occurrence.
- **Once per event.** The selection leaves out who already had it: a practice notice per
  practice and status (``PracticeNotice``), a birthday greeting per client and year
  (``Greeting``), both against the masks too; a promo goes once per client per day per
  schedule because the day's run is one campaign.
- **Azioni CRM.** A schedule of kind ``crm`` creates, instead of a campaign, one CRM action
  per client of its search (``assign_crm_actions``, as ``crm assign`` does), due the run day
  plus its days, in the same transaction as its run row: once per occurrence, so never twice
  for a client on the same day for that schedule.
- A Singolo schedule deactivates itself after its occurrence (run or missed); a paused one
  has no occurrences, and resuming it does not make the paused days missed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from peewee import IntegrityError

from pegaso_tui.db.models import (
    RUN_DONE,
    RUN_FAILED,
    RUN_MISSED,
    SCHEDULE_CRM,
    Schedule,
    ScheduleRun,
    database_proxy,
    now,
)

#: The agency's clock: schedule times are local times of Italy.
ROME = ZoneInfo("Europe/Rome")
#: How often the senders call ``run_due``.
EVERY_S = 60.0
#: Tries of a run whose selection was changed meanwhile by another terminal.
ATTEMPTS = 3


@dataclass(frozen=True)
class RunResult:
    """One occurrence recorded by this call: ``done``, ``missed`` or ``failed``."""

    schedule: str
    day: date
    status: str
    queued: int = 0
    campaign: int | None = None
    error: str | None = None
    #: the CRM actions an Azioni CRM occurrence created (None for an SMS one)
    crm_actions: int | None = None

    def to_json(self) -> dict[str, Any]:
        """As ``schedule run-due --json`` prints it."""
        data: dict[str, Any] = {"schedule": self.schedule, "day": self.day.isoformat(),
                                "status": self.status, "queued": self.queued}
        if self.campaign is not None:
            data["campaign"] = self.campaign
        if self.error:
            data["error"] = self.error
        if self.crm_actions is not None:
            data["crm_actions"] = self.crm_actions
        return data


# --- Time ------------------------------------------------------------------------------------


def rome_time(moment: datetime | None = None) -> datetime:
    """``moment`` as an aware Europe/Rome time; a naive one is read as Rome local time
    (the first of two, when the hour repeats). Default: now."""
    if moment is None:
        return datetime.now(ROME)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=ROME)
    return moment.astimezone(ROME)


def _exists(local: datetime) -> bool:
    """Whether a naive Rome wall time exists (it does not inside the spring-forward gap)."""
    aware = local.replace(tzinfo=ROME)
    return aware.astimezone(timezone.utc).astimezone(ROME).replace(tzinfo=None) == local


def due_at(day: date, at: str) -> datetime:
    """When the occurrence of ``day`` at ``at`` (``HH:MM``) is due, as an aware time.

    A wall time that does not exist that day becomes the next minute that does; a wall time
    that exists twice is its first occurrence (fold 0).
    """
    hours, minutes = (int(part) for part in at.split(":"))
    local = datetime.combine(day, time(hours, minutes))
    for _ in range(24 * 60):  # a gap is an hour; the bound only guards against a bad zone
        if _exists(local):
            return local.replace(tzinfo=ROME, fold=0)
        local += timedelta(minutes=1)
    raise ValueError(f"no valid local time after {day} {at}")


# --- Which occurrences -------------------------------------------------------------------------


def _days(schedule: Schedule, today: date) -> list[date]:
    """The days up to ``today`` that are occurrences of the schedule."""
    first = schedule.start_date
    if schedule.resumed_on is not None and schedule.resumed_on > first:
        first = schedule.resumed_on
    if schedule.once:
        return [schedule.start_date] if schedule.start_date <= today and schedule.start_date >= first else []
    last = today if schedule.end_date is None else min(today, schedule.end_date)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def run_due(
    moment: datetime | None = None,
    *,
    default_sender: str = "",
    max_parts: int = 3,
    agency: str | None = None,
) -> list[RunResult]:
    """Run every occurrence due at ``moment`` (default: now) that has not run yet.

    Earlier days' occurrences that never ran are recorded as missed. Returns what this call
    recorded; an occurrence another sender recorded first is not in it.
    """
    current = rome_time(moment)
    today = current.date()
    # compared in UTC: within one zone Python compares wall times and ignores ``fold``
    instant = current.astimezone(timezone.utc)
    results: list[RunResult] = []
    schedules = list(Schedule.select().where(
        (Schedule.active == True) & (Schedule.obsolete == False)  # noqa: E712
        & (Schedule.start_date <= today)
    ).order_by(Schedule.at_time, Schedule.id))
    for schedule in schedules:
        days = _days(schedule, today)
        if not days:
            continue
        recorded = {
            _as_date(day) for (day,) in ScheduleRun.select(ScheduleRun.day).where(
                (ScheduleRun.schedule == schedule.id) & (ScheduleRun.day >= days[0])
            ).tuples()
        }
        since = _in_effect_since(schedule)
        for day in days:
            if day in recorded:
                continue
            if day == since.date() and due_at(day, schedule.at_time) < since:
                # due earlier on the day the operator saved (or switched on) the schedule as
                # it is: not one of its occurrences. A daily 09:30 created at 17:00 sends
                # tomorrow at 09:30, as "Ora invio" says ("l'orario che il cliente riceverà
                # la prossima comunicazione"), never today at 17:00. (An earlier day is
                # recorded as missed, as ever: it is never sent either.)
                continue
            if day < today:
                result = _record(schedule, day, RUN_MISSED)
            elif instant >= due_at(day, schedule.at_time).astimezone(timezone.utc):
                result = _run(schedule, day, default_sender=default_sender,
                              max_parts=max_parts, agency=agency)
            else:
                continue
            if result is not None:
                results.append(result)
        if schedule.once and (days and (days[-1] < today or _ran(schedule, days[-1]))):
            Schedule.update(active=False, updated_at=now()).where(
                (Schedule.id == schedule.id) & (Schedule.active == True)  # noqa: E712
            ).execute()
    return results


def first_run(schedule: Schedule, moment: datetime | None = None) -> datetime | None:
    """When the schedule will next send (or create its CRM actions), as a Rome time: its
    next occurrence not run yet, or now when one is due and waits for a sender's next tick.
    None when it never will again (paused, ended, a Singolo run or past)."""
    if not schedule.active or schedule.obsolete:
        return None
    current = rome_time(moment)
    since = _in_effect_since(schedule)
    day = max(schedule.start_date, current.date(), schedule.resumed_on or schedule.start_date)
    last = schedule.start_date if schedule.once else schedule.end_date
    for _ in range(2):  # today's may be none (due before it was saved) or have run
        if last is not None and day > last:
            return None
        due = due_at(day, schedule.at_time)
        if not (day == since.date() and due < since) and not _ran(schedule, day):
            return max(due, current)
        day += timedelta(days=1)
    return due_at(day, schedule.at_time) if last is None or day <= last else None


def _in_effect_since(schedule: Schedule) -> datetime:
    """The moment the schedule took its present form, in Rome: its last save in the mask or
    from the command line, or its switching on again (``updated_at``, the machine's local
    time as ``now()`` wrote it)."""
    saved = schedule.updated_at or schedule.created_at
    if isinstance(saved, str):
        saved = datetime.fromisoformat(saved)
    if saved.tzinfo is None:
        saved = saved.astimezone()
    return saved.astimezone(ROME)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _ran(schedule: Schedule, day: date) -> bool:
    return ScheduleRun.select().where(
        (ScheduleRun.schedule == schedule.id) & (ScheduleRun.day == day)).exists()


def _record(schedule: Schedule, day: date, status: str, error: str | None = None) -> RunResult | None:
    """Record an occurrence that sends nothing; None when another sender recorded it first."""
    try:
        with database_proxy.atomic():
            ScheduleRun.create(schedule=schedule.id, day=day, status=status, error=error,
                               ran_at=now())
    except IntegrityError:
        return None
    return RunResult(schedule.name, day, status, error=error)


def _run(schedule: Schedule, day: date, *, default_sender: str, max_parts: int,
         agency: str | None) -> RunResult | None:
    """Queue the campaign of one occurrence, with its run row, in one transaction."""
    if schedule.kind == SCHEDULE_CRM:
        return _run_crm(schedule, day)
    from pegaso_tui.db.campaigns import CampaignError, SelectionChanged, plan_selection, queue_campaign
    from pegaso_tui.db.schedules import schedule_text
    from pegaso_tui.db.searches import SearchError, select_saved
    from pegaso_tui.db.selections import SelectionError
    from pegaso_tui.errors import first_line

    from pegaso_tui.sms.sender import SenderError, check_sender

    sender = schedule.sender or (default_sender or "").strip()
    if not sender:
        return _record(schedule, day, RUN_FAILED,
                       "mittente mancante: indicarlo nella comunicazione o nelle impostazioni")
    try:
        sender = check_sender(sender).value
    except SenderError as exc:
        return _record(schedule, day, RUN_FAILED, str(exc))
    problem = None
    for _ in range(ATTEMPTS):
        try:
            with database_proxy.atomic():
                # The run key first: a second sender stops here, before selecting anything.
                run = ScheduleRun.create(schedule=schedule.id, day=day, status=RUN_DONE, ran_at=now())
                selection = _with_consent(select_saved(schedule.search, day), schedule.purpose)
                plan = plan_selection(selection, schedule_text(schedule), max_parts=max_parts,
                                      agency=agency)
                plan.purpose = schedule.purpose
                plan.filters = {**plan.filters, "schedule": schedule.name, "day": day.isoformat()}
                campaign = None
                if plan.messages:
                    campaign = queue_campaign(plan, sender=sender, operator=schedule.operator)
                    run.campaign = campaign.id
                    run.queued = campaign.message_count
                    run.save()
            return RunResult(schedule.name, day, RUN_DONE, run.queued,
                             campaign.id if campaign else None)
        except SelectionChanged as exc:  # a mask queued some of them meanwhile: select again
            problem = first_line(exc)
            continue
        except IntegrityError:  # the run key: another sender has this occurrence
            return None
        except (CampaignError, SelectionError, SearchError) as exc:
            return _record(schedule, day, RUN_FAILED, first_line(exc))
    return _record(schedule, day, RUN_FAILED, problem)


def _run_crm(schedule: Schedule, day: date) -> RunResult | None:
    """Create the CRM actions of one occurrence, with its run row, in one transaction.

    The actions are due ``crm_due_days`` after the run day; a day whose search selects no
    client is a run that created nothing (not a failure).
    """
    from pegaso_tui.db.crm.assignments import assign_crm_actions
    from pegaso_tui.db.crm.errors import CrmError
    from pegaso_tui.db.schedules import crm_operators, schedule_text
    from pegaso_tui.db.searches import SearchError, select_saved
    from pegaso_tui.db.selections import SelectionError
    from pegaso_tui.errors import first_line

    creator = schedule.operator.username if schedule.operator_id else ""
    try:
        with database_proxy.atomic():
            # The run key first: a second sender stops here, before creating anything.
            run = ScheduleRun.create(schedule=schedule.id, day=day, status=RUN_DONE, ran_at=now())
            selection = select_saved(schedule.search, day)
            if not selection.rows:
                return RunResult(schedule.name, day, RUN_DONE, crm_actions=0)
            result = assign_crm_actions(
                selection, request_type=schedule.crm_type, text=schedule_text(schedule),
                operators=crm_operators(schedule), due=day + timedelta(days=schedule.crm_due_days),
                purpose=schedule.purpose, created_by=creator, search_name=schedule.search.name,
                today=day,
            )
            run.assignment = result.assignment_id
            run.save()
        return RunResult(schedule.name, day, RUN_DONE, crm_actions=result.created)
    except IntegrityError:  # the run key: another sender has this occurrence
        return None
    except CrmError as exc:
        if exc.field == "selection":  # everyone selected objected to marketing: nothing to do
            recorded = _record(schedule, day, RUN_DONE)
            return replace(recorded, crm_actions=0) if recorded else None
        return _record(schedule, day, RUN_FAILED, first_line(exc))
    except (SelectionError, SearchError) as exc:
        return _record(schedule, day, RUN_FAILED, first_line(exc))


def _with_consent(selection, purpose: str):
    """A practices search sent for marketing or greetings reaches only the clients who agreed
    to promotional SMS ("Invio Sms Promo"), as the promo and birthday selections do."""
    from pegaso_tui.db.models import PURPOSE_SERVICE, Client
    from pegaso_tui.db.selections import Selection

    if purpose == PURPOSE_SERVICE or selection.kind != "practice" or not selection.rows:
        return selection
    ids = sorted({row.client_id for row in selection.rows})
    agreed: set[int] = set()
    for start in range(0, len(ids), 500):
        agreed.update(cid for (cid,) in Client.select(Client.id).where(
            Client.id.in_(ids[start:start + 500]) & (Client.sms_promo == True)  # noqa: E712
        ).tuples())
    return Selection(selection.kind, [r for r in selection.rows if r.client_id in agreed],
                     selection.filters)


def run_due_for(settings, moment: datetime | None = None) -> list[RunResult]:
    """``run_due`` with the sender alias, the parts limit and the agency of ``settings``."""
    return run_due(moment, default_sender=settings.sender, max_parts=settings.max_parts,
                   agency=settings.agency or None)


def results_json(results: list[RunResult]) -> dict[str, Any]:
    """``schedule run-due --json``."""
    return {"runs": [r.to_json() for r in results]}


__all__ = ["ROME", "RunResult", "due_at", "results_json", "rome_time", "run_due", "run_due_for"]


class Ticker:
    """Calls ``run_due`` at start and then at every minute, in its own thread, until stopped.

    What the senders run (``pegaso-tui worker`` and the app): ``report`` receives the results
    of each call that recorded something, and ``failed`` the error of a call that failed (the
    next minute tries again; a database that went away must not stop the sending).
    """

    def __init__(self, settings, *, report=None, failed=None, every_s: float = EVERY_S) -> None:
        import threading

        self.settings = settings
        self.report = report
        self.failed = failed
        self.every_s = every_s
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="pegaso-scheduler", daemon=True)

    def start(self) -> "Ticker":
        self.thread.start()
        return self

    def tick(self) -> list[RunResult]:
        """One call of ``run_due`` with this thread's own connection."""
        from pegaso_tui.db.connection import session

        with session():
            return run_due_for(self.settings)

    def _loop(self) -> None:
        import time as clock

        while not self.stop_event.is_set():
            try:
                results = self.tick()
            except Exception as exc:  # reported, and tried again next minute
                if self.failed is not None:
                    self.failed(exc)
            else:
                if results and self.report is not None:
                    self.report(results)
            # wake at the start of the next minute: a 09:00 schedule runs at 09:00:0x
            self.stop_event.wait(self.every_s - (clock.time() % self.every_s) + 0.5)

    def stop(self, wait_s: float = 5.0) -> None:
        self.stop_event.set()
        if self.thread.is_alive():
            self.thread.join(wait_s)
