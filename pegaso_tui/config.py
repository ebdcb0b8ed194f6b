"""Settings and paths.

Settings live in a TOML file in the user's config folder (platformdirs); the database lives
in the user's data folder. Both can be overridden, in this order of precedence:
command-line option > environment variable > config file > default.

The config file can hold the gateway's secret, so it is always written with mode 0600.
"""

from __future__ import annotations

import getpass
import os
import tomllib
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

APP_NAME = "pegaso-tui"

#: Environment variables of the public contract (CLI.md).
ENV_DB = "PEGASO_DB"
ENV_CONFIG = "PEGASO_CONFIG"
ENV_GATEWAY_URL = "PEGASO_GATEWAY_URL"
ENV_GATEWAY_KEY = "PEGASO_GATEWAY_KEY"
ENV_GATEWAY_SECRET = "PEGASO_GATEWAY_SECRET"
ENV_GATEWAY_KIND = "PEGASO_GATEWAY_KIND"
ENV_SENDER = "PEGASO_SENDER"
ENV_OPERATOR = "PEGASO_OPERATOR"

DEFAULT_GATEWAY_URL = "https://api.smshosting.it/rest/api"

#: ``[gateway] kind``: which adapter speaks to the gateway (``pegaso_tui.gateways.ADAPTERS``)
GATEWAY_KINDS = ("smshosting", "kannel", "sandbox")


class SettingsError(Exception):
    """The config file cannot be read or holds a value of the wrong kind."""


def config_path(env: Mapping[str, str] | None = None) -> Path:
    """Where the TOML settings live: ``$PEGASO_CONFIG`` or the user's config folder."""
    env = os.environ if env is None else env
    if env.get(ENV_CONFIG):
        return Path(env[ENV_CONFIG]).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP_NAME) / "config.toml"


def default_database_path() -> Path:
    """``pegaso.db`` in the user's data folder."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME) / "pegaso.db"


def default_operator() -> str:
    """The OS user: who did what, when nobody said otherwise."""
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers: still record something stable
        return "operatore"


@dataclass(frozen=True)
class GatewaySettings:
    """How to reach the SMS provider (seed 004, "Account SMS": AUTH_KEY and AUTH_SECRET).

    For Kannel, ``url`` is smsbox's ``sendsms`` URL and ``key``/``secret`` the
    ``sendsms-user``'s username and password."""

    #: smshosting, kannel or sandbox (GATEWAY_KINDS)
    kind: str = "smshosting"
    url: str = DEFAULT_GATEWAY_URL
    key: str = ""
    secret: str = field(default="", repr=False)
    timeout_s: float = 15.0
    #: Kannel: the loopback port where its delivery reports come back (0: any free port)
    dlr_port: int = 0
    #: Kannel: the sendsms-user's ``max-messages`` (Kannel's own default is 1); a longer
    #: text would be cut silently by Kannel, so it is refused before sending
    max_messages: int = 3

    def redacted(self) -> dict[str, Any]:
        """The settings with the secret hidden, for printing."""
        data = asdict(self)
        if data["secret"]:
            data["secret"] = "********"
        return data


@dataclass(frozen=True)
class SendingSettings:
    """When promotional SMS may go (issue 15, "Fasce orarie"): ``[sending]`` in the file.

    ``quiet_hours`` is the window in which marketing and auguri SMS are submitted
    (Europe/Rome), ``quiet_days`` its week days; an empty ``quiet_hours`` lifts the limit.
    Service SMS are never held.
    """

    quiet_hours: str = "09:00-20:00"
    quiet_days: str = "mon-sat"

    def window(self):
        """The parsed window (``sending.rules.SendingWindow``), or None for no limit."""
        from pegaso_tui.sending.rules import SendingWindow

        return SendingWindow.parse(self.quiet_hours, self.quiet_days)


@dataclass(frozen=True)
class Settings:
    """Everything the user can configure; see the README for each key."""

    database: str = ""
    operator: str = ""
    sender: str = ""
    #: the agency's name, the SMS placeholder {agenzia}
    agency: str = ""
    max_parts: int = 3
    gateway: GatewaySettings = field(default_factory=GatewaySettings)
    #: binding id -> comma separated keys (Textual keymap), e.g. {"confirm": "f10,ctrl+s"}
    keys: dict[str, str] = field(default_factory=dict)
    sending: SendingSettings = field(default_factory=SendingSettings)

    def database_url(self) -> str:
        """The database to open: the setting, or the default file in the data folder."""
        return self.database or str(default_database_path())

    def operator_name(self) -> str:
        """The current operator: the setting, or the OS user."""
        return self.operator or default_operator()


def _check(value: Any, kind: type, key: str) -> Any:
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise SettingsError(f"impostazione '{key}': atteso {kind.__name__}, trovato {value!r}")
    return value


def _from_mapping(data: Mapping[str, Any]) -> Settings:
    gw = data.get("gateway", {})
    if not isinstance(gw, Mapping):
        raise SettingsError("la sezione [gateway] deve essere una tabella")
    keys = data.get("keys", {})
    if not isinstance(keys, Mapping):
        raise SettingsError("la sezione [keys] deve essere una tabella")
    kind = _check(gw.get("kind", "smshosting"), str, "gateway.kind")
    if kind not in GATEWAY_KINDS:
        raise SettingsError(
            f"impostazione 'gateway.kind': '{kind}' non è tra {', '.join(GATEWAY_KINDS)}"
        )
    dlr_port = _check(gw.get("dlr_port", 0), int, "gateway.dlr_port")
    if not 0 <= dlr_port <= 65535:
        raise SettingsError("impostazione 'gateway.dlr_port': deve essere tra 0 e 65535")
    max_messages = _check(gw.get("max_messages", 3), int, "gateway.max_messages")
    if not 1 <= max_messages <= 255:
        raise SettingsError("impostazione 'gateway.max_messages': deve essere tra 1 e 255")
    gateway = GatewaySettings(
        kind=kind,
        dlr_port=dlr_port,
        max_messages=max_messages,
        url=_check(gw.get("url", DEFAULT_GATEWAY_URL), str, "gateway.url"),
        key=_check(gw.get("key", ""), str, "gateway.key"),
        secret=_check(gw.get("secret", ""), str, "gateway.secret"),
        timeout_s=_check(gw.get("timeout_s", 15.0), float, "gateway.timeout_s"),
    )
    sending_data = data.get("sending", {})
    if not isinstance(sending_data, Mapping):
        raise SettingsError("la sezione [sending] deve essere una tabella")
    sending = SendingSettings(
        quiet_hours=_check(sending_data.get("quiet_hours", "09:00-20:00"), str, "sending.quiet_hours"),
        quiet_days=_check(sending_data.get("quiet_days", "mon-sat"), str, "sending.quiet_days"),
    )
    from pegaso_tui.sending.rules import RuleSettingsError

    try:
        sending.window()
    except RuleSettingsError as exc:
        raise SettingsError(f"impostazioni [sending]: {exc}") from None
    max_parts = _check(data.get("max_parts", 3), int, "max_parts")
    if not 1 <= max_parts <= 10:
        raise SettingsError("impostazione 'max_parts': deve essere tra 1 e 10")
    return Settings(
        database=_check(data.get("database", ""), str, "database"),
        operator=_check(data.get("operator", ""), str, "operator"),
        sender=_check(data.get("sender", ""), str, "sender"),
        agency=_check(data.get("agency", ""), str, "agency"),
        max_parts=max_parts,
        gateway=gateway,
        keys={str(k): _check(v, str, f"keys.{k}") for k, v in keys.items()},
        sending=sending,
    )


def load_settings(
    path: Path | None = None, env: Mapping[str, str] | None = None
) -> Settings:
    """Read the config file (if any) and apply the environment overrides of CLI.md."""
    env = os.environ if env is None else env
    path = path or config_path(env)
    data: dict[str, Any] = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingsError(f"impossibile leggere {path}: {exc}") from exc
    settings = _from_mapping(data)
    return apply_env(settings, env)


def apply_env(settings: Settings, env: Mapping[str, str]) -> Settings:
    """Environment variables override the file (but not command-line options)."""
    gateway = settings.gateway
    if env.get(ENV_GATEWAY_URL):
        gateway = replace(gateway, url=env[ENV_GATEWAY_URL])
    if env.get(ENV_GATEWAY_KEY):
        gateway = replace(gateway, key=env[ENV_GATEWAY_KEY])
    if env.get(ENV_GATEWAY_SECRET):
        gateway = replace(gateway, secret=env[ENV_GATEWAY_SECRET])
    if env.get(ENV_GATEWAY_KIND):
        if env[ENV_GATEWAY_KIND] not in GATEWAY_KINDS:
            raise SettingsError(
                f"{ENV_GATEWAY_KIND}: '{env[ENV_GATEWAY_KIND]}' non è tra {', '.join(GATEWAY_KINDS)}"
            )
        gateway = replace(gateway, kind=env[ENV_GATEWAY_KIND])
    settings = replace(settings, gateway=gateway)
    if env.get(ENV_DB):
        settings = replace(settings, database=env[ENV_DB])
    if env.get(ENV_SENDER):
        settings = replace(settings, sender=env[ENV_SENDER])
    if env.get(ENV_OPERATOR):
        settings = replace(settings, operator=env[ENV_OPERATOR])
    return settings


def settings_to_toml(settings: Settings) -> str:
    """The settings as TOML text (with the secret: only for writing the 0600 file)."""
    import tomli_w

    data = asdict(settings)
    if not data["keys"]:
        del data["keys"]
    return tomli_w.dumps(data)


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write the settings atomically with mode 0600: the file may hold the gateway secret."""
    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(settings_to_toml(settings))
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)  # the umask cannot widen it, but an existing tmp file could be
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
