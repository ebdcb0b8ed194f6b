"""``pegaso-tui sms-info TEXT [--json]``: how an SMS text is encoded and how many parts it costs."""

from __future__ import annotations

import argparse
import sys


def register(subparsers, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "sms-info",
        parents=[common],
        help="how an SMS text is counted: encoding, parts, units (nothing is sent)",
        description="Explain how an SMS text is counted, as the providers count it (GSM 03.38): "
        "encoding, parts, units, what is left in the last part, the characters that force "
        "UCS-2 and their GSM replacement.",
        epilog="With TEXT '-' the text is read from standard input (one final newline, as "
        "echo and editors add, is not counted).",
    )
    parser.add_argument("text", metavar="TEXT", help="the text of the SMS, or - for stdin")
    parser.add_argument("--json", action="store_true", help="print JSON (see CLI.md)")
    parser.set_defaults(handler=run)


def read_text(arg: str) -> str:
    """The text given on the command line, or standard input for ``-``."""
    from pegaso_tui.cli import CliError

    if arg != "-":
        return arg
    try:
        data = sys.stdin.buffer.read()
    except (OSError, AttributeError, ValueError):
        data = sys.stdin.read().encode("utf-8")
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its BOM (Windows tools)
            text = data.decode("utf-16")
        else:
            text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CliError(
            f"lo standard input non è testo UTF-8 (byte {exc.start}): salvare il testo in UTF-8"
        ) from None
    if text.endswith("\r\n"):
        return text[:-2]
    if text.endswith("\n"):
        return text[:-1]
    return text


def run(args: argparse.Namespace, ctx) -> int:
    from pegaso_tui.sms.text import analyze

    text = read_text(args.text)
    info = analyze(text)
    if args.json:
        ctx.print_json(info.to_json())
    else:
        sys.stdout.write(explain(text, info))
    return 0


def explain(text: str, info) -> str:
    """The human explanation of ``info`` (Italian), as printed by ``sms-info``."""
    from pegaso_tui.sms.placeholders import placeholders_in
    from pegaso_tui.sms.suggestions import apply_suggestions, suggestions
    from pegaso_tui.sms.text import GSM7, analyze, extension_characters

    lines = []
    unit = "septetti" if info.encoding == GSM7 else "unità UTF-16"
    if info.segments == 0:
        lines.append(f"Testo vuoto: 0 SMS (un SMS contiene fino a {info.per_segment} caratteri).")
    else:
        lines.append(f"Codifica: {info.encoding}")
        if info.segments == 1:
            lines.append(f"Parti: 1 SMS (fino a {info.per_segment} {unit})")
        else:
            lines.append(
                f"Parti: {info.segments} SMS concatenati ({info.per_segment} {unit} per parte: "
                f"{' + '.join(str(u) for u in info.part_units)})"
            )
        lines.append(f"Unità: {info.units} {unit} su {info.capacity}")
        lines.append(f"Restano: {info.remaining} nell'ultima parte")
    if info.encoding == GSM7:
        ext = extension_characters(text)
        if ext:
            shown = " ".join("FF" if c == "\f" else c for c in ext)
            lines.append(f"Contano 2 septetti (tabella estesa GSM): {shown}")
    else:
        lines.append(
            f"Caratteri che forzano UCS-2 ({len(info.non_gsm)}), con la sostituzione GSM:"
        )
        for s in suggestions(text):
            times = f" ×{s.count}" if s.count > 1 else ""
            lines.append(f"  {s.shown}{times}  {s.name}  →  {s.shown_replacement}")
        fixed = apply_suggestions(text)
        if fixed != text:
            after = analyze(fixed)
            if after.encoding == GSM7:
                lines.append(
                    f"Con le sostituzioni: GSM-7, {after.segments} SMS "
                    f"({after.units} septetti)."
                )
            else:
                lines.append(
                    f"Con le sostituzioni resta UCS-2 per {' '.join(after.non_gsm)}: "
                    f"{after.segments} SMS."
                )
    used = placeholders_in(text)
    if used:
        names = ", ".join("{" + n + "}" for n in used)
        lines.append(
            f"Segnaposti: {names} (contati così come sono scritti; l'invio conta il testo "
            "di ogni destinatario)"
        )
    return "\n".join(lines) + "\n"
