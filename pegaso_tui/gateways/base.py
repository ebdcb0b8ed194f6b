"""The small interface every SMS gateway adapter implements, and what it answers.

The outbox sender (``pegaso_tui.sms.outbox``) speaks only to this interface, so another
provider (Twilio, Skebby, ...) plugs in by implementing ``Gateway`` and being named in
``pegaso_tui.gateways.ADAPTERS``.

Statuses are ours (the ``Message`` statuses of ``pegaso_tui.db.models``): an adapter maps its
provider's words to them. Errors come in four kinds, because the sender must act differently
on each:

- ``PermanentGatewayError``: this message can never be sent as it is (bad number, blacklist,
  text refused). The message fails, with the reason in Italian.
- ``TemporaryGatewayError``: nothing was accepted, try again later (connection refused,
  429, a gateway that says "retry after N seconds").
- ``UncertainSubmitError``: the submission may or may not have been accepted (a timeout, a
  dropped connection, a 5xx answer). The sender must ask the gateway for the transaction id
  before it ever submits that message again: this is what makes "never sent twice" hold.
- ``AccountGatewayError``: the settings are wrong for every message (bad credentials, no
  credit left, a sender alias the provider refuses). Nothing is failed: the messages stay
  queued, the user is told once, and sending resumes when the account is fixed.

Nothing here imports Textual or the database.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable, Sequence

from pegaso_tui.db.models import CANCELLED, DELIVERED, FAILED, SENT, UNDELIVERED

#: The most recipients one submission may carry (SMSHosting: "fino a 1000").
MAX_RECIPIENTS = 1000


# --- Errors ----------------------------------------------------------------------------------


class GatewayError(Exception):
    """A gateway refused or failed a request.

    ``message`` is for the user (Italian); ``code`` is the provider's own code (e.g.
    ``BAD_CREDIT``) or ours for transport failures (``TIMEOUT``, ``CONNECTION``, ``HTTP_500``).
    """

    def __init__(
        self,
        message: str,
        code: str = "",
        *,
        http_status: int | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.http_status = http_status
        self.retry_after_s = retry_after_s

    def __str__(self) -> str:
        return self.message


class TemporaryGatewayError(GatewayError):
    """Nothing was accepted; the same request may be repeated later."""


class UnreachableGatewayError(TemporaryGatewayError):
    """The gateway could not be reached at all (no connection was made)."""


class UncertainSubmitError(TemporaryGatewayError):
    """A submission may have been accepted: reconcile by transaction id before any retry.

    Anything that does not prove a refusal is uncertain: a timeout, a reset, any 5xx (a proxy's
    502/504 says nothing of the gateway behind it), a body that cannot be read. The gateway may
    still be working on the request after the client has gone, so the sender searches for the
    transaction id only after a grace, never at once.
    """


class PermanentGatewayError(GatewayError):
    """This message can never be sent as it is; it fails with this reason."""


class AccountGatewayError(GatewayError):
    """The account or the settings are wrong for every message; nothing should be sent."""


class CreditUnknownError(GatewayError):
    """The gateway has no notion of credit (Kannel): not an error of the account.

    Callers say "credito non disponibile" and carry on, as when the credit cannot be read."""


# --- What a gateway answers ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Submission:
    """One SMS to submit: the recipient in E.164, and the key that identifies it."""

    transaction_id: str
    to: str
    text: str
    sender: str = ""
    #: ours: "GSM-7" or "UCS-2" (pegaso_tui.sms.text)
    encoding: str = "GSM-7"


@dataclass(frozen=True, slots=True)
class SubmitResult:
    """What the gateway did with one recipient of a submission."""

    to: str
    accepted: bool
    provider_id: str | None = None
    #: for a recipient the gateway refused: why (a PermanentGatewayError)
    error: GatewayError | None = None


@dataclass(frozen=True, slots=True)
class StatusRecord:
    """One SMS (or one part of it) as the gateway reports it."""

    provider_id: str
    transaction_id: str | None
    to: str
    #: ours: sent (accepted, not final), delivered, undelivered, failed or cancelled
    status: str
    provider_status: str = ""
    detail: str | None = None
    sent_at: datetime | None = None
    delivered_at: datetime | None = None
    #: the parts of the SMS and which one this record is (0: the record stands for all parts)
    parts: int = 1
    part: int = 0


@dataclass(frozen=True, slots=True)
class MessageStatus:
    """The status of one SMS once the records of all its parts are read together."""

    provider_id: str
    transaction_id: str | None
    status: str
    detail: str | None = None
    sent_at: datetime | None = None
    delivered_at: datetime | None = None

    @property
    def is_final(self) -> bool:
        return self.status in (DELIVERED, UNDELIVERED, FAILED, CANCELLED)


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """A report the gateway pushed to us (Kannel's ``dlr-url``) for one of our SMS.

    ``status`` is ours (sent, delivered, undelivered, failed); ``provider_code`` the
    gateway's own (Kannel's DLR type, e.g. ``"1"``)."""

    transaction_id: str
    status: str
    provider_code: str = ""
    detail: str | None = None
    received_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of a search: the records and how many there are in all."""

    records: list[StatusRecord]
    total: int
    offset: int
    limit: int


@dataclass(frozen=True, slots=True)
class Credit:
    """What is left on the account: SMS that can still be sent, and the money."""

    sms_left: int
    amount: float | None = None
    currency: str = "EUR"

    def to_json(self) -> dict:
        return {"sms_left": self.sms_left, "amount": self.amount, "currency": self.currency}


@dataclass(frozen=True, slots=True)
class Estimate:
    """What a submission would cost, before sending it."""

    sms_count: int
    cost: float | None = None
    credit_left: float | None = None


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """The filters of a search; at least one must be given."""

    ids: Sequence[str] = field(default_factory=tuple)
    transaction_id: str | None = None
    msisdn: str | None = None
    from_date: datetime | None = None
    to_date: datetime | None = None
    status: str | None = None  # the provider's word, e.g. "DELIVERED"


# --- The interface ---------------------------------------------------------------------------


class Gateway(ABC):
    """An SMS provider. Every method may raise a GatewayError of the four kinds above.

    The sender makes one gateway per request in flight (``factory()`` in each of its lanes),
    so an adapter need not be thread-safe, and each holds its own connection.
    """

    #: a short name for messages ("SMSHosting")
    name: str = "gateway"
    #: the most recipients ``send_many`` takes, and the most ids ``statuses`` takes a call
    max_batch: int = MAX_RECIPIENTS
    #: the gateway can be asked for a transaction id (``find_transaction``) and for the
    #: status of its SMS (``statuses``). Without it (Kannel) an uncertain submission can only
    #: be settled by a delivery report, or by a human: it is never resubmitted by itself.
    can_search: bool = True
    #: the gateway pushes delivery reports to a URL we give it (``report_url``), received by
    #: ``pegaso_tui.gateways.dlr.ReportReceiver`` in the sender
    pushes_reports: bool = False

    @abstractmethod
    def send(self, submission: Submission) -> SubmitResult:
        """Submit one SMS with its transaction id."""

    @abstractmethod
    def send_many(
        self,
        recipients: Sequence[str],
        text: str,
        *,
        sender: str = "",
        encoding: str = "GSM-7",
        transaction_id: str | None = None,
    ) -> list[SubmitResult]:
        """Submit one text to up to ``max_batch`` recipients (one transaction id for all)."""

    @abstractmethod
    def search(self, query: SearchQuery, *, offset: int = 0, limit: int = MAX_RECIPIENTS) -> SearchPage:
        """One page of the SMS the gateway holds that match ``query``."""

    @abstractmethod
    def estimate(self, recipients: Sequence[str], text: str, *, sender: str = "", encoding: str = "GSM-7") -> Estimate:
        """What sending ``text`` to ``recipients`` would cost."""

    @abstractmethod
    def cancel(self, *, provider_id: str | None = None, transaction_id: str | None = None) -> int:
        """Cancel SMS not yet sent (scheduled ones); how many were cancelled."""

    @abstractmethod
    def credit(self) -> Credit:
        """The credit left on the account (CreditUnknownError: the gateway cannot say)."""

    def aliases(self) -> list[str] | None:
        """The sender aliases registered on the account (None: the gateway cannot say).

        In Italy an unregistered alphanumeric sender is not refused: the provider replaces
        it with a random number (AGCOM 306/20/CIR), so it is checked against this list."""
        return None

    def close(self) -> None:
        """Release connections."""

    # Built on the above; adapters may do better.

    def _every_record(self, query: SearchQuery) -> list[StatusRecord]:
        """Every record a search finds, page after page."""
        records: list[StatusRecord] = []
        while True:
            page = self.search(query, offset=len(records))
            records += page.records
            if not page.records or len(records) >= page.total:
                return records

    def find_transaction(self, transaction_id: str) -> list[MessageStatus]:
        """Every SMS the gateway holds with this transaction id (empty: it never got it)."""
        return combine_parts(self._every_record(SearchQuery(transaction_id=transaction_id)))

    def statuses(self, provider_ids: Sequence[str]) -> list[MessageStatus]:
        """The status of each of these SMS, up to ``max_batch`` ids a call."""
        records: list[StatusRecord] = []
        for start in range(0, len(provider_ids), self.max_batch):
            records += self._every_record(SearchQuery(ids=list(provider_ids[start : start + self.max_batch])))
        return combine_parts(records)

    def __enter__(self) -> "Gateway":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def combine_parts(records: Iterable[StatusRecord]) -> list[MessageStatus]:
    """One status per SMS from records that may each stand for a part of it.

    A provider may report an SMS as one record (with a parts count) or as one record per
    part; either way a multi-part SMS is delivered only when every part is: a part not yet
    delivered (or not yet reported) keeps it ``sent``, any part undelivered makes it
    ``undelivered``, any part not sent makes it ``failed``.
    """
    groups: dict[str, list[StatusRecord]] = {}
    for record in records:
        groups.setdefault(record.provider_id, []).append(record)
    result = []
    for provider_id, group in groups.items():
        first = group[0]
        parts = max(r.parts for r in group)
        statuses = [r.status for r in group]
        detail = next((r.detail for r in group if r.detail and r.status != DELIVERED), None)
        whole = any(r.part == 0 for r in group)
        reported = parts if whole else len({r.part for r in group})
        if FAILED in statuses:
            status = FAILED
        elif UNDELIVERED in statuses:
            status = UNDELIVERED
        elif CANCELLED in statuses:
            status = CANCELLED
        elif all(s == DELIVERED for s in statuses) and reported >= parts:
            status = DELIVERED
        else:
            status = SENT
        delivered = [r.delivered_at for r in group if r.delivered_at]
        sent = [r.sent_at for r in group if r.sent_at]
        result.append(
            MessageStatus(
                provider_id=provider_id,
                transaction_id=first.transaction_id,
                status=status,
                detail=detail,
                sent_at=min(sent) if sent else None,
                delivered_at=max(delivered) if status == DELIVERED and delivered else None,
            )
        )
    return result
