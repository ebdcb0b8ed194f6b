"""The Registro invii: who sent which communication, when, with which purpose, to how many.

The privacy law asks the agency to account for every communication and its purpose
("Finalità di invio", seed 004). Each SMS campaign and each batch of CRM actions to a target
is one entry: the operator, the time, the kind, the purpose and the number of recipients.
Both come from rows written when the communication was made, so the Registro is never
rebuilt from messages that may have been deleted since.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from peewee import JOIN

from pegaso_tui.db.models import Campaign, CrmAssignment, Operator

#: How each kind of entry reads on screen.
KIND_LABELS = {
    "practice": "SMS Pratiche",
    "promo": "SMS Promozionali",
    "birthday": "Buon Compleanno",
    "single": "SMS Singolo",
    "scheduled": "Comunicazione programmata",
    "crm": "Azioni CRM",
}


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One communication of the Registro."""

    source: str  # "sms" (a campaign) or "crm" (CRM actions to a target)
    id: int
    at: datetime
    operator: str
    kind: str
    purpose: str
    count: int
    text: str

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    def to_json(self) -> dict[str, Any]:
        """The row of ``audit --json``."""
        data: dict[str, Any] = {
            "at": self.at.isoformat(timespec="seconds"),
            "operator": self.operator or None,
            "kind": self.kind,
            "purpose": self.purpose,
            "count": self.count,
            "text": self.text,
        }
        data["campaign" if self.source == "sms" else "crm_assignment"] = self.id
        return data


def _bounds(date_from: date | None, date_to: date | None, column) -> list:
    conditions = []
    if date_from is not None:
        conditions.append(column >= datetime.combine(date_from, time.min))
    if date_to is not None:
        conditions.append(column < datetime.combine(date_to + timedelta(days=1), time.min))
    return conditions


def _as_datetime(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def audit_entries(date_from: date | None = None, date_to: date | None = None) -> list[AuditEntry]:
    """Every campaign and CRM batch made in the date range (inclusive days), oldest first."""
    campaigns = (
        Campaign.select(Campaign.id, Campaign.created_at, Operator.username, Campaign.kind,
                        Campaign.purpose, Campaign.message_count, Campaign.template)
        .join(Operator, JOIN.LEFT_OUTER, on=(Campaign.operator == Operator.id))
    )
    batches = (
        CrmAssignment.select(CrmAssignment.id, CrmAssignment.created_at, Operator.username,
                             CrmAssignment.purpose, CrmAssignment.created_count,
                             CrmAssignment.text)
        .join(Operator, JOIN.LEFT_OUTER, on=(CrmAssignment.operator == Operator.id))
    )
    for condition in _bounds(date_from, date_to, Campaign.created_at):
        campaigns = campaigns.where(condition)
    for condition in _bounds(date_from, date_to, CrmAssignment.created_at):
        batches = batches.where(condition)
    entries = [
        AuditEntry("sms", cid, _as_datetime(at), user or "", kind, purpose, count, text)
        for cid, at, user, kind, purpose, count, text in campaigns.tuples().iterator()
    ]
    entries += [
        AuditEntry("crm", bid, _as_datetime(at), user or "", "crm", purpose, count, text)
        for bid, at, user, purpose, count, text in batches.tuples().iterator()
    ]
    entries.sort(key=lambda e: (e.at, e.source, e.id))
    return entries
