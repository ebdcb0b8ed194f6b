"""The SMS editor: the one text field every SMS mask uses, with the live counter of the originals.

::

    ┌──────────────────────────────────────────────┐
    │Tanti Auguri dalla tua Agenzia di Viaggi      │
    │preferita!                                    │
    └──────────────────────────────────────────────┘
                                          51 / 160

The counter has the seed's form ``51 / 160``; past one part it becomes ``200 / 306 · 2 SMS``
and, when a character forces UCS-2, it names the encoding: ``75 / 134 · 2 SMS · UCS-2``. It
counts exactly as the providers do (``pegaso_tui.sms.text.analyze``), on every keystroke.

- The characters that force UCS-2 are highlighted in the text; the line under the text names
  them with their GSM replacement. ``F8`` (or ``Ctrl+T``; binding id ``sms_gsm``) applies
  every replacement at once (``Ctrl+Z`` undoes it).
- Placeholders (``{nome}``...) are highlighted; an unknown one is an error.
- The maximum number of parts (``max_parts``, the setting of the same name, default 3) is
  enforced by an error state, not by refusing keystrokes: a pasted text or a longer name
  among the recipients can push the text over the limit at any time, and the user must see
  by how much. ``validate()`` then returns the Italian message and the mask refuses to send.

API for the masks::

    editor = SmsEditor(text="", max_parts=None, placeholder="...", id="sms-text")
    editor.text                      # the template as typed; assignable
    editor.info                      # TextInfo of the counted text
    editor.counted_text              # what is counted: the longest rendered text, or the text
    editor.error                     # the live error (Italian) or None; empty text is not one
    editor.hint                      # the explanation under the text (UCS-2 and its fix)
    editor.validate()                # None when the text can be sent, else the message
    editor.is_valid                  # validate() is None
    editor.set_preview(preview)      # recipients known: count their longest rendered text
    editor.apply_suggestions()       # the F8 action
    editor.text_area                 # the inner TextArea (cursor, selection, undo)
    on_sms_editor_changed(event)     # SmsEditor.Changed(editor, text, info, error)

``set_preview`` takes a ``pegaso_tui.sms.placeholders.TemplatePreview`` (or any object with
``longest(template) -> str`` and, optionally, ``problems(template) -> list[str]``); ``None``
goes back to counting the text as typed. Without a preview a text with placeholders is
counted as written, and the line under the text says so.

When ``max_parts`` is not given, the editor reads ``app.services.settings.max_parts`` if the
App has it (the Pegaso App does), else 3.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from rich.style import Style
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Static, TextArea
from textual.widgets.text_area import TextAreaTheme

from pegaso_tui.sms.placeholders import PLACEHOLDER_PATTERN as _PATTERN
from pegaso_tui.sms.placeholders import PLACEHOLDERS, unknown_placeholders
from pegaso_tui.sms.suggestions import apply_suggestions, replacement_for, unfixable
from pegaso_tui.sms.text import GSM_ALL, GSM_EXTENSION, GSM7, MULTI, SINGLE, UCS2, TextInfo, analyze, non_gsm_characters
from pegaso_tui.widgets.plain import plain

DEFAULT_MAX_PARTS = 3
GSM_KEYS = "f8,ctrl+t"

_THEME = "pegaso-sms"
_NON_GSM = "sms.non_gsm"
_PLACEHOLDER = "sms.placeholder"
_UNKNOWN = "sms.unknown"


class Preview(Protocol):
    """What ``SmsEditor.set_preview`` needs: the text to count for a template."""

    def longest(self, template: str) -> str: ...


class SmsTextArea(TextArea):
    """The text field of the editor: a TextArea that highlights what the SMS count cares for."""

    COMPONENT_CLASSES = {
        "sms-editor--non-gsm",
        "sms-editor--placeholder",
        "sms-editor--unknown",
    }

    DEFAULT_CSS = """
    SmsTextArea {
        height: 1fr;
        min-height: 4;
        & > .sms-editor--non-gsm {
            background: $error 70%;
            color: $text;
            text-style: bold;
        }
        & > .sms-editor--placeholder {
            color: $accent;
            text-style: bold;
        }
        & > .sms-editor--unknown {
            color: $error;
            text-style: bold underline;
        }
    }
    """

    def __init__(self, text: str = "", **kwargs: Any) -> None:
        super().__init__(text, soft_wrap=True, tab_behavior="focus", **kwargs)
        # An own theme without base styles: colours come from CSS (like the "css" theme),
        # and its syntax styles are this widget's highlight styles (set in render_lines).
        self.register_theme(TextAreaTheme(name=_THEME))
        self.theme = _THEME

    def render_lines(self, crop):  # type: ignore[no-untyped-def]
        theme = self._theme
        if theme is not None:
            style = self.get_component_rich_style
            theme.syntax_styles = {
                _NON_GSM: style("sms-editor--non-gsm") or Style(reverse=True),
                _PLACEHOLDER: style("sms-editor--placeholder") or Style(bold=True),
                _UNKNOWN: style("sms-editor--unknown") or Style(underline=True),
            }
        return super().render_lines(crop)

    def _build_highlight_map(self) -> None:
        # TextArea calls this after every edit to refresh its syntax highlights (normally from
        # tree-sitter): the same hook marks the characters that force UCS-2 and the
        # placeholders. Highlights are (start byte, end byte, name) per line, in UTF-8 bytes.
        self._line_cache.clear()
        highlights = self._highlights
        highlights.clear()
        for row, line in enumerate(self.document.lines):
            if not line:
                continue
            spans = []
            if "{" in line:
                for match in _PATTERN.finditer(line):
                    name = _PLACEHOLDER if match.group(1) in PLACEHOLDERS else _UNKNOWN
                    spans.append((match.start(), match.end(), name))
            if not GSM_ALL.issuperset(line):
                spans.extend(
                    (i, i + 1, _NON_GSM) for i, c in enumerate(line) if c not in GSM_ALL
                )
            if spans:
                spans.sort()
                highlights[row].extend(
                    (len(line[:start].encode()), len(line[:end].encode()), name)
                    for start, end, name in spans
                )


def counter_text(info: TextInfo) -> str:
    """The counter: ``51 / 160``, ``200 / 306 · 2 SMS``, ``75 / 134 · 2 SMS · UCS-2``."""
    text = f"{info.units} / {info.capacity}"
    if info.segments > 1:
        text += f" · {info.segments} SMS"
    if info.encoding == UCS2:
        text += " · UCS-2"
    return text


def over_limit_message(text: str, info: TextInfo, max_parts: int) -> str | None:
    """The Italian error for a text longer than ``max_parts`` parts (None when it fits).

    Says how many characters to take off, wherever the operator takes them: the characters
    that force UCS-2 are counted as staying (taking off the end's characters, as it said
    before, also took off an emoji in the middle, and a text shortened elsewhere still did
    not fit). When taking those characters off alone is enough, it says that too.
    """
    if info.segments <= max_parts:
        return None
    excess = _characters_to_take_off(text, max_parts)
    limit = max_parts * (MULTI if max_parts > 1 else SINGLE)[info.encoding]
    noun = "carattere" if excess == 1 else "caratteri"
    message = (
        f"Testo troppo lungo: {info.segments} SMS, il massimo è {max_parts} "
        f"({limit} {'septetti' if info.encoding == GSM7 else 'unità UCS-2'}): "
        f"togliere {excess} {noun}"
    )
    if info.encoding == UCS2:
        forcing = non_gsm_characters(text)
        plain = "".join(c for c in text if c not in forcing)
        if analyze(plain).segments <= max_parts:
            message += f" (o togliere {' '.join(forcing)}: il testo torna GSM e ci sta)"
    return message


def _characters_to_take_off(text: str, max_parts: int) -> int:
    """The fewest characters to take off for ``text`` to fit, keeping the ones that force
    UCS-2 and those that cost two units: the answer holds wherever the operator cuts."""
    # a basic GSM character is one unit in either encoding: taking one off saves exactly one
    cheap = [i for i, c in enumerate(text) if c in GSM_ALL and c not in GSM_EXTENSION]

    def fits_without(n: int) -> bool:
        dropped = set(cheap[len(cheap) - n:]) if n else set()
        return analyze("".join(c for i, c in enumerate(text) if i not in dropped)).segments <= max_parts

    low, high = 0, len(cheap)  # fits_without(high) may still be False: then say all of them
    while low < high:
        middle = (low + high) // 2
        if fits_without(middle):
            high = middle
        else:
            low = middle + 1
    return max(low, 1)


class SmsEditor(Vertical):
    """The SMS text field with its live counter (see the module docstring for the API)."""

    DEFAULT_CSS = """
    SmsEditor {
        height: auto;
        min-height: 7;
        & > SmsTextArea {
            height: 6;
        }
        & > #sms-status {
            height: auto;
            width: 1fr;
        }
        & #sms-hint {
            width: 1fr;
            color: $text-muted;
        }
        & #sms-counter {
            width: auto;
            min-width: 10;
            text-align: right;
            padding-left: 2;
        }
        &.-ucs2 #sms-counter {
            color: $warning;
        }
        &.-error #sms-hint, &.-error #sms-counter {
            color: $error;
            text-style: bold;
        }
        &.-error > SmsTextArea {
            border: tall $error;
        }
    }
    """

    BINDINGS = [
        Binding(
            GSM_KEYS,
            "apply_suggestions",
            "Testo GSM",
            id="sms_gsm",
            tooltip="Sostituisce i caratteri che forzano UCS-2 con i corrispondenti GSM",
        ),
    ]

    @dataclass
    class Changed(Message):
        """The text, or what it costs, changed: ``on_sms_editor_changed``."""

        editor: "SmsEditor"
        text: str
        info: TextInfo
        error: str | None

        @property
        def control(self) -> "SmsEditor":
            return self.editor

    def __init__(
        self,
        text: str = "",
        *,
        max_parts: int | None = None,
        placeholder: str = "",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        text = text.replace("\r\n", "\n")
        self._initial_text = text
        self._placeholder = placeholder
        self._max_parts = max_parts
        self._max_parts_said = False
        self._preview: Preview | None = None
        self._counted = text
        self._info = analyze(text)
        self._error: str | None = None
        self._hint = ""

    def compose(self) -> ComposeResult:
        yield SmsTextArea(self._initial_text, placeholder=self._placeholder, id="sms-text")
        with Horizontal(id="sms-status"):
            yield Static("", id="sms-hint", markup=False)
            yield Static(counter_text(self._info), id="sms-counter", markup=False)

    def on_mount(self) -> None:
        self._refresh_count(post=False)

    # --- what the masks use -------------------------------------------------------------------

    @property
    def text_area(self) -> SmsTextArea:
        """The inner text field."""
        return self.query_one(SmsTextArea)

    @property
    def text(self) -> str:
        """The text as typed (the template, placeholders included)."""
        if not self.is_mounted:
            return self._initial_text
        return self.text_area.text

    @text.setter
    def text(self, value: str) -> None:
        # An SMS line break is one LF: a CRLF text (from a Windows file) would count 2 each.
        value = value.replace("\r\n", "\n")
        if not self.is_mounted:
            self._initial_text = value
            self._counted, self._info = value, analyze(value)
            return
        self.text_area.load_text(value)
        # counted at once, so the mask can read info/error right away; the TextArea's own
        # Changed message then posts SmsEditor.Changed
        self._refresh_count(post=False)

    @property
    def max_parts(self) -> int:
        """The most parts a text may use: the argument, the setting, or 3."""
        if self._max_parts is not None:
            return self._max_parts
        settings = getattr(getattr(self.app, "services", None), "settings", None)
        if settings is None:  # an App without Pegaso's services (other apps, widget tests)
            return DEFAULT_MAX_PARTS
        value = getattr(settings, "max_parts", None)
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 10:
            return value
        if not self._max_parts_said:  # once per editor, not at every keystroke
            self._max_parts_said = True
            self.notify(f"Impostazione max_parts non valida ({value!r}): il limite è {DEFAULT_MAX_PARTS} SMS",
                        severity="warning", title="Testo Sms", markup=False)
        return DEFAULT_MAX_PARTS

    @max_parts.setter
    def max_parts(self, value: int | None) -> None:
        self._max_parts = value
        if self.is_mounted:
            self._refresh_count()

    @property
    def info(self) -> TextInfo:
        """The analysis of the counted text."""
        return self._info

    @property
    def counted_text(self) -> str:
        """What the counter counts: the longest rendered text, or the text as typed."""
        return self._counted

    @property
    def error(self) -> str | None:
        """The live error (Italian): over the limit, unknown placeholder, missing values."""
        return self._error

    @property
    def hint(self) -> str:
        """The explanation under the text (characters forcing UCS-2 and their fix, ...)."""
        return self._hint

    @property
    def is_valid(self) -> bool:
        """Whether the text can be sent: not empty, and no error."""
        return self.validate(show=False) is None

    def validate(self, show: bool = True) -> str | None:
        """None when the text can be sent, else the reason (Italian), also shown when ``show``."""
        message = self._error
        if message is None and not self.text.strip():
            message = "Il testo dell'SMS è vuoto"
        if show and message and self.is_mounted:
            self.set_class(True, "-error")
            self.query_one("#sms-hint", Static).update(plain(message))
        return message

    def set_preview(self, preview: Preview | None) -> None:
        """Count the longest text ``preview`` renders from the template (None: the text)."""
        self._preview = preview
        if self.is_mounted:
            self._refresh_count()

    def focus(self, scroll_visible: bool = True) -> "SmsEditor":
        """Focus the text field."""
        self.text_area.focus(scroll_visible)
        return self

    def action_apply_suggestions(self) -> None:
        """F8: replace every character that forces UCS-2 with its GSM replacement."""
        self.apply_suggestions()

    def apply_suggestions(self) -> bool:
        """Apply every GSM replacement (undoable); whether anything changed."""
        area = self.text_area
        text = area.text
        fixed = apply_suggestions(text)
        if fixed == text:
            left = unfixable(text)
            if left:
                self.notify(
                    "Nessuna sostituzione GSM per: " + " ".join(left),
                    title="Testo GSM",
                    severity="warning",
                    markup=False,  # the characters typed, "[" among them
                )
            return False
        row, column = area.cursor_location
        offset = sum(len(line) + 1 for line in area.document.lines[:row]) + column
        new_offset = len(apply_suggestions(text[:offset]))
        area.replace(fixed, area.document.start, area.document.end)
        before = fixed[:new_offset]
        area.move_cursor((before.count("\n"), len(before) - (before.rfind("\n") + 1)))
        return True

    # --- the count ------------------------------------------------------------------------------

    @on(TextArea.Changed)
    def _text_changed(self, event: TextArea.Changed) -> None:
        event.stop()  # the masks listen to SmsEditor.Changed
        self._refresh_count()

    def _refresh_count(self, post: bool = True) -> None:
        template = self.text
        preview = self._preview
        problems: list[str] = []
        if preview is not None:
            counted = preview.longest(template)
            problems_of = getattr(preview, "problems", None)
            if problems_of is not None:
                problems = list(problems_of(template))
        else:
            counted = template
            unknown = unknown_placeholders(template)
            if unknown:
                problems = ["Segnaposto sconosciuto: " + ", ".join("{" + n + "}" for n in unknown)]
        info = analyze(counted)
        self._counted, self._info = counted, info
        error = over_limit_message(counted, info, self.max_parts)
        if problems:
            error = "; ".join(([error] if error else []) + problems)
        self._error = error
        self._hint = self._explain(template, counted, info)
        self.set_class(info.encoding == UCS2, "-ucs2")
        self.set_class(error is not None, "-error")
        self.query_one("#sms-counter", Static).update(counter_text(info))
        self.query_one("#sms-hint", Static).update(plain(error or self._hint))
        if post:
            self.post_message(self.Changed(self, template, info, error))

    def _explain(self, template: str, counted: str, info: TextInfo) -> str:
        """The line under the text when all is well: why UCS-2, what F8 would do."""
        if info.encoding == UCS2:
            fixes = []
            stuck = []
            for char in info.non_gsm:
                replacement = replacement_for(char)
                shown = repr(char)[1:-1] if not char.isprintable() or char.isspace() else char
                if replacement is None:
                    stuck.append(shown)
                else:
                    fixes.append(f"{shown}→{replacement or '∅'}")
            parts = []
            if fixes:
                parts.append("UCS-2 per " + " ".join(fixes) + " (F8 sostituisce)")
            if stuck:
                parts.append("senza sostituzione GSM: " + " ".join(stuck))
            return "; ".join(parts)
        if self._preview is not None and counted != template:
            return "Conteggio sul testo più lungo tra i destinatari"
        if self._preview is None and "{" in template and _PATTERN.search(template):
            return "Segnaposti contati come scritti: il conteggio finale usa i destinatari"
        return ""
