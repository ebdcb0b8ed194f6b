"""``pegaso-tui send practices|promo|birthdays|single``: queue a campaign, after a preview.

The selection is the one ``select`` shows with the same filters; only its sendable rows are
queued. Before anything is queued the command checks the text (placeholders, length), the
sender alias and the credit left, shows the count and the credits it will use, and asks
(unless ``--yes``). It only queues: the app or ``pegaso-tui worker`` does the sending.
"""

from __future__ import annotations

import argparse
import sys

from pegaso_tui.commands import _filters
from pegaso_tui.numbers import plural


def register(subparsers, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "send",
        help="queue an SMS campaign (the same filters as select), or a single SMS",
        description="Queue the SMS of a selection, or one SMS to a number. Shows the count and "
        "the credits it will use and asks for confirmation unless --yes. The messages are sent "
        "by the application or by `pegaso-tui worker`.",
    )
    kinds = parser.add_subparsers(dest="selection", metavar="SELECTION", required=True)
    practices = kinds.add_parser("practices", parents=[common], help="SMS Pratiche")
    _filters.add_practice_filters(practices)
    promo = kinds.add_parser("promo", parents=[common], help="SMS Promozionali (only clients who agreed)")
    _filters.add_promo_filters(promo)
    birthdays = kinds.add_parser("birthdays", parents=[common], help="Buon Compleanno (only clients who agreed)")
    _filters.add_birthday_filters(birthdays)
    single = kinds.add_parser("single", parents=[common], help="Invio SMS Singolo: one SMS to a number")
    single.add_argument("--to", required=True, metavar="NUMBER", help="the mobile number (349..., +39...)")
    for sub in (practices, promo, birthdays, single):
        sub.add_argument("--text", required=True, metavar="TEXT",
                         help="the SMS text; placeholders such as {nome}, {pratica}, {saldo}")
        sub.add_argument("--sender", metavar="ALIAS",
                         help="the sender alias (default: the 'sender' setting or $PEGASO_SENDER)")
        sub.add_argument("--yes", action="store_true", help="queue without asking")
        sub.add_argument("--json", action="store_true", help="print the campaign id and the count as JSON")
        sub.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx) -> int:
    from pegaso_tui.cli import CliError
    from pegaso_tui.db.campaigns import (
        CampaignError,
        campaign_summary,
        check_credit,
        committed_segments,
        plan_selection,
        plan_single,
        queue_campaign,
    )
    from pegaso_tui.sms.sender import SenderError, check_sender

    settings = ctx.settings
    alias = (args.sender if args.sender is not None else settings.sender).strip()
    if not alias:
        raise CliError("mittente mancante: indicarlo con --sender o nelle impostazioni (sender)")
    try:
        alias = check_sender(alias).value  # a number is sent in E.164
    except SenderError as exc:
        raise CliError(str(exc)) from None
    ctx.open_db()
    try:
        if args.selection == "single":
            plan = plan_single(args.text, number=args.to, max_parts=settings.max_parts, agency=settings.agency)
        else:
            selection = _filters.selection_from_args(args.selection, args)
            plan = plan_selection(selection, args.text, max_parts=settings.max_parts, agency=settings.agency)
    except CampaignError as exc:
        raise CliError(str(exc)) from None
    if not plan.messages:
        raise CliError(
            f"nessun destinatario inviabile ({plan.not_sendable} selezionati senza un cellulare valido)"
            if plan.not_sendable else "nessun destinatario: la selezione è vuota"
        )
    credits_left = _credit_left(ctx)
    try:
        check_credit(plan, credits_left)
    except CampaignError as exc:
        raise CliError(str(exc)) from None
    out = sys.stderr if args.json else sys.stdout
    _print_preview(plan, credits_left, committed_segments(), out)
    _print_purpose(plan.purpose, settings, out)
    _warn_unregistered(ctx, alias)
    if not args.yes and not _confirm(out):
        raise CliError("invio annullato: nessun messaggio accodato")
    try:
        campaign = queue_campaign(plan, sender=alias, operator=ctx.operator(), credits_left=credits_left)
    except CampaignError as exc:
        raise CliError(str(exc)) from None
    if args.json:
        ctx.print_json(campaign_summary(campaign))
    else:
        print(
            f"Campagna {campaign.id}: {plural(campaign.message_count, 'messaggio', 'messaggi')} in coda "
            f"({campaign.segment_count} SMS). Partono con l'applicazione aperta o con "
            f"`pegaso-tui worker`."
        )
    return 0


def _credit_left(ctx) -> int | None:
    """The SMS left on the account, or None (with a warning) when the gateway cannot say."""
    from pegaso_tui.gateways import CreditUnknownError, GatewayError, credit_left

    try:
        return credit_left(ctx.settings.gateway)
    except CreditUnknownError:
        return None  # a gateway with no credit (Kannel): nothing to warn about
    except GatewayError as exc:
        print(
            f"pegaso-tui: attenzione: credito non verificabile ({exc}); i messaggi restano in "
            "coda finché il gateway non li accetta",
            file=sys.stderr,
        )
        return None


def _warn_unregistered(ctx, alias: str) -> None:
    """An alias the gateway has not registered is sent with a random number instead (AGCOM
    306/20/CIR): say so before queuing (the send goes on: the provider does not refuse it)."""
    from pegaso_tui.sms.account import sender_warning

    warning = sender_warning(ctx.settings.gateway, alias)
    if warning:
        print(f"pegaso-tui: attenzione: {warning}", file=sys.stderr)


def _print_preview(plan, credits_left: int | None, committed: int, out) -> None:
    longest = plan.longest
    lines = [f"{plural(plan.count, 'messaggio', 'messaggi')} da accodare ({plan.segments} SMS)"]
    if plan.not_sendable == 1:
        lines[0] += "; 1 destinatario non inviabile escluso"
    elif plan.not_sendable:
        lines[0] += f"; {plan.not_sendable} destinatari non inviabili esclusi"
    if plan.count == 1:  # one recipient: show the number it goes to before it is queued
        from pegaso_tui.sms.phone import display_number

        message = plan.messages[0]
        who = f" ({message.name})" if message.name else ""
        lines.append(f"Destinatario: {display_number(message.phone)}{who}")
    if credits_left is not None:
        free = credits_left - committed
        note = f", {committed} già impegnati da messaggi in coda" if committed else ""
        lines.append(f"Credito residuo: {credits_left} SMS{note}; dopo l'invio: {free - plan.segments}")
    if longest is not None:
        lines.append(f"Testo più lungo ({longest.segments} SMS, {longest.encoding}): {longest.text}")
    out.write("\n".join(lines) + "\n")
    out.flush()


def _print_purpose(purpose: str, settings, out) -> None:
    """The campaign's Finalità, and when marketing will wait for the allowed hours."""
    from datetime import datetime

    from pegaso_tui.sending.rules import window_note

    out.write(f"Finalità: {purpose}\n")
    note = window_note(purpose, datetime.now(), settings.sending.window())
    if note:
        out.write(f"Attenzione: {note}\n")
    out.flush()


def _confirm(out) -> bool:
    out.write("Accodare l'invio? [s/N] ")
    out.flush()
    answer = sys.stdin.readline()
    if not answer:
        out.write("\n")
    return answer.strip().lower() in ("s", "si", "sì", "y", "yes")
