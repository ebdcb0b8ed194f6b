"""Scheduled communications ("Comunicazioni programmate", seed 004): what they are, their
state and their history ("Storico Invii"). Running them is ``pegaso_tui.sending.scheduler``.

A schedule sends a text (or a model's text) to what a saved search selects, at a time of day
(Europe/Rome), once (Singolo) or every day (Ricorrente), from a day and until a day. It can
be paused and resumed; made obsolete, it never runs again and keeps its history.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from peewee import JOIN, IntegrityError, fn

from pegaso_tui.db.models import (
    DELIVERED,
    PURPOSES,
    SCHEDULE_CRM,
    SCHEDULE_KINDS,
    SCHEDULE_SMS,
    CrmAssignment,
    Message,
    Operator,
    Schedule,
    ScheduleRun,
    SmsTemplate,
    database_proxy,
    now,
)
from pegaso_tui.db.searches import SearchError, get_search
from pegaso_tui.db.templates import TemplateError, get_template

#: The purpose a schedule takes from its search's kind, unless one is chosen.
DEFAULT_PURPOSE = {"practice": "servizio", "promo": "marketing", "birthday": "auguri"}
#: How each run status reads on screen.
RUN_LABELS = {"done": "eseguito", "missed": "saltato", "failed": "non eseguito"}

_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


class ScheduleError(ValueError):
    """A schedule cannot be saved or found; the message says why (Italian)."""


def parse_time(text: str) -> str:
    """``HH:MM`` (also ``H:MM``, ``HH.MM``, or digits only: ``930``, ``0930``, ``9``) as
    ``HH:MM``; ScheduleError otherwise."""
    match = _TIME.match(text or "") or _digits_time(text or "")
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ScheduleError(f"ora non valida: '{(text or '').strip()}' (usare HH:MM, es. 09:30)")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def _digits_time(text: str) -> re.Match[str] | None:
    """Digits only, read as hours then minutes: one or two digits are the hour alone."""
    digits = text.strip()
    if not digits.isdigit() or len(digits) > 4:
        return None
    if len(digits) <= 2:
        digits += "00"
    return _TIME.match(f"{digits[:-2]}:{digits[-2:]}")


@dataclass
class ScheduleFields:
    """What the mask or ``schedule add`` gives to save a schedule."""

    name: str
    search: str
    at: str
    start: date
    end: date | None = None
    text: str = ""
    template: str | None = None
    once: bool = False
    purpose: str | None = None
    sender: str = ""
    operator: Operator | None = None
    active: bool = True
    #: ``sms`` or ``crm`` (Azioni CRM: one CRM action per client instead of an SMS)
    kind: str = SCHEDULE_SMS
    #: for ``crm``: the action type, its operators (in turn), "Completare entro" in days
    crm_type: str = ""
    crm_operators: tuple[str, ...] = ()
    crm_due_days: int = 0


def save_schedule(fields: ScheduleFields, *, schedule_id: int | None = None) -> Schedule:
    """Create a schedule (or change the one with ``schedule_id``); ScheduleError for bad input.

    The search must have "Abilita comunicazioni programmate"; exactly one of a text and a
    model; ``end`` not before ``start``; a purpose among servizio, marketing, auguri (by
    default the search kind's); a valid sender alias when one is given. An ``Azioni CRM``
    schedule (``kind="crm"``) needs an action type, at least one operator and a number of
    days (0 or more) for "Completare entro"; it has no sender.
    """
    from pegaso_tui.sms.sender import SenderError, check_sender

    name = " ".join((fields.name or "").split())
    if not name:
        raise ScheduleError("nome della comunicazione mancante")
    if not (fields.search or "").strip():
        # said as the mask's field, not as "nessuna ricerca salvata di nome ''"
        raise ScheduleError("ricerca mancante: sceglierne una abilitata alle comunicazioni programmate")
    try:
        search = get_search(fields.search)
    except SearchError as exc:
        raise ScheduleError(str(exc)) from None
    if not search.scheduling:
        raise ScheduleError(
            f"la ricerca '{search.name}' non ha \"Abilita comunicazioni programmate\""
        )
    template = None
    text = fields.text or ""
    if fields.template:
        if text.strip():
            raise ScheduleError("indicare il testo oppure il modello, non entrambi")
        try:
            template = get_template(fields.template)
        except TemplateError as exc:
            raise ScheduleError(str(exc)) from None
    elif not text.strip():
        raise ScheduleError("indicare il testo dell'SMS o un modello")
    elif fields.kind == SCHEDULE_SMS:
        # a placeholder no SMS can fill is said now, not at 09:30 as a run "non eseguito"
        from pegaso_tui.sms.placeholders import PlaceholderError, check_template

        try:
            check_template(text)
        except PlaceholderError as exc:
            raise ScheduleError(str(exc)) from None
    at = parse_time(fields.at)
    if fields.end is not None and fields.end < fields.start:
        raise ScheduleError("la data finale precede quella iniziale")
    if fields.once and fields.active and _past_today(fields.start, at):
        # it would never send: its one occurrence was due before it existed
        raise ScheduleError(f"Singolo: le {at} di oggi sono già passate, scegliere un'ora più "
                            "tarda o un altro giorno")
    purpose = fields.purpose or DEFAULT_PURPOSE.get(search.kind, "servizio")
    if purpose not in PURPOSES:
        raise ScheduleError(f"finalità sconosciuta: {purpose} (valori: {', '.join(PURPOSES)})")
    crm = _crm_values(fields)
    sender = (fields.sender or "").strip() if fields.kind == SCHEDULE_SMS else ""
    if sender:
        try:
            sender = check_sender(sender).value
        except SenderError as exc:
            raise ScheduleError(str(exc)) from None
    values = dict(
        name=name, search=search, text="" if template else text, template=template,
        sender=sender, purpose=purpose, operator=fields.operator, once=fields.once, at_time=at,
        start_date=fields.start, end_date=fields.end, active=fields.active, updated_at=now(),
        **crm,
    )
    try:
        with database_proxy.atomic():
            if schedule_id is None:
                return Schedule.create(**values)
            before = schedule_by_id(schedule_id)
            if fields.active and not before.active:
                # switched on again in the mask: as resume_schedule, the paused days are not missed
                values["resumed_on"] = _rome_today()
            Schedule.update(**values).where(Schedule.id == schedule_id).execute()
            return Schedule.get_by_id(schedule_id)
    except IntegrityError:
        raise ScheduleError(f"esiste già una comunicazione programmata di nome '{name}'") from None


def _crm_values(fields: ScheduleFields) -> dict[str, Any]:
    """The kind and CRM columns of a schedule; ScheduleError for a bad CRM field."""
    from pegaso_tui.db.crm.assignments import parse_request_type
    from pegaso_tui.db.crm.errors import CrmError

    if fields.kind not in SCHEDULE_KINDS:
        raise ScheduleError(f"tipo di comunicazione sconosciuto: {fields.kind} (valori: sms, crm)")
    if fields.kind == SCHEDULE_SMS:
        return {"kind": SCHEDULE_SMS, "crm_type": "", "crm_operators": "", "crm_due_days": 0}
    try:
        request_type = parse_request_type(fields.crm_type)
    except CrmError as exc:
        raise ScheduleError(str(exc)) from None
    names = [" ".join(n.split()) for n in fields.crm_operators]
    names = [n for n in names if n]
    if not names:
        raise ScheduleError("indicare almeno un operatore per le azioni CRM")
    if any("," in n for n in names):
        raise ScheduleError("il nome di un operatore non può contenere la virgola")
    if fields.crm_due_days is None or fields.crm_due_days < 0 or fields.crm_due_days > 3650:
        raise ScheduleError("\"Completare entro\": indicare un numero di giorni da 0 a 3650")
    return {"kind": SCHEDULE_CRM, "crm_type": request_type, "crm_operators": ",".join(names),
            "crm_due_days": int(fields.crm_due_days)}


def crm_operators(schedule: Schedule) -> list[str]:
    """The operators an Azioni CRM schedule shares its actions out to, in turn."""
    return [n for n in (schedule.crm_operators or "").split(",") if n]


def _past_today(day: date, at: str) -> bool:
    """True when ``day`` is today (in Italy) and ``at`` has passed already."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from pegaso_tui.sending.scheduler import due_at

    current = datetime.now(ZoneInfo("Europe/Rome"))
    return day == current.date() and due_at(day, at) < current.replace(second=0, microsecond=0)


def _rome_today() -> date:
    """Today in Italy (the schedules' clock)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("Europe/Rome")).date()


def get_schedule(name: str) -> Schedule:
    """The schedule called ``name``; ScheduleError when there is none."""
    schedule = Schedule.get_or_none(Schedule.name == " ".join((name or "").split()))
    if schedule is None:
        raise ScheduleError(f"nessuna comunicazione programmata di nome '{name}'")
    return schedule


def all_schedules(*, with_obsolete: bool = True) -> list[Schedule]:
    """Every schedule (the obsolete ones last), by name."""
    query = Schedule.select(Schedule, SmsTemplate).join(SmsTemplate, JOIN.LEFT_OUTER)
    if not with_obsolete:
        query = query.where(Schedule.obsolete == False)  # noqa: E712
    return list(query.order_by(Schedule.obsolete, Schedule.name))


def pause_schedule(name: str) -> Schedule:
    """Pause: no occurrence runs (nor counts as missed) until it is resumed."""
    schedule = get_schedule(name)
    if schedule.obsolete:
        raise ScheduleError(f"la comunicazione '{schedule.name}' è obsoleta")
    Schedule.update(active=False, updated_at=now()).where(Schedule.id == schedule.id).execute()
    return get_schedule(name)


def resume_schedule(name: str, today: date) -> Schedule:
    """Resume: from ``today`` on it runs again (the paused days are not missed runs)."""
    schedule = get_schedule(name)
    if schedule.obsolete:
        raise ScheduleError(f"la comunicazione '{schedule.name}' è obsoleta")
    if schedule.once and schedule.runs.exists():
        raise ScheduleError(f"la comunicazione singola '{schedule.name}' è già stata eseguita")
    Schedule.update(active=True, resumed_on=today, updated_at=now()).where(
        Schedule.id == schedule.id).execute()
    return get_schedule(name)


def delete_schedule(name: str) -> str:
    """Delete a schedule that never ran; one with a history is made obsolete instead.

    Returns ``"deleted"`` or ``"obsolete"``.
    """
    with database_proxy.atomic():
        schedule = get_schedule(name)
        if schedule.runs.exists():
            Schedule.update(active=False, obsolete=True, updated_at=now()).where(
                Schedule.id == schedule.id).execute()
            return "obsolete"
        schedule.delete_instance()
        return "deleted"


def state_of(schedule: Schedule, today: date) -> str:
    """How the schedule stands, in the mask's words."""
    if schedule.obsolete:
        return "obsoleta"
    if schedule.end_date is not None and today > schedule.end_date:
        return "conclusa"
    if not schedule.active:
        return "conclusa" if schedule.once and schedule.runs.exists() else "in pausa"
    return "attiva"


def schedule_text(schedule: Schedule) -> str:
    """The text a run sends: the model's as it is now, or the schedule's own."""
    if schedule.template_id is not None:
        return SmsTemplate.get_by_id(schedule.template_id).text
    return schedule.text


def schedule_json(schedule: Schedule, today: date) -> dict[str, Any]:
    """A schedule as ``schedule list --json`` prints it."""
    last = schedule.runs.order_by(ScheduleRun.day.desc()).first()
    data = {
        "name": schedule.name,
        "search": schedule.search.name,
        "at": schedule.at_time,
        "from": schedule.start_date.isoformat(),
        "until": schedule.end_date.isoformat() if schedule.end_date else None,
        "once": schedule.once,
        "active": schedule.active,
        "obsolete": schedule.obsolete,
        "state": state_of(schedule, today),
        "purpose": schedule.purpose,
        "sender": schedule.sender,
        "operator": schedule.operator.username if schedule.operator_id else None,
        "template": schedule.template.name if schedule.template_id else None,
        "text": schedule_text(schedule),
        "last_run": {"day": last.day.isoformat(), "status": last.status} if last else None,
    }
    if schedule.kind == SCHEDULE_CRM:  # the SMS schedules keep the contract's fields only
        data["kind"] = SCHEDULE_CRM
        data["crm"] = {"type": schedule.crm_type, "operators": crm_operators(schedule),
                       "due_days": schedule.crm_due_days}
    return data


def history(schedule: Schedule, *, recipients: bool = True) -> list[dict[str, Any]]:
    """Storico Invii: every run, newest first, with its counts and (optionally) recipients."""
    runs = list(ScheduleRun.select(ScheduleRun, CrmAssignment).join(CrmAssignment, JOIN.LEFT_OUTER)
                .where(ScheduleRun.schedule == schedule.id).order_by(ScheduleRun.day.desc()))
    campaign_ids = [r.campaign_id for r in runs if r.campaign_id]
    delivered: dict[int, int] = {}
    by_campaign: dict[int, list[dict[str, Any]]] = {}
    if campaign_ids:
        counts = (Message.select(Message.campaign, fn.COUNT(Message.id))
                  .where(Message.campaign.in_(campaign_ids) & (Message.status == DELIVERED))
                  .group_by(Message.campaign).tuples())
        delivered = dict(counts)
        if recipients:
            query = (Message.select(Message.campaign, Message.client_code, Message.recipient_name,
                                    Message.phone, Message.status)
                     .where(Message.campaign.in_(campaign_ids))
                     .order_by(Message.campaign, Message.id).tuples())
            for campaign_id, code, name, phone, status in query:
                by_campaign.setdefault(campaign_id, []).append(
                    {"client": code or None, "name": name, "mobile": phone, "status": status})
    result = []
    for run in runs:
        entry: dict[str, Any] = {
            "day": run.day.isoformat(),
            "status": run.status,
            "ran_at": run.ran_at.isoformat(" ") if run.ran_at else None,
            "campaign": run.campaign_id,
            "queued": run.queued,
            "delivered": delivered.get(run.campaign_id, 0) if run.campaign_id else 0,
            "error": run.error,
        }
        if run.assignment_id is not None or schedule.kind == SCHEDULE_CRM:
            entry["crm_actions"] = run.assignment.created_count if run.assignment_id else 0
        if recipients:
            entry["recipients"] = by_campaign.get(run.campaign_id, []) if run.campaign_id else []
        result.append(entry)
    return result


@dataclass(frozen=True)
class ScheduleRow:
    """A schedule as the "Comunicazioni programmate" list shows it (read in a worker)."""

    id: int
    name: str
    state: str
    once: bool
    at: str
    start: date
    end: date | None
    search: str
    purpose: str
    operator: str
    last_run: str
    #: ``sms`` or ``crm`` (Azioni CRM)
    kind: str = SCHEDULE_SMS


def schedules_pager(today: date):
    """Every schedule by name (obsolete ones too), with its state on ``today``."""
    from pegaso_tui.db.paging import KeysetPager

    def convert(schedule: Schedule) -> ScheduleRow:
        last = schedule.runs.order_by(ScheduleRun.day.desc()).first()
        return ScheduleRow(
            id=schedule.id, name=schedule.name, state=state_of(schedule, today),
            once=schedule.once, at=schedule.at_time, start=schedule.start_date,
            end=schedule.end_date, search=schedule.search.name, purpose=schedule.purpose,
            operator=schedule.operator.username if schedule.operator_id else "",
            last_run=(f"{last.day:%d-%m-%Y} {RUN_LABELS.get(last.status, last.status)}"
                      if last else ""),
            kind=schedule.kind,
        )

    return KeysetPager(Schedule.select(), [Schedule.name], convert=convert,
                       key_of=lambda row: (row.name,))


def schedule_by_id(schedule_id: int) -> Schedule:
    """The schedule with this id; ScheduleError when it was deleted meanwhile."""
    schedule = Schedule.get_or_none(Schedule.id == schedule_id)
    if schedule is None:
        raise ScheduleError("la comunicazione programmata non esiste più")
    return schedule


def toggle_pause(schedule_id: int, today: date) -> Schedule:
    """Pause an active schedule, resume a paused one."""
    schedule = schedule_by_id(schedule_id)
    if schedule.active:
        return pause_schedule(schedule.name)
    return resume_schedule(schedule.name, today)


def schedulable_searches() -> list[tuple[str, str]]:
    """(name, kind) of the searches with "Abilita comunicazioni programmate"."""
    from pegaso_tui.db.models import SavedSearch

    return list(SavedSearch.select(SavedSearch.name, SavedSearch.kind)
                .where(SavedSearch.scheduling == True)  # noqa: E712
                .order_by(SavedSearch.name).tuples())


@dataclass(frozen=True)
class RunRow:
    """One run in "Storico Invii" (read in a worker)."""

    id: int
    day: date
    status: str
    ran_at: Any
    campaign: int | None
    queued: int
    delivered: int
    error: str | None
    #: the CRM actions an Azioni CRM run created (None for an SMS run), and their batch
    crm_actions: int | None = None
    assignment: int | None = None


def runs_pager(schedule_id: int):
    """The runs of a schedule, newest day first, with their delivered counts."""
    from pegaso_tui.db.paging import KeysetPager

    def convert(run: ScheduleRun) -> RunRow:
        delivered = 0
        if run.campaign_id:
            delivered = Message.select().where(
                (Message.campaign == run.campaign_id) & (Message.status == DELIVERED)).count()
        if run.assignment_id is not None:  # an Azioni CRM run: how many actions it created
            return RunRow(run.id, run.day, run.status, run.ran_at, None, 0, 0, run.error,
                          crm_actions=run.assignment.created_count, assignment=run.assignment_id)
        return RunRow(run.id, run.day, run.status, run.ran_at, run.campaign_id, run.queued,
                      delivered, run.error)

    query = (ScheduleRun.select(ScheduleRun, CrmAssignment)
             .join(CrmAssignment, JOIN.LEFT_OUTER)
             .where(ScheduleRun.schedule == schedule_id))
    return KeysetPager(query, [ScheduleRun.day], descending=True, convert=convert,
                       key_of=lambda row: (row.day,))


def recipients_pager(campaign_id: int):
    """The messages of one run's campaign: who, which number, what became of it."""
    from pegaso_tui.db.paging import KeysetPager

    query = Message.select(Message.id, Message.client_code, Message.recipient_name, Message.phone,
                           Message.status, Message.last_error).where(Message.campaign == campaign_id)
    return KeysetPager(query, [Message.id])


@dataclass(frozen=True)
class ActionRow:
    """One CRM action an Azioni CRM run created, as Storico Invii lists it."""

    id: int
    subject: str
    mobile: str
    operator: str
    due: date | None
    is_open: bool


def actions_pager(assignment_id: int):
    """The CRM actions of one Azioni CRM run: whom, which operator, due when, still open."""
    from pegaso_tui.db.models import Request
    from pegaso_tui.db.paging import KeysetPager

    query = (Request.select(Request.id, Request.subject_name, Request.mobile, Request.recontact_date,
                            Request.is_open, Operator.username)
             .join(Operator, JOIN.LEFT_OUTER, on=(Request.operator == Operator.id))
             .where(Request.assignment == assignment_id).dicts())

    def convert(row: dict[str, Any]) -> ActionRow:
        return ActionRow(row["id"], row["subject_name"], row["mobile"], row["username"] or "",
                         row["recontact_date"], bool(row["is_open"]))

    return KeysetPager(query, [Request.id], convert=convert, key_of=lambda row: (row.id,))


def schedule_form_data(schedule_id: int | None) -> dict[str, Any]:
    """What the schedule dialog needs: the searches it may use, the models, and the schedule."""
    from pegaso_tui.db.templates import all_templates

    data: dict[str, Any] = {
        "searches": schedulable_searches(),
        "templates": [t.name for t in all_templates()],
        "schedule": None,
    }
    if schedule_id is not None:
        schedule = schedule_by_id(schedule_id)
        data["schedule"] = {
            "id": schedule.id, "name": schedule.name, "search": schedule.search.name,
            "text": schedule.text, "template": schedule.template.name if schedule.template_id else None,
            "sender": schedule.sender, "purpose": schedule.purpose,
            "operator": schedule.operator.username if schedule.operator_id else "",
            "once": schedule.once, "at": schedule.at_time, "start": schedule.start_date,
            "end": schedule.end_date, "active": schedule.active, "obsolete": schedule.obsolete,
            "kind": schedule.kind, "crm_type": schedule.crm_type,
            "crm_operators": crm_operators(schedule), "crm_due_days": schedule.crm_due_days,
        }
    return data
