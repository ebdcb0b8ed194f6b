"""The outbox sender: every queued SMS is submitted exactly once and ends in a final state.

The same code runs inside the app (a thread worker) and headless (``pegaso-tui worker``);
any number of them cooperate on one database, SQLite or PostgreSQL.

How a message travels (``queued`` -> ``sending`` -> ``sent`` -> ``delivered``/``undelivered``,
or ``failed``):

1. **Claim.** One short write transaction moves a batch of due ``queued`` messages to
   ``sending`` with this sender's lease (owner and expiry) and commits: SQLite serialises it
   with ``BEGIN IMMEDIATE``, PostgreSQL with ``FOR UPDATE SKIP LOCKED``. Nobody else touches a
   message while the lease holds. A message is submitted only while its lease has time left
   for the whole request (the HTTP timeout plus a margin).
2. **Submit** with the message's own transaction id, a few requests in flight.
3. **Record** the outcome, many messages per transaction (one commit, one fsync), and only
   then announce the changes (``OutboxHub``): what the UI shows is already on disk.
   - accepted: ``sent`` with the provider's id; the practice notice gets its ``sent_at``;
   - refused for good (bad number, blacklist, ...): ``failed`` with the reason in Italian;
     the practice notice is released so the practice can be selected again;
   - refused for now (429, connection refused): back to ``queued`` with exponential backoff
     and jitter, honouring ``Retry-After``; after ``max_attempts`` it fails;
   - **uncertain** (timeout, dropped connection, 5xx): it stays ``sending`` and is
     reconciled, never resubmitted blindly;
   - the account is wrong (bad credentials, no credit, alias refused) or the gateway cannot be
     reached: back to ``queued`` untouched, sending pauses, and the problem is announced once.
4. **Reconcile.** A ``sending`` message whose lease expired (its sender crashed, or its outcome
   was uncertain) is taken over and the gateway is asked for its transaction id: found, it
   takes the gateway's status; not found, it goes back to ``queued``. A lease of a process on
   this machine that no longer exists is taken over without waiting for it to expire, after
   the same grace a timeout gets (so a request that process left on the wire has landed).
5. **Poll** delivery status in batches (up to 1000 ids a request) for ``sent`` messages, often
   while young, rarely when old, for ``delivery_horizon_s``. A multi-part SMS is delivered
   only when every part is (``gateway.combine_parts``). A failed or undelivered message
   releases its practice notice.

``run(stop)`` returns when ``stop`` is set (SIGINT/SIGTERM in the worker; closing the app):
requests in flight are finished and recorded, claimed messages not yet submitted go back to
``queued``. With ``until_idle`` it returns when nothing is queued, sending or awaiting a
delivery report, or when a problem (wrong settings, no credit, no gateway) stops it.
"""

from __future__ import annotations

import logging
import os
import queue
import random
import secrets
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Callable

from peewee import SqliteDatabase

from pegaso_tui.db.connection import database_errors, discard_connection, session
from pegaso_tui.db.models import (
    CANCELLED,
    DELIVERED,
    FAILED,
    SENT,
    UNCERTAIN,
    UNDELIVERED,
    Message,
    PracticeNotice,
)
from pegaso_tui.errors import first_line
from pegaso_tui.gateways import (
    AccountGatewayError,
    DeliveryReport,
    Gateway,
    GatewayError,
    MessageStatus,
    PermanentGatewayError,
    Submission,
    TemporaryGatewayError,
    UncertainSubmitError,
    UnreachableGatewayError,
    make_gateway,
)
from pegaso_tui.sending import consent, privacy

log = logging.getLogger("pegaso_tui.outbox")

#: Final statuses that release a practice notice.
RELEASING = (FAILED, UNDELIVERED, CANCELLED)


# --- Settings ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SenderConfig:
    """How the sender paces itself. The defaults suit a real gateway; tests shorten them."""

    #: requests in flight at once
    window: int = 8
    #: messages a sender holds claimed at most (None: four windows' worth). Only what can be
    #: submitted soon is claimed, so a sender that dies orphans few messages and several
    #: terminals share a campaign
    claim_batch: int | None = None
    #: how long a claim holds a message
    lease_s: float = 300.0
    #: the gateway's HTTP timeout (from the settings): a claim must outlive a request
    gateway_timeout_s: float = 15.0
    #: after an unanswered request, how long before its transaction id is searched
    #: (None: twice the timeout plus a second)
    grace_s: float | None = None
    #: first delivery poll after sending, and the shortest interval between polls
    poll_interval_s: float = 5.0
    max_poll_interval_s: float = 600.0
    #: while messages are being submitted, polls are at least this far apart: submitting
    #: comes first (a poll of 1000 ids costs the gateway and the sender as much as dozens
    #: of submissions). None: five poll intervals, between 1 and 30 s. With the app's 5 s
    #: that is 25 s, and delivery dots that move every half minute are enough meanwhile;
    #: ``worker --poll-interval 0.2`` asks for quick reports, and gets a poll a second, so
    #: that when the last SMS is submitted only the last second's reports are still to come
    #: (issue 17: the worker timed with its wait for the reports)
    poll_while_sending_s: float | None = None
    poll_batch: int = 1000
    #: how long a sent message waits for its delivery report before we stop asking
    delivery_horizon_s: float = 72 * 3600.0
    max_attempts: int = 10
    backoff_base_s: float = 2.0
    backoff_max_s: float = 600.0
    #: pause after the account refused a message (credentials, credit, alias)
    account_pause_s: float = 60.0
    #: pause after the gateway could not be reached (doubles up to this)
    unreachable_pause_max_s: float = 60.0
    #: with until_idle, give up after this many connection failures in a row
    unreachable_limit: int = 3
    #: outcomes are committed together at most this often (each commit is an fsync)
    apply_every_s: float = 0.1
    reconcile_every_s: float = 1.0
    idle_wait_s: float = 0.5

    #: after the database went away, the longest wait between two attempts to reach it
    db_retry_max_s: float = 30.0
    #: the allowed hours of marketing and auguri SMS (``sending.rules.SendingWindow``, from
    #: the settings' ``[sending]``); None: no limit
    sending_window: Any = None

    @property
    def batch(self) -> int:
        return self.claim_batch if self.claim_batch is not None else 4 * self.window

    @property
    def polls_apart_while_sending(self) -> float:
        if self.poll_while_sending_s is not None:
            return self.poll_while_sending_s
        return min(30.0, max(1.0, 5 * self.poll_interval_s))

    @property
    def grace(self) -> float:
        return self.grace_s if self.grace_s is not None else 2 * self.gateway_timeout_s + 1.0


def config_for(settings, **changes) -> SenderConfig:
    """The SenderConfig for the app's Settings (the gateway timeout decides the margins)."""
    sending = getattr(settings, "sending", None)
    window = sending.window() if sending is not None else None
    return replace(SenderConfig(gateway_timeout_s=settings.gateway.timeout_s,
                                sending_window=window), **changes)


# --- What the sender announces ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MessageUpdate:
    """A message changed status (already committed)."""

    message_id: int
    campaign_id: int
    status: str
    error: str | None = None


@dataclass(frozen=True, slots=True)
class SenderProblem:
    """Why the sender cannot send now (Italian), with the provider's code."""

    code: str
    text: str


@dataclass(frozen=True, slots=True)
class MessagesChanged:
    """Messages changed status (one commit's worth)."""

    updates: tuple[MessageUpdate, ...]


@dataclass(frozen=True, slots=True)
class ProblemChanged:
    """A problem started (``problem``) or ended (None)."""

    problem: SenderProblem | None


class OutboxHub:
    """Where the sender announces what it committed; the UI subscribes here.

    Subscribers are called from the sender's thread: a Textual app hands the event over to its
    own thread (``call_from_thread``). ``problem`` is the current problem, for a screen that
    opens after it was announced.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: list[Callable[[Any], None]] = []
        self.problem: SenderProblem | None = None

    def subscribe(self, callback: Callable[[Any], None]) -> Callable[[], None]:
        """Call ``callback(event)`` for every event; returns the function that unsubscribes."""
        with self._lock:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def publish(self, event: Any) -> None:
        """Hand ``event`` to every subscriber (a failing subscriber does not stop the others)."""
        if isinstance(event, ProblemChanged):
            self.problem = event.problem
        with self._lock:
            subscribers = list(self._subscribers)
        for callback in subscribers:
            try:
                callback(event)
            except Exception:  # a broken screen must not stop the sending, but it is said
                log.exception("un destinatario degli aggiornamenti dell'invio ha fallito")


@dataclass
class SenderReport:
    """What one ``run`` did, and why it returned."""

    sent: int = 0
    delivered: int = 0
    undelivered: int = 0
    failed: int = 0
    #: not sent: consent withdrawn, client deleted, campaign cancelled
    cancelled: int = 0
    retried: int = 0
    reconciled: int = 0
    #: "idle", "stopped" or "problem"
    ended: str = "stopped"
    problem: SenderProblem | None = None

    def count(self, status: str) -> None:
        if status == SENT:
            self.sent += 1
        elif status == DELIVERED:
            self.delivered += 1
        elif status == UNDELIVERED:
            self.undelivered += 1
        elif status == FAILED:
            self.failed += 1
        elif status == CANCELLED:
            self.cancelled += 1


# --- Leases ----------------------------------------------------------------------------------


def new_owner() -> str:
    """A lease owner: this machine, this process, and a token for this sender."""
    return f"{socket.gethostname()}/{os.getpid()}/{secrets.token_hex(4)}"


def owner_is_dead(owner: str | None) -> bool:
    """True when ``owner`` was a process on this machine that no longer runs.

    Only a certainty counts: another machine, or a process we cannot see, is alive.
    """
    if not owner:
        return False
    try:
        host, pid_text, _ = owner.split("/", 2)
        pid = int(pid_text)
    except ValueError:
        return False
    if host != socket.gethostname() or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:  # a killed child not yet reaped is a zombie: dead all the same
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def _now() -> datetime:
    return datetime.now()


def _as_datetime(value: Any) -> datetime | None:
    """A timestamp from a raw row: SQLite gives text, PostgreSQL a datetime."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


# --- Jobs (run in the lanes, against the gateway; no database there) --------------------------


@dataclass
class Claimed:
    """A message this sender holds a lease on."""

    id: int
    campaign_id: int
    transaction_id: str
    phone: str
    text: str
    sender: str
    encoding: str
    practice_id: int | None
    attempts: int
    lease_until: datetime
    #: not to be submitted again before this (a Retry-After kept while reconciling)
    not_before: datetime | None = None
    #: the code of the failure that made it uncertain
    last_code: str | None = None
    #: when it was handed to a lane (monotonic): a success tells news only if it is newer
    #: than the problem it would clear
    handed_at: float = 0.0


@dataclass
class Outcome:
    """What a job found out; applied to the database by the sender's thread."""

    kind: str  # accepted, rejected, temporary, uncertain, account, unreachable, unsent,
    #           found, absent, reconcile_error, polled, poll_error
    message: Claimed | None = None
    provider_id: str | None = None
    error: GatewayError | None = None
    status: MessageStatus | None = None
    duplicates: int = 0
    statuses: list[MessageStatus] = field(default_factory=list)
    polled: dict[str, tuple[int, int, int | None]] = field(default_factory=dict)
    #: a delivery report the gateway pushed (kind "report"), and what to set once committed
    report: DeliveryReport | None = None
    recorded: threading.Event | None = None


def _submit(gateway: Gateway, message: Claimed, margin_s: float) -> Outcome:
    """Submit one message with its transaction id; what came of it."""
    if (message.lease_until - _now()).total_seconds() < margin_s:
        # not enough lease left for a whole request: hand it back unsent
        return Outcome("unsent", message)
    submission = Submission(message.transaction_id, message.phone, message.text,
                            message.sender, message.encoding)
    try:
        result = gateway.send(submission)
    except UncertainSubmitError as exc:
        return Outcome("uncertain", message, error=exc)
    except UnreachableGatewayError as exc:
        return Outcome("unreachable", message, error=exc)
    except TemporaryGatewayError as exc:
        return Outcome("temporary", message, error=exc)
    except AccountGatewayError as exc:
        return Outcome("account", message, error=exc)
    except PermanentGatewayError as exc:
        return Outcome("rejected", message, error=exc)
    except Exception as exc:  # an adapter bug: we cannot know what happened
        return Outcome("uncertain", message, error=UncertainSubmitError(
            f"errore imprevisto: {exc}", "UNEXPECTED"))
    if result.accepted:
        return Outcome("accepted", message, provider_id=result.provider_id)
    return Outcome("rejected", message, error=result.error or PermanentGatewayError("SMS rifiutato dal gateway"))


def _reconcile(gateway: Gateway, message: Claimed) -> Outcome:
    """Ask the gateway whether it holds this message's transaction id."""
    if not gateway.can_search:
        # no query API (Kannel): only a delivery report can settle it, or a human
        return Outcome("unsearchable", message)
    try:
        found = gateway.find_transaction(message.transaction_id)
    except GatewayError as exc:
        return Outcome("reconcile_error", message, error=exc)
    except Exception as exc:  # keep it and try later
        return Outcome("reconcile_error", message, error=TemporaryGatewayError(str(exc), "UNEXPECTED"))
    if not found:
        return Outcome("absent", message)
    found.sort(key=lambda s: (int(s.provider_id) if s.provider_id.isdigit() else 0, s.provider_id))
    return Outcome("found", message, status=found[0], provider_id=found[0].provider_id,
                   duplicates=len(found) - 1)


def _poll(gateway: Gateway, polled: dict[str, tuple[int, int, int | None]]) -> Outcome:
    """The delivery status of a batch of sent messages (provider id -> our ids)."""
    try:
        statuses = gateway.statuses(list(polled))
    except GatewayError as exc:
        return Outcome("poll_error", error=exc, polled=polled)
    except Exception as exc:
        return Outcome("poll_error", error=TemporaryGatewayError(str(exc), "UNEXPECTED"), polled=polled)
    return Outcome("polled", statuses=statuses, polled=polled)


# --- SQL -------------------------------------------------------------------------------------


class _Sql:
    """The few statements the hot path needs, written once for SQLite and PostgreSQL.

    The sender runs them with ``executemany`` inside one transaction per batch: building each
    UPDATE through the ORM would cost more than the HTTP request it records.
    """

    def __init__(self, db) -> None:
        self.db = db
        self.pg = not isinstance(db, SqliteDatabase)
        p = db.param
        m = Message._meta.table_name
        n = PracticeNotice._meta.table_name
        skip = " FOR UPDATE SKIP LOCKED" if self.pg else ""
        self.claim = (
            f"UPDATE {m} SET status = 'sending', lease_owner = {p}, lease_expires_at = {p}, "
            f"attempts = attempts + 1, updated_at = {p} WHERE id IN ("
            f"SELECT id FROM {m} WHERE status = 'queued' AND "
            f"(next_attempt_at IS NULL OR next_attempt_at <= {p}) "
            f"ORDER BY next_attempt_at, id LIMIT {p}{skip}) "
            "RETURNING id, campaign_id, transaction_id, phone, text, sender, encoding, "
            "practice_id, attempts, client_id, client_code"
        )
        # a claimed message that may not be sent any more (consent withdrawn, client deleted)
        self.cancel_claimed = (
            f"UPDATE {m} SET status = 'cancelled', next_attempt_at = NULL, lease_owner = NULL, "
            f"lease_expires_at = NULL, last_error = {p}, error_code = {p}, updated_at = {p} "
            f"WHERE id = {p} AND status = 'sending' AND lease_owner = {p}"
        )
        self.sent = (
            f"UPDATE {m} SET status = 'sent', provider_id = {p}, sent_at = {p}, "
            f"next_attempt_at = {p}, lease_owner = NULL, lease_expires_at = NULL, "
            f"last_error = {p}, error_code = NULL, updated_at = {p} "
            f"WHERE id = {p} AND status = 'sending' AND lease_owner = {p}"
        )
        self.final_from_sending = (
            f"UPDATE {m} SET status = {p}, provider_id = COALESCE({p}, provider_id), "
            f"sent_at = COALESCE(sent_at, {p}), delivered_at = {p}, next_attempt_at = NULL, "
            f"lease_owner = NULL, lease_expires_at = NULL, last_error = {p}, error_code = {p}, "
            f"updated_at = {p} WHERE id = {p} AND status = 'sending' AND lease_owner = {p}"
        )
        self.requeue = (
            f"UPDATE {m} SET status = 'queued', next_attempt_at = {p}, lease_owner = NULL, "
            f"lease_expires_at = NULL, attempts = attempts + {p}, last_error = {p}, "
            f"error_code = {p}, updated_at = {p} "
            f"WHERE id = {p} AND status = 'sending' AND lease_owner = {p}"
        )
        self.hold = (
            f"UPDATE {m} SET lease_expires_at = {p}, next_attempt_at = {p}, last_error = {p}, "
            f"error_code = {p}, updated_at = {p} "
            f"WHERE id = {p} AND status = 'sending' AND lease_owner = {p}"
        )
        # What the reconcile tick takes over, chosen by the database however many messages
        # other live senders hold: leases that expired, then the owners holding live leases
        # (whether they are dead is asked of the OS, in Python), then the messages of an
        # owner seen dead for longer than the grace. At most 1000 of each a tick.
        self.expired = (
            f"SELECT id, lease_owner, lease_expires_at FROM {m} WHERE status = 'sending' AND "
            f"(lease_expires_at IS NULL OR lease_expires_at <= {p}) ORDER BY id LIMIT 1000"
        )
        self.live_owners = (
            f"SELECT DISTINCT lease_owner FROM {m} WHERE status = 'sending' AND "
            f"lease_expires_at > {p} AND lease_owner <> {p}"
        )
        self.held_by = (
            f"SELECT id, lease_owner, lease_expires_at FROM {m} WHERE status = 'sending' AND "
            f"lease_owner = {p} AND lease_expires_at > {p} ORDER BY id LIMIT 1000"
        )
        self.take_over = (
            f"UPDATE {m} SET lease_owner = {p}, lease_expires_at = {p}, updated_at = {p} "
            f"WHERE id = {p} AND status = 'sending' AND "
            f"(lease_owner = {p} OR lease_owner IS NULL) AND "
            f"(lease_expires_at IS NULL OR lease_expires_at = {p})"
        )
        self.taken = (
            f"SELECT id, campaign_id, transaction_id, phone, text, sender, encoding, "
            f"practice_id, attempts, next_attempt_at, last_error, error_code FROM {m} WHERE status = 'sending' AND lease_owner = {p} "
            f"AND lease_expires_at = {p}"
        )
        self.due_polls = (
            f"SELECT id, provider_id, sent_at, campaign_id, practice_id FROM {m} "
            f"WHERE status = 'sent' AND next_attempt_at <= {p} AND sent_at >= {p} "
            f"AND provider_id IS NOT NULL ORDER BY next_attempt_at LIMIT {p}{skip}"
        )
        self.next_poll = f"UPDATE {m} SET next_attempt_at = {p} WHERE id = {p} AND status = 'sent'"
        self.final_from_sent = (
            f"UPDATE {m} SET status = {p}, delivered_at = {p}, next_attempt_at = NULL, "
            f"last_error = {p}, error_code = {p}, updated_at = {p} "
            f"WHERE id = {p} AND status = 'sent'"
        )
        # Delivery reports pushed by the gateway (Kannel), by transaction id. A status never
        # moves backwards: "sent" only from sending or uncertain, a final one from any of
        # those and sent; a final status is never changed (reports may come out of order).
        self.by_transaction = f"SELECT id, campaign_id, practice_id FROM {m} WHERE transaction_id = {p}"
        self.sent_by_report = (
            f"UPDATE {m} SET status = 'sent', sent_at = COALESCE(sent_at, {p}), "
            f"next_attempt_at = NULL, lease_owner = NULL, lease_expires_at = NULL, "
            f"last_error = NULL, error_code = NULL, updated_at = {p} "
            f"WHERE id = {p} AND status IN ('sending', 'uncertain')"
        )
        self.final_by_report = (
            f"UPDATE {m} SET status = {p}, sent_at = COALESCE(sent_at, {p}), delivered_at = {p}, "
            f"next_attempt_at = NULL, lease_owner = NULL, lease_expires_at = NULL, "
            f"last_error = {p}, error_code = {p}, updated_at = {p} "
            f"WHERE id = {p} AND status IN ('sending', 'sent', 'uncertain')"
        )
        # an uncertain submission a gateway cannot be asked about, with no report after the
        # grace: held for a human ("esito incerto"), never resubmitted by itself
        self.to_uncertain = (
            f"UPDATE {m} SET status = 'uncertain', next_attempt_at = NULL, lease_owner = NULL, "
            f"lease_expires_at = NULL, last_error = {p}, error_code = {p}, updated_at = {p} "
            f"WHERE id = {p} AND status = 'sending' AND lease_owner = {p}"
        )
        self.notice_sent = (
            f"UPDATE {n} SET sent_at = {p} WHERE message_id = {p} AND sent_at IS NULL"
        )
        self.notice_release = f"DELETE FROM {n} WHERE message_id = {p}"
        # a message waiting for the allowed hours (QUIET_HOURS) is not work to wait for
        self.busy = (
            f"SELECT 1 FROM {m} WHERE (status = 'queued' AND NOT "
            f"(COALESCE(error_code, '') = 'QUIET_HOURS' AND next_attempt_at > {p})) "
            f"OR status = 'sending' OR (status = 'sent' AND sent_at >= {p}) LIMIT 1"
        )

    def many(self, sql: str, rows: list[tuple]) -> int:
        """Run ``sql`` for every row; the number of rows changed."""
        if not rows:
            return 0
        cursor = self.db.cursor()
        if self.pg:
            from psycopg2.extras import execute_batch

            execute_batch(cursor, sql, rows, page_size=250)
        else:
            cursor.executemany(sql, rows)
        return cursor.rowcount

    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        return list(self.db.execute_sql(sql, params).fetchall())


# --- The sender ------------------------------------------------------------------------------


class Sender:
    """Sends the outbox. ``run()`` in a thread of its own (it opens its own connection)."""

    #: with nothing in hand, how often the database is asked whether work is left (sooner
    #: after a change: see ``_apply``)
    IDLE_CHECK_EVERY_S = 0.2

    def __init__(
        self,
        gateway_factory: Callable[[], Gateway],
        config: SenderConfig | None = None,
        hub: OutboxHub | None = None,
        owner: str | None = None,
        reports=None,
    ) -> None:
        self.gateway_factory = gateway_factory
        #: where a gateway's pushed delivery reports arrive (``gateways.dlr.ReportReceiver``)
        self.reports = reports
        self.config = config or SenderConfig()
        #: what a claimed message goes through: consent, opt-out, allowed hours
        self.rules = privacy.claim_rules(self.config.sending_window)
        self.hub = hub or OutboxHub()
        self.owner = owner or new_owner()
        self.report = SenderReport()
        self._ready: deque[Claimed] = deque()
        self._inflight = 0  # jobs handed to the lanes and not yet back
        self._finished: list[Outcome] = []
        self._last_apply = 0.0
        self._last_reconcile = 0.0
        self._next_poll_check = 0.0
        self._next_claim = 0.0
        self._next_idle_check = 0.0
        self._paused_until = 0.0
        self._probe = False
        self._problem: SenderProblem | None = None
        self._problem_since = 0.0  # monotonic time the current problem was announced
        self._unreachable_in_a_row = 0
        self._polling = False
        self._last_poll = 0.0  # monotonic time the last poll was handed to a lane
        self._random = random.Random()
        #: owners seen dead (monotonic time first seen): their messages wait out the grace
        self._gone_since: dict[str, float] = {}
        self._db_failing = False
        self._more_queued = False
        self._last_claim_size = 0  # rows the last claim took, those the rules stopped included
        #: whether the gateway can be asked for a transaction id (read once a run starts)
        self._can_search = True

    # --- the loop -----------------------------------------------------------------------

    def run(self, stop: threading.Event | None = None, *, until_idle: bool = False) -> SenderReport:
        """Send until ``stop`` is set (or, with ``until_idle``, until there is nothing to do)."""
        stop = stop or threading.Event()
        self.report = SenderReport()
        self._can_search = _can_search(self.gateway_factory)
        self._last_poll = time.monotonic()  # a campaign queued before the start is sent first
        margin = self.config.gateway_timeout_s + self.config.grace
        self.lanes = _Lanes(self.config.window, self.gateway_factory, margin)
        failures = 0
        try:
            while True:
                try:
                    with session() as db:
                        self.sql = _Sql(db)
                        self.db = db
                        if failures:
                            log.info("database di nuovo raggiungibile")
                            failures = 0
                            self._set_problem(None)
                        try:
                            self._loop(stop, until_idle)
                        finally:
                            # finish the wire, hand back what was claimed, record it all; not
                            # while the database is away (run() waits for it, then does it)
                            if not self._db_failing:
                                self._shutdown()
                    return self.report
                except database_errors() as exc:
                    failures += 1
                    if not self._database_lost(exc, failures, stop):
                        self._abandon()
                        return self.report
        finally:
            self.lanes.close()

    def _loop(self, stop: threading.Event, until_idle: bool) -> None:
        """The sender's work until a stop, idleness or a problem only the user can fix."""
        self._db_failing = False
        self.report.ended = "stopped"
        try:
            while True:
                self._apply(force=False)
                if stop.is_set():
                    self.report.ended = "stopped"
                    return
                if until_idle and self._problem is not None and self._gives_up():
                    self.report.ended = "problem"
                    self.report.problem = self._problem
                    return
                if until_idle and self._idle():
                    self.report.ended = "idle"
                    return
                self._reconcile_tick()
                self._poll_tick()
                self._fill()
                self._wait(stop)
        except database_errors():
            self._db_failing = True
            raise

    def _database_lost(self, exc: BaseException, failures: int, stop: threading.Event) -> bool:
        """The database went away: say it once, wait, and say whether to try again.

        Outcomes already known stay in memory and are recorded once it is back; claimed
        messages keep their leases meanwhile (and are taken over by others if it is away for
        longer than a lease). After a stop, only a few quick tries are made.
        """
        discard_connection()
        if failures == 1:
            log.warning("database non raggiungibile: %s", first_line(exc))
        self._set_problem(SenderProblem(
            "DATABASE", f"database non raggiungibile ({first_line(exc)}): nuovo tentativo in corso"))
        if stop.is_set():
            if failures > 3:
                return False
            time.sleep(0.5 * failures)
            return True
        wait = min(self.config.db_retry_max_s, 0.5 * 2 ** min(failures - 1, 8))
        stop.wait(wait)
        return True

    def _abandon(self) -> None:
        """Stopped while the database is away: finish what is on the wire, record nothing.

        What came back cannot be written: those messages stay ``sending`` under this
        sender's lease, and once it expires another sender searches the gateway for each
        transaction id, so nothing is lost and nothing is sent twice.
        """
        for _ in self.lanes.take_unstarted():
            self._inflight -= 1
        while self._inflight:
            self.lanes.outcomes.get()
            self._inflight -= 1
        if self._finished or self._ready:
            log.error("invio fermato senza database: %d esiti non registrati, %d messaggi "
                      "restano in invio fino alla scadenza della riserva",
                      len(self._finished), len(self._ready))
        self.report.ended = "stopped"

    def _gives_up(self) -> bool:
        """With until_idle: stop at a problem only the user can fix (or a gateway long gone)."""
        if self._problem is None:
            return False
        if self._problem.code == "CONNECTION":
            return self._unreachable_in_a_row >= self.config.unreachable_limit
        return True

    def _hand(self, kind: str, payload: Any) -> None:
        if isinstance(payload, Claimed):
            payload.handed_at = time.monotonic()
        self.lanes.jobs.put((kind, payload))
        self._inflight += 1

    def _wait(self, stop: threading.Event) -> None:
        """Wait for the next outcome, or a short while when nothing is on the wire."""
        if self._finished:
            timeout = max(0.0, self.config.apply_every_s - (time.monotonic() - self._last_apply))
        else:
            timeout = min(self.config.idle_wait_s, 0.2)
        if self._inflight:
            # Sleep until enough outcomes are back to claim the next batch (half the depth
            # free, see _fill) or a commit is due, whichever comes first: the lanes must never
            # run dry while this thread sleeps, and it should not wake up (and take the GIL)
            # for each outcome either. Sleeping a fixed commit interval instead left the lanes
            # idle most of the time on a fast gateway.
            wanted = self._inflight + len(self._ready) - self._depth() // 2
            self.lanes.outcomes.wait_for(max(1, min(wanted, self._inflight)), timeout)
            self._collect()
        else:
            if (self._ready or self._more_queued) and not self._paused():
                return
            stop.wait(timeout)

    def _collect(self) -> None:
        """Take every outcome that is back, without waiting."""
        if self.reports is not None:
            self._finished += [Outcome("report", report=r.report, recorded=r.done)
                               for r in self.reports.take()]
        while self._inflight:
            try:
                outcome = self.lanes.outcomes.get_nowait()
            except queue.Empty:
                return
            self._inflight -= 1
            self._finished.append(outcome)

    def _paused(self) -> bool:
        return time.monotonic() < self._paused_until

    def _depth(self) -> int:
        """How many messages may be handed to the lanes at once."""
        if self._probe:
            return 1
        if not self._can_search:
            # a gateway that cannot be asked (Kannel): after a crash every claimed message is
            # "esito incerto" for a human, so claim no more than goes on the wire
            return self.config.window
        return max(self.config.window, self.config.batch)

    # --- claiming and submitting --------------------------------------------------------

    def _fill(self) -> None:
        # A batch is handed over at once: the lanes keep sending while this thread commits (an
        # fsync) or claims, and it wakes up once per commit instead of once per message. A lane
        # checks that the lease is still long enough when it starts a message.
        depth = self._depth()
        free = depth - self._inflight
        if free <= 0 or self._paused():
            return
        room = free - len(self._ready)
        # claim when half the depth is free: a claim is a commit (an fsync), so it is made
        # for several messages at once, never for each one that comes back
        if room > 0 and room * 2 >= depth and time.monotonic() >= self._next_claim:
            batch = room
            claimed = self._claim(batch)
            # a full claim: more of the campaign is waiting in the queue. Counted with the
            # messages the rules put back (a promo campaign outside its hours): they are not
            # sent, but more may be due behind them, to be claimed at once, not a pause later
            self._more_queued = self._last_claim_size == batch
            if self._last_claim_size < batch:
                # nothing more is due now: do not ask again at every turn of the loop
                self._next_claim = time.monotonic() + min(self.config.idle_wait_s, 0.25)
            self._ready.extend(claimed)
        while self._ready and self._inflight < depth:
            self._hand("submit", self._ready.popleft())

    def _claim(self, limit: int) -> list[Claimed]:
        """Claim up to ``limit`` due messages; those the consent rules stop never leave."""
        stamp = _now()
        until = stamp + timedelta(seconds=self.config.lease_s)
        with self.db.atomic():
            rows = self.sql.rows(self.sql.claim, (self.owner, until, stamp, stamp, limit))
            # asked in the claim's transaction: what the rules read is what the claim saw
            verdicts = consent.verdicts(
                [consent.ClaimedMessage(r[0], r[1], r[9], r[10] or "", r[3], r[7]) for r in rows],
                stamp, self.rules,
            )
            updates = self._stop_claimed(rows, verdicts, stamp) if verdicts else []
        self._last_claim_size = len(rows)
        self._announce(updates)
        rows.sort(key=lambda r: r[0])
        return [
            Claimed(id=r[0], campaign_id=r[1], transaction_id=r[2], phone=r[3], text=r[4],
                    sender=r[5] or "", encoding=r[6] or "GSM-7", practice_id=r[7], attempts=r[8],
                    lease_until=until)
            for r in rows if r[0] not in verdicts
        ]

    def _stop_claimed(self, rows: list[tuple], verdicts: dict, stamp: datetime) -> list[MessageUpdate]:
        """Cancel or put back the claimed messages the rules stopped (in the claim's transaction)."""
        batch = _Batch()
        for r in rows:
            verdict = verdicts.get(r[0])
            if isinstance(verdict, consent.Cancel):
                then = [("notice_release", (r[0],))] if r[7] else []
                batch.add("cancel_claimed", (verdict.reason, verdict.code, stamp, r[0], self.owner),
                          MessageUpdate(r[0], r[1], CANCELLED, verdict.reason), then)
            elif isinstance(verdict, consent.Defer):
                # not an attempt: the claim's count is given back
                batch.add("requeue", (verdict.until, -1, verdict.note, verdict.code, stamp, r[0], self.owner))
        return batch.execute(self.sql)

    def _announce(self, updates: list[MessageUpdate]) -> None:
        """Count and announce changes already committed."""
        for update in updates:
            self.report.count(update.status)
        if updates:
            self.hub.publish(MessagesChanged(tuple(updates)))

    # --- recording outcomes -------------------------------------------------------------

    def _apply(self, force: bool) -> None:
        """Commit every finished outcome in one transaction, then announce what changed."""
        self._collect()
        if not self._finished:
            return
        due = time.monotonic() - self._last_apply >= self.config.apply_every_s
        if not (force or due or len(self._finished) >= 200 or not self._inflight):
            return
        problem: SenderProblem | None | bool = False  # False: no news
        batch = _Batch()
        for outcome in self._finished:
            news = self._plan(outcome, batch)
            if news is not False:
                problem = news
        with self.db.atomic():
            updates = batch.execute(self.sql)
        # only now are they recorded: if the commit failed (the database went away), the
        # outcomes stay here and are applied again once it is back
        recorded, self._finished = self._finished, []
        # committed: now it may be told
        for outcome in recorded:
            if outcome.recorded is not None:
                outcome.recorded.set()  # the gateway may now be told we have its report
        self._last_apply = time.monotonic()
        # something changed: whether that was the last of the work is worth asking at once
        # (`worker --until-idle` returns then, not up to a throttle's 0.2 s later)
        self._next_idle_check = 0.0
        self._announce(updates)
        if problem is not False:
            self._set_problem(problem)

    def _set_problem(self, problem: SenderProblem | None) -> None:
        """Announce a problem once (and its end once), not once per message."""
        if problem is None and self._problem is None:
            return
        if problem is not None and self._problem is not None and problem.code == self._problem.code:
            return
        self._problem = problem
        self._problem_since = time.monotonic()
        self.hub.publish(ProblemChanged(problem))

    def _plan(self, outcome: Outcome, batch: "_Batch"):
        """Add the statements of one outcome to ``batch``; returns problem news (False: none)."""
        stamp = _now()
        kind = outcome.kind
        m = outcome.message
        err = outcome.error
        news: SenderProblem | None | bool = False
        if kind == "accepted":
            self._mark_sent(batch, m, outcome.provider_id, stamp, stamp)
            if self._problem is None or m.handed_at > self._problem_since:
                # a submission made after the problem went through: the problem is over (one
                # that was already on the wire when the credit ran out proves nothing)
                self._unreachable_in_a_row = 0
                self._probe = False
                news = None
        elif kind == "rejected":
            self._finish(batch, m, FAILED, None, None, None, err, stamp)
        elif kind == "temporary":
            self._retry(batch, m, err, stamp)
            if self._problem is not None and self._problem.code == "CONNECTION":
                # the gateway answered: it is reachable again
                self._unreachable_in_a_row = 0
                news = None
        elif kind == "uncertain":
            # Only a refusal the gateway states is final. Whatever else came back (a 5xx, a
            # 504 from a proxy, a timeout, a reset, an unreadable body) the gateway may still
            # be working on it: its transaction id is searched for only after the grace, so
            # that a request still on the wire has landed, and never resubmitted before.
            hold_until = stamp + timedelta(seconds=self.config.grace)
            resend_at = stamp + timedelta(seconds=err.retry_after_s or 0.0)
            batch.add("hold", (hold_until, resend_at, f"esito incerto, verifica in corso: {err.message}",
                               err.code, stamp, m.id, self.owner))
            self.report.retried += 1
        elif kind in ("account", "unreachable", "unsent"):
            # not this message's fault: back in the queue as it was, attempt not counted
            batch.add("requeue", (stamp, -1, err.message if err else None, err.code if err else None,
                                  stamp, m.id, self.owner))
            if kind == "account":
                news = SenderProblem(err.code, err.message)
                self._pause(self.config.account_pause_s)
                self._probe = True
            elif kind == "unreachable":
                self._unreachable_in_a_row += 1
                news = SenderProblem("CONNECTION", err.message)
                self._pause(min(self.config.unreachable_pause_max_s,
                                2.0 ** min(self._unreachable_in_a_row - 1, 6)))
                self._probe = True
        elif kind == "found":
            self.report.reconciled += 1
            status = outcome.status
            note = None
            if outcome.duplicates:
                note = f"attenzione: il gateway ha {outcome.duplicates + 1} SMS con questo identificativo"
            if status.status == SENT:
                self._mark_sent(batch, m, outcome.provider_id, status.sent_at or stamp, stamp, note)
            else:
                error = None
                if status.status != DELIVERED:
                    error = PermanentGatewayError(status.detail or "SMS non consegnato", status.status.upper())
                self._finish(batch, m, status.status, outcome.provider_id, status.sent_at or stamp,
                             status.delivered_at or (stamp if status.status == DELIVERED else None),
                             error, stamp)
        elif kind == "absent":
            # the gateway never got it: it may be submitted again, after a backoff
            self.report.reconciled += 1
            self._retry(batch, m, TemporaryGatewayError(
                "il gateway non l'aveva ricevuto: sarà inviato di nuovo", m.last_code or "RECONCILED"),
                stamp, not_before=m.not_before)
        elif kind == "unsearchable":
            note = "nessuna risposta né rapporto di consegna dal gateway: reinviare (F6) o segnare fallito (F9)"
            batch.add("to_uncertain", (note, m.last_code or "UNCERTAIN", stamp, m.id, self.owner),
                      MessageUpdate(m.id, m.campaign_id, UNCERTAIN, note))
        elif kind == "report":
            self._plan_report(batch, outcome.report, stamp)
        elif kind == "release":
            # a reconciliation that never ran: anyone may take it over at once
            batch.add("hold", (stamp, m.not_before, None, None, stamp, m.id, self.owner))
        elif kind == "reconcile_error":
            later = stamp + timedelta(seconds=self._backoff(1, err.retry_after_s))
            batch.add("hold", (later, later, f"esito incerto, verifica non riuscita: {err.message}",
                               err.code, stamp, m.id, self.owner))
            if isinstance(err, AccountGatewayError):
                news = SenderProblem(err.code, err.message)
                self._pause(self.config.account_pause_s)
            elif isinstance(err, UnreachableGatewayError):
                self._unreachable_in_a_row += 1
                news = SenderProblem("CONNECTION", err.message)
        elif kind == "polled":
            self._polling = False
            if len(outcome.polled) >= self.config.poll_batch:
                # a full batch: more polls are due now; the next goes out at once instead of
                # after the check's throttle (half a poll interval), which, 1000 at a time,
                # held back the last reports of a campaign by a throttle per thousand
                self._next_poll_check = 0.0
            for status in outcome.statuses:
                known = outcome.polled.get(status.provider_id)
                if known is None or not status.is_final:
                    continue
                message_id, campaign_id, practice_id = known
                error = status.detail if status.status != DELIVERED else None
                delivered_at = status.delivered_at or (stamp if status.status == DELIVERED else None)
                then = [("notice_release", (message_id,))] if status.status in RELEASING and practice_id else []
                batch.add("final_from_sent",
                          (status.status, delivered_at, error, status.status.upper() if error else None,
                           stamp, message_id),
                          MessageUpdate(message_id, campaign_id, status.status, error), then)
        elif kind == "poll_error":
            self._polling = False
            if isinstance(err, AccountGatewayError):
                news = SenderProblem(err.code, err.message)
        return news

    def _plan_report(self, batch: "_Batch", report: DeliveryReport, stamp: datetime) -> None:
        """A delivery report the gateway pushed: the message moves forward, never back."""
        rows = self.sql.rows(self.sql.by_transaction, (report.transaction_id,))
        if not rows:
            return  # not one of ours (another database behind the same gateway)
        message_id, campaign_id, practice_id = rows[0]
        at = report.received_at or stamp
        if report.status == SENT:
            then = [("notice_sent", (stamp, message_id))] if practice_id else []
            batch.add("sent_by_report", (at, stamp, message_id),
                      MessageUpdate(message_id, campaign_id, SENT), then)
            return
        error = report.detail if report.status != DELIVERED else None
        code = f"DLR_{report.provider_code}" if error else None
        then = []
        if practice_id:
            then.append(("notice_release", (message_id,)) if report.status in RELEASING
                        else ("notice_sent", (stamp, message_id)))
        batch.add("final_by_report",
                  (report.status, at, at if report.status == DELIVERED else None, error, code, stamp,
                   message_id),
                  MessageUpdate(message_id, campaign_id, report.status, error), then)

    def _mark_sent(self, batch: "_Batch", m: Claimed, provider_id: str | None, sent_at: datetime,
                   stamp: datetime, note: str | None = None) -> None:
        then = [("notice_sent", (stamp, m.id))] if m.practice_id else []
        batch.add("sent", (provider_id, sent_at, self._first_poll(stamp), note, stamp, m.id, self.owner),
                  MessageUpdate(m.id, m.campaign_id, SENT, note), then)

    def _finish(self, batch: "_Batch", m: Claimed, status: str, provider_id: str | None,
                sent_at: datetime | None, delivered_at: datetime | None,
                error: GatewayError | None, stamp: datetime) -> None:
        """A message straight from ``sending`` to a final status."""
        text = error.message if error else None
        code = error.code if error else None
        then = []
        if m.practice_id:
            if status in RELEASING:
                then.append(("notice_release", (m.id,)))
            elif status == DELIVERED:
                then.append(("notice_sent", (stamp, m.id)))
        batch.add("final_from_sending",
                  (status, provider_id, sent_at, delivered_at, text, code, stamp, m.id, self.owner),
                  MessageUpdate(m.id, m.campaign_id, status, text), then)

    def _retry(self, batch: "_Batch", m: Claimed, error: GatewayError, stamp: datetime,
               not_before: datetime | None = None) -> None:
        """Back to the queue after a backoff, or failed once the attempts are spent."""
        if m.attempts >= self.config.max_attempts:
            failure = PermanentGatewayError(
                f"non inviato dopo {m.attempts} tentativi: {error.message}", error.code
            )
            self._finish(batch, m, FAILED, None, None, None, failure, stamp)
            return
        later = stamp + timedelta(seconds=self._backoff(m.attempts, error.retry_after_s))
        if not_before is not None:
            later = max(later, not_before)
        batch.add("requeue", (later, 0, error.message, error.code, stamp, m.id, self.owner))
        self.report.retried += 1

    def _backoff(self, attempts: int, retry_after: float | None) -> float:
        """Exponential backoff with full jitter; never sooner than the gateway asked."""
        ceiling = min(self.config.backoff_max_s, self.config.backoff_base_s * 2 ** max(0, attempts - 1))
        delay = ceiling * (0.5 + self._random.random() / 2)
        return max(delay, retry_after or 0.0)

    def _pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    def _first_poll(self, stamp: datetime) -> datetime:
        return stamp + timedelta(seconds=self.config.poll_interval_s)

    # --- reconciling --------------------------------------------------------------------

    def _reconcile_tick(self) -> None:
        if time.monotonic() - self._last_reconcile < self.config.reconcile_every_s:
            return
        self._last_reconcile = time.monotonic()
        stamp = _now()
        wanted = self.sql.rows(self.sql.expired, (stamp,))
        wanted += self._orphans(stamp)
        if not wanted:
            return
        until = stamp + timedelta(seconds=self.config.lease_s)
        params = [(self.owner, until, stamp, mid, owner, expires) for mid, owner, expires in wanted]
        with self.db.atomic():
            self.sql.many(self.sql.take_over, params)
            taken = self.sql.rows(self.sql.taken, (self.owner, until))
        for r in taken:
            message = Claimed(id=r[0], campaign_id=r[1], transaction_id=r[2], phone=r[3], text=r[4],
                              sender=r[5] or "", encoding=r[6] or "GSM-7", practice_id=r[7],
                              attempts=r[8], lease_until=until, not_before=_as_datetime(r[9]),
                              last_code=r[11])
            self._hand("reconcile", message)

    def _orphans(self, stamp: datetime) -> list[tuple]:
        """The messages of senders of this machine that died, once the grace has run out.

        The grace runs from the moment this sender first saw the owner gone, never from the
        claim: the dead owner handed its last request to the gateway before it died, so
        before that moment, and a slow gateway may still be recording it. Searching for the
        transaction id earlier would find nothing and send the SMS again.
        """
        now = time.monotonic()
        seen: set[str] = set()
        wanted: list[tuple] = []
        for (owner,) in self.sql.rows(self.sql.live_owners, (stamp, self.owner)):
            if not owner_is_dead(owner):
                continue
            seen.add(owner)
            gone_at = self._gone_since.setdefault(owner, now)
            if now - gone_at >= self.config.grace:
                wanted += self.sql.rows(self.sql.held_by, (owner, stamp))
        # forget owners whose messages are all taken (or who were never gone)
        for owner in list(self._gone_since):
            if owner not in seen:
                del self._gone_since[owner]
        return wanted

    # --- polling ------------------------------------------------------------------------

    def _poll_tick(self) -> None:
        if self._polling or time.monotonic() < self._next_poll_check:
            return
        # claimed messages not yet answered, or more waiting behind the last full claim
        sending = self._ready or self._inflight or self._more_queued
        if sending and time.monotonic() - self._last_poll < self.config.polls_apart_while_sending:
            return
        self._next_poll_check = time.monotonic() + min(self.config.poll_interval_s / 2, 1.0)
        stamp = _now()
        horizon = stamp - timedelta(seconds=self.config.delivery_horizon_s)
        with self.db.atomic():
            rows = self.sql.rows(self.sql.due_polls, (stamp, horizon, self.config.poll_batch))
            if not rows:
                return
            bumps = []
            polled: dict[str, tuple[int, int, int | None]] = {}
            for message_id, provider_id, sent_at, campaign_id, practice_id in rows:
                age = (stamp - (_as_datetime(sent_at) or stamp)).total_seconds()
                interval = min(self.config.max_poll_interval_s, max(self.config.poll_interval_s, age / 4))
                bumps.append((stamp + timedelta(seconds=interval), message_id))
                polled[str(provider_id)] = (message_id, campaign_id, practice_id)
            self.sql.many(self.sql.next_poll, bumps)
        self._polling = True
        self._last_poll = time.monotonic()
        self._hand("poll", polled)

    # --- idle and shutdown --------------------------------------------------------------

    def _idle(self) -> bool:
        if self._inflight or self._ready or self._finished:
            return False
        if time.monotonic() < self._next_idle_check:
            return False
        self._next_idle_check = time.monotonic() + self.IDLE_CHECK_EVERY_S
        horizon = _now() - timedelta(seconds=self.config.delivery_horizon_s)
        return not self.sql.rows(self.sql.busy, (_now(), horizon))

    def _shutdown(self) -> None:
        """Finish what is on the wire, hand back what is not, commit it all."""
        for kind, payload in self.lanes.take_unstarted():
            self._inflight -= 1  # never ran: its message never left
            self._finished.append(_not_run(kind, payload))
        while self._inflight:  # each ends within the gateway timeout
            self._finished.append(self.lanes.outcomes.get())
            self._inflight -= 1
        for message in self._ready:
            self._finished.append(Outcome("unsent", message))
        self._ready.clear()
        # a failure here goes up to run(), which waits for the database and tries again: the
        # outcomes stay in self._finished until they are committed
        self._apply(force=True)


def lanes_worth_running(active: int, count: int, busy: float, *, waiting: bool) -> int:
    """How many of ``count`` lanes to run next, ``active`` running while the process spent
    ``busy`` CPU seconds per second, ``waiting``: whether jobs were left for want of a lane.

    At a core's worth the lanes only fight for the interpreter lock: halve them (not below
    two, so one request is on the wire while the other's answer is read). Well below it, with
    jobs waiting, the lanes wait on the network: double them."""
    if busy >= _Lanes.BUSY:
        return max(min(2, count), active // 2)
    if busy < _Lanes.IDLE and waiting:
        return min(count, active * 2)
    return active


class _Lanes:
    """The requests in flight: a few threads, each with a gateway (a connection) of its own.

    One shared HTTP connection pool serialises its users on a lock and scans its connections
    for every request; a lane per connection avoids both. Jobs go in through ``jobs`` and
    outcomes come back through ``outcomes``; the lanes never touch the database.

    Not every lane always runs (issue 17). Lanes pay while they wait on the network: with 50 ms
    of gateway latency eight in flight send eight times as much. On a gateway that answers at
    once the process is busy on the CPU instead, and more lanes only fight for the interpreter
    lock: eight cost a quarter more CPU per SMS than two, and send no more. So every quarter
    of a second the lanes look at how busy the process was: at one core they halve (down to
    two), well below it with work waiting they double (up to ``count``).
    """

    #: how often the lanes judge whether more of them would pay
    TUNE_EVERY_S = 0.25
    #: the process's CPU time over wall time at which fewer lanes are run, and below which
    #: more are, if jobs are waiting
    BUSY = 0.85
    IDLE = 0.5

    def __init__(self, count: int, factory: Callable[[], Gateway], margin_s: float,
                 active: int | None = None) -> None:
        self.jobs: queue.SimpleQueue = queue.SimpleQueue()
        self.outcomes = _Outcomes()
        self.margin_s = margin_s
        self.count = count
        #: lanes 0 .. active-1 take jobs; the others wait at the gate. All start: a slow
        #: gateway must not wait for the first judgement to get its window
        self.active = count if active is None else active
        self._gate = threading.Condition(threading.Lock())
        self._closing = False
        self._mark = (time.perf_counter(), time.process_time())
        self.threads = [
            threading.Thread(target=self._lane, args=(factory, n), name=f"pegaso-outbox-{n}", daemon=True)
            for n in range(count)
        ]
        for thread in self.threads:
            thread.start()

    def _lane(self, factory: Callable[[], Gateway], index: int) -> None:
        try:
            gateway: Gateway | None = factory()
            broken: GatewayError | None = None
        except Exception as exc:  # the settings name no usable gateway
            gateway = None
            broken = exc if isinstance(exc, GatewayError) else AccountGatewayError(
                f"gateway SMS non utilizzabile: {exc}", "GATEWAY_ERROR")
        try:
            while True:
                if index >= self.active:
                    with self._gate:
                        self._gate.wait_for(lambda: index < self.active or self._closing)
                job = self.jobs.get()
                if job is None:
                    return
                kind, payload = job
                if gateway is None:
                    self.outcomes.put(_broken(kind, payload, broken))
                elif kind == "submit":
                    self.outcomes.put(_submit(gateway, payload, self.margin_s))
                elif kind == "reconcile":
                    self.outcomes.put(_reconcile(gateway, payload))
                else:
                    self.outcomes.put(_poll(gateway, payload))
                self._tune()
        finally:
            if gateway is not None:
                gateway.close()

    def _tune(self) -> None:
        """Every TUNE_EVERY_S: fewer lanes if the process was busy, more if it waited."""
        now = time.perf_counter()
        if now - self._mark[0] < self.TUNE_EVERY_S:
            return
        with self._gate:
            wall, cpu = self._mark
            if now - wall < self.TUNE_EVERY_S:
                return  # another lane just did it
            spent = time.process_time()
            busy = (spent - cpu) / (now - wall)
            self._mark = (now, spent)
            active = lanes_worth_running(self.active, self.count, busy, waiting=not self.jobs.empty())
            if active > self.active:
                self._gate.notify_all()
            self.active = active

    def take_unstarted(self) -> list[tuple[str, Any]]:
        """The jobs no lane has taken yet (they are not run any more)."""
        taken = []
        while True:
            try:
                job = self.jobs.get_nowait()
            except queue.Empty:
                return taken
            if job is not None:
                taken.append(job)

    def close(self) -> None:
        with self._gate:
            self._closing = True
            self._gate.notify_all()
        for _ in self.threads:
            self.jobs.put(None)
        for thread in self.threads:
            thread.join()


class _Outcomes:
    """The outcomes the lanes send back: a queue the sender can also wait on for several.

    ``wait_for(n)`` wakes the sender once, when n outcomes are back, instead of once per
    outcome: on a fast gateway each wake-up is a fight for the interpreter lock with the lanes.
    """

    def __init__(self) -> None:
        self._items: deque[Outcome] = deque()
        self._ready = threading.Condition(threading.Lock())
        self._wanted = 1

    def put(self, outcome: Outcome) -> None:
        with self._ready:
            self._items.append(outcome)
            if len(self._items) >= self._wanted:
                self._ready.notify()

    def get(self, timeout: float | None = None) -> Outcome:
        """The next outcome, waiting for it (``queue.Empty`` after ``timeout``)."""
        with self._ready:
            self._wanted = 1
            if not self._ready.wait_for(lambda: self._items, timeout):
                raise queue.Empty
            return self._items.popleft()

    def get_nowait(self) -> Outcome:
        with self._ready:
            if not self._items:
                raise queue.Empty
            return self._items.popleft()

    def wait_for(self, count: int, timeout: float) -> bool:
        """Wait until ``count`` outcomes are back, at most ``timeout`` seconds."""
        with self._ready:
            self._wanted = count
            try:
                return self._ready.wait_for(lambda: len(self._items) >= count, timeout)
            finally:
                self._wanted = 1


def _can_search(factory: Callable[[], Gateway]) -> bool:
    """Whether the gateway the factory makes can be searched (when in doubt: yes, as before)."""
    try:
        gateway = factory()
    except Exception:
        return True
    try:
        return bool(getattr(gateway, "can_search", True))
    finally:
        close = getattr(gateway, "close", None)
        if close is not None:
            close()


def _not_run(kind: str, payload: Any) -> Outcome:
    """The outcome of a job that never ran: nothing reached the gateway."""
    if kind == "submit":
        return Outcome("unsent", payload)
    if kind == "reconcile":
        return Outcome("release", payload)
    return Outcome("poll_error", error=TemporaryGatewayError("interrotto", "STOPPED"), polled=payload)


def _broken(kind: str, payload: Any, error: GatewayError) -> Outcome:
    """The outcome of a job on a lane without a gateway: a settings problem, nothing sent."""
    if kind == "submit":
        return Outcome("account", payload, error=error)
    if kind == "reconcile":
        return Outcome("reconcile_error", payload, error=error)
    return Outcome("poll_error", error=error, polled=payload)


@dataclass
class _Batch:
    """The statements of one commit, in order.

    Each step changes one message, guarded by its status and lease; its follow-ups (the
    practice notice) run only when the guard let the change through, and only changes that
    went through are announced.
    """

    steps: list[tuple[str, tuple, MessageUpdate | None, list[tuple[str, tuple]]]] = field(default_factory=list)

    def add(self, statement: str, params: tuple, update: MessageUpdate | None = None,
            then: list[tuple[str, tuple]] | None = None) -> None:
        self.steps.append((statement, params, update, then or []))

    def execute(self, sql: _Sql) -> list[MessageUpdate]:
        """Run every step; the updates that took effect."""
        cursor = sql.db.cursor()
        done: list[MessageUpdate] = []
        for statement, params, update, then in self.steps:
            cursor.execute(getattr(sql, statement), params)
            if cursor.rowcount <= 0:
                continue  # someone else holds it now: theirs to record
            if update is not None:
                done.append(update)
            for follow, follow_params in then:
                cursor.execute(getattr(sql, follow), follow_params)
        return done


class OutboxService:
    """The sender as the application runs it: in a worker thread while the app is open.

    ``run()`` blocks until ``stop()``; an unexpected error (the database went away) is
    announced as a problem and the sender starts again a few seconds later, so the app never
    silently stops sending. Subscribe to ``hub`` for the changes it commits.
    """

    RESTART_AFTER_S = 5.0

    def __init__(self, settings, config: SenderConfig | None = None, hub: OutboxHub | None = None,
                 gateway_factory: Callable[[], Gateway] | None = None) -> None:
        self.settings = settings
        self.config = config or config_for(settings)
        self.hub = hub or OutboxHub()
        self.gateway_factory = gateway_factory or (
            lambda: make_gateway(settings.gateway, max_connections=1, report_url=self._report_url)
        )
        #: the delivery-report endpoint, while running, for a gateway that pushes reports
        self.receiver = None
        self._report_url: str | None = None
        self._stop = threading.Event()
        self._stopped = threading.Event()
        self._stopped.set()

    @property
    def running(self) -> bool:
        return not self._stopped.is_set()

    def run(self) -> None:
        """Send until ``stop()`` (call it in a thread of its own).

        A ``stop()`` asked before this thread got here holds: the app may close in the moment
        between starting the sender's thread and the thread's start, and a sender that went on
        then would keep the process from ever ending (its event loop waits for this thread).
        """
        if self._stop.is_set():
            return
        self._stopped.clear()
        try:
            while not self._stop.is_set():
                try:
                    if self.receiver is None:
                        from pegaso_tui.gateways.dlr import receiver_for

                        self.receiver = receiver_for(self.settings.gateway)
                        self._report_url = self.receiver.url if self.receiver else None
                    Sender(self.gateway_factory, self.config, self.hub,
                           reports=self.receiver).run(self._stop)
                except Exception as exc:  # never die silently: say it (once), and try again
                    if self.hub.problem is None or self.hub.problem.code != "SENDER_ERROR":
                        self.hub.publish(ProblemChanged(SenderProblem(
                            "SENDER_ERROR", f"invio SMS interrotto: {first_line(exc)}")))
                    self._stop.wait(self.RESTART_AFTER_S)
        finally:
            if self.receiver is not None:
                self.receiver.stop()
                self.receiver = None
            self._stopped.set()

    def stop(self, wait_s: float | None = 0.0) -> bool:
        """Ask the sender to stop; with ``wait_s``, wait that long; True once it has stopped."""
        self._stop.set()
        if wait_s:
            self._stopped.wait(wait_s)
        return self._stopped.is_set()


__all__ = [
    "MessageUpdate",
    "MessagesChanged",
    "OutboxHub",
    "OutboxService",
    "ProblemChanged",
    "Sender",
    "SenderConfig",
    "SenderProblem",
    "SenderReport",
    "config_for",
]
