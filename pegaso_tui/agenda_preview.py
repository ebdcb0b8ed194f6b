"""The home agenda's first page, read by a helper process while the app starts (issue 17).

After the menu's first frame the agenda waited for the database layer to be imported, the
database to be opened and its rows read: about 150 ms of one core, on machines that have
two, where Python threads could not help (they share one interpreter lock). ``pegaso-tui``
now starts ``python -m pegaso_tui.agenda_preview`` before it imports Textual. On the other
core, the helper opens the database as it is (it never creates or upgrades it), reads the
agenda's first page and counts exactly as the home screen does
(``pegaso_tui.db.crm.agenda.read_agenda_preview``), writes them as one JSON document and
ends. If they have arrived when the home screen is composed, the agenda is in the first
frame; if not, it shows them as soon as they arrive, unless the database opens first (the
helper is then stopped and the agenda read as before). Once the database is open, the list
takes its pager and reads the rows again, keeping the cursor where it is.

The database URL, which may hold a password, reaches the helper through its standard input,
never its command line; the helper writes nothing to the terminal.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from typing import Any

#: The agenda's rows read at a time, by the home screen and by the helper alike.
PAGE_SIZE = 50


def helper_command() -> list[str]:
    """How the helper is started: this Python, this package."""
    return [sys.executable, "-m", "pegaso_tui.agenda_preview"]


class AgendaPreview:
    """A running helper and what it has written so far."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.process = process
        self._chunks: list[bytes] = []
        self._ended = False

    @classmethod
    def start(cls, database_url: str, operator: str, today: date, size: int) -> "AgendaPreview | None":
        """Start the helper (None if it cannot be started: the agenda is then read as before)."""
        request = json.dumps({"database_url": database_url, "operator": operator,
                              "today": today.isoformat(), "size": size}).encode()
        try:
            process = subprocess.Popen(
                helper_command(),
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            )
        except (OSError, ValueError, TypeError):  # no interpreter to start (embedded Python)
            return None
        preview = cls(process)
        try:
            assert process.stdin is not None and process.stdout is not None
            process.stdin.write(request)  # a few hundred bytes: the pipe takes them at once
            process.stdin.close()
            os.set_blocking(process.stdout.fileno(), False)
        except (OSError, AttributeError):  # no non-blocking pipes here (Windows before 3.12)
            preview.discard()
            return None
        return preview

    def _read(self) -> None:
        """Take what the helper has written, without waiting."""
        stdout = self.process.stdout
        assert stdout is not None
        while not self._ended:
            try:
                chunk = os.read(stdout.fileno(), 65536)
            except BlockingIOError:
                return
            except OSError:
                chunk = b""
            if not chunk:
                self._ended = True
            else:
                self._chunks.append(chunk)

    def done(self) -> bool:
        """The helper has written all it will (never waits)."""
        self._read()
        return self._ended

    def take(self) -> dict[str, Any] | None:
        """The agenda's first page and counts, if the helper has finished (the ``rows`` as
        ``RequestRow``s); None if it has not, or could not read them. Never waits for the
        helper's work: one that has not finished is stopped."""
        if not self.done():
            self.discard()
            return None
        self.process.stdout.close()  # type: ignore[union-attr]
        self._reap()
        if not self._chunks:  # it writes only what it could read entirely
            return None
        try:
            data = json.loads(b"".join(self._chunks))
            from pegaso_tui.db.crm.request_row import RequestRow

            data["rows"] = [RequestRow.from_data(row) for row in data["rows"]]
            numbers = {str(k): str(v) for k, v in data.pop("numbers", {}).items()}
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
        from pegaso_tui.sms.phone import remember_display

        remember_display(numbers)
        return data

    def _reap(self) -> None:
        """Collect the helper's exit without waiting for it: it has written everything and
        is ending; a thread collects it if it has not ended yet."""
        if self.process.poll() is None:
            import threading

            threading.Thread(target=self.process.wait, name="agenda-preview", daemon=True).start()

    def discard(self) -> None:
        """Stop the helper, if it is still running, and reap it."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None and not self.process.stdout.closed:
            self.process.stdout.close()


def main() -> int:
    """The helper: read the request on standard input, write the agenda on standard output."""
    try:
        request = json.loads(sys.stdin.buffer.read())
        url = request["database_url"]
        from pegaso_tui.db.urls import is_postgres_url, without_postgres_driver

        if not is_postgres_url(url):
            without_postgres_driver()
        from pegaso_tui.db.crm.agenda import read_agenda_preview

        found = read_agenda_preview(url, request["operator"], date.fromisoformat(request["today"]),
                                    int(request["size"]))
    except Exception:  # noqa: BLE001 - the app reads the agenda itself, and tells what is wrong
        return 1
    if found is None:
        return 1
    try:
        sys.stdout.write(json.dumps(found))
        sys.stdout.flush()
    except OSError:  # the app has stopped waiting for it
        return 1
    return 0


if __name__ == "__main__":
    status = main()
    # at once: the app has what it needs, and tearing the interpreter down is of no use
    os._exit(status)
