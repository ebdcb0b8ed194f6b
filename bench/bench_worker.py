"""The sender as a user runs it (issue 17, "How we will know"): whole processes, side by side.

3,000 SMS are queued with ``pegaso-tui send promo``. Then ``pegaso-tui worker --until-idle
--poll-interval 0.2`` is timed as a whole process (start-up, sending, and the wait for every
delivery report: the sandbox delivers 1 s after accepting) against a plain httpx loop posting
3,000 forms to the same sandbox, also a whole process. Target: at least 0.8x the loop's speed
(its wall time over ours). Peak memory of both processes (``ru_maxrss``) is reported too.

The worker's wall time is then cut into what a user waits for: its start-up (to the first
send), its sending (first send to last, against the plain loop's own first-to-last post), and
the wait after its last send (the sandbox's delivery delay, then the poll that reads the last
reports). The worker cannot end before its last send plus the delivery delay, so where the
plain loop is quick that delay alone can decide the ratio above: the cut shows which part
missed. The times come from the messages' own stamps (``sent_at``, ``updated_at``).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from bench.bench_sender import SandboxProcess

COUNT = 3_000
DELIVER_AFTER_S = 1.0  # SandboxProcess starts the sandbox with --deliver-after-ms 1000
TEXT = "Offerta Pasqua: 3 notti a Matera a 199 euro. Rispondi STOP per non ricevere piu' SMS."

PLAIN = """
import sys, time, httpx
url, count = sys.argv[1], int(sys.argv[2])
with httpx.Client(auth=("sandbox", "sandbox"), timeout=15) as client:
    first = time.time()
    for i in range(count):
        form = {"to": f"39340{i:07d}", "text": sys.argv[3], "transactionId": f"plain-{i}",
                "encoding": "7BIT", "from": "AGENZIA"}
        client.post(url + "/sms/send", data=form).raise_for_status()
    print(f"{first:.6f} {time.time():.6f}")
"""


def _clients(db: str, count: int) -> None:
    """``count`` clients who agreed to promo SMS, each with a mobile."""
    from pegaso_tui.db.bulk import insert_rows
    from pegaso_tui.db.connection import close_database, open_database
    from pegaso_tui.db.models import Client, database_proxy

    open_database(db)
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    from bench.common import client_fields

    fields, defaults = client_fields(("code", "name", "first_name", "last_name", "mobile",
                                      "mobile_status", "sms_promo", "sms_practices", "created_at",
                                      "updated_at"))
    with database_proxy.atomic():
        insert_rows(Client, fields, [
            (f"{i:07d}", f"CLIENTE {i}", "Mario", f"Cliente{i}", f"+39340{i:07d}", "ok", True, True,
             stamp, stamp, *defaults)
            for i in range(count)
        ])
    close_database()


class Timed:
    """One child process: wall and CPU seconds, peak RSS (MB), its wall-clock start and end,
    and what it printed."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.began = time.time()
        started = time.perf_counter()
        child = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # the outputs are a line or two: they fit in the pipes until the child has ended
        _, status, usage = os.wait4(child.pid, 0)
        self.wall = time.perf_counter() - started
        self.ended = time.time()
        self.output = child.stdout.read().decode("utf-8", "replace")
        errors = child.stderr.read().decode("utf-8", "replace")
        child.stdout.close()
        child.stderr.close()
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            raise RuntimeError(f"{argv[2:4]} failed ({code}): {errors[-2000:]}")
        self.cpu = usage.ru_utime + usage.ru_stime
        self.rss = usage.ru_maxrss / 1024

    def posting(self) -> float:
        """The plain loop's own first-to-last post, as it printed it."""
        first, last = map(float, self.output.split()[-2:])
        return last - first


def _stamps(db: str) -> tuple[float, float, float]:
    """The first and last send and the last update of the messages, as epoch seconds (the
    sender stamps local time, as ``datetime.now()``)."""
    with sqlite3.connect(db) as connection:
        row = connection.execute(
            "SELECT min(sent_at), max(sent_at), max(updated_at) FROM message").fetchone()
    return tuple(datetime.fromisoformat(value).timestamp() for value in row)  # type: ignore[return-value]


def run(bench) -> None:
    count = 500 if bench.quick else COUNT
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="pegaso-bench-") as tmp:
        sandbox = SandboxProcess()
        try:
            db = str(Path(tmp) / "worker.db")
            settings = Path(tmp) / "settings.toml"
            # no quiet hours: after 20:00 the promo would wait for the morning (and measure
            # only the putting back of 3,000 SMS)
            settings.write_text('[gateway]\nkind = "smshosting"\n[sending]\nquiet_hours = ""\n',
                                encoding="utf-8")
            _clients(db, count)
            env = {**os.environ, "PEGASO_DB": db, "PEGASO_GATEWAY_URL": sandbox.url,
                   "PEGASO_GATEWAY_KEY": "sandbox", "PEGASO_GATEWAY_SECRET": "sandbox",
                   "PEGASO_SENDER": "AGENZIA", "PEGASO_CONFIG": str(settings)}
            queued = subprocess.run([python, "-m", "pegaso_tui", "send", "promo", "--text", TEXT,
                                     "--yes", "--json"], env=env, capture_output=True, text=True)
            if queued.returncode != 0:
                raise RuntimeError(f"send promo failed: {queued.stderr[-2000:]}")
            plain = [python, "-c", PLAIN, sandbox.url, str(count), TEXT]
            plain_a = Timed(plain, env)
            ours = Timed([python, "-m", "pegaso_tui", "worker", "--until-idle", "--poll-interval", "0.2"], env)
            plain_b = Timed(plain, env)
            first_sent, last_sent, last_update = _stamps(db)
        finally:
            sandbox.stop()
    plain_wall = (plain_a.wall + plain_b.wall) / 2
    plain_cpu = (plain_a.cpu + plain_b.cpu) / 2
    bench.report(f"plain httpx loop process, {count:,} sends", plain_wall, "s",
                 before=round(plain_a.wall, 2), after=round(plain_b.wall, 2))
    bench.report(f"worker --until-idle process, {count:,} SMS, delivery reports included", ours.wall, "s")
    bench.report("worker process speed / plain loop process", plain_wall / ours.wall, "x", target=0.8,
                 lower_is_better=False)
    bench.report("worker process CPU", ours.cpu, "s", baseline=plain_cpu,
                 baseline_name="(plain loop process)")
    bench.report("worker process peak RSS", ours.rss, "MB", baseline=max(plain_a.rss, plain_b.rss),
                 baseline_name="(plain loop process)")
    # where the worker's wall time went (no target of its own: it explains the ratio above)
    bench.report("  worker: start to first send", (first_sent - ours.began) * 1000, "ms")
    bench.report(f"  worker: first send to last, {count:,} SMS", last_sent - first_sent, "s",
                 baseline=(plain_a.posting() + plain_b.posting()) / 2,
                 baseline_name="(plain loop: first post to last)")
    bench.report("  worker: last send to end (reports, then exit)", ours.ended - last_sent, "s",
                 baseline=DELIVER_AFTER_S, baseline_name="(the sandbox's delivery delay)",
                 last_report_to_end_ms=round((ours.ended - last_update) * 1000))
    # the ratio above if the worker's sending took no time at all: below 0.8, no sender can
    # meet that target on this machine, with this delivery delay
    floor = ours.wall - (last_sent - first_sent)
    bench.report("  plain loop process / worker process less its sending", plain_wall / floor, "x")
