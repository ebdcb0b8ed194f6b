"""Reading and changing single settings of the config file: ``pegaso-tui config`` and the
Configurazione mask (20) both go through here, so a value is checked and written the same way
wherever it is typed.

Keys are dotted (``gateway.key``, ``sending.quiet_hours``; ``config.KEYS`` lists them). A
change is made on the file's own data, not on the settings in use: a value that comes from the
environment (``PEGASO_GATEWAY_KEY``) or from ``--db`` is never written into the file. Every
value is checked, and the whole file read back as settings, before anything is written; then
the file is replaced atomically with mode 0600. Secrets are shown as ``••••``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping

from pegaso_tui.config import (
    BY_KEY,
    KEYS,
    SECRET_MASK,
    SettingKey,
    Settings,
    SettingsError,
    _from_mapping,
    config_path,
    read_config_data,
    write_config_data,
)


def setting_key(name: str) -> SettingKey:
    """The key called ``name``; SettingsError naming the known ones otherwise."""
    try:
        return BY_KEY[name.strip()]
    except KeyError:
        known = ", ".join(k.name for k in KEYS)
        raise SettingsError(f"impostazione sconosciuta {name!r} (disponibili: {known})") from None


def value_of(settings: Settings, name: str) -> Any:
    """The value of a dotted key in ``settings``."""
    node: Any = settings
    for part in setting_key(name).name.split("."):
        node = getattr(node, part)
    return node


def shown(spec: SettingKey, value: Any) -> str:
    """A value as it may be printed: a secret that is set is ``••••``."""
    if spec.secret:
        return SECRET_MASK if value else ""
    return str(value)


def overridden_by(spec: SettingKey, env: Mapping[str, str] | None = None) -> str | None:
    """The environment variable that overrides this key now, if any."""
    env = os.environ if env is None else env
    return spec.env if spec.env and env.get(spec.env) else None


def check_value(name: str, raw: Any) -> Any:
    """The value to store for ``name`` typed as ``raw``; SettingsError with one line if bad."""
    spec = setting_key(name)
    return spec.parse(raw, spec.name)


def check_values(changes: Mapping[str, Any]) -> dict[str, str]:
    """For a form: the error of each value that cannot be stored (empty: all good)."""
    errors: dict[str, str] = {}
    for name, raw in changes.items():
        try:
            check_value(name, raw)
        except SettingsError as exc:
            errors[name] = str(exc)
    return errors


def _put(data: dict[str, Any], dotted: str, value: Any) -> None:
    *sections, last = dotted.split(".")
    node = data
    for section in sections:
        child = node.get(section)
        if not isinstance(child, dict):
            child = {}
            node[section] = child
        node = child
    node[last] = value


def save_values(changes: Mapping[str, Any], path: Path | None = None) -> dict[str, Any]:
    """Check every change, apply them to the file's data and write it (0600, atomically).

    Returns the values stored, by key. Nothing is written when a value is bad, or when the
    file as changed would not load: the file stays as it was and SettingsError says why.
    """
    path = path or config_path()
    data = read_config_data(path)
    stored: dict[str, Any] = {}
    for name, raw in changes.items():
        spec = setting_key(name)
        stored[spec.name] = check_value(spec.name, raw)
        _put(data, spec.name, stored[spec.name])
    _from_mapping(data)  # the file as it will be must load, or nothing is written
    write_config_data(data, path)
    return stored


def with_values(settings: Settings, values: Mapping[str, Any],
                env: Mapping[str, str] | None = None) -> Settings:
    """``settings`` with ``values`` (stored values, by key) in force, except where an
    environment variable overrides the key: there the variable still wins, as at the next
    start."""
    from dataclasses import replace

    for name, value in values.items():
        spec = setting_key(name)
        if overridden_by(spec, env):
            continue
        section, _, field = spec.name.rpartition(".")
        if section:
            settings = replace(settings, **{section: replace(getattr(settings, section), **{field: value})})
        else:
            settings = replace(settings, **{field: value})
    return settings


def rows(settings: Settings, env: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """Every key with its value in force (secrets masked) and where an override comes from."""
    result = []
    for spec in KEYS:
        value = value_of(settings, spec.name)
        result.append({
            "key": spec.name,
            # a number stays a number (for --json); a secret is only said to be set
            "value": shown(spec, value) if spec.secret else value,
            "label": spec.label,
            "env": overridden_by(spec, env),
        })
    return result


__all__ = [
    "check_value", "check_values", "overridden_by", "rows", "save_values",
    "setting_key", "shown", "value_of", "with_values",
]
