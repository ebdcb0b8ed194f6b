"""A real Kannel on loopback for the tests: bearerbox, smsbox and fakesmsc (Debian's ``kannel``
and ``kannel-extras``), on free ports, with a config generated in a temporary folder.

``KANNEL_SKIP`` says why the tests cannot run (no bearerbox, no fakesmsc); ``Kannel`` starts
the three processes, stops and restarts the SMSC link (fakesmsc), and reads back what
fakesmsc printed: every part it received, joined into the texts a handset would show.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote_to_bytes

import httpx

FAKESMSC_PATHS = ("/usr/lib/kannel/test/fakesmsc", "/usr/lib/kannel/fakesmsc", "/usr/bin/fakesmsc")


def _find_fakesmsc() -> str | None:
    found = shutil.which("fakesmsc")
    if found:
        return found
    return next((p for p in FAKESMSC_PATHS if os.access(p, os.X_OK)), None)


def skip_reason() -> str | None:
    """None when a real Kannel can be started here, else why not."""
    if not shutil.which("bearerbox") and not os.access("/usr/sbin/bearerbox", os.X_OK):
        return "Kannel not installed (apt-get install kannel kannel-extras): no bearerbox"
    if not shutil.which("smsbox") and not os.access("/usr/sbin/smsbox", os.X_OK):
        return "Kannel not installed: no smsbox"
    if _find_fakesmsc() is None:
        return "kannel-extras not installed: no fakesmsc"
    return None


def _binary(name: str) -> str:
    return shutil.which(name) or f"/usr/sbin/{name}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CONFIG = """\
group = core
admin-port = {admin}
admin-password = admin-{admin}
admin-interface = 127.0.0.1
admin-allow-ip = 127.0.0.1
smsbox-port = {box}
smsbox-interface = 127.0.0.1
box-allow-ip = 127.0.0.1
log-file = "{dir}/bearerbox.log"
log-level = 1
dlr-storage = internal

group = smsc
smsc = fake
smsc-id = fake
port = {smsc}
our-host = 127.0.0.1
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {box}
sendsms-port = {sendsms}
sendsms-interface = 127.0.0.1
log-file = "{dir}/smsbox.log"
log-level = 1
http-request-retry = 30
http-queue-delay = 1

group = sendsms-user
username = {username}
password = {password}
max-messages = {max_messages}
concatenation = true
black-list-regex = "^\\+39340999"

group = sms-service
keyword = default
text = "nessun servizio"
"""

_GOT = re.compile(r"Got message \d+: <(.*)>$")


@dataclass
class Part:
    """One SMS (or one part of a long one) as fakesmsc printed it."""

    sender: str
    to: str
    kind: str  # text, data, ucs-2
    payload: bytes
    udh: bytes = b""

    @property
    def concat(self) -> tuple[int, int, int] | None:
        """(reference, parts, number) from the concatenation header, if any."""
        if len(self.udh) >= 6 and self.udh[1] == 0x00:
            return self.udh[3], self.udh[4], self.udh[5]
        return None

    def text(self, ucs2: bool) -> str:
        """The characters of this part (UCS-2 arrives as UTF-16BE bytes, the rest as UTF-8)."""
        if self.kind == "ucs-2" or ucs2:
            return self.payload.decode("utf-16-be", "surrogatepass")
        return self.payload.decode("utf-8")


@dataclass
class Kannel:
    """bearerbox + smsbox + fakesmsc on free loopback ports (``start()`` / ``stop()``)."""

    folder: Path
    username: str = "pegaso"
    password: str = "s3greta"
    max_messages: int = 3
    ports: dict[str, int] = field(default_factory=dict)
    _procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    _fake_logs: list[Path] = field(default_factory=list)

    @property
    def sendsms_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['sendsms']}/cgi-bin/sendsms"

    def gateway_settings(self, **changes):
        """GatewaySettings of kind "kannel" that reach this Kannel."""
        from pegaso_tui.config import GatewaySettings

        values = dict(kind="kannel", url=self.sendsms_url, key=self.username, secret=self.password,
                      timeout_s=2.0, max_messages=self.max_messages)
        values.update(changes)
        return GatewaySettings(**values)

    def start(self) -> "Kannel":
        self.folder.mkdir(parents=True, exist_ok=True)
        self.ports = {name: free_port() for name in ("admin", "box", "smsc", "sendsms")}
        conf = self.folder / "kannel.conf"
        conf.write_text(CONFIG.format(dir=self.folder, username=self.username, password=self.password,
                                      max_messages=self.max_messages, **self.ports))
        try:
            self._spawn("bearerbox", [_binary("bearerbox"), "-v", "1", str(conf)])
            self._wait_port(self.ports["box"])
            self._spawn("smsbox", [_binary("smsbox"), "-v", "1", str(conf)])
            self.start_smsc()
            self._wait_port(self.ports["sendsms"])
        except BaseException:
            self.stop()  # nothing left running when it could not start
            raise
        return self

    def _spawn(self, name: str, argv: list[str], log: Path | None = None) -> None:
        out = open(log or self.folder / f"{name}.out", "ab")
        # a process group of its own: stopping the test never signals pytest
        self._procs[name] = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT,
                                             stdin=subprocess.DEVNULL, start_new_session=True)
        out.close()

    def _wait_port(self, port: int, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"Kannel did not open port {port}; see {self.folder}")

    def smsc_online(self) -> bool:
        """bearerbox sees fakesmsc connected (its admin status says "online")."""
        try:
            status = httpx.get(f"http://127.0.0.1:{self.ports['admin']}/status.txt",
                               params={"password": f"admin-{self.ports['admin']}"}, timeout=2).text
        except httpx.HTTPError:
            return False
        return any("fake[" in line and "online" in line for line in status.splitlines())

    def start_smsc(self, timeout: float = 20.0) -> None:
        """Start fakesmsc (the SMSC link) and wait until bearerbox has it online."""
        log = self.folder / f"fakesmsc-{len(self._fake_logs)}.log"
        self._fake_logs.append(log)
        # -m 0: it sends nothing (no SMS from handsets); it prints what it receives
        self._spawn("fakesmsc", [_find_fakesmsc(), "-H", "127.0.0.1", "-r", str(self.ports["smsc"]),
                                 "-m", "0", "1 2 text x"], log=log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.smsc_online():
                return
            time.sleep(0.1)
        raise RuntimeError(f"fakesmsc did not come online; see {self.folder}")

    def stop_smsc(self) -> None:
        """The SMSC link goes down: Kannel queues what it is given ("3: Queued for later")."""
        self._kill("fakesmsc")
        deadline = time.monotonic() + 10
        while self.smsc_online() and time.monotonic() < deadline:
            time.sleep(0.05)

    def _kill(self, name: str) -> None:
        proc = self._procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)

    def stop(self) -> None:
        for name in ("smsbox", "fakesmsc", "bearerbox"):
            self._kill(name)

    # --- what the SMSC received ---------------------------------------------------------

    def parts(self) -> list[Part]:
        """Every SMS (part) fakesmsc received, in order, over all its runs."""
        found = []
        for log in self._fake_logs:
            if not log.exists():
                continue
            for line in log.read_text("utf-8", "replace").splitlines():
                match = _GOT.search(line)
                if match:
                    found.append(_parse(match.group(1)))
        return found

    def texts(self, ucs2_numbers: frozenset[str] = frozenset()) -> list[tuple[str, str, list[str]]]:
        """(to, sender, [text of each part]) for each SMS, its parts joined in order."""
        result: list[tuple[str, str, list[str]]] = []
        pending: dict[tuple[str, int], dict[int, str]] = {}
        totals: dict[tuple[str, int], int] = {}
        senders: dict[tuple[str, int], str] = {}
        for part in self.parts():
            ucs2 = part.to in ucs2_numbers
            concat = part.concat
            if concat is None:
                result.append((part.to, part.sender, [part.text(ucs2)]))
                continue
            ref, total, number = concat
            key = (part.to, ref)
            pending.setdefault(key, {})[number] = part.text(ucs2)
            totals[key] = total
            senders[key] = part.sender
            if len(pending[key]) == total:
                chunks = pending.pop(key)
                result.append((part.to, senders[key], [chunks[n] for n in sorted(chunks)]))
        return result

    def __enter__(self) -> "Kannel":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _parse(body: str) -> Part:
    sender, to, kind, rest = body.split(" ", 3)
    if kind == "udh":
        udh, kind, data = rest.split(" ", 2)
        return Part(sender, to, kind, unquote_to_bytes(data.replace("+", " ")),
                    unquote_to_bytes(udh.replace("+", " ")))
    if kind == "text":
        return Part(sender, to, kind, rest.encode("utf-8"))
    return Part(sender, to, kind, unquote_to_bytes(rest.replace("+", " ")))
