"""The outcomes of the CRM ("Esiti", seed 004): a name, a colour, one of four groups, obsolete,
and exactly one default.

The groups say where a request stands: *da iniziare* (to_start), *in corso* (in_progress),
*positivo* and *negativo*. An activity whose outcome is positive or negative closes its
request. The default outcome is the one a new request starts with and the one a new activity
proposes. A new database gets a sensible set of outcomes (``seed_default_outcomes``), so the
CRM works before anyone configures it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from peewee import fn

from pegaso_tui.db.crm.errors import CrmError
from pegaso_tui.db.models import (
    CLOSING_GROUPS,
    OUTCOME_GROUPS,
    Activity,
    Outcome,
    Request,
    database_proxy,
)
from pegaso_tui.db.paging import KeysetPager

#: The groups as the mask shows them (seed 004).
GROUP_LABELS = {
    "to_start": "Da iniziare",
    "in_progress": "In corso",
    "positive": "Positivo",
    "negative": "Negativo",
}

#: The colours offered by the "Esiti" mask: Italian name -> hex (readable on dark and light).
COLOURS = {
    "Grigio": "#9e9e9e",
    "Giallo": "#fdd835",
    "Arancione": "#fb8c00",
    "Azzurro": "#29b6f6",
    "Blu": "#1e88e5",
    "Viola": "#ab47bc",
    "Verde": "#43a047",
    "Rosso": "#e53935",
}

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class DefaultOutcome:
    name: str
    group: str
    colour: str
    is_default: bool = False
    description: str = ""


#: What a new database starts with.
DEFAULT_OUTCOMES = (
    DefaultOutcome("Da contattare", "to_start", COLOURS["Grigio"], True, "Richiesta ancora da lavorare"),
    DefaultOutcome("In trattativa", "in_progress", COLOURS["Giallo"], description="Il cliente sta valutando"),
    DefaultOutcome("Preventivo inviato", "in_progress", COLOURS["Azzurro"], description="In attesa di risposta al preventivo"),
    DefaultOutcome("Venduto", "positive", COLOURS["Verde"], description="Pratica confermata"),
    DefaultOutcome("Non interessato", "negative", COLOURS["Rosso"], description="Il cliente ha rinunciato"),
)


def group_label(group: str | None) -> str:
    """The Italian name of an outcome group (empty for none)."""
    return GROUP_LABELS.get(group or "", "")


def closes_request(group: str | None) -> bool:
    """True when an outcome of this group closes its request (positive or negative)."""
    return group in CLOSING_GROUPS


def seed_default_outcomes() -> int:
    """Create the default outcomes when the database has none; return how many were created.

    Idempotent: a database that has outcomes (even only the user's own) is left alone.
    """
    with database_proxy.atomic():
        if Outcome.select().exists():
            return 0
        for item in DEFAULT_OUTCOMES:
            Outcome.create(
                name=item.name,
                group=item.group,
                colour=item.colour,
                is_default=item.is_default,
                description=item.description,
            )
    return len(DEFAULT_OUTCOMES)


def _group_rank(outcome: Outcome) -> int:
    return OUTCOME_GROUPS.index(outcome.group) if outcome.group in OUTCOME_GROUPS else len(OUTCOME_GROUPS)


def list_outcomes(include_obsolete: bool = False) -> list[Outcome]:
    """The outcomes in group order (to start, in progress, positive, negative), then by name.

    Obsolete outcomes are left out unless asked for: they stay on old activities but are not
    offered for new ones. (A configuration list: a few dozen rows at most.)
    """
    query = Outcome.select()
    if not include_obsolete:
        query = query.where(Outcome.obsolete == False)  # noqa: E712 (SQL, not Python)
    return sorted(query, key=lambda o: (_group_rank(o), o.name.lower()))


def outcomes_pager() -> KeysetPager[Outcome]:
    """Every outcome, obsolete ones too, by name (the "Esiti CRM" mask)."""
    return KeysetPager(Outcome.select(), [Outcome.name])


def default_outcome() -> Outcome | None:
    """The default outcome (None only in a database where someone removed it by hand)."""
    return Outcome.select().where(Outcome.is_default == True).order_by(Outcome.id).first()  # noqa: E712


@dataclass
class OutcomeInput:
    """What the "Esito" dialog sends."""

    name: str
    group: str
    colour: str = ""
    obsolete: bool = False
    is_default: bool = False
    description: str = ""


def save_outcome(data: OutcomeInput, outcome_id: int | None = None) -> Outcome:
    """Create an outcome (``outcome_id`` None) or change one; return it.

    Keeps exactly one default: making an outcome the default takes it from the others; the
    default cannot be made obsolete, nor stop being the default without another taking over.
    Raises CrmError for an empty or duplicate name, an unknown group or colour.
    """
    name = " ".join(data.name.split())
    if not name:
        raise CrmError("il nome dell'esito è obbligatorio", "name")
    if len(name) > Outcome.name.max_length:
        raise CrmError(f"nome troppo lungo (al massimo {Outcome.name.max_length} caratteri)", "name")
    if data.group not in OUTCOME_GROUPS:
        raise CrmError("scegliere il gruppo dell'esito", "group")
    colour = data.colour.strip()
    if colour and not _HEX.match(colour):
        raise CrmError(f"colore non valido: '{colour}'", "colour")
    if data.is_default and data.obsolete:
        raise CrmError("l'esito predefinito non può essere obsoleto", "obsolete")
    with database_proxy.atomic():
        same_name = Outcome.select().where(fn.LOWER(Outcome.name) == name.lower())
        if outcome_id is not None:
            same_name = same_name.where(Outcome.id != outcome_id)
        if same_name.exists():
            raise CrmError(f"esiste già un esito '{name}'", "name")
        if outcome_id is None:
            outcome = Outcome(name=name)
        else:
            outcome = Outcome.get_or_none(Outcome.id == outcome_id)
            if outcome is None:
                raise CrmError("l'esito non esiste più (eliminato da un altro terminale?)")
        was_default = bool(outcome.is_default)
        other_default = Outcome.select().where(Outcome.is_default == True)  # noqa: E712
        if outcome_id is not None:
            other_default = other_default.where(Outcome.id != outcome_id)
        has_other_default = other_default.exists()
        if was_default and not data.is_default:
            raise CrmError(
                "deve restare un esito predefinito: rendere predefinito un altro esito", "is_default"
            )
        outcome.name = name
        outcome.group = data.group
        outcome.colour = colour
        outcome.obsolete = data.obsolete
        outcome.description = data.description.strip()
        # The first outcome of an empty list becomes the default, so there always is one.
        outcome.is_default = data.is_default or (not has_other_default and not data.obsolete)
        outcome.save()
        if outcome.is_default:
            Outcome.update(is_default=False).where(
                (Outcome.id != outcome.id) & (Outcome.is_default == True)  # noqa: E712
            ).execute()
    return outcome


def why_outcome_cannot_be_deleted(outcome_id: int) -> str | None:
    """Why an outcome cannot be deleted (Italian), or None when it can: asked before the
    "Eliminare?" question, so the operator is not asked for something that will be refused."""
    outcome = Outcome.get_or_none(Outcome.id == outcome_id)
    if outcome is None:
        return None
    if outcome.is_default:
        return "l'esito predefinito non si può eliminare: prima renderne predefinito un altro"
    used = (
        Activity.select().where(Activity.outcome == outcome).count()
        + Request.select().where(Request.last_outcome == outcome).count()
    )
    if used:
        return (f"l'esito '{outcome.name}' è usato da {used} attività o richieste: "
                "segnarlo come obsoleto invece di eliminarlo")
    return None


def delete_outcome(outcome_id: int) -> None:
    """Delete an outcome nobody used. The default, or an outcome recorded on activities or
    requests, is refused with a message (make it obsolete instead: the history keeps it)."""
    with database_proxy.atomic():
        outcome = Outcome.get_or_none(Outcome.id == outcome_id)
        if outcome is None:
            return
        problem = why_outcome_cannot_be_deleted(outcome_id)
        if problem:
            raise CrmError(problem)
        outcome.delete_instance()
