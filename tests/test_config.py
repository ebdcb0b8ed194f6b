"""Settings: where they live, what overrides what, and that secrets stay private."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from pegaso_tui.config import (
    GatewaySettings,
    Settings,
    SettingsError,
    config_path,
    load_settings,
    save_settings,
)


def test_settings_file_is_written_with_mode_0600_and_read_back(tmp_path):
    path = tmp_path / "cfg" / "config.toml"
    settings = Settings(sender="FUTURA", gateway=GatewaySettings(key="K", secret="S3CRET"))
    save_settings(settings, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_settings(path, env={}) == settings


def test_environment_overrides_the_file(tmp_path):
    path = tmp_path / "config.toml"
    save_settings(Settings(database="/from/file.db", sender="FILE"), path)
    env = {
        "PEGASO_DB": "/from/env.db",
        "PEGASO_SENDER": "ENV",
        "PEGASO_GATEWAY_URL": "http://127.0.0.1:9/",
        "PEGASO_GATEWAY_KEY": "key",
        "PEGASO_GATEWAY_SECRET": "secret",
    }
    settings = load_settings(path, env=env)
    assert settings.database == "/from/env.db"
    assert settings.sender == "ENV"
    assert (settings.gateway.url, settings.gateway.key, settings.gateway.secret) == (
        "http://127.0.0.1:9/", "key", "secret",
    )


def test_the_default_database_lives_in_the_user_data_folder(tmp_path):
    settings = load_settings(env={})  # no file in the default place: the defaults
    data_home = Path(os.environ["XDG_DATA_HOME"])  # set by the isolation fixture
    assert Path(settings.database_url()) == data_home / "pegaso-tui" / "pegaso.db"


def test_config_path_follows_pegaso_config():
    assert str(config_path({"PEGASO_CONFIG": "/x/y.toml"})) == "/x/y.toml"


def test_a_wrong_value_in_the_file_is_a_clear_error(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('max_parts = "tre"\n')
    with pytest.raises(SettingsError, match="max_parts"):
        load_settings(path, env={})
    path.write_text("this is not toml = = \n")
    with pytest.raises(SettingsError, match="impossibile leggere"):
        load_settings(path, env={})


def test_the_secret_is_hidden_when_printed():
    assert GatewaySettings(secret="S3CRET").redacted()["secret"] == "••••"
