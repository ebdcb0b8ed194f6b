"""Birthday greetings: once per client per year, whoever sends them.

"Buon Compleanno" and a scheduled greeting share one rule: a client already greeted for this
year's birthday is not selected again, and the unique key (client, year) of ``Greeting``
refuses a second greeting queued meanwhile from another terminal or by a schedule (the
campaign is then not queued: ``SelectionChanged``). A greeting whose message failed, was not
delivered or was cancelled does not count: the client is selected again, and the stale row
is replaced when the new greeting is queued.
"""

from __future__ import annotations

from typing import Iterable

from peewee import SQL, JOIN, fn

from pegaso_tui.db.bulk import insert_rows
from pegaso_tui.db.models import (
    CANCELLED,
    FAILED,
    UNDELIVERED,
    Campaign,
    Client,
    Greeting,
    Message,
    database_proxy,
    now,
)

#: Final statuses after which a greeting no longer counts.
RELEASED = (FAILED, UNDELIVERED, CANCELLED)


def already_greeted(year: int):
    """The condition "Client was already greeted for the birthday of ``year``" (for a WHERE)."""
    alive = Greeting.select(SQL("1")).join(
        Message, JOIN.LEFT_OUTER, on=(Greeting.message == Message.id)
    ).where(
        (Greeting.client == Client.id)
        & (Greeting.year == year)
        & Message.id.is_null(False)
        & Message.status.not_in(RELEASED)
    )
    return fn.EXISTS(alive)


def record_greetings(campaign: Campaign, planned: Iterable) -> None:
    """One Greeting per message of a birthday campaign (inside its transaction).

    Stale greetings of the same clients and years (their SMS failed) are removed first; a
    live one makes the insert fail with IntegrityError, which rolls the campaign back.
    """
    years = {m.client_id: m.birthday.year for m in planned if m.client_id and m.birthday}
    if not years:
        return
    by_year: dict[int, list[int]] = {}
    for client_id, year in years.items():
        by_year.setdefault(year, []).append(client_id)
    released = Message.select(Message.id).where(Message.status.in_(RELEASED))
    for year, clients in by_year.items():
        for start in range(0, len(clients), 500):
            chunk = clients[start:start + 500]
            Greeting.delete().where(
                (Greeting.year == year) & Greeting.client.in_(chunk)
                & (Greeting.message.is_null() | Greeting.message.in_(released))
            ).execute()
    pairs = database_proxy.execute(
        Message.select(Message.id, Message.client).where(
            (Message.campaign == campaign.id) & Message.client.is_null(False)
        )
    ).fetchall()
    stamp = now()
    rows = [(client_id, years[client_id], message_id, stamp)
            for message_id, client_id in pairs if client_id in years]
    insert_rows(Greeting, ("client", "year", "message", "created_at"), rows)

