"""Settings and paths.

Settings live in a TOML file in the user's config folder (platformdirs); the database lives
in the user's data folder. Both can be overridden, in this order of precedence:
command-line option > environment variable > config file > default.

The config file can hold the gateway's secret, so it is always written with mode 0600.
"""

from __future__ import annotations

import getpass
import math
import os
import re
import tempfile
import tomllib
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Mapping

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

#: The gateways ``gateway.kind`` may name (CLI.md): SMSHosting, Kannel's sendsms, the sandbox.
GATEWAY_KINDS = ("smshosting", "kannel", "sandbox")

#: How a secret is shown on screen and by ``config show``: whether it is set, never its value.
SECRET_MASK = "••••"

#: The longest SMS a setting may allow, in parts: past ten, a "SMS" is a letter, and the
#: counter's red mark is what catches a text pasted by mistake.
MAX_PARTS_LIMIT = 10

#: Days as ``sending.quiet_days`` names them (CLI.md: ``mon-sat``); Italian ones are read too.
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_ITALIAN_DAYS = {"lun": "mon", "mar": "tue", "mer": "wed", "gio": "thu", "ven": "fri",
                 "sab": "sat", "dom": "sun"}


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
    ``sendsms-user``'s username and password. The key and the secret never appear in a repr:
    a traceback or a log line that prints the settings must not print the credentials.
    """

    #: smshosting, kannel or sandbox (GATEWAY_KINDS)
    kind: str = "smshosting"
    url: str = DEFAULT_GATEWAY_URL
    # never in a repr: a traceback or a log line that shows the settings must not show them
    key: str = field(default="", repr=False)
    secret: str = field(default="", repr=False)
    timeout_s: float = 15.0
    #: Kannel: the loopback port where its delivery reports come back (0: any free port)
    dlr_port: int = 0
    #: Kannel: the sendsms-user's ``max-messages`` (Kannel's own default is 1); a longer
    #: text would be cut silently by Kannel, so it is refused before sending
    max_messages: int = 3

    def redacted(self) -> dict[str, Any]:
        """The settings with the key and the secret hidden, for printing."""
        from pegaso_tui.errors import without_password

        data = asdict(self)
        for name in ("key", "secret"):
            if data[name]:
                data[name] = SECRET_MASK
        data["url"] = without_password(data["url"])
        return data

    def __repr__(self) -> str:
        # a URL may carry credentials too (https://user:password@host/...): not in a traceback
        from pegaso_tui.errors import without_password

        return (f"GatewaySettings(kind={self.kind!r}, url={without_password(self.url)!r}, "
                f"timeout_s={self.timeout_s!r}, dlr_port={self.dlr_port!r}, "
                f"max_messages={self.max_messages!r})")


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

    #: a PostgreSQL URL may hold a password: never in a repr
    database: str = field(default="", repr=False)
    operator: str = ""
    sender: str = ""
    #: the agency's name, the SMS placeholder {agenzia}
    agency: str = ""
    max_parts: int = 3
    gateway: GatewaySettings = field(default_factory=GatewaySettings)
    sending: SendingSettings = field(default_factory=SendingSettings)
    #: binding id -> comma separated keys (Textual keymap), e.g. {"confirm": "f10,ctrl+s"}
    keys: dict[str, str] = field(default_factory=dict)
    sending: SendingSettings = field(default_factory=SendingSettings)

    def database_url(self) -> str:
        """The database to open: the setting, or the default file in the data folder."""
        return self.database or str(default_database_path())

    def uses_default_database(self) -> bool:
        """True when nobody named the database: only then may its folder be created."""
        return not self.database

    def operator_name(self) -> str:
        """The current operator: the setting, or the OS user."""
        return self.operator or default_operator()


def _check(value: Any, kind: type, key: str) -> Any:
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise SettingsError(f"impostazione '{key}': atteso {kind.__name__}, trovato {value!r}")
    return value


# --- Values, checked the same way when the file is read and when a value is set -------------
#
# Each parser takes what the TOML file holds (a str, an int...) or what a user typed (always a
# str: ``config set max_parts 3``, a field of the Configurazione mask) and returns the value to
# store, or raises SettingsError with one line that names the key and says what is expected.


def _as_text(value: Any, key: str) -> str:
    if not isinstance(value, str):
        raise SettingsError(f"impostazione '{key}': atteso un testo, trovato {value!r}")
    return value


def _as_int(value: Any, key: str, low: int, high: int, what: str) -> int:
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d{1,9}\s*", value):
        number = int(value)
    if number is None or not low <= number <= high:
        raise SettingsError(f"impostazione '{key}': {what} da {low} a {high}, non {value!r}")
    return number


def parse_plain(value: Any, key: str = "") -> str:
    """A free text setting (database, operator): surrounding spaces dropped."""
    return _as_text(value, key).strip()


def parse_operator(value: Any, key: str = "operator") -> str:
    """Who works at this terminal (empty: the OS user): one word of at most 64 characters,
    as the operators table keeps it."""
    text = _as_text(value, key).strip()
    if len(text) > 64 or any(c.isspace() or not c.isprintable() for c in text):
        raise SettingsError(f"impostazione '{key}': un nome utente senza spazi, al massimo 64 "
                            f"caratteri, non {text[:70]!r}")
    return text


def parse_max_parts(value: Any, key: str = "max_parts") -> int:
    """The longest SMS allowed, in parts: a whole number from 1 to MAX_PARTS_LIMIT."""
    return _as_int(value, key, 1, MAX_PARTS_LIMIT, "un numero intero di parti")


def parse_agency(value: Any, key: str = "agency") -> str:
    """The agency's name, the ``{agenzia}`` of the SMS: one line of at most 40 characters."""
    import unicodedata

    text = unicodedata.normalize("NFC", _as_text(value, key)).strip()
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in text):
        raise SettingsError(f"impostazione '{key}': il nome dell'agenzia va su una riga, "
                            "senza caratteri di controllo")
    if len(text) > 40:
        raise SettingsError(f"impostazione '{key}': al massimo 40 caratteri, questo ne ha {len(text)}")
    return text


def parse_sender(value: Any, key: str = "sender") -> str:
    """The default sender alias, as the gateway wants it (empty: none, the masks ask)."""
    text = _as_text(value, key).strip()
    if not text:
        return ""
    from pegaso_tui.sms.sender import SenderError, check_sender

    try:
        return check_sender(text).value
    except SenderError as exc:
        raise SettingsError(f"impostazione '{key}': {exc}") from None


def parse_gateway_kind(value: Any, key: str = "gateway.kind") -> str:
    """Which adapter speaks to the gateway: one of GATEWAY_KINDS."""
    text = _as_text(value, key).strip().lower()
    if text not in GATEWAY_KINDS:
        raise SettingsError(f"impostazione '{key}': gateway sconosciuto {value!r} "
                            f"(ammessi: {', '.join(GATEWAY_KINDS)})")
    return text


def parse_gateway_url(value: Any, key: str = "gateway.url") -> str:
    """The gateway's address: an http or https URL with a host."""
    from urllib.parse import urlsplit

    text = _as_text(value, key).strip()
    try:
        parts = urlsplit(text)
        port = parts.port  # ValueError on a port out of range or not a number
    except ValueError:
        parts, port = None, None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(f"impostazione '{key}': indirizzo non valido {text!r} "
                            "(atteso http://… o https://…, es. https://api.smshosting.it/rest/api)")
    del port
    return text


def parse_credential(value: Any, key: str = "") -> str:
    """AUTH_KEY or AUTH_SECRET: spaces copied around the code are dropped (seed 004 warns of
    them); one inside is a wrong paste."""
    text = _as_text(value, key).strip()
    if any(c.isspace() for c in text):
        raise SettingsError(f"impostazione '{key}': la credenziale contiene spazi: "
                            "copiarla di nuovo dal pannello del fornitore")
    return text


def parse_timeout(value: Any, key: str = "gateway.timeout_s") -> float:
    """Seconds a request to the gateway may take: a finite number from 0.1 to 300 (tests and
    a gateway on loopback use less than a second)."""
    number: float | None = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip().replace(",", "."))
        except ValueError:
            number = None
    if number is None or not math.isfinite(number) or not 0.1 <= number <= 300.0:
        raise SettingsError(f"impostazione '{key}': un numero di secondi da 0,1 a 300, non {value!r}")
    return number


def parse_max_messages(value: Any, key: str = "gateway.max_messages") -> int:
    """Kannel's ``max-messages`` of the sendsms-user: 1-255 parts."""
    return _as_int(value, key, 1, 255, "un numero di parti")


def parse_port(value: Any, key: str = "gateway.dlr_port") -> int:
    """A loopback port: 1-65535, or 0 for any free port."""
    return _as_int(value, key, 0, 65535, "una porta")


_CLOCK = re.compile(r"(\d{1,2})[:.](\d{2})")


def _clock(part: str) -> tuple[int, int] | None:
    """One end of a window: ``9:00``, ``9.00``, or digits only as in the masks (``9``,
    ``0900``, ``900``); None when it is none of these."""
    part = part.strip()
    match = _CLOCK.fullmatch(part)
    if match:
        return int(match.group(1)), int(match.group(2))
    if part.isdigit() and len(part) <= 4:
        return (int(part), 0) if len(part) <= 2 else (int(part[:-2]), int(part[-2:]))
    return None


def quiet_window(text: str) -> tuple[int, int] | None:
    """``"09:00-20:00"`` as minutes from midnight, ``(540, 1200)``; None for ``""``. Each end
    may also be written ``9.00`` or digits only (``9-20``, ``0900-2000``), as the Ora invio
    of the schedules.

    SettingsError for anything else: a window is within one day and not empty.
    """
    if not text.strip():
        return None
    first, dash, second = text.partition("-")
    ends = (_clock(first), _clock(second)) if dash else (None, None)
    if ends[0] is None or ends[1] is None:
        raise SettingsError(f"impostazione 'sending.quiet_hours': atteso HH:MM-HH:MM "
                            f"(es. 09:00-20:00), non {text!r}")
    (h1, m1), (h2, m2) = ends
    if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
        raise SettingsError(f"impostazione 'sending.quiet_hours': ora impossibile in {text!r}")
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if start >= end:
        raise SettingsError(f"impostazione 'sending.quiet_hours': la fascia {text!r} finisce "
                            "prima di cominciare (deve stare nello stesso giorno)")
    return start, end


def parse_quiet_hours(value: Any, key: str = "sending.quiet_hours") -> str:
    """The window in which promotional SMS go out, normalised to ``HH:MM-HH:MM`` ("" none)."""
    window = quiet_window(_as_text(value, key))
    if window is None:
        return ""
    (start, end) = window
    return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"


def quiet_weekdays(text: str) -> frozenset[int] | None:
    """``"mon-sat"`` as the weekdays it names (Monday is 0); None for ``""``.

    Days are ``mon``…``sun`` (or ``lun``…``dom``), ranges ``mon-fri`` (one may wrap over the
    week's end: ``sat-mon``) and lists ``mon-wed,fri``.
    """
    if not text.strip():
        return None
    days: set[int] = set()

    def day(name: str) -> int:
        name = name.strip().lower()[:3]
        name = _ITALIAN_DAYS.get(name, name)
        if name not in WEEKDAYS:
            raise SettingsError(f"impostazione 'sending.quiet_days': giorno sconosciuto in "
                                f"{text!r} (es. mon-sat, mon-fri,sun; lun…dom)")
        return WEEKDAYS.index(name)

    for item in text.split(","):
        first, dash, last = item.partition("-")
        if not first.strip():
            raise SettingsError(f"impostazione 'sending.quiet_days': elenco non valido {text!r}")
        a = day(first)
        b = day(last) if dash else a
        span = (b - a) % 7
        days.update((a + i) % 7 for i in range(span + 1))
    return frozenset(days)


def parse_quiet_days(value: Any, key: str = "sending.quiet_days") -> str:
    """The days on which promotional SMS go out, normalised (``mon-sat``; "" every day)."""
    days = quiet_weekdays(_as_text(value, key))
    if days is None:
        return ""
    # write the days back as the shortest runs: {0..5} -> "mon-sat"
    runs: list[str] = []
    i = 0
    while i < 7:
        if i in days:
            j = i
            while j + 1 < 7 and j + 1 in days:
                j += 1
            runs.append(WEEKDAYS[i] if i == j else f"{WEEKDAYS[i]}-{WEEKDAYS[j]}")
            i = j + 1
        else:
            i += 1
    return ",".join(runs)


@dataclass(frozen=True)
class SettingKey:
    """One setting of the file, as ``config`` and the Configurazione mask name it."""

    #: dotted: ``gateway.key``, ``sending.quiet_hours``
    name: str
    #: Italian, as the mask labels it
    label: str
    parse: Callable[[Any, str], Any]
    default: Any
    secret: bool = False
    #: the environment variable that overrides it (CLI.md), if any
    env: str | None = None
    #: checked when the file is read (the others only when set: a bad sender or URL in an
    #: old file is reported where it is used, and does not stop every command)
    strict_on_load: bool = True


KEYS: tuple[SettingKey, ...] = (
    SettingKey("database", "Database", parse_plain, "", env=ENV_DB, strict_on_load=False),
    SettingKey("operator", "Operatore", parse_operator, "", env=ENV_OPERATOR, strict_on_load=False),
    SettingKey("agency", "Nome agenzia", parse_agency, "", strict_on_load=False),
    SettingKey("sender", "Mittente (alias)", parse_sender, "", env=ENV_SENDER, strict_on_load=False),
    SettingKey("max_parts", "Parti massime per SMS", parse_max_parts, 3),
    SettingKey("gateway.kind", "Tipo gateway", parse_gateway_kind, "smshosting"),
    SettingKey("gateway.url", "Indirizzo gateway", parse_gateway_url, DEFAULT_GATEWAY_URL,
               env=ENV_GATEWAY_URL, strict_on_load=False),
    SettingKey("gateway.key", "AUTH_KEY", parse_credential, "", secret=True, env=ENV_GATEWAY_KEY,
               strict_on_load=False),
    SettingKey("gateway.secret", "AUTH_SECRET", parse_credential, "", secret=True,
               env=ENV_GATEWAY_SECRET, strict_on_load=False),
    SettingKey("gateway.timeout_s", "Tempo massimo richiesta (s)", parse_timeout, 15.0),
    SettingKey("gateway.dlr_port", "Porta ricevute Kannel", parse_port, 0),
    SettingKey("gateway.max_messages", "Parti massime Kannel", parse_max_messages, 3),
    SettingKey("sending.quiet_hours", "Fascia oraria promo", parse_quiet_hours, "09:00-20:00"),
    SettingKey("sending.quiet_days", "Giorni promo", parse_quiet_days, "mon-sat"),
)

BY_KEY = {key.name: key for key in KEYS}


def _lookup(data: Mapping[str, Any], dotted: str) -> Any:
    """The raw value of a dotted key in the file's data, or KeyError."""
    node: Any = data
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            raise KeyError(dotted)
        node = node[part]
    return node


def _value(data: Mapping[str, Any], spec: SettingKey) -> Any:
    try:
        raw = _lookup(data, spec.name)
    except KeyError:
        return spec.default
    if spec.strict_on_load:
        return spec.parse(raw, spec.name)
    # still of the right kind: a number where a text belongs is a broken file
    return _check(raw, type(spec.default), spec.name)


def _from_mapping(data: Mapping[str, Any]) -> Settings:
    for section in ("gateway", "sending", "keys"):
        if not isinstance(data.get(section, {}), Mapping):
            raise SettingsError(f"la sezione [{section}] deve essere una tabella")
    keys = data.get("keys", {})
    v = {spec.name: _value(data, spec) for spec in KEYS}
    gateway = GatewaySettings(
        url=v["gateway.url"], key=v["gateway.key"], secret=v["gateway.secret"],
        timeout_s=v["gateway.timeout_s"], kind=v["gateway.kind"], dlr_port=v["gateway.dlr_port"],
        max_messages=v["gateway.max_messages"],
    )
    sending = SendingSettings(quiet_hours=v["sending.quiet_hours"], quiet_days=v["sending.quiet_days"])
    from pegaso_tui.sending.rules import RuleSettingsError

    try:
        sending.window()
    except RuleSettingsError as exc:
        raise SettingsError(f"impostazioni [sending]: {exc}") from None
    return Settings(
        database=v["database"],
        operator=v["operator"],
        sender=v["sender"],
        agency=v["agency"],
        max_parts=v["max_parts"],
        gateway=gateway,
        sending=sending,
        keys={str(k): _check(val, str, f"keys.{k}") for k, val in keys.items()},
    )


def read_config_data(path: Path) -> dict[str, Any]:
    """The file's TOML data as it is (an absent file: empty); SettingsError if unreadable."""
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"impossibile leggere {path}: {exc}") from exc


def load_settings(
    path: Path | None = None, env: Mapping[str, str] | None = None
) -> Settings:
    """Read the config file (if any) and apply the environment overrides of CLI.md."""
    env = os.environ if env is None else env
    named = path is not None or bool(env.get(ENV_CONFIG))
    path = path or config_path(env)
    if named and not path.is_file():
        # a file the user named and that is not there is a typo, not "no settings"
        what = "non esiste" if not path.exists() else "non è un file"
        raise SettingsError(f"file di configurazione {path}: {what}")
    settings = _from_mapping(read_config_data(path))
    return apply_env(settings, env)


def readable_secret_warning(path: Path | None = None, env: Mapping[str, str] | None = None) -> str | None:
    """One line when the config file holds the gateway secret and others may read it."""
    path = path or config_path(os.environ if env is None else env)
    try:
        mode = path.stat().st_mode
        if not mode & 0o044:
            return None
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    gateway = data.get("gateway")
    if isinstance(gateway, Mapping) and gateway.get("secret"):
        return (
            f"{path} contiene il secret del gateway ed è leggibile da altri utenti: "
            f"chmod 600 {path}"
        )
    return None


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
    data = asdict(settings)
    if not data["keys"]:
        del data["keys"]
    return write_config_data(data, path)


def write_config_data(data: Mapping[str, Any], path: Path | None = None) -> Path:
    """Write TOML data to the config file atomically, with mode 0600.

    The text goes to a new file in the same folder (created 0600 by ``mkstemp``, whatever the
    umask), is synced, and replaces the old file in one step: a reader sees the old file or
    the new one, never half of it, and a failure leaves the old one as it was.
    """
    import tomli_w

    path = path or config_path()
    text = tomli_w.dumps(dict(data))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix="." + path.name + ".", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    try:  # the rename itself survives a power cut only once the folder is synced
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass
    return path
