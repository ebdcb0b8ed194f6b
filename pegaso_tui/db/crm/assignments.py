"""CRM actions to a target (seed 004, "Creare una nuova Comunicazione CRM a un target").

Instead of an SMS, the operator gives the clients of a selection (a saved search, or the
selection of an SMS mask) one CRM action each: a request with its type (Telefonata, ...),
the text of what to do, the operator in charge — several operators share the clients out in
turn —, "Completare entro" (the due date) and the GDPR purpose. The actions are ordinary
open requests: they are listed in "Richieste Aperte", come into each operator's agenda by
their due date (red once it has passed) and are closed by an activity with an outcome, as
every request is. The batch is recorded (``CrmAssignment``) for the Registro invii.

A client appears once however many of its practices a selection lists. For ``marketing``
and ``auguri`` a client on the opt-out list is left out, as for an SMS.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pegaso_tui.dates import format_date
from pegaso_tui.db.crm.errors import CrmError
from pegaso_tui.db.crm.outcomes import default_outcome
from pegaso_tui.db.crm.requests import REQUEST_TYPE_LABELS
from pegaso_tui.db.models import (
    PROMOTIONAL_PURPOSES,
    PURPOSES,
    REQUEST_TYPES,
    Client,
    CrmAssignment,
    OptOut,
    Request,
    database_proxy,
    now,
    search_text,
)
from pegaso_tui.db.operators import current_operator
from pegaso_tui.db.selections import Selection
from pegaso_tui.sms.phone import OK


@dataclass(frozen=True)
class AssignmentResult:
    """What ``assign_crm_actions`` created: ``crm assign --json``."""

    assignment_id: int
    created: int
    by_operator: dict[str, int] = field(default_factory=dict)
    #: clients left out because they objected to marketing
    opted_out: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"created": self.created, "by_operator": dict(self.by_operator)}


def parse_request_type(value: str | None) -> str:
    """``call``, ``meeting``, ``email``, ``other`` or their labels (Telefonata, Incontro,
    e-mail, Altro), in any case; CrmError otherwise."""
    text = (value or "").strip().lower()
    by_label = {label.lower(): key for key, label in REQUEST_TYPE_LABELS.items()}
    text = by_label.get(text, text)
    if text not in REQUEST_TYPES:
        names = ", ".join(f"{k} ({REQUEST_TYPE_LABELS[k]})" for k in REQUEST_TYPES)
        raise CrmError(f"tipo di azione sconosciuto: '{value}' (valori: {names})", "request_type")
    return text


def parse_purpose(value: str | None) -> str:
    """``servizio``, ``marketing`` or ``auguri``; CrmError otherwise."""
    text = (value or "").strip().lower()
    if text not in PURPOSES:
        raise CrmError(f"finalità sconosciuta: '{value}' (valori: {', '.join(PURPOSES)})", "purpose")
    return text


def _objectors(client_ids: list[int]) -> set[int]:
    """The clients among these that objected to marketing, by themselves or by their mobile."""
    if not client_ids:
        return set()
    found: set[int] = set()
    for start in range(0, len(client_ids), 500):  # keep the IN lists short for SQLite
        chunk = client_ids[start:start + 500]
        found.update(c for (c,) in OptOut.select(OptOut.client).where(OptOut.client.in_(chunk)).tuples())
        by_mobile = (Client.select(Client.id)
                     .join(OptOut, on=(OptOut.mobile == Client.mobile))
                     .where(Client.id.in_(chunk)).tuples())
        found.update(c for (c,) in by_mobile)
    return found


def assign_crm_actions(
    selection: Selection,
    *,
    request_type: str,
    text: str,
    operators: list[str],
    due: date | None,
    purpose: str,
    created_by: str,
    search_name: str = "",
    today: date | None = None,
) -> AssignmentResult:
    """One open CRM action per client of ``selection``, shared out among ``operators`` in turn.

    Everything is checked before anything is written (CrmError naming the field): the type,
    a text, at least one operator, a due date not in the past, the purpose. The actions and
    their batch are written in one transaction.
    """
    today = today or date.today()
    request_type = parse_request_type(request_type)
    purpose = parse_purpose(purpose)
    text = (text or "").strip()
    if not text:
        raise CrmError("il testo dell'azione CRM è obbligatorio", "text")
    names = [n.strip() for n in operators if n and n.strip()]
    if not names:
        raise CrmError("indicare almeno un operatore", "operators")
    if due is not None and due < today:
        raise CrmError(f"la data 'Completare entro' {format_date(due)} è già passata", "due")
    seen: set[int] = set()
    clients: list[int] = []
    for row in selection.rows:  # a practice selection lists a client once per practice
        if row.client_id not in seen:
            seen.add(row.client_id)
            clients.append(row.client_id)
    left_out = _objectors(clients) if purpose in PROMOTIONAL_PURPOSES else set()
    clients = [c for c in clients if c not in left_out]
    if not clients:
        raise CrmError("nessun cliente nella selezione: nessuna azione da creare", "selection")
    with database_proxy.atomic():
        staff = [current_operator(name) for name in names]
        batch = CrmAssignment.create(
            request_type=request_type, text=text, purpose=purpose, due_date=due,
            search_name=search_name, filters=json.dumps(selection.filters, default=str),
            operator=current_operator(created_by), created_at=now(), created_count=len(clients),
        )
        outcome = default_outcome()
        stamp = now()
        by_operator: dict[str, int] = {op.username: 0 for op in staff}
        rows = []
        people: dict[int, Client] = {}
        for start in range(0, len(clients), 500):
            people.update((c.id, c) for c in Client.select().where(Client.id.in_(clients[start:start + 500])))
        for turn, client_id in enumerate(clients):
            client = people[client_id]
            operator = staff[turn % len(staff)]
            by_operator[operator.username] += 1
            mobile = client.mobile if client.mobile_status == OK else ""
            rows.append({
                "client": client_id, "subject_name": client.name, "phone": client.phone,
                "mobile": mobile, "email": client.email, "description": text,
                "request_type": request_type, "recontact_date": due or today,
                "operator": operator.id, "is_open": True, "last_outcome": outcome,
                "created_at": stamp, "assignment": batch.id, "purpose": purpose,
                "search_text": search_text(client.name, mobile, client.phone, client.email),
            })
        for start in range(0, len(rows), 200):
            Request.insert_many(rows[start:start + 200]).execute()
    return AssignmentResult(batch.id, len(clients), by_operator, len(left_out))
