"""The big demo database the benchmarks run on, built once and cached in ``bench/out/``.

``demo_database(bench)`` returns the path of a SQLite file holding the demo agency of
``pegaso_tui.db.demo_data`` at benchmark size: 100,000 clients and 1,000,000 practices
(``--quick``: a tenth). Other benchmarks may ask for messages too (the control panel needs a
million). A cached file is reused while the generator, the model and the month are the same;
an older one of the same size is deleted when a new one is built. Building takes about a
minute; ``build_demo_database`` reports how long, for ``bench_demo_data``.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from datetime import date
from pathlib import Path

import pegaso_tui.db.demo_data as demo_data
import pegaso_tui.db.demo_names as demo_names
import pegaso_tui.db.message_stats as message_stats
import pegaso_tui.db.models as models

BIG = {"clients": 100_000, "practices": 1_000_000, "messages": 0}
QUICK = {"clients": 10_000, "practices": 100_000, "messages": 0}


def sizes(bench) -> dict[str, int]:
    """The benchmark sizes of this run (``--quick`` takes a tenth)."""
    return dict(QUICK if bench.quick else BIG)


def _fingerprint() -> str:
    """Changes whenever the generator or the model does: a cached file is then rebuilt."""
    digest = hashlib.sha1()
    # message_stats: its triggers fill the per-day counts while the messages are written
    for module in (demo_data, demo_names, models, message_stats):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()[:10]


def _stem(clients: int, practices: int, messages: int) -> str:
    return f"demo-c{clients}-p{practices}-m{messages}"


def cached_path(out: Path, clients: int, practices: int, messages: int = 0) -> Path:
    """Where the database of these sizes is cached (for this generator and this month)."""
    month = date.today().strftime("%Y%m")
    return out / f"{_stem(clients, practices, messages)}-{month}-{_fingerprint()}.db"


def build_demo_database(path: Path, clients: int, practices: int, messages: int = 0) -> float:
    """Build a fresh demo database at ``path``; return the seconds the generation took."""
    from pegaso_tui.db.connection import close_database, open_database

    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    open_database(str(path))
    try:
        started = time.perf_counter()
        demo_data.generate_demo_data(clients, practices, messages)
        return time.perf_counter() - started
    finally:
        close_database()


def adopt(out: Path, built: Path, clients: int, practices: int, messages: int = 0) -> Path:
    """Make ``built`` the cached database of these sizes (dropping older builds of them)."""
    target = cached_path(out, clients, practices, messages)
    for old in out.glob(_stem(clients, practices, messages) + "-*"):
        old.unlink(missing_ok=True)
    shutil.move(str(built), target)
    return target


def demo_database(bench, clients: int | None = None, practices: int | None = None,
                  messages: int | None = None) -> Path:
    """The cached demo database of these sizes (default: this run's), built if missing."""
    wanted = sizes(bench)
    clients = wanted["clients"] if clients is None else clients
    practices = wanted["practices"] if practices is None else practices
    messages = wanted["messages"] if messages is None else messages
    path = cached_path(bench.out, clients, practices, messages)
    if path.exists():
        return path
    print(f"  building the demo database ({clients} clients, {practices} practices, "
          f"{messages} messages): about a minute per million rows...", flush=True)
    building = bench.out / "building.db"
    seconds = build_demo_database(building, clients, practices, messages)
    print(f"  built in {seconds:.0f} s", flush=True)
    return adopt(bench.out, building, clients, practices, messages)
