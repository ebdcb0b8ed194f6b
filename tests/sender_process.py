"""A sender process for the fault tests: the real ``Sender`` with a chosen config.

``pegaso-tui worker`` offers only the options a user needs; the fault tests also need the
claim size of the old design (200) and a fast reconcile tick, to show that a takeover waits
for requests still on the wire whatever the claim size. Run as::

    python -m tests.sender_process DB_URL GATEWAY_URL '{"window": 8, ...}' [--until-idle]

SIGTERM, SIGINT and SIGHUP stop it as they stop the worker.
"""

from __future__ import annotations

import json
import signal
import sys
import threading


def main() -> int:
    from pegaso_tui.config import GatewaySettings
    from pegaso_tui.db.connection import open_database
    from pegaso_tui.gateways import make_gateway
    from pegaso_tui.sms.outbox import Sender, SenderConfig

    db_url, gateway_url, config_json = sys.argv[1:4]
    until_idle = "--until-idle" in sys.argv[4:]
    config = SenderConfig(**json.loads(config_json))
    settings = GatewaySettings(url=gateway_url, key="sandbox", secret="sandbox",
                               timeout_s=config.gateway_timeout_s)
    open_database(db_url)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: stop.set())
    report = Sender(lambda: make_gateway(settings, max_connections=1), config).run(stop, until_idle=until_idle)
    print(json.dumps({"ended": report.ended, "sent": report.sent}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
