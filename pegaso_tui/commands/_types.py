"""Argument types with bounds: every number on the command line is finite and sensible.

argparse calls these with the text typed; an ``ArgumentTypeError`` becomes one line of error
(see ``cli.Parser.error``). Only argparse and math are imported: ``--help`` stays instant.
"""

from __future__ import annotations

import argparse
import math
from typing import Callable


def integer(low: int, high: int) -> Callable[[str], int]:
    """A whole number between ``low`` and ``high`` (``1_000`` is accepted)."""

    def parse(text: str) -> int:
        cleaned = text.strip().replace("_", "")
        # int() of a huge digit string is slow and then useless: refuse it by its length
        if not cleaned.lstrip("+-").isascii() or not cleaned.lstrip("+-").isdigit() or len(cleaned) > 19:
            raise argparse.ArgumentTypeError(
                f"non è un numero intero tra {low} e {high}: '{text[:30]}'"
            )
        value = int(cleaned)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"deve essere tra {low} e {high}, non {value}")
        return value

    parse.__name__ = "numero"
    return parse


def decimal(low: float, high: float, *, low_open: bool = False) -> Callable[[str], float]:
    """A finite number between ``low`` and ``high`` (``nan`` and ``inf`` are refused)."""

    def parse(text: str) -> float:
        try:
            value = float(text.strip().replace(",", "."))
        except ValueError:
            raise argparse.ArgumentTypeError(f"non è un numero: '{text[:30]}'") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"deve essere un numero finito, non '{text[:30]}'")
        if value < low or value > high or (low_open and value == low):
            left = "maggiore di" if low_open else "tra"
            bound = f"{left} {low:g} e al massimo {high:g}" if low_open else f"{left} {low:g} e {high:g}"
            raise argparse.ArgumentTypeError(f"deve essere {bound}, non {value:g}")
        return value

    parse.__name__ = "numero"
    return parse


#: A TCP port a server can listen on.
port = integer(1, 65535)
