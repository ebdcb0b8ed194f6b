"""What the gateway says of the account: the credit and the registered sender aliases.

"Verifica connessione" of the Configurazione mask and the send preview ask it. In Italy an
alphanumeric sender must be registered with the provider (AGCOM 306/20/CIR); an alias that is
not is not refused: the SMS goes out with a random number as its sender (SMSHosting documents
it), so ``BAD_FROM`` may never come. The only way to know before sending is to compare the
alias with the list the gateway gives.

Nothing here imports Textual or the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from pegaso_tui.errors import first_line
from pegaso_tui.gateways import Credit, CreditUnknownError, GatewayError, make_gateway
from pegaso_tui.sms.sender import NUMERIC, SenderError, check_sender

REPLACED = "sarà sostituito da un numero"


@dataclass(frozen=True, slots=True)
class AccountCheck:
    """The answer of "Verifica connessione"."""

    credit: Credit | None = None
    #: the registered aliases; None when the gateway cannot list them
    aliases: tuple[str, ...] | None = None
    #: what is wrong with the connection or the account, in one line (None: all good)
    problem: str | None = None
    #: the sender in use is not registered (None: it is, or it cannot be known)
    alias_warning: str | None = None

    def summary(self) -> str:
        """One line for the mask: what is wrong, or what the gateway said."""
        if self.problem:
            return self.problem
        parts = []
        if self.credit is not None:
            parts.append(f"Connessione riuscita: {self.credit.sms_left:,} SMS disponibili".replace(",", "."))
            if self.credit.sms_left <= 0:
                parts[-1] += " (credito esaurito: ricaricare)"
        if self.aliases is not None:
            parts.append("alias registrati: " + (", ".join(self.aliases) or "nessuno"))
        if self.alias_warning:
            parts.append(self.alias_warning)
        return " · ".join(parts)


def alias_warning(sender: str | None, aliases: tuple[str, ...] | list[str] | None) -> str | None:
    """Why ``sender`` will not reach the recipients as it is, or None.

    A number, an empty or invalid sender (the masks say that on their own) or an unknown list
    give None. A registered alias written with other capitals is named: the provider matches
    the alias as registered.
    """
    if aliases is None or not (sender or "").strip():
        return None
    try:
        checked = check_sender(sender)
    except SenderError:
        return None
    if checked.kind == NUMERIC or checked.value in aliases:
        return None
    alike = [a for a in aliases if a.casefold() == checked.value.casefold()]
    if alike:
        return (f"il mittente '{checked.value}' è registrato come '{alike[0]}': scritto così "
                f"non è registrato e {REPLACED}")
    if not aliases:
        return f"nessun alias registrato presso il gateway: il mittente '{checked.value}' {REPLACED}"
    return (f"il mittente '{checked.value}' non è un alias registrato presso il gateway "
            f"({', '.join(aliases)}): {REPLACED}")


def check_account(gateway_settings, sender: str | None = None) -> AccountCheck:
    """Ask the gateway for the credit and the aliases (blocking: call it in a worker)."""
    try:
        with make_gateway(gateway_settings) as gateway:
            try:
                credit = gateway.credit()
            except CreditUnknownError:  # Kannel: no notion of credit, not a fault
                credit = None
            found = gateway.aliases()
    except GatewayError as exc:
        return AccountCheck(problem=first_line(exc))
    aliases = tuple(found) if found is not None else None
    return AccountCheck(credit=credit, aliases=aliases, problem=None,
                        alias_warning=alias_warning(sender, aliases))


def sender_warning(gateway_settings, sender: str | None) -> str | None:
    """The warning for an unregistered alias, asking the gateway (None: fine or unknown).

    For the send preview: a gateway that cannot be asked is said by the credit line already.
    """
    try:
        with make_gateway(gateway_settings) as gateway:
            found = gateway.aliases()
    except GatewayError:
        return None
    return alias_warning(sender, found)
