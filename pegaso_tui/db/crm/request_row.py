"""A request as the lists show it (``RequestRow``), with the labels it shows.

No database here: the home agenda's first page is read by a helper process while the app
starts and arrives as data (``pegaso_tui.agenda_preview``), and the app shows it before it
has imported the database layer (issue 17).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from pegaso_tui.db.crm.kinds import KIND_LABELS

#: The request types as the mask names them (seed 002).
REQUEST_TYPE_LABELS = {"call": "Telefonata", "meeting": "Incontro", "email": "e-mail", "other": "Altro"}


def request_type_label(request_type: str) -> str:
    """Telefonata, Incontro, e-mail or Altro."""
    return REQUEST_TYPE_LABELS.get(request_type, request_type)


@dataclass(frozen=True)
class RequestRow:
    """One request as the lists show it."""

    id: int
    created_at: datetime
    subject_kind: str
    subject_name: str
    client_code: str
    phone: str
    mobile: str
    request_type: str
    destinations: str
    description: str
    recontact_date: date | None
    is_open: bool
    outcome_name: str
    outcome_colour: str
    outcome_group: str
    operator: str
    #: the latest activity's description (only the agenda fills it in)
    last_activity: str = ""

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.subject_kind]

    @property
    def type_label(self) -> str:
        return request_type_label(self.request_type)

    @property
    def status_label(self) -> str:
        return "Aperta" if self.is_open else "Chiusa"

    @property
    def summary(self) -> str:
        """The description's first line."""
        return (self.description or "").strip().splitlines()[0] if (self.description or "").strip() else ""

    def is_overdue(self, today: date) -> bool:
        """An open request whose recontact date has passed."""
        return self.is_open and self.recontact_date is not None and self.recontact_date < today

    def as_data(self) -> dict[str, Any]:
        """The row as plain data (JSON): dates as ISO text."""
        data = asdict(self)
        for name in ("created_at", "recontact_date"):
            value = data[name]
            data[name] = value.isoformat() if isinstance(value, (date, datetime)) else value
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "RequestRow":
        """The row ``as_data`` gave."""
        created, recontact = data["created_at"], data["recontact_date"]
        return cls(**{
            **data,
            "created_at": datetime.fromisoformat(created) if isinstance(created, str) else created,
            "recontact_date": date.fromisoformat(recontact) if isinstance(recontact, str) else recontact,
        })


def agenda_key(row: RequestRow) -> tuple:
    """The agenda's order (oldest recontact first) and its keyset."""
    return (row.recontact_date, row.id)
