"""Mask 20, Configurazione, driven by the pilot: the agency's name typed there fills
{agenzia} in the next SMS; bad values are refused next to their field and the file is left
alone; "Verifica connessione" asks the real sandbox over loopback."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from textual.widgets import Input, Static

from pegaso_tui.config import load_settings
from pegaso_tui.db.models import Message
from pegaso_tui.screens.config.settings_mask import ConfigScreen
from pegaso_tui.screens.sms.preview import SendPreviewScreen
from pegaso_tui.widgets.confirm import ConfirmDialog
from pegaso_tui.widgets.form_field import FormField
from tests.apputil import make_app, wait_for_workers, wait_until
from tests.test_sms_masks import send_and_follow, type_text


def config_file() -> Path:
    return Path(os.environ["PEGASO_CONFIG"])


async def open_config(pilot) -> ConfigScreen:
    await pilot.press("2", "0")
    assert await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfigScreen))
    await wait_for_workers(pilot)
    return pilot.app.screen


async def fill(pilot, field_id: str, text: str) -> None:
    widget = pilot.app.screen.query_one(f"#{field_id}", Input)
    widget.value = ""
    widget.focus()
    await pilot.press(*text)


def status(screen) -> str:
    return str(screen.query_one("#config-status", Static).render())


async def test_the_agency_name_set_in_the_mask_fills_agenzia_in_the_next_sms(db, db_url, sandbox):
    app = make_app(db_url, sandbox=sandbox(deliver_after_ms=30), sender="FUTURA")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_config(pilot)
        await fill(pilot, "cfg-agency", "Futura Viaggi")
        await pilot.press("f10")
        assert await wait_until(pilot, lambda: "salvate" in status(screen))
        assert load_settings().agency == "Futura Viaggi"
        assert stat.S_IMODE(config_file().stat().st_mode) == 0o600
        # only what was changed is written: the sandbox's address stays out of the file
        assert "url" not in config_file().read_text()
        await pilot.press("escape")
        await pilot.press("4")
        await wait_for_workers(pilot)
        await pilot.press("down", "down", "space")  # Altro
        single = app.screen
        single.query_one("#other-name", Input).focus()
        await pilot.press(*"Mario", "tab")
        single.query_one("#mobile", Input).focus()
        await pilot.press(*"3331234567", "tab")
        await type_text(pilot, "Saluti da {agenzia}")
        await send_and_follow(pilot, expected=1)
    [message] = Message.select()
    assert message.text == "Saluti da Futura Viaggi"


async def test_a_bad_value_is_refused_next_to_its_field_and_nothing_is_written(db, db_url):
    before = config_file().read_bytes() if config_file().exists() else None
    app = make_app(db_url)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_config(pilot)
        await fill(pilot, "cfg-agency", "Futura Viaggi")
        await fill(pilot, "cfg-max-parts", "11")
        await fill(pilot, "cfg-sending-quiet-hours", "20:00-09:00")
        await pilot.press("f10")
        await pilot.pause()
        assert "da 1 a 10" in screen.query_one("#field-cfg-max-parts", FormField).error
        assert "prima di cominciare" in screen.query_one("#field-cfg-sending-quiet-hours", FormField).error
        assert screen.query_one("#field-cfg-agency", FormField).error is None
        assert (config_file().read_bytes() if config_file().exists() else None) == before
        # Esc with the changes unsaved asks first
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))


async def test_the_secret_is_never_shown_and_a_typed_one_replaces_it(db, db_url, sandbox):
    server = sandbox(key="SANDBOX-KEY", secret="SANDBOX-SECRET")
    app = make_app(db_url, sandbox=server)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_config(pilot)
        secret = screen.query_one("#cfg-gateway-secret", Input)
        assert secret.value == "" and "••••" in secret.placeholder
        assert "SANDBOX-SECRET" not in app.export_screenshot()
        await fill(pilot, "cfg-gateway-secret", "nuovo-segreto")
        await pilot.press("f10")
        assert await wait_until(pilot, lambda: "salvate" in status(screen))
        assert load_settings().gateway.secret == "nuovo-segreto"
        assert app.services.settings.gateway.secret == "nuovo-segreto"
        assert secret.value == ""


async def test_verifica_connessione_names_the_credit_and_warns_of_an_unregistered_alias(db, db_url, sandbox):
    app = make_app(db_url, sandbox=sandbox(credits=250, aliases=("FUTURA",)), sender="FUTURAVGG")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_config(pilot)
        await pilot.press("f5")
        assert await wait_until(pilot, lambda: "Connessione" in status(screen) or "sostituito" in status(screen))
        line = status(screen)
        assert "250 SMS disponibili" in line
        assert "'FUTURAVGG' non è un alias registrato" in line and "sarà sostituito da un numero" in line
        assert "FUTURA" in str(screen.query_one("#cfg-aliases", Static).render())
        # a wrong secret typed (not saved) is what is checked, and said in one line
        await fill(pilot, "cfg-gateway-secret", "sbagliato")
        await pilot.press("f5")
        assert await wait_until(pilot, lambda: "credenziali" in status(screen))
        assert "\n" not in status(screen).strip()


async def test_verifica_says_when_the_gateway_cannot_be_reached(db, db_url):
    from pegaso_tui.config import GatewaySettings

    gateway = GatewaySettings(url="http://127.0.0.1:9/rest/api", key="k", secret="s", timeout_s=2)
    app = make_app(db_url, gateway=gateway)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_config(pilot)
        await pilot.press("f5")
        assert await wait_until(pilot, lambda: "non raggiungibile" in status(screen))


async def test_the_preview_warns_before_sending_from_an_unregistered_alias(db, db_url, sandbox):
    app = make_app(db_url, sandbox=sandbox(aliases=("FUTURA",)), sender="AGENZIA")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        await wait_for_workers(pilot)
        await pilot.press("down", "down", "space")
        single = app.screen
        single.query_one("#other-name", Input).focus()
        await pilot.press(*"Mario", "tab")
        single.query_one("#mobile", Input).focus()
        await pilot.press(*"3331234567", "tab")
        await type_text(pilot, "Ciao")
        await pilot.press("f10")
        assert await wait_until(pilot, lambda: isinstance(app.screen, SendPreviewScreen))
        preview = app.screen
        assert await wait_until(pilot, lambda: preview.alias_warning is not None)
        assert "sarà sostituito da un numero" in str(preview.query_one("#preview-alias", Static).render())
        await pilot.press("f10")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert "sostituito da un numero" in app.screen.message


async def test_a_gateway_changed_in_the_mask_is_used_by_the_running_sender(db, db_url, sandbox):
    from dataclasses import replace

    from pegaso_tui.db.campaigns import plan_single, queue_campaign

    old, new = sandbox(), sandbox(key="NEWKEY", secret="NEWSECRET")
    app = make_app(db_url, gateway=replace(old.gateway_settings(timeout_s=2)))
    app.services.run_sender = True  # as pegaso-tui runs it: the app makes its own sender
    async with app.run_test(size=(120, 40)) as pilot:
        assert await wait_until(pilot, lambda: app.services.outbox is not None)
        screen = await open_config(pilot)
        await fill(pilot, "cfg-gateway-url", new.url)
        await fill(pilot, "cfg-gateway-key", "NEWKEY")
        await fill(pilot, "cfg-gateway-secret", "NEWSECRET")
        await pilot.press("f10")
        assert await wait_until(pilot, lambda: "salvate" in status(screen))
        queue_campaign(plan_single("Dal nuovo gateway", number="3331234567"), sender="FUTURA")
        assert await wait_until(pilot, lambda: new.state.accepted == 1, timeout=15)
        assert old.state.accepted == 0


async def test_kannel_names_its_credentials_and_the_kind_is_saved(db, db_url):
    from textual.widgets import Label, Select

    app = make_app(db_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_config(pilot)
        label = screen.query_one("#field-cfg-gateway-key").query_one(".form-label", Label)
        assert "AUTH_KEY" in str(label.render())
        screen.query_one("#cfg-gateway-kind", Select).value = "kannel"
        await pilot.pause()
        assert "Utente sendsms" in str(label.render())
        await pilot.press("f10")
        assert await wait_until(pilot, lambda: "salvate" in status(screen))
        assert load_settings().gateway.kind == "kannel"
