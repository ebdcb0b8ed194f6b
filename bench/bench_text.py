"""Issue 3: the SMS counter keeps up with typing.

Target: analysing a 1,600-character text takes under 1 ms (the editor runs the analysis on
every keystroke). Measured for a GSM-7 text (with extension characters and newlines) and a
UCS-2 one (typographic quotes and an emoji), against two baselines of the same run: the
UTF-16 encoding of the text (the least any count must do) and a plain Python loop over its
characters. Also: the editor's highlight pass over the same text, the per-keystroke
preview of the longest rendered text among 100,000 recipients, and rendering a campaign.
"""

from __future__ import annotations

import random

from bench.common import Bench

PROSE = (
    "Gentile cliente, la sua pratica per Mykonos è confermata. Il saldo di 1.234,50 € va "
    "versato entro il 30-06 presso la nostra agenzia [orari: 9-13 e 15-19].\n"
    "Per informazioni chiami il 045 510712. Buon viaggio da Futura Viaggi!\n"
)


def texts() -> dict[str, str]:
    gsm = (PROSE * 20)[:1600]
    ucs2 = gsm[:700] + "L’offerta “Mare” 😀 " + gsm[700:]
    ucs2 = ucs2[:1600]
    return {"gsm": gsm, "ucs2": ucs2}


def per_call(bench: Bench, fn, calls: int) -> float:
    """The median time of one call, in microseconds (medians of batches of ``calls``)."""
    def batch():
        for _ in range(calls):
            fn()

    return bench.time_it(batch, repeat=7, warmup=1) / calls * 1e6


def run(bench: Bench) -> None:
    from pegaso_tui.sms.placeholders import Recipient, TemplatePreview, render_for_recipients
    from pegaso_tui.sms.text import analyze

    calls = 200 if bench.quick else 2000
    for name, text in texts().items():
        assert len(text) == 1600
        info = analyze(text)
        encode = per_call(bench, lambda: len(text.encode("utf-16-le")), calls)

        def loop():
            for _ in text:
                pass

        plain = per_call(bench, loop, calls)
        took = per_call(bench, lambda: analyze(text), calls)
        bench.report(
            f"analyze 1600 chars {name} ({info.encoding}, {info.segments} parts)",
            took, "us", target=1000.0, baseline=plain, baseline_name="(a Python loop over the text)",
            vs_utf16_encode=f"{took / encode:.1f}x ({encode:.2f} us)",
        )

    # the editor's highlight pass (what else runs on a keystroke)
    from pegaso_tui.widgets.sms_editor import SmsTextArea

    area = SmsTextArea(texts()["ucs2"])
    highlight = per_call(bench, area._build_highlight_map, calls // 4)
    base = per_call(bench, lambda: analyze(texts()["ucs2"]), calls // 4)
    bench.report("editor highlight pass 1600 chars UCS-2", highlight, "us", target=1000.0,
                 baseline=base, baseline_name="(analyze)")

    # the longest rendered text on each keystroke, with 100,000 recipients
    rng = random.Random(3)
    size = 10_000 if bench.quick else 100_000
    first = ["Anna", "Stefano", "Maria Grazia", "Giovanni Battista", "Zoë", "Luca"]
    people = [
        Recipient(
            f"{i:07d} CLIENTE",
            {"nome": rng.choice(first), "saldo": f"€ {rng.randint(0, 9999)},{rng.randint(0, 99):02d}"},
        )
        for i in range(size)
    ]
    preview = TemplatePreview(people, agency="Futura Viaggi")
    template = "Gentile {nome}, resta da saldare {saldo}. {agenzia}"
    prepare = bench.time_it(lambda: TemplatePreview(people, agency="Futura").prepare(),
                            repeat=3, warmup=0)
    bench.report(f"preview: prepare() {size:,} recipients (in the mask's worker)",
                 prepare * 1000, "ms")
    prepared = [TemplatePreview(people, agency="Futura").prepare() for _ in range(3)]
    rank = bench.time_it(lambda: prepared.pop().longest(template), repeat=3, warmup=0)
    bench.report(f"preview: first keystroke with a new placeholder, {size:,} recipients",
                 rank * 1000, "ms")
    preview.longest(template)
    keystroke = per_call(bench, lambda: preview.longest(template + " x"), 200)
    bench.report(f"preview: longest text per keystroke, {size:,} recipients", keystroke, "us",
                 target=1000.0, baseline=base, baseline_name="(analyze)")
    render = bench.time_it(lambda: render_for_recipients(template, people, agency="Futura"),
                           repeat=3, warmup=0)
    bench.report(f"render_for_recipients {size:,} recipients", render * 1000, "ms",
                 per_message_us=f"{render / size * 1e6:.2f}")
