"""The sender as a user runs it (issue 17, "How we will know"): whole processes, side by side.

3,000 SMS are queued with ``pegaso-tui send promo``. Then ``pegaso-tui worker --until-idle
--poll-interval 0.2`` is timed as a whole process (start-up, sending, and the wait for every
delivery report: the sandbox delivers 1 s after accepting) against a plain httpx loop posting
3,000 forms to the same sandbox, also a whole process. Target: at least 0.8x the loop's speed
(its wall time over ours). Peak memory of both processes (``ru_maxrss``) is reported too.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.bench_sender import SandboxProcess

COUNT = 3_000
TEXT = "Offerta Pasqua: 3 notti a Matera a 199 euro. Rispondi STOP per non ricevere piu' SMS."

PLAIN = """
import sys, httpx
url, count = sys.argv[1], int(sys.argv[2])
with httpx.Client(auth=("sandbox", "sandbox"), timeout=15) as client:
    for i in range(count):
        form = {"to": f"39340{i:07d}", "text": sys.argv[3], "transactionId": f"plain-{i}",
                "encoding": "7BIT", "from": "AGENZIA"}
        client.post(url + "/sms/send", data=form).raise_for_status()
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


def _timed(argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MB) of one child process."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    errors = child.stderr.read().decode("utf-8", "replace")
    child.stderr.close()
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"{argv[2:4]} failed ({child.returncode}): {errors[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


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
            plain_a = _timed(plain, env)
            ours = _timed([python, "-m", "pegaso_tui", "worker", "--until-idle", "--poll-interval", "0.2"], env)
            plain_b = _timed(plain, env)
        finally:
            sandbox.stop()
    plain_wall = (plain_a[0] + plain_b[0]) / 2
    plain_cpu = (plain_a[1] + plain_b[1]) / 2
    bench.report(f"plain httpx loop process, {count:,} sends", plain_wall, "s",
                 before=round(plain_a[0], 2), after=round(plain_b[0], 2))
    bench.report(f"worker --until-idle process, {count:,} SMS, delivery reports included", ours[0], "s")
    bench.report("worker process speed / plain loop process", plain_wall / ours[0], "x", target=0.8,
                 lower_is_better=False)
    bench.report("worker process CPU", ours[1], "s", baseline=plain_cpu,
                 baseline_name="(plain loop process)")
    bench.report("worker process peak RSS", ours[2], "MB", baseline=max(plain_a[2], plain_b[2]),
                 baseline_name="(plain loop process)")
