"""Questions the SMS masks ask while sending: the preset texts, how far a campaign has got,
and how many SMS were sent and delivered each day (the control panel's chart)."""

from __future__ import annotations

from dataclasses import dataclass
from peewee import fn

from pegaso_tui.db.models import (
    CANCELLED,
    DELIVERED,
    FAILED,
    QUEUED,
    SENDING,
    SENT,
    UNDELIVERED,
    AppSetting,
    Message,
    database_proxy,
    now,
)

#: The texts the masks propose until the agency saves its own (seed 000 for the balance).
DEFAULT_PRESETS = {
    "practice:balance-not-notified": (
        "Gentile Cliente le ricordiamo che per la pratica {pratica} è previsto il saldo. "
        "Per info contattaci in Agenzia"
    ),
    "practice:documents-not-notified": (
        "Gentile Cliente i documenti di viaggio della pratica {pratica} sono pronti. "
        "Per info contattaci in Agenzia"
    ),
    "practice:unpaid": (
        "Gentile Cliente le ricordiamo che la pratica da lei prenotata non risulta ancora "
        "essere saldata. Per info contattaci in Agenzia"
    ),
    "practice:documents-not-delivered": (
        "Gentile Cliente la aspettiamo in Agenzia per il ritiro dei documenti di viaggio "
        "della pratica {pratica}"
    ),
    "promo": "",
    "birthday": "Tanti Auguri dalla tua Agenzia di Viaggi preferita!",
    "single": "",
}


def _setting_key(name: str) -> str:
    return f"sms.preset.{name}"


def preset_text(name: str) -> str:
    """The text a mask proposes for ``name`` (e.g. ``practice:unpaid``): saved, or default."""
    saved = AppSetting.get_or_none(AppSetting.key == _setting_key(name))
    if saved is not None:
        return saved.value
    return DEFAULT_PRESETS.get(name, "")


def preset_texts(names: list[str]) -> dict[str, str]:
    """Several presets at once (one query)."""
    keys = {_setting_key(n): n for n in names}
    found = {
        keys[row.key]: row.value
        for row in AppSetting.select().where(AppSetting.key.in_(list(keys)))
    }
    return {n: found.get(n, DEFAULT_PRESETS.get(n, "")) for n in names}


def save_preset_text(name: str, text: str) -> None:
    """Save the text the mask will propose for ``name``, for every terminal on the database."""
    key = _setting_key(name)
    with database_proxy.atomic():
        updated = (
            AppSetting.update(value=text, updated_at=now()).where(AppSetting.key == key).execute()
        )
        if not updated:
            AppSetting.create(key=key, value=text)


@dataclass(frozen=True)
class CampaignProgress:
    """How many messages of a campaign are in each state."""

    total: int
    queued: int = 0  # waiting or being handed to the gateway
    sent: int = 0  # accepted by the gateway, no report yet
    delivered: int = 0
    undelivered: int = 0
    failed: int = 0  # refused (bad number, ...) or cancelled

    @property
    def submitted(self) -> int:
        """Handed to the gateway, whatever happened next."""
        return self.sent + self.delivered + self.undelivered

    @property
    def finished(self) -> int:
        """In a final state."""
        return self.delivered + self.undelivered + self.failed

    @property
    def done(self) -> bool:
        return self.total > 0 and self.finished >= self.total


def campaign_progress(campaign_id: int) -> CampaignProgress:
    """The messages of a campaign counted by state (one grouped query)."""
    counts = dict(
        Message.select(Message.status, fn.COUNT(Message.id))
        .where(Message.campaign == campaign_id)
        .group_by(Message.status)
        .tuples()
    )
    return CampaignProgress(
        total=sum(counts.values()),
        queued=counts.get(QUEUED, 0) + counts.get(SENDING, 0),
        sent=counts.get(SENT, 0),
        delivered=counts.get(DELIVERED, 0),
        undelivered=counts.get(UNDELIVERED, 0),
        failed=counts.get(FAILED, 0) + counts.get(CANCELLED, 0),
    )


# The chart's days and the account's totals are read from the per-day counts that the
# database keeps (schema 6): see ``message_stats``. Kept importable from here.
from pegaso_tui.db.message_stats import DayCount, SmsTotals, daily_counts, sms_totals  # noqa: E402,F401
