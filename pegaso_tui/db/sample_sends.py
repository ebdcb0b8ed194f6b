"""Invia prova: the text of one recipient, rendered, sent to the operator's own phone first.

(Named "sample" in the code: a module or function called ``test_*`` would be collected by
pytest.)

As Odoo and Mautic let the operator do before a campaign goes to everyone. The test is a
campaign of kind ``test`` queued with the normal functions (``queue_campaign``), so it goes
through the outbox like any SMS, costs credits like any SMS, and the control panel counts it
apart ("di cui di prova"). The number is remembered per operator, for every terminal, in
the shared settings table.
"""

from __future__ import annotations

from peewee import JOIN, SqliteDatabase, fn

from pegaso_tui.db.campaigns import CampaignError, CampaignPlan, PlannedMessage, queue_campaign
from pegaso_tui.db.messages import ACCEPTED
from pegaso_tui.db.models import PURPOSE_SERVICE, AppSetting, Campaign, Message, database_proxy, now
from pegaso_tui.db.operators import current_operator
from pegaso_tui.sms.phone import check_mobile
from pegaso_tui.sms.text import analyze

#: The campaign kind of a test send.
TEST_KIND = "test"


def _number_key(operator_username: str) -> str:
    return f"sms.test_number.{operator_username}"


def sample_number(operator_username: str) -> str:
    """The number this operator last sent a test to ("" the first time)."""
    saved = AppSetting.get_or_none(AppSetting.key == _number_key(operator_username))
    return saved.value if saved is not None else ""


def plan_sample(text: str, number: str, *, of: str = "") -> CampaignPlan:
    """The campaign of one test SMS: ``text`` (already rendered) to ``number``.

    ``of`` says what it is a test of (the mask's title), kept in the campaign's filters.
    CampaignError (Italian) for an empty text or a number that cannot get an SMS.
    """
    if not text.strip():
        raise CampaignError("nessun testo da provare: scegliere un destinatario inviabile")
    check = check_mobile(number or "")
    if not check.sendable:
        shown = (number or "").strip() or "(vuoto)"
        raise CampaignError(f"numero di prova {shown}: {check.reason}")
    info = analyze(text)
    message = PlannedMessage(phone=check.e164 or "", text=text, encoding=info.encoding,
                             segments=info.segments, name="Prova")
    return CampaignPlan(kind=TEST_KIND, purpose=PURPOSE_SERVICE, template=text, messages=[message],
                        filters={"number": check.e164, "test_of": of})


def send_sample(text: str, number: str, operator_username: str, *, sender: str, of: str = "",
              credits_left: int | None = None) -> Campaign:
    """Queue a test SMS and remember ``number`` for this operator (one transaction)."""
    plan = plan_sample(text, number, of=of)
    operator = current_operator(operator_username)
    with database_proxy.atomic():
        campaign = queue_campaign(plan, sender=sender, operator=operator, credits_left=credits_left)
        key = _number_key(operator_username)
        remembered = plan.filters["number"]
        if not AppSetting.update(value=remembered, updated_at=now()).where(AppSetting.key == key).execute():
            AppSetting.create(key=key, value=remembered)
    return campaign


def sample_parts_sent() -> int:
    """The credits spent on test SMS (the control panel's "di cui di prova")."""
    return int(sample_parts_query().scalar() or 0)


def sample_parts_query():
    """The sum of the parts of the test SMS sent, as a query."""
    # From the test campaigns (a handful) to their messages. Left to itself SQLite's planner
    # walked every message sent, by status, to find the few test ones: half a second and the
    # whole file read on a million messages, each time the panel opened (issue 17). CROSS
    # JOIN is SQLite's way to keep this order; PostgreSQL's planner has statistics, and no
    # CROSS JOIN with ON.
    query = Campaign.select(fn.COALESCE(fn.SUM(Message.segments), 0))
    if isinstance(database_proxy.obj, SqliteDatabase):
        query = query.join(Message, JOIN.CROSS).where(Message.campaign == Campaign.id)
    else:
        query = query.join(Message, on=(Message.campaign == Campaign.id))
    return query.where((Campaign.kind == TEST_KIND) & Message.status.in_(ACCEPTED))
