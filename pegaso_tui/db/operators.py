"""Operators: who did what. The OS user by default, recorded on first use."""

from __future__ import annotations

from peewee import IntegrityError

from pegaso_tui.db.models import Operator, database_proxy


def current_operator(username: str) -> Operator:
    """The Operator row for ``username``, created the first time it is seen.

    Two terminals of one new operator may start at once: the unique key decides, and the
    loser reads the winner's row.
    """
    username = username.strip() or "operatore"
    operator = Operator.get_or_none(Operator.username == username)
    if operator is not None:
        return operator
    try:
        with database_proxy.atomic():
            return Operator.create(username=username, name=username)
    except IntegrityError:
        return Operator.get(Operator.username == username)
