"""``pegaso-tui template save|list|delete``: SMS models ("Modelli", seed 004)."""

from __future__ import annotations

import argparse
import sys


def register(subparsers, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "template",
        help="SMS models: named texts for the masks and the schedules",
        description="Save, list and delete SMS models (named texts any SMS mask can pick).",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    save = actions.add_parser("save", parents=[common], help="save a model (or change its text)")
    save.add_argument("name", metavar="NAME")
    save.add_argument("--text", required=True, metavar="TEXT", help="the SMS text, placeholders allowed")
    save.set_defaults(handler=run_save)
    listing = actions.add_parser("list", parents=[common], help="list the models")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=run_list)
    delete = actions.add_parser("delete", parents=[common], help="delete a model")
    delete.add_argument("name", metavar="NAME")
    delete.set_defaults(handler=run_delete)


def run_save(args: argparse.Namespace, ctx) -> int:
    from pegaso_tui.cli import CliError
    from pegaso_tui.db.templates import TemplateError, save_template

    ctx.open_db()
    try:
        template = save_template(args.name, args.text)
    except TemplateError as exc:
        raise CliError(str(exc)) from None
    print(f"Modello '{template.name}' salvato.")
    return 0


def run_list(args: argparse.Namespace, ctx) -> int:
    from pegaso_tui.db.templates import all_templates, template_json

    ctx.open_db()
    templates = all_templates()
    if args.json:
        ctx.print_json({"rows": [template_json(t) for t in templates]})
        return 0
    for template in templates:
        sys.stdout.write(f"{template.name[:30]:<30}  {' '.join(template.text.split())[:80]}\n")
    sys.stdout.write(f"{len(templates)} modelli\n")
    return 0


def run_delete(args: argparse.Namespace, ctx) -> int:
    from pegaso_tui.cli import CliError
    from pegaso_tui.db.templates import TemplateError, delete_template

    ctx.open_db()
    try:
        delete_template(args.name)
    except TemplateError as exc:
        raise CliError(str(exc)) from None
    print(f"Modello '{args.name}' eliminato.")
    return 0
