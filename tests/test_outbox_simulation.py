"""A deterministic simulation of the outbox, in the spirit of FoundationDB's: hypothesis drives
the real sender code against a simulated gateway and a simulated clock, and searches for the
interleavings nobody thought of.

- two or three senders share one database (a real SQLite file), each stepped by hand: no
  threads, no real time; their requests wait "on the wire" until the machine answers them;
- the gateway accepts a submission at once, after a delay, or never, and the client gets an
  answer of any kind: accepted, refused (4xx), 5xx, a timeout, a dropped connection;
- a search or a delivery poll may fail;
- any sender may crash at any step (its requests on the wire still land); a new one starts;
- a client may withdraw consent at any moment.

Invariants after every step: no transaction id accepted twice by the gateway; no message
final while the gateway holds a different truth; no promo SMS handed to the gateway after its
client withdrew consent. Once everything quiesces, every message is final.

The one assumption of the design, kept by the simulation: a request handed to the gateway is
recorded, if ever, within the grace (the gateway timeout plus a margin) of being handed.
"""

from __future__ import annotations

import queue
import tempfile
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from pegaso_tui.db.campaigns import CampaignError, plan_selection, queue_campaign
from pegaso_tui.db.connection import close_database, open_database
from pegaso_tui.db.models import (
    CANCELLED, DELIVERED, FAILED, FINAL_STATUSES, SENT, UNDELIVERED, Client, Message,
)
from pegaso_tui.db.selections import PromoFilters, promo_recipients
from pegaso_tui.sms import outbox
from pegaso_tui.gateways import (
    MessageStatus, PermanentGatewayError, SubmitResult, TemporaryGatewayError, UncertainSubmitError,
)
from pegaso_tui.sms.outbox import SenderConfig, _Sql
from tests.factories import make_client
from tests.outboxutil import queue_numbers

GRACE = 3.0
#: the longest a gateway takes to record a request it was handed (kept within the grace)
MAX_ACCEPT_DELAY = 2.5
CONFIG = SenderConfig(window=3, claim_batch=4, lease_s=30.0, gateway_timeout_s=1.0, grace_s=GRACE,
                      poll_interval_s=1.0, poll_while_sending_s=1.0, reconcile_every_s=0.5,
                      backoff_base_s=0.5, backoff_max_s=2.0, account_pause_s=1.0,
                      max_attempts=50, idle_wait_s=0.1, apply_every_s=0.0)
EPOCH = datetime(2027, 3, 28, 9, 0, 0)


class Clock:
    """The simulation's time: both the sender's wall clock and its monotonic one."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def monotonic(self) -> float:
        return self.seconds

    def now(self) -> datetime:
        return EPOCH + timedelta(seconds=self.seconds)

    def sleep(self, _s: float) -> None:  # nothing sleeps in a simulation
        pass


class SimGateway:
    """The gateway's truth: which transaction ids it accepted, and when each lands."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.accepted: dict[str, list[str]] = {}  # transaction id -> provider ids
        self.pending: list[tuple[float, str]] = []  # (lands at, transaction id)
        self.next_id = 1

    def accept(self, tid: str) -> str:
        provider_id = str(self.next_id)
        self.next_id += 1
        self.accepted.setdefault(tid, []).append(provider_id)
        return provider_id

    def land_due(self) -> None:
        due = [p for p in self.pending if p[0] <= self.clock.seconds]
        self.pending = [p for p in self.pending if p[0] > self.clock.seconds]
        for _, tid in due:
            self.accept(tid)


class Answering:
    """The gateway as one lane sees it for one request: the machine decided what happens."""

    can_search = True

    def __init__(self, sim: SimGateway, behaviour: str, delay: float, fail_lookup: bool) -> None:
        self.sim, self.behaviour, self.delay, self.fail_lookup = sim, behaviour, delay, fail_lookup

    def send(self, submission):
        tid = submission.transaction_id
        b = self.behaviour
        if b == "accepted":
            return SubmitResult(submission.to, True, self.sim.accept(tid))
        if b == "refused":
            return SubmitResult(submission.to, False, None, PermanentGatewayError("numero errato", "BADNUMBER"))
        if b == "nothing":  # refused before anything was accepted (429)
            raise TemporaryGatewayError("rallentare", "HTTP_429")
        # uncertain: the gateway may record it now, later (within the grace) or never
        if self.delay == 0:
            self.sim.accept(tid)
        elif self.delay > 0:
            self.sim.pending.append((self.sim.clock.seconds + self.delay, tid))
        raise UncertainSubmitError(f"esito incerto ({b})", b.upper())

    def find_transaction(self, tid):
        if self.fail_lookup:
            raise TemporaryGatewayError("ricerca non riuscita", "HTTP_503")
        return [MessageStatus(pid, tid, SENT, sent_at=self.sim.clock.now()) for pid in self.sim.accepted.get(tid, [])]

    def statuses(self, ids):
        if self.fail_lookup:
            raise TemporaryGatewayError("ricerca non riuscita", "HTTP_503")
        known = {pid: tid for tid, pids in self.sim.accepted.items() for pid in pids}
        return [MessageStatus(pid, known[pid], DELIVERED, delivered_at=self.sim.clock.now())
                for pid in ids if pid in known]


class WireLanes:
    """Stands in for the sender's lane threads: jobs wait on the wire until answered."""

    def __init__(self) -> None:
        self.jobs = self
        self.outcomes: queue.SimpleQueue = queue.SimpleQueue()
        self.wire: list[tuple[str, object]] = []
        self.margin_s = CONFIG.gateway_timeout_s + CONFIG.grace

    def put(self, job) -> None:
        self.wire.append(job)

    def take_unstarted(self):
        return []

    def close(self) -> None:
        pass


class OutboxSimulation(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = tempfile.TemporaryDirectory()
        self.clock = Clock()
        self.gateway = SimGateway(self.clock)
        self.dead: set[str] = set()
        self.withdrawn: dict[int, float] = {}  # client id -> when
        self.violations: list[str] = []
        self.senders: list[outbox.Sender] = []
        self.started = 0
        self.patches = pytest.MonkeyPatch()
        self.patches.setattr(outbox, "_now", self.clock.now)
        self.patches.setattr(outbox, "time", self.clock)
        self.patches.setattr(outbox, "owner_is_dead", lambda owner: owner in self.dead)
        self.db = open_database(str(Path(self.tmp.name) / "sim.db"))
        self.clients = [make_client(name=f"CLIENTE {i}", mobile=f"347 000 00{i:02d}") for i in range(3)]

    def teardown(self) -> None:
        self.patches.undo()
        close_database()
        self.tmp.cleanup()

    # --- the senders ----------------------------------------------------------------------

    def _new_sender(self, n: int) -> outbox.Sender:
        self.started += 1  # every sender, a restarted one too, has an owner of its own
        sender = outbox.Sender(lambda: None, CONFIG, owner=f"sim/{n}/{self.started}")
        sender.db, sender.sql, sender.lanes = self.db, _Sql(self.db), WireLanes()
        original_put = sender.lanes.put

        def put(job, sender=sender):
            kind, payload = job
            if kind == "submit":
                client = Message.get_by_id(payload.id).client_id
                if client in self.withdrawn:
                    self.violations.append(f"SMS {payload.id} handed over after its client withdrew consent")
            original_put(job)

        sender.lanes.put = put
        return sender

    @initialize(count=st.integers(2, 3), messages=st.integers(3, 8))
    def start(self, count, messages):
        """Two or three senders, a campaign queued, and their first turn (claims on the wire)."""
        self.senders = [self._new_sender(n) for n in range(count)]
        queue_numbers(messages)
        self.tick(0.5, 0)

    # --- what can happen ------------------------------------------------------------------

    def queue_promo(self):
        try:
            queue_campaign(plan_selection(promo_recipients(PromoFilters()), "Offerta"), sender="AGENZIA")
        except CampaignError:  # nobody left with consent
            pass

    def withdraw_consent(self, i):
        client = self.clients[i]
        Client.update(sms_promo=False).where(Client.id == client.id).execute()
        self.withdrawn.setdefault(client.id, self.clock.seconds)

    def step(self, i):
        """One turn of a sender's loop: record, reconcile, poll, claim and hand over."""
        sender = self.senders[i % len(self.senders)]
        sender._apply(force=True)
        sender._reconcile_tick()
        sender._poll_tick()
        sender._fill()

    def advance(self, dt):
        self.clock.seconds += dt
        self.gateway.land_due()

    @rule(dt=st.sampled_from([0.0, 0.5, 0.5, 1.0, 2.0, 5.0]), first=st.integers(0, 2),
          news=st.sampled_from(["", "", "", "queue", "promo", "withdraw-0", "withdraw-1", "withdraw-2"]))
    def tick(self, dt, first, news=""):
        """Time passes; maybe a campaign is queued or a client withdraws consent; then every
        sender takes a turn, ``first`` first."""
        self.advance(dt)
        if news == "queue":
            queue_numbers(3)
        elif news == "promo":
            self.queue_promo()
        elif news.startswith("withdraw"):
            self.withdraw_consent(int(news[-1]))
        for n in range(len(self.senders)):
            self.step(first + n)

    @precondition(lambda self: any(s.lanes.wire for s in self.senders))
    @rule(s=st.integers(0, 2), j=st.integers(0, 7), every=st.booleans(),
          behaviour=st.sampled_from(["accepted", "refused", "nothing", "http_5xx", "timeout", "dropped"]),
          delay=st.sampled_from([-1.0, 0.0, 0.5, 1.5, MAX_ACCEPT_DELAY, MAX_ACCEPT_DELAY]),
          fail_lookup=st.booleans())
    def answer(self, s, j, every, behaviour, delay, fail_lookup):
        """A request on some sender's wire (or, with ``every``, all of them) gets its answer."""
        busy = [sender for sender in self.senders if sender.lanes.wire]
        sender = busy[s % len(busy)]
        chosen = list(sender.lanes.wire) if every else [sender.lanes.wire[j % len(sender.lanes.wire)]]
        for job in chosen:
            sender.lanes.wire.remove(job)
            self._answer(sender, *job, Answering(self.gateway, behaviour, delay, fail_lookup))

    def _answer(self, sender, kind, payload, gateway) -> None:
        if kind == "submit":
            outcome = outbox._submit(gateway, payload, sender.lanes.margin_s)
        elif kind == "reconcile":
            outcome = outbox._reconcile(gateway, payload)
        else:
            outcome = outbox._poll(gateway, payload)
        sender.lanes.outcomes.put(outcome)

    @precondition(lambda self: any(s.lanes.wire for s in self.senders))
    @rule()
    def answer_all_well(self):
        """A quiet moment of the network: every request on the wire is answered at once and
        well (no time passes)."""
        for sender in self.senders:
            while sender.lanes.wire:
                kind, payload = sender.lanes.wire.pop(0)
                self._answer(sender, kind, payload, Answering(self.gateway, "accepted", -1.0, False))

    @rule(i=st.integers(0, 2), lands=st.integers(0, 255),
          after=st.sampled_from([0.0, 0.5, 1.5, MAX_ACCEPT_DELAY]))
    def crash(self, i, lands, after):
        """A sender dies: what it knew is gone; its requests on the wire land (bit set in
        ``lands``) after ``after`` seconds, or never; a new sender starts in its place."""
        index = i % len(self.senders)
        victim = self.senders[index]
        for bit, (kind, payload) in enumerate(victim.lanes.wire):
            if kind == "submit" and lands >> (bit % 8) & 1:
                self.gateway.pending.append((self.clock.seconds + after, payload.transaction_id))
        self.dead.add(victim.owner)
        self.senders[index] = self._new_sender(index)

    # --- invariants -------------------------------------------------------------------------

    @invariant()
    def never_accepted_twice(self):
        twice = {tid: pids for tid, pids in self.gateway.accepted.items() if len(pids) > 1}
        assert not twice, f"accepted twice: {twice}"

    @invariant()
    def final_only_with_the_gateways_truth(self):
        for tid, status in Message.select(Message.transaction_id, Message.status).tuples():
            on_gateway = tid in self.gateway.accepted
            if status in (FAILED, CANCELLED):
                assert not on_gateway, f"{tid} is {status} but the gateway accepted it"
            if status in (SENT, DELIVERED, UNDELIVERED):
                assert on_gateway, f"{tid} is {status} but the gateway never got it"

    @invariant()
    def consent_is_honoured(self):
        assert not self.violations, self.violations

    # --- quiescence ---------------------------------------------------------------------

    @rule()
    def quiesce(self):
        """The network heals: every request is answered well, time passes, all senders run
        until nothing is left; then every message is final."""
        for _ in range(400):
            self.answer_all_well()
            self.tick(0.0, 0)
            self.never_accepted_twice()
            self.final_only_with_the_gateways_truth()
            if Message.select().where(Message.status.not_in(FINAL_STATUSES)).count() == 0:
                break
            self.advance(1.0)
        left = dict(Message.select(Message.id, Message.status)
                    .where(Message.status.not_in(FINAL_STATUSES)).tuples())
        assert Message.select().where(Message.status.not_in(FINAL_STATUSES)).count() == 0, left


OutboxSimulation.TestCase.settings = settings(
    max_examples=200, stateful_step_count=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_outbox_simulation = OutboxSimulation.TestCase
