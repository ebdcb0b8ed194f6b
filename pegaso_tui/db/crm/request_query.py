"""The query that reads requests as the lists show them (``RequestRow``).

Apart from ``requests`` (writing requests and activities, their checks, the SMS to a
subject), so that the home agenda, the first list on screen at start-up, imports only what
it shows: that took a tenth of its wait (issue 17). ``requests`` re-exports all of it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from peewee import JOIN

from pegaso_tui.db.crm.kinds import CLIENT, CONTACT, UNREGISTERED
from pegaso_tui.db.crm.request_row import RequestRow
from pegaso_tui.db.models import Client, Operator, Outcome, Request


def outcome_and_operator_columns() -> tuple:
    """The outcome's name, colour and group and the operator's username, with the names the
    rows read them by (a request's last outcome, an activity's own): join ``Outcome`` and
    ``Operator`` with outer joins to select them."""
    return (
        Outcome.name.alias("outcome_name"),
        Outcome.colour.alias("outcome_colour"),
        Outcome.group.alias("outcome_group"),
        Operator.username.alias("operator_username"),
    )


def request_rows_query():
    """Requests with what a row shows: operator, last outcome, client code (outer joins)."""
    return (
        Request.select(
            Request.id,
            Request.created_at,
            Request.client,
            Request.contact,
            Request.subject_name,
            Request.phone,
            Request.mobile,
            Request.request_type,
            Request.destinations,
            Request.description,
            Request.recontact_date,
            Request.is_open,
            *outcome_and_operator_columns(),
            Client.code.alias("client_code"),
        )
        .join(Outcome, JOIN.LEFT_OUTER, on=(Request.last_outcome == Outcome.id))
        .switch(Request)
        .join(Operator, JOIN.LEFT_OUTER, on=(Request.operator == Operator.id))
        .switch(Request)
        .join(Client, JOIN.LEFT_OUTER, on=(Request.client == Client.id))
        .dicts()
    )


def to_request_row(values: dict[str, Any]) -> RequestRow:
    """A row of ``request_rows_query`` as a RequestRow."""
    kind = CLIENT if values["client"] else CONTACT if values["contact"] else UNREGISTERED
    return RequestRow(
        id=values["id"],
        created_at=values["created_at"],
        subject_kind=kind,
        subject_name=values["subject_name"] or "",
        client_code=values.get("client_code") or "",
        phone=values["phone"] or "",
        mobile=values["mobile"] or "",
        request_type=values["request_type"],
        destinations=values["destinations"] or "",
        description=values["description"] or "",
        recontact_date=_as_date(values["recontact_date"]),
        is_open=bool(values["is_open"]),
        outcome_name=values.get("outcome_name") or "",
        outcome_colour=values.get("outcome_colour") or "",
        outcome_group=values.get("outcome_group") or "",
        operator=values.get("operator_username") or "",
    )


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])


def operator_id_query(username: str):
    """A subquery for the operator's id: keeps (operator, is_open, recontact_date) usable."""
    return Operator.select(Operator.id).where(Operator.username == username)
