"""What the sender spends per claimed batch on the consent rules (issue 17).

Every claim of the outbox (16 messages at a time with the default window) asks the rules about
the batch: the campaigns' kinds and purposes, the clients' consent flags, and for marketing the
opt-out list. This times ``consent.load_batch`` plus the opt-out rule on a batch of 16 promo
messages, in CPU time, against the same lookups built through peewee's query builder (what
the rules did before): the builder cost more than the sender's own claim and updates.
"""

from __future__ import annotations

import tempfile
import time
from datetime import datetime
from pathlib import Path

BATCH = 16
ROUNDS = 500


def _peewee_lookups(messages, now):
    """The baseline: the same four lookups as peewee queries."""
    from pegaso_tui.db.models import Campaign, Client, OptOut
    from pegaso_tui.sending import consent

    batch = consent.ClaimBatch(messages, now)
    for cid, kind, purpose in (Campaign.select(Campaign.id, Campaign.kind, Campaign.purpose)
                               .where(Campaign.id.in_({m.campaign_id for m in messages})).tuples()):
        batch.campaigns[cid] = consent.CampaignFacts(kind, purpose or "")
    for cid, practices, promo, walk_in in (
            Client.select(Client.id, Client.sms_practices, Client.sms_promo, Client.walk_in)
            .where(Client.id.in_({m.client_id for m in messages})).tuples()):
        batch.clients[cid] = consent.ClientFacts(bool(practices), bool(promo), bool(walk_in))
    set(OptOut.select(OptOut.mobile).where(OptOut.mobile.in_({m.phone for m in messages})).tuples())
    set(OptOut.select(OptOut.client).where(OptOut.client.in_({m.client_id for m in messages})).tuples())
    return batch


def _ours(messages, now):
    from pegaso_tui.sending import consent, privacy

    batch = consent.load_batch(messages, now)
    privacy.opted_out(batch)
    return batch


def run(bench) -> None:
    from bench.bench_worker import _clients
    from pegaso_tui.db.campaigns import CampaignPlan, PlannedMessage, queue_campaign
    from pegaso_tui.db.connection import close_database, open_database
    from pegaso_tui.sending import consent

    with tempfile.TemporaryDirectory(prefix="pegaso-bench-") as folder:
        path = str(Path(folder) / "claim.db")
        _clients(path, 1000)
        open_database(path)
        try:
            campaign = queue_campaign(CampaignPlan("promo", "marketing", "Offerta", [
                PlannedMessage(phone=f"+39340{i:07d}", text="Offerta", encoding="GSM-7", segments=1)
                for i in range(BATCH)]), sender="AGENZIA")
            messages = [consent.ClaimedMessage(i, campaign.id, i + 1, f"{i:07d}", f"+39340{i:07d}", None)
                        for i in range(BATCH)]
            now = datetime.now()
            assert _ours(messages, now).clients == _peewee_lookups(messages, now).clients

            def cpu_per_batch(fn) -> float:
                started = time.process_time()
                for _ in range(ROUNDS):
                    fn(messages, now)
                return (time.process_time() - started) / ROUNDS * 1e6

            base = min(cpu_per_batch(_peewee_lookups) for _ in range(3))
            ours = min(cpu_per_batch(_ours) for _ in range(3))
        finally:
            close_database()
    bench.report(f"consent and opt-out lookups per claimed batch of {BATCH} (promo)", ours, "us",
                 baseline=base, baseline_name="(the same lookups through peewee's builder)")
