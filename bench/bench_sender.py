"""The outbox sender: 10,000 messages through the sandbox gateway on loopback.

- throughput of the sender (claim, submit with a transaction id, record, commit) as a ratio to a
  plain httpx loop posting the same requests to the same sandbox in the same run (issue 17: at
  least 0.9). The sandbox runs in a process of its own, as a real gateway would, so the two
  share only the loopback. The baseline is measured before and after the sender and averaged.
- the sender's CPU per message (this process's CPU time over the messages sent; the sandbox is
  another process) against the plain loop's (issue 17: at most 1.2x): on a 2-core office server
  CPU is what several workers share.
- the same with 50 ms of gateway latency (``sandbox --latency-ms 50``): the sender against the
  ideal of window / latency (issue 17: at least 0.9x), and its CPU per message against a plain
  serial loop's at the same latency.
- the sender's memory at every tenth of the run: the Python heap must stay flat (RSS grows by
  SQLite's page cache, up to its 32 MB).
- selecting, previewing and queuing 100,000 practice SMS (the selection query, rendering,
  text analysis, bulk insert of messages and practice notices in one transaction), against a
  bare ``executemany`` of the same message rows into a table with only the unique index.
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

N_MESSAGES = 10_000
N_QUEUE = 100_000
TEXT = "Gentile cliente, la sua pratica è pronta: passi in agenzia per i documenti."


def rss_mb() -> float:
    """This process's resident memory in MB (Linux)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class SandboxProcess:
    """``pegaso-tui sandbox`` in a child process."""

    def __init__(self, latency_ms: int = 0) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pegaso_tui", "sandbox", "--deliver-after-ms", "1000",
             "--latency-ms", str(latency_ms)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )
        self.url = self.process.stdout.readline().split()[-1]
        for _ in range(5):  # the settings lines
            self.process.stdout.readline()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def forms(count: int, prefix: str) -> list[dict[str, str]]:
    return [
        {"to": f"39340{i:07d}", "text": TEXT, "transactionId": f"{prefix}-{i}", "encoding": "7BIT", "from": "AGENZIA"}
        for i in range(count)
    ]


def plain_loop(url: str, count: int, prefix: str) -> tuple[float, float]:
    """A bare httpx loop (one client, keep-alive, one request at a time): requests per second,
    and CPU seconds per request."""
    import httpx

    payloads = forms(count, prefix)
    with httpx.Client(auth=("sandbox", "sandbox"), timeout=15) as client:
        client.get(url + "/user")
        started = time.perf_counter()
        cpu = time.process_time()
        for form in payloads:
            answer = client.post(url + "/sms/send", data=form)
            answer.raise_for_status()
        cpu = time.process_time() - cpu
        elapsed = time.perf_counter() - started
    return count / elapsed, cpu / count


def queue_messages(count: int, text: str = TEXT):
    from pegaso_tui.db.campaigns import CampaignPlan, PlannedMessage, queue_campaign
    from pegaso_tui.sms.text import analyze

    info = analyze(text)
    messages = [PlannedMessage(phone=f"+39340{i:07d}", text=text, encoding=info.encoding,
                               segments=info.segments) for i in range(count)]
    return queue_campaign(CampaignPlan("single", "servizio", text, messages), sender="AGENZIA")


def run_sender(url: str, folder: Path, bench, count: int | None = None,
               name: str = "sender.db") -> tuple[float, dict[int, tuple[float, int]], float]:
    """Messages per second from the first claim to the last 'sent' committed, memory marks
    every tenth of the run (RSS in MB, Python's allocated blocks), and CPU seconds per message
    (this process: the sandbox is another)."""
    count = count or N_MESSAGES
    from pegaso_tui.config import GatewaySettings
    from pegaso_tui.db.connection import close_database, open_database
    from pegaso_tui.gateways import make_gateway
    from pegaso_tui.sms.outbox import MessagesChanged, OutboxHub, Sender, SenderConfig

    open_database(str(folder / name))
    queue_messages(count)
    settings = GatewaySettings(url=url, key="sandbox", secret="sandbox", timeout_s=15)
    config = SenderConfig()  # the defaults the app and the worker use
    hub = OutboxHub()
    sent = [0]
    marks: dict[int, float] = {}
    done = threading.Event()

    def counted(event) -> None:
        if isinstance(event, MessagesChanged):
            sent[0] += sum(1 for u in event.updates if u.status == "sent")
            for mark in range(count // 10, count + 1, count // 10):
                if sent[0] >= mark and mark not in marks:
                    marks[mark] = (rss_mb(), sys.getallocatedblocks())
            if sent[0] >= count:
                done.set()

    hub.subscribe(counted)
    sender = Sender(lambda: make_gateway(settings, max_connections=1), config, hub)
    stop = threading.Event()
    thread = threading.Thread(target=sender.run, args=(stop,))
    started = time.perf_counter()
    cpu = time.process_time()
    thread.start()
    done.wait(600)
    cpu = time.process_time() - cpu
    elapsed = time.perf_counter() - started
    stop.set()
    thread.join()
    close_database()
    return count / elapsed, marks, cpu / count


def _agency(count: int) -> None:
    """``count`` clients who agreed to practice SMS, each with one practice to notify."""
    from pegaso_tui.db.bulk import insert_rows
    from pegaso_tui.db.models import Client, Practice, database_proxy

    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    from bench.common import client_fields

    fields, defaults = client_fields(("code", "name", "first_name", "last_name", "mobile",
                                      "mobile_status", "sms_practices", "created_at", "updated_at"))
    practice_fields = ("number", "client", "practice_date", "departure_date", "destination", "amount",
                       "balance", "notified_balance", "notified_documents", "paid",
                       "documents_delivered", "created_at")
    with database_proxy.atomic():
        insert_rows(Client, fields, [
            (f"{i:07d}", "ROSSI MARIO", "Mario", "Rossi", f"+39340{i:07d}", "ok", True, stamp, stamp, *defaults)
            for i in range(count)
        ])
        insert_rows(Practice, practice_fields, [
            (f"2026/{i:06d}", i + 1, "2026-03-01", "2026-07-01", "Sharm", 1500, 500, False, False, False,
             False, stamp)
            for i in range(count)
        ])


def queue_speed(folder: Path, bench) -> None:
    """Select, preview and queue 100,000 practice SMS, vs a bare executemany of the same rows."""
    from pegaso_tui.db import selections as sel
    from pegaso_tui.db.campaigns import plan_selection, queue_campaign
    from pegaso_tui.db.connection import close_database, open_database
    from pegaso_tui.db.models import Message

    count = 10_000 if bench.quick else N_QUEUE
    open_database(str(folder / "queue.db"))
    _agency(count)
    started = time.perf_counter()
    selection = sel.practices_to_notify(sel.PracticeFilters(status=sel.PracticeStatus.BALANCE_NOT_NOTIFIED))
    selected = time.perf_counter()
    plan = plan_selection(selection, "Gentile {nome}, per la pratica {pratica} del {partenza} resta "
                                     "un saldo di {saldo} euro.")
    planned = time.perf_counter()
    queue_campaign(plan, sender="AGENZIA")
    ours = time.perf_counter() - started
    phases = {"select": selected - started, "preview (render and analyse every text)": planned - selected,
              "queue (messages, notices, consent check, commit)": started + ours - planned}
    assert plan.count == count
    columns = [f.column_name for f in Message._meta.sorted_fields if f.name != "id"]
    close_database()

    raw = sqlite3.connect(folder / "raw.db")
    raw.execute("PRAGMA journal_mode=wal")
    raw.execute("PRAGMA synchronous=full")
    raw.execute(f"CREATE TABLE m (id INTEGER PRIMARY KEY, {', '.join(columns)})")
    raw.execute("CREATE UNIQUE INDEX m_tid ON m (transaction_id)")
    row_template = {c: None for c in columns}
    rows = []
    for i in range(count):
        row = dict(row_template, phone=f"+39340{i:07d}", text=TEXT, status="queued",
                   transaction_id=os.urandom(16).hex(), segments=1, encoding="GSM-7", campaign_id=1)
        rows.append(tuple(row[c] for c in columns))
    started = time.perf_counter()
    with raw:
        raw.executemany(f"INSERT INTO m ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows)
    bare = time.perf_counter() - started
    raw.close()
    # issue 17 asks for queuing within 2x a bare executemany of the same rows (same run, same
    # disk): the queue phase. The whole walk (the preview renders and measures every text) is
    # told against the same baseline, its target in seconds.
    base = dict(baseline=bare, baseline_name="(bare executemany of the rows)")
    bench.report(f"select + preview + queue {count:,} practice SMS", ours, "s",
                 target=5.0 if count == N_QUEUE else None, **base)
    for phase, seconds in phases.items():
        bench.report(f"  ... of which {phase}", seconds, "s",
                     ratio_target=2.0 if phase.startswith("queue") else None, **base)


def latent(folder: Path, bench) -> None:
    """The sender against a gateway that answers after 50 ms, as a distant provider does: it
    should keep its whole window in flight (window / latency), and cost no more CPU per message
    than at 0 ms."""
    from pegaso_tui.sms.outbox import SenderConfig

    latency_s = 0.05
    window = SenderConfig().window
    ideal = window / latency_s
    count = 400 if bench.quick else 1_600
    sandbox = SandboxProcess(latency_ms=int(latency_s * 1000))
    try:
        rate, _, cpu = run_sender(sandbox.url, folder, bench, count, "latent.db")
        plain, plain_cpu = plain_loop(sandbox.url, count // 16, "plain-latent")
    finally:
        sandbox.stop()
    bench.report(f"sender at 50 ms latency, {count:,} messages", rate, "msg/s", lower_is_better=False,
                 baseline=ideal, baseline_name=f"(ideal: window {window} / 50 ms)", ratio_target=0.9)
    bench.report("sender CPU per message at 50 ms", cpu * 1e6, "us", baseline=plain_cpu * 1e6,
                 baseline_name="(plain serial httpx loop at 50 ms)", ratio_target=1.2,
                 plain_rate=round(plain, 1))


def start_stop(folder: Path, bench) -> None:
    """The sender's own start and stop (issue 17, item 2: under 50 ms beyond the app's): its
    lanes started, one claim and one idle check on an empty outbox, the lanes joined. For an
    https gateway too, whose TLS context is built only at the first request."""
    from pegaso_tui.config import GatewaySettings
    from pegaso_tui.db.connection import close_database, open_database
    from pegaso_tui.gateways import make_gateway
    from pegaso_tui.sms.outbox import Sender, SenderConfig

    open_database(str(folder / "empty-outbox.db"))
    try:
        for url in ("http://127.0.0.1:9/rest/api", "https://api.smshosting.it/rest/api"):
            settings = GatewaySettings(url=url, key="k", secret="s", timeout_s=15)

            def once() -> None:
                Sender(lambda: make_gateway(settings, max_connections=1), SenderConfig()).run(until_idle=True)

            seconds = bench.time_it(once, repeat=9)
            bench.report(f"sender start and stop, nothing to send ({url.split(':')[0]})", seconds * 1000, "ms",
                         target=50.0)
    finally:
        close_database()


def run(bench) -> None:
    global N_MESSAGES
    if bench.quick:
        N_MESSAGES = 2_000
    with tempfile.TemporaryDirectory(prefix="pegaso-bench-") as tmp:
        folder = Path(tmp)
        sandbox = SandboxProcess()
        try:
            plain_before, plain_cpu_before = plain_loop(sandbox.url, N_MESSAGES, "plain-a")
            rate, marks, cpu = run_sender(sandbox.url, folder, bench)
            plain_after, plain_cpu_after = plain_loop(sandbox.url, N_MESSAGES, "plain-b")
        finally:
            sandbox.stop()
        plain = (plain_before + plain_after) / 2
        plain_cpu = (plain_cpu_before + plain_cpu_after) / 2
        bench.report(f"plain httpx loop, {N_MESSAGES:,} sends", plain, "msg/s",
                     before=round(plain_before), after=round(plain_after))
        bench.report(f"sender, {N_MESSAGES:,} messages", rate, "msg/s")
        bench.report("sender / plain httpx loop", rate / plain, "x", target=0.9, lower_is_better=False)
        bench.report("sender CPU per message", cpu * 1e6, "us", baseline=plain_cpu * 1e6,
                     baseline_name="(plain httpx loop)", ratio_target=1.2)
        latent(folder, bench)
        start_stop(folder, bench)
        shown = sorted(marks)
        for mark in (shown[0], shown[len(shown) // 2 - 1], shown[-1]) if shown else ():
            bench.report(f"sender RSS after {mark:,} sent", marks[mark][0], "MB",
                         python_blocks=marks[mark][1])
        if len(shown) >= 6:
            first, last = shown[0], shown[-1]
            # RSS includes SQLite's page cache, which fills up to its 32 MB as the file grows;
            # the Python heap is what would show a leak. A mark catches whatever batch is in
            # flight at that moment (thousands of blocks), so the first three marks are
            # compared with the last three, by their medians.
            bench.report(f"RSS growth {first:,} -> {last:,}", marks[last][0] - marks[first][0], "MB",
                         target=32.0)
            early = statistics.median(marks[m][1] for m in shown[:3])
            late = statistics.median(marks[m][1] for m in shown[-3:])
            growth = (late - early) / early * 100
            bench.report(f"Python heap growth, first 30% -> last 30% of {last:,}", growth, "%",
                         target=5.0)
        queue_speed(folder, bench)
