"""``pegaso-tui config show | get KEY | set KEY VALUE``: the settings file, key by key.

The same checks and the same writing as the Configurazione mask (``pegaso_tui.config_edit``):
a bad key or value is one line and exit status 1, and the file is left as it was.
"""

from __future__ import annotations

import argparse


def register(subparsers, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "config",
        parents=[common],
        help="show or change the settings (agency, sender, gateway, sending)",
        description="Show or change the settings file (mode 0600). Keys are dotted: agency, "
        "sender, max_parts, gateway.kind, gateway.url, gateway.key, gateway.secret, "
        "gateway.timeout_s, gateway.dlr_port, sending.quiet_hours, sending.quiet_days, "
        "database, operator. Secrets are shown as ••••.",
    )
    actions = parser.add_subparsers(dest="config_action", metavar="ACTION", required=True)
    show = actions.add_parser("show", parents=[common], help="every setting in force",
                              description="Every setting in force, secrets as ••••; a value "
                              "that an environment variable overrides is marked.")
    show.add_argument("--json", action="store_true", help='print {"KEY": "VALUE", ...}')
    get = actions.add_parser("get", parents=[common], help="one setting in force",
                             description="Print one setting in force (a secret as ••••, or "
                             "nothing when it is not set).")
    get.add_argument("key", metavar="KEY")
    put = actions.add_parser("set", parents=[common], help="change one setting in the file",
                             description="Check VALUE and write it to the settings file "
                             "(atomically, mode 0600). An empty VALUE puts the default back "
                             "for a text; quiet hours and days: \"\" means no limit.")
    put.add_argument("key", metavar="KEY")
    put.add_argument("value", metavar="VALUE")
    for p in (parser, show, get, put):
        p.set_defaults(handler=run, tolerate_bad_settings=True)


def _text(value: str, what: str) -> str:
    from pegaso_tui.cli import CliError

    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise CliError(f"{what} non è testo UTF-8 valido") from None
    return value


def run(args: argparse.Namespace, ctx) -> int:
    from pathlib import Path

    from pegaso_tui.cli import CliError
    from pegaso_tui.config import SettingsError, config_path
    from pegaso_tui.config_edit import rows, save_values, setting_key, shown

    path = Path(args.config) if getattr(args, "config", None) else config_path()
    try:
        if args.config_action == "set":
            key = setting_key(_text(args.key, "la chiave"))
            stored = save_values({key.name: _text(args.value, "il valore")}, path)
            print(f"{key.name} = {shown(key, stored[key.name])}  ({path})")
            return 0
        if ctx.settings_problem:  # show/get need a file that loads
            raise CliError(ctx.settings_problem)
        if args.config_action == "get":
            from pegaso_tui.config_edit import value_of

            key = setting_key(_text(args.key, "la chiave"))
            print(shown(key, value_of(ctx.settings, key.name)))
            return 0
        table = rows(ctx.settings)
        if args.json:
            ctx.print_json({row["key"]: row["value"] for row in table})
            return 0
        print(f"# {path}")
        width = max(len(row["key"]) for row in table)
        for row in table:
            note = f"  # da {row['env']}" if row["env"] else ""
            print(f"{row['key']:<{width}} = {row['value']}{note}")
        return 0
    except SettingsError as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"impossibile scrivere {path}: {exc.strerror or exc}") from None
