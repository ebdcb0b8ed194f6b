"""Alt+digit as the terminals send it: ESC then the digit.

tmux, PuTTY, xterm and the Linux console send Alt+2 as ``ESC 2``. Textual maps ``ESC 1`` …
``ESC 0`` to the characters macOS's Option key types (``¡ ™ £ …``, for WezTerm): the key
reached the focused field as a symbol and was saved ("Ragione Sociale" became ``™``).
Without those entries Textual's parser reads ``ESC 2`` as ``alt+2``, which the app binds to
the tabs (and swallows where there are none).
"""

from __future__ import annotations

DIGITS = "1234567890"


def read_esc_digit_as_alt() -> None:
    """Let ``ESC <digit>`` reach the app as ``alt+<digit>`` (idempotent)."""
    from textual._ansi_sequences import ANSI_SEQUENCES_KEYS

    for digit in DIGITS:
        ANSI_SEQUENCES_KEYS.pop(f"\x1b{digit}", None)
