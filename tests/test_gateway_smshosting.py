"""The SMSHosting adapter against the sandbox gateway over loopback: every status and error."""

from __future__ import annotations

import socket
import time
from dataclasses import replace
from datetime import datetime, timedelta

import httpx
import pytest

from pegaso_tui.config import GatewaySettings
from pegaso_tui.db.models import DELIVERED, FAILED, SENT, UNDELIVERED
from pegaso_tui.gateways import (
    AccountGatewayError,
    PermanentGatewayError,
    SearchQuery,
    StatusRecord,
    Submission,
    TemporaryGatewayError,
    UncertainSubmitError,
    UnreachableGatewayError,
    combine_parts,
    make_gateway,
)

MOBILE = "+393491234567"
LONG_TEXT = "Gentile cliente, " + "la sua pratica è pronta. " * 12  # 3 parts of GSM-7


def gateway_for(server, **changes):
    return make_gateway(replace(server.gateway_settings(timeout_s=2.0), **changes))


def submit(gateway, tid="tx-1", to=MOBILE, text="Ciao Anna", sender="AGENZIA"):
    return gateway.send(Submission(tid, to, text, sender, "UCS-2" if any(ord(c) > 255 for c in text) else "GSM-7"))


def wait_for(condition, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


# --- sending --------------------------------------------------------------------------------


def test_an_accepted_sms_is_recorded_with_every_field(sandbox):
    server = sandbox()
    with gateway_for(server) as gateway:
        result = submit(gateway, "tx-anna")
    assert result.accepted and result.provider_id
    [record] = server.state.records()
    assert record["id"] == int(result.provider_id)
    assert (record["to"], record["from"], record["text"]) == ("393491234567", "AGENZIA", "Ciao Anna")
    assert record["transactionId"] == "tx-anna"
    assert record["status"] == "SENT" and record["insertDate"]


def test_ucs2_text_is_sent_as_ucs2_and_arrives_intact(sandbox):
    server = sandbox()
    text = "Perché “così”? È già tutto pronto ✈"
    with gateway_for(server) as gateway:
        gateway.send(Submission("tx-u", MOBILE, text, "AGENZIA", "UCS-2"))
        gateway.send(Submission("tx-g", MOBILE, "Ciao è così", "AGENZIA", "GSM-7"))
    ucs2, gsm = server.state.records()
    assert (ucs2["encoding"], ucs2["text"]) == ("UCS2", text)
    assert (gsm["encoding"], gsm["text"]) == ("7BIT", "Ciao è così")


def test_one_text_to_a_thousand_recipients_in_one_request(sandbox):
    server = sandbox()
    numbers = [f"+39340{i:07d}" for i in range(1000)]
    with gateway_for(server) as gateway:
        results = gateway.send_many(numbers, "Offerta crociere", sender="AGENZIA", transaction_id="bulk")
        with pytest.raises(PermanentGatewayError):
            gateway.send_many(numbers + ["+393499999999"], "troppi")
    assert [r.to for r in results] == numbers and all(r.accepted for r in results)
    assert server.state.requests == 1
    assert server.state.count_by_transaction() == {"bulk": 1000}


def test_a_bad_number_is_refused_for_good(sandbox):
    server = sandbox(blacklist=frozenset({"393330000000"}))
    with gateway_for(server) as gateway:
        with pytest.raises(PermanentGatewayError) as alone:
            submit(gateway, to="+12")
        mixed = gateway.send_many(["+393491234567", "+12", "+393330000000"], "Ciao")
    assert alone.value.code == "NO_VALID_RECIPIENT"
    assert "numero del destinatario non valido" in str(alone.value)
    assert [r.accepted for r in mixed] == [True, False, False]
    assert [r.error.code for r in mixed[1:]] == ["BADNUMBERFORMAT", "BLACKLIST"]
    assert "lista nera" in mixed[2].error.message


def test_wrong_credentials_are_an_account_problem(sandbox):
    server = sandbox()
    with gateway_for(server, secret="sbagliato") as gateway:
        with pytest.raises(AccountGatewayError) as error:
            submit(gateway)
    assert error.value.code == "BAD_CREDENTIALS"
    assert "credenziali" in str(error.value)
    assert server.state.accepted == 0


def test_missing_credentials_are_said_without_calling_the_gateway(sandbox):
    server = sandbox()
    with gateway_for(server, key="", secret="") as gateway:
        with pytest.raises(AccountGatewayError) as error:
            gateway.credit()
    assert error.value.code == "NOT_CONFIGURED"
    assert server.state.requests == 0


def test_no_credit_refuses_the_whole_request_and_records_nothing(sandbox):
    server = sandbox(credits=2)
    with gateway_for(server) as gateway:
        with pytest.raises(AccountGatewayError) as error:
            submit(gateway, text=LONG_TEXT)  # three parts, two credits
        assert gateway.credit().sms_left == 2
    assert error.value.code == "BAD_CREDIT"
    assert "credito" in str(error.value)
    assert server.state.accepted == 0


def test_a_sender_alias_the_gateway_refuses(sandbox):
    server = sandbox()
    with gateway_for(server) as gateway:
        with pytest.raises(AccountGatewayError) as error:
            submit(gateway, sender="NOME TROPPO LUNGO")
    assert error.value.code == "BAD_FROM"


def test_a_500_is_uncertain_and_nothing_was_accepted(sandbox):
    server = sandbox(fail_rate=1.0)
    with gateway_for(server) as gateway:
        with pytest.raises(UncertainSubmitError) as error:
            submit(gateway, "tx-500")
        assert gateway.find_transaction("tx-500") == []
    assert error.value.http_status == 500
    assert server.state.accepted == 0


def test_a_dropped_answer_is_uncertain_but_the_sms_was_accepted(sandbox):
    server = sandbox(drop_rate=1.0)
    with gateway_for(server) as gateway:
        with pytest.raises(UncertainSubmitError) as error:
            submit(gateway, "tx-drop")
        found = gateway.find_transaction("tx-drop")
    assert error.value.code == "DROPPED"
    assert [s.status for s in found] == [SENT]
    assert server.state.count_by_transaction() == {"tx-drop": 1}


def test_a_timeout_is_uncertain_and_the_sms_lands_afterwards(sandbox):
    server = sandbox(latency_ms=600)
    with gateway_for(server, timeout_s=0.2) as gateway:
        with pytest.raises(UncertainSubmitError) as error:
            submit(gateway, "tx-slow")
    assert error.value.code == "TIMEOUT"
    # the server finishes the request the client gave up on: hence the grace before searching
    assert wait_for(lambda: server.state.accepted == 1)


def test_a_proxy_504_is_uncertain_and_the_sms_is_accepted_after_it(sandbox):
    server = sandbox(accept_delay_ms=400, false_504_rate=1.0)
    with gateway_for(server) as gateway:
        with pytest.raises(UncertainSubmitError) as error:
            submit(gateway, "tx-504")
        # the proxy answered at half the delay: the gateway behind it has not recorded it yet
        assert gateway.find_transaction("tx-504") == []
    assert error.value.http_status == 504
    assert wait_for(lambda: server.state.count_by_transaction() == {"tx-504": 1})
    assert server.state.false_504s == 1


def test_a_4xx_without_the_gateways_code_is_uncertain_not_a_refusal(sandbox):
    import httpx

    def proxy(request: httpx.Request) -> httpx.Response:
        return httpx.Response(413, text="<html>Request Entity Too Large</html>")

    from pegaso_tui.gateways.smshosting import SmsHostingGateway

    # a proxy's own page, not the gateway's {"errorMsg": ...}: it proves no refusal
    settings = sandbox().gateway_settings(timeout_s=2.0)
    gateway = SmsHostingGateway(settings, transport=httpx.MockTransport(proxy))
    try:
        with pytest.raises(UncertainSubmitError) as error:
            submit(gateway, "tx-413")
    finally:
        gateway.close()
    assert error.value.code == "HTTP_413"


def test_a_slow_gateway_records_a_send_after_the_client_gave_up(sandbox):
    server = sandbox(accept_delay_ms=500)
    with gateway_for(server, timeout_s=0.2) as gateway:
        with pytest.raises(UncertainSubmitError):
            submit(gateway, "tx-late")
        assert gateway.find_transaction("tx-late") == []
    assert wait_for(lambda: server.state.count_by_transaction() == {"tx-late": 1})


def test_429_says_when_to_retry(sandbox):
    server = sandbox(throttle_rate=1.0, retry_after_s=7)
    with gateway_for(server) as gateway:
        with pytest.raises(TemporaryGatewayError) as error:
            submit(gateway)
    assert not isinstance(error.value, UncertainSubmitError)
    assert error.value.retry_after_s == 7
    assert server.state.accepted == 0


def test_an_unreachable_gateway():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = GatewaySettings(url=f"http://127.0.0.1:{port}/rest/api", key="k", secret="s", timeout_s=1)
    with make_gateway(settings) as gateway:
        with pytest.raises(UnreachableGatewayError) as error:
            submit(gateway)
    assert "non raggiungibile" in str(error.value)


def test_a_bad_gateway_url_is_a_settings_problem():
    settings = GatewaySettings(url="ftp://example.invalid/rest/api", key="k", secret="s")
    with make_gateway(settings) as gateway:
        with pytest.raises(AccountGatewayError) as error:
            gateway.credit()
    assert error.value.code == "BAD_URL"


def test_the_sandbox_does_not_deduplicate_a_transaction_id(sandbox):
    server = sandbox()
    with gateway_for(server) as gateway:
        submit(gateway, "tx-twice")
        submit(gateway, "tx-twice")
        assert len(gateway.find_transaction("tx-twice")) == 2
    assert server.state.count_by_transaction() == {"tx-twice": 2}


# --- reading --------------------------------------------------------------------------------


def test_delivery_and_non_delivery(sandbox):
    server = sandbox(deliver_after_ms=100, undeliverable_suffix="99")
    with gateway_for(server) as gateway:
        good = submit(gateway, "a", to="+393491234567").provider_id
        bad = submit(gateway, "b", to="+393491234599").provider_id
        assert {s.status for s in gateway.statuses([good, bad])} == {SENT}
        time.sleep(0.2)
        statuses = {s.provider_id: s for s in gateway.statuses([good, bad])}
    assert statuses[good].status == DELIVERED and statuses[good].delivered_at
    assert statuses[bad].status == UNDELIVERED
    assert statuses[bad].detail == "SMS non consegnato al destinatario"


@pytest.mark.parametrize("per_part", [False, True], ids=["one-record", "record-per-part"])
def test_a_multipart_sms_is_delivered_only_when_every_part_is(sandbox, per_part):
    server = sandbox(deliver_after_ms=60_000, per_part_records=per_part)
    with gateway_for(server) as gateway:
        sms_id = submit(gateway, text=LONG_TEXT).provider_id
        server.state.force_status(int(sms_id), "DELIVERED", part=1)
        server.state.force_status(int(sms_id), "DELIVERED", part=2)
        [partly] = gateway.statuses([sms_id])
        server.state.force_status(int(sms_id), "DELIVERED", part=3)
        [whole] = gateway.statuses([sms_id])
        server.state.force_status(int(sms_id), "NOTDELIVERED", part=2)
        [broken] = gateway.statuses([sms_id])
    assert server.state.records()[0]["parts"] == 3
    assert (partly.status, whole.status, broken.status) == (SENT, DELIVERED, UNDELIVERED)


def test_parts_reported_separately_are_combined():
    def part(n, status):
        return StatusRecord("7", "tx", MOBILE, status, parts=3, part=n)

    assert combine_parts([part(1, DELIVERED), part(2, DELIVERED)])[0].status == SENT  # part 3 unreported
    assert combine_parts([part(1, DELIVERED), part(2, DELIVERED), part(3, DELIVERED)])[0].status == DELIVERED
    assert combine_parts([part(1, DELIVERED), part(2, FAILED), part(3, DELIVERED)])[0].status == FAILED


def test_search_by_every_filter_and_by_pages(sandbox):
    server = sandbox()
    with gateway_for(server) as gateway:
        ids = [submit(gateway, f"tx-{i}", to=f"+39340000{i:04d}").provider_id for i in range(25)]
        first = gateway.search(SearchQuery(ids=ids), offset=0, limit=10)
        third = gateway.search(SearchQuery(ids=ids), offset=20, limit=10)
        by_number = gateway.search(SearchQuery(msisdn="+393400000007"))
        by_status = gateway.search(SearchQuery(status="SENT"), limit=5000)
        since = datetime.now() - timedelta(minutes=1)
        by_dates = gateway.search(SearchQuery(from_date=since, to_date=datetime.now() + timedelta(minutes=1)))
        none_yet = gateway.search(SearchQuery(from_date=datetime.now() + timedelta(hours=1)))
        with pytest.raises(PermanentGatewayError):
            gateway.search(SearchQuery())
    assert (first.total, len(first.records), len(third.records)) == (25, 10, 5)
    assert [r.provider_id for r in first.records] == ids[:10]
    assert [r.transaction_id for r in by_number.records] == ["tx-7"]
    assert by_status.total == 25 and by_status.limit == 1000
    assert by_dates.total == 25 and none_yet.total == 0


def test_estimate_cancel_and_credit(sandbox):
    server = sandbox(credits=100)
    later = (datetime.now() + timedelta(hours=2)).astimezone().strftime("%Y-%m-%dT%H:%M:%S%z")
    with gateway_for(server) as gateway:
        estimate = gateway.estimate([MOBILE, "+393331112222"], LONG_TEXT)
        # a scheduled SMS (the API's "date") can be cancelled; its credit comes back
        # (the sender never schedules: the raw request carries the API's "date")
        scheduled = gateway._request("POST", "/sms/send", submit=True, form={
            "to": "393491234567", "text": "Domani", "transactionId": "tx-later", "date": later,
        })["sms"][0]["id"]
        assert gateway.credit().sms_left == 99
        assert gateway.cancel(transaction_id="tx-later") == 1
        assert gateway.cancel(provider_id=str(scheduled)) == 0
        credit = gateway.credit()
        [status] = gateway.find_transaction("tx-later")
    assert estimate.sms_count == 6 and estimate.cost > 0
    assert credit.sms_left == 100 and credit.amount == pytest.approx(4.5)
    assert status.status == "cancelled"


def test_cancel_reads_the_array_of_the_cancelled_sms(sandbox):
    """The provider answers ``POST /sms/cancel`` with the SMS it cancelled, as an array."""
    server = sandbox()
    later = (datetime.now() + timedelta(hours=2)).astimezone().strftime("%Y-%m-%dT%H:%M:%S%z")
    with gateway_for(server) as gateway:
        for to in ("393491234567", "393331112222"):
            gateway._request("POST", "/sms/send", submit=True, form={
                "to": to, "text": "Domani", "transactionId": "tx-two", "date": later})
        raw = gateway._request("POST", "/sms/cancel", form={"transactionId": "tx-two"})
        assert isinstance(raw, list) and {sms["to"] for sms in raw} == {"393491234567", "393331112222"}
        gateway._request("POST", "/sms/send", submit=True, form={
            "to": "393491234567", "text": "Domani", "transactionId": "tx-three", "date": later})
        assert gateway.cancel(transaction_id="tx-three") == 1


def test_the_duplicate_error_is_spelled_as_the_provider_spells_it():
    from pegaso_tui.gateways.smshosting import reason

    assert reason("DUPLICATE_SMS") == "SMS duplicato rifiutato dal gateway"


def test_an_unregistered_alias_is_replaced_by_a_number_not_refused(sandbox):
    server = sandbox(aliases=("FUTURA",))
    with gateway_for(server) as gateway:
        registered = gateway.aliases()
        kept = submit(gateway, "tx-ok", sender="FUTURA")
        replaced = submit(gateway, "tx-other", sender="ALTRO")
    assert registered == ["FUTURA"]
    assert kept.accepted and replaced.accepted
    first, second = server.state.records()
    assert first["from"] == "FUTURA"
    assert second["from"].isdigit() and second["from"] != "ALTRO"


def test_kind_picks_the_adapter(sandbox):
    from pegaso_tui.gateways.kannel import KannelGateway
    from pegaso_tui.gateways.smshosting import SandboxGateway, SmsHostingGateway

    server = sandbox()
    settings = server.gateway_settings()
    assert type(make_gateway(settings)) is SandboxGateway
    assert type(make_gateway(replace(settings, kind="smshosting"))) is SmsHostingGateway
    assert type(make_gateway(replace(settings, kind="kannel"))) is KannelGateway
    with pytest.raises(AccountGatewayError):
        make_gateway(replace(settings, kind="twilio"))
    # a sandbox setting never reaches the real provider
    with pytest.raises(AccountGatewayError):
        make_gateway(GatewaySettings(kind="sandbox", key="k", secret="s"))


def test_the_sandbox_command_registers_the_aliases_given():
    import subprocess
    import sys

    import httpx

    process = subprocess.Popen(
        [sys.executable, "-m", "pegaso_tui", "sandbox", "--alias", "FUTURA", "--alias", "VIAGGI"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        url = process.stdout.readline().split()[-1]
        user = httpx.get(f"{url}/user", auth=("sandbox", "sandbox"), timeout=5).json()
    finally:
        process.terminate()
        process.wait(10)
    assert user["senderAlias"] == ["FUTURA", "VIAGGI"]


# --- the wire (gateways.wire): http.client below httpx, and proxies still honoured ----------


def test_a_proxy_named_by_the_environment_carries_the_requests(sandbox, monkeypatch):
    """HTTP_PROXY is honoured as httpx honours it: the gateway's host does not even resolve,
    the proxy (here the sandbox, which reads an absolute target) takes the request."""
    server = sandbox()
    origin = server.url.split("/rest/api")[0]
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", origin)
    settings = replace(server.gateway_settings(), url="http://sms-gateway.invalid/rest/api")
    gateway = make_gateway(settings)
    try:
        result = gateway.send(Submission("via-proxy-1", "+393401234567", "Prova", "AGENZIA"))
    finally:
        gateway.close()
    assert result.accepted
    assert server.state.count_by_transaction().get("via-proxy-1") == 1


def test_the_wire_is_used_unless_a_proxy_applies(monkeypatch):
    from pegaso_tui.gateways import wire

    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy",
                 "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    assert wire.wanted("https://api.smshosting.it/rest/api")
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.agenzia.lan:3128")
    assert not wire.wanted("https://api.smshosting.it/rest/api")
    assert wire.wanted("http://127.0.0.1:13013")  # only https goes through that proxy
    monkeypatch.setenv("NO_PROXY", "api.smshosting.it")
    assert wire.wanted("https://api.smshosting.it/rest/api")


def test_a_gateway_address_that_is_no_url_is_said_at_the_request(sandbox):
    for url in ("ftp://127.0.0.1/rest/api", "http://", "not a url at all"):
        gateway = make_gateway(GatewaySettings(kind="sandbox", url=url, key="k", secret="s"))
        try:
            with pytest.raises(AccountGatewayError) as caught:
                gateway.send(Submission("bad-url-1", "+393401234567", "Prova"))
        finally:
            gateway.close()
        assert caught.value.code == "BAD_URL", url


def test_the_wire_never_shows_the_credentials():
    from pegaso_tui.gateways.wire import Wire

    shown = repr(Wire("https://api.smshosting.it/rest/api", {"Authorization": "Basic c2VncmV0bw=="},
                      httpx.Timeout(5.0)))
    assert "c2VncmV0bw" not in shown


def test_a_connection_the_gateway_closed_while_idle_is_not_reused():
    """A gateway (or a proxy) may close a keep-alive connection between two SMS without
    saying so: the next SMS goes on a new connection, it does not fail as "interrotta"."""
    import http.server
    import json
    import threading

    from pegaso_tui.gateways.wire import Wire

    connections: list[int] = []

    class OneAnswerPerConnection(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self):
            super().setup()
            connections.append(1)

        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            body = json.dumps({"ok": True}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()  # no "Connection: close": the client believes it may reuse it
            self.wfile.write(body)
            self.close_connection = True

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), OneAnswerPerConnection)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    wire = Wire(f"http://127.0.0.1:{server.server_address[1]}/rest/api", {}, httpx.Timeout(2.0))
    try:
        for _ in range(3):
            time.sleep(0.05)  # the server's close reaches us
            answer = wire.request("POST", "/sms/send", form={"to": "393401234567"})
            assert answer.status_code == 200 and json.loads(answer.content) == {"ok": True}
    finally:
        wire.close()
        server.shutdown()
        server.server_close()
    assert len(connections) == 3


def test_the_wire_waits_for_a_free_connection_then_says_pool(sandbox):
    """With every connection busy a request waits for one, up to the pool timeout; with no
    pool timeout it waits as long as it takes (httpx's meaning of None)."""
    import threading

    from pegaso_tui.gateways.wire import Wire

    server = sandbox(latency_ms=300)
    started = threading.Event()

    def busy(wire):
        started.set()
        wire.request("GET", "/user")

    for pool_s, expected in ((0.05, httpx.PoolTimeout), (None, None)):
        wire = Wire(server.url, {"Authorization": "Basic c2FuZGJveDpzYW5kYm94"},
                    httpx.Timeout(5.0, pool=pool_s), max_connections=1)
        started.clear()
        first = threading.Thread(target=busy, args=(wire,))
        first.start()
        started.wait()
        time.sleep(0.05)
        try:
            if expected is None:
                assert wire.request("GET", "/user").status_code == 200
            else:
                with pytest.raises(expected):
                    wire.request("GET", "/user")
        finally:
            first.join()
            wire.close()


def test_a_password_in_the_gateway_url_never_reaches_a_message_a_repr_or_config_show():
    """``https://user:password@host/...`` is a way to give credentials: the password is
    replaced wherever the URL is shown (secrets never reach a repr, a log or a screen)."""
    settings = GatewaySettings(kind="sandbox", url="http://agenzia:parola-segreta@127.0.0.1:9/rest/api",
                               key="k", secret="s", timeout_s=1.0)
    gateway = make_gateway(settings)
    try:
        with pytest.raises(UnreachableGatewayError) as caught:
            gateway.send(Submission("pw-1", "+393401234567", "Prova"))
    finally:
        gateway.close()
    assert "parola-segreta" not in str(caught.value) and "agenzia:***@" in str(caught.value)
    assert "parola-segreta" not in repr(settings)
    assert settings.redacted()["url"] == "http://agenzia:***@127.0.0.1:9/rest/api"
    kannel = GatewaySettings(kind="kannel", url="http://u:parola-segreta@127.0.0.1:9/cgi-bin/other",
                             key="k", secret="s")
    with pytest.raises(AccountGatewayError) as caught:
        make_gateway(kannel).send(Submission("pw-2", "+393401234567", "Prova"))
    assert "parola-segreta" not in str(caught.value)
