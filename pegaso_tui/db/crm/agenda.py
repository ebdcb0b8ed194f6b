"""The agenda of an operator (seed 004, "Commerciale > Agenda"): the recontacts due today and
the overdue ones.

A request's recontact date is set when it is written down and moved by every activity's
"prossimo ricontatto", so it is the one date that says when the subject must be called
again. The agenda lists an operator's open requests whose date has come, the oldest first,
each with the latest activity done on it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from peewee import fn

from pegaso_tui.db.crm.request_query import operator_id_query, request_rows_query, to_request_row
from pegaso_tui.db.crm.request_row import RequestRow, agenda_key
from pegaso_tui.db.models import Activity, Request
from pegaso_tui.db.paging import KeysetPager


class _AgendaPager(KeysetPager[RequestRow]):
    """A KeysetPager that adds each row's latest activity, one query per page."""

    def _fetch(self, key, *, forward, size, inclusive=False):  # type: ignore[override]
        rows = super()._fetch(key, forward=forward, size=size, inclusive=inclusive)
        return with_last_activity(rows)


def with_last_activity(rows: list[RequestRow]) -> list[RequestRow]:
    """The rows with ``last_activity`` filled in (the latest activity's description)."""
    ids = [row.id for row in rows]
    if not ids:
        return rows
    latest = (
        Activity.select(fn.MAX(Activity.id))
        .where(Activity.request.in_(ids))
        .group_by(Activity.request)
    )
    descriptions = {
        a.request_id: a.description
        for a in Activity.select(Activity.request, Activity.description).where(Activity.id.in_(latest))
    }
    return [replace(row, last_activity=descriptions.get(row.id, "")) for row in rows]


def agenda_pager(operator: str, today: date | None = None) -> KeysetPager[RequestRow]:
    """The open requests of ``operator`` (a username) to recontact by ``today``, oldest
    first: overdue ones, then today's."""
    today = today or date.today()
    query = request_rows_query().where(
        Request.operator.in_(operator_id_query(operator))
        & (Request.is_open == True)  # noqa: E712
        & (Request.recontact_date <= today)
    )
    return _AgendaPager(
        query,
        [Request.recontact_date, Request.id],
        convert=to_request_row,
        key_of=agenda_key,
    )


def agenda_counts(operator: str, today: date | None = None) -> tuple[int, int]:
    """(overdue, due today) for the operator's agenda heading."""
    today = today or date.today()
    base = Request.select().where(
        Request.operator.in_(operator_id_query(operator)) & (Request.is_open == True)  # noqa: E712
    )
    overdue = base.where(Request.recontact_date < today).count()
    due = base.where(Request.recontact_date == today).count()
    return overdue, due


def read_agenda_preview(url: str, operator: str, today: date, size: int) -> dict | None:
    """The agenda's first ``size`` rows and its counts, as plain data, from the database at
    ``url`` as it is (None when it cannot be read so: missing, another schema, unreachable).

    What ``pegaso_tui.agenda_preview`` reads in its helper process while the app starts:
    the same pager and counts as the home screen's, so the two show the same rows.
    """
    from pegaso_tui.db.connection import open_existing

    db = open_existing(url)
    if db is None:
        return None
    try:
        page = agenda_pager(operator, today).first(size)
        overdue, due = agenda_counts(operator, today)
    finally:
        db.close()
    from pegaso_tui.sms.phone import display_number

    return {
        "rows": [row.as_data() for row in page.rows],
        "at_end": page.at_end,
        "overdue": overdue,
        "due": due,
        # the rows' mobiles as the list shows them: formatting them takes a library the
        # app would otherwise load before its first frame
        "numbers": {row.mobile: display_number(row.mobile) for row in page.rows if row.mobile},
    }
