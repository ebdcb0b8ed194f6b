"""The app never dies of an unexpected error in a screen, and never prints a secret.

An error in a handler, an action or a worker is written to ``errori.log`` in the data folder
(mode 0600, the traceback without local variables) and shown in a dialog in one line; the
operator carries on. When the app cannot carry on, it ends with one line — never Textual's
traceback, which prints every frame's local variables (the settings, the database URL).
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from textual.widgets import Input

from pegaso_tui.config import GatewaySettings, Settings
from pegaso_tui.crash import crash_log_path, one_line, redact, secrets_of
from pegaso_tui.screens.registry.preferences import PreferencesScreen
from pegaso_tui.services import AppServices
from pegaso_tui.widgets.error_dialog import ErrorDialog
from tests.apputil import make_app, settle, wait_until

KEY = "KEY-k3y-4lpha"
SECRET = "SEC-s3cr3t-b3ta"
PASSWORD = "Pa55w0rdXYZ"
LOCAL_VALUE = "VALORE-LOCALE-42"


def _log_text() -> str:
    return crash_log_path().read_text(encoding="utf-8")


async def _open_preferences(pilot) -> None:
    await pilot.press("9")
    await settle(pilot)
    assert isinstance(pilot.app.screen, PreferencesScreen)


async def _carries_on(pilot) -> None:
    """The dialog said one line; Esc closes it; the mask still answers the keyboard."""
    app = pilot.app
    assert await wait_until(pilot, lambda: isinstance(app.screen, ErrorDialog))
    dialog = app.screen
    first, second = dialog.message.splitlines()
    assert first == "RuntimeError: guasto di prova"
    assert second.startswith(f"Dettagli in {crash_log_path()}")
    assert app.is_running and app.return_code is None
    await pilot.press("escape")
    assert await wait_until(pilot, lambda: isinstance(app.screen, PreferencesScreen))
    app.screen.query_one("#search", Input).focus()
    await pilot.press(*"mare")
    await settle(pilot)
    assert app.screen.query_one("#search", Input).value.endswith("mare")
    # the log: the traceback, without the locals, readable only by the user
    text = _log_text()
    assert "Traceback" in text and "RuntimeError: guasto di prova" in text
    assert LOCAL_VALUE not in text
    assert stat.S_IMODE(crash_log_path().stat().st_mode) == 0o600
    app._exception = None  # seen and checked: run_test re-raises it otherwise


async def test_an_error_in_a_screens_message_handler_is_a_dialog_and_the_app_goes_on(db_url, monkeypatch):
    calls = []

    def broken(self, event):
        local = LOCAL_VALUE  # noqa: F841 - Textual would have printed it
        calls.append(event)
        if len(calls) == 1:  # once: then the mask must answer again
            raise RuntimeError("guasto di prova")

    monkeypatch.setattr(PreferencesScreen, "on_input_changed", broken, raising=False)
    app = make_app(db_url)
    async with app.run_test(size=(100, 30)) as pilot:
        await _open_preferences(pilot)
        app.screen.query_one("#search", Input).focus()
        await pilot.press("x")
        await _carries_on(pilot)


async def test_an_error_in_an_action_is_a_dialog_and_the_app_goes_on(db_url, monkeypatch):
    def broken(self):
        local = LOCAL_VALUE  # noqa: F841
        raise RuntimeError("guasto di prova")

    monkeypatch.setattr(PreferencesScreen, "action_new", broken)
    app = make_app(db_url)
    async with app.run_test(size=(100, 30)) as pilot:
        await _open_preferences(pilot)
        await pilot.press("f3")
        await _carries_on(pilot)


async def test_an_error_in_a_worker_is_a_dialog_and_the_app_goes_on(db_url):
    def broken():
        local = LOCAL_VALUE  # noqa: F841
        raise RuntimeError("guasto di prova")

    app = make_app(db_url)
    async with app.run_test(size=(100, 30)) as pilot:
        await _open_preferences(pilot)
        app.screen.run_worker(broken, thread=True)  # exit_on_error, as Textual's default
        await _carries_on(pilot)


def test_secrets_are_in_no_repr():
    settings = Settings(database=f"postgresql://mario:{PASSWORD}@db/pegaso",
                        gateway=GatewaySettings(key=KEY, secret=SECRET))
    services = AppServices(settings=settings, database_url=settings.database, operator_username="mario")
    for shown in (repr(settings), repr(settings.gateway), repr(services), str(settings)):
        for secret in (KEY, SECRET, PASSWORD):
            assert secret not in shown


def test_the_log_and_the_line_replace_every_secret():
    settings = Settings(database=f"postgresql://mario:{PASSWORD}@db:99999/pegaso",
                        gateway=GatewaySettings(key=KEY, secret=SECRET))
    secrets = secrets_of(settings)
    assert set(secrets) == {KEY, SECRET, PASSWORD}
    error = RuntimeError(f"login {KEY}:{SECRET} on {settings.database}")
    assert redact(str(error), secrets) == "login ••••:•••• on postgresql://mario:••••@db:99999/pegaso"
    assert PASSWORD not in one_line(error, secrets)


CRASH_SCRIPT = textwrap.dedent(
    """
    import sys, threading
    from pegaso_tui.app import PegasoApp
    from pegaso_tui.config import GatewaySettings, Settings
    from pegaso_tui.db.connection import open_database
    from pegaso_tui.screens.home import HomeScreen
    from pegaso_tui.services import AppServices

    mode, db_url, pg_url = sys.argv[1:4]
    settings = Settings(database=pg_url, gateway=GatewaySettings(
        url="http://127.0.0.1:9/rest/api", key="%(key)s", secret="%(secret)s"))

    def broken(self, *args):
        settings = self.app.services.settings  # a local holding every secret
        url = self.app.services.database_url
        raise RuntimeError("guasto di prova su " + url)

    if mode == "start":  # the app cannot even show its first screen
        PegasoApp.get_default_screen = broken
    else:  # a handler fails, the operator goes on, then quits
        HomeScreen.action_digit = broken
    open_database(db_url)
    app = PegasoApp(AppServices(settings=settings, database_url=pg_url, operator_username="mario"))

    async def pilot(pilot):
        if mode == "start":
            return  # the app ends by itself
        await pilot.pause(0.3)
        await pilot.press("5")
        await pilot.pause(0.5)
        print("dialogo:", type(app.screen).__name__, flush=True)
        await pilot.press("escape")
        await pilot.pause(0.2)
        app.exit()

    app.run(headless=True, auto_pilot=pilot, size=(100, 30))
    print("uscita:", app.return_code, flush=True)
    """
) % {"key": KEY, "secret": SECRET}


@pytest.mark.parametrize("mode", ["handler", "start"])
def test_a_crash_with_secrets_configured_prints_no_secret(tmp_path, db_url, mode):
    pg_url = f"postgresql://mario:{PASSWORD}@127.0.0.1:5432/pegaso"
    script = tmp_path / "crash.py"
    script.write_text(CRASH_SCRIPT)
    result = subprocess.run(
        [sys.executable, str(script), mode, db_url, pg_url], capture_output=True, timeout=60,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )
    printed = (result.stdout + result.stderr).decode("utf-8", "replace")
    for secret in (KEY, SECRET, PASSWORD):
        assert secret not in printed, printed
        assert secret not in _log_text()
    assert "Traceback" not in printed and "locals" not in printed, printed
    if mode == "handler":
        assert "dialogo: ErrorDialog" in printed and "uscita: 0" in printed, printed
    else:
        assert "uscita: 1" in printed, printed
        [line] = [x for x in printed.splitlines() if "errore imprevisto" in x]
        assert "RuntimeError: guasto di prova su postgresql://mario:••••@127.0.0.1:5432/pegaso" in line
        assert f"dettagli in {crash_log_path()}" in line


def test_an_unexpected_error_of_a_command_is_one_line_and_the_log(db_url, monkeypatch, capsys):
    from pegaso_tui.cli import main
    from pegaso_tui.db import selections

    def broken(filters):
        settings = {"secret": SECRET}  # noqa: F841 - a local that must not be printed
        raise RuntimeError(f"guasto con {SECRET}")

    monkeypatch.setenv("PEGASO_GATEWAY_SECRET", SECRET)
    monkeypatch.setattr(selections, "promo_recipients", broken)
    assert main(["select", "promo", "--db", db_url]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (f"pegaso-tui: errore imprevisto: RuntimeError: guasto con •••• "
                            f"(dettagli in {crash_log_path()})\n")
    text = _log_text()
    assert "Traceback" in text and "guasto con ••••" in text and SECRET not in text
    assert stat.S_IMODE(crash_log_path().stat().st_mode) == 0o600
