"""Placeholders in an SMS template, rendered per recipient: ``Gentile {nome}, ...``.

``{nome}``, ``{cognome}``, ``{ragione_sociale}``, ``{pratica}``, ``{partenza}``,
``{destinazione}``, ``{saldo}``, ``{agenzia}``. An unknown placeholder, or a value missing for
some recipients, is an error that names them, raised before anything is queued.

A placeholder may say what to write when a recipient has no value: ``{nome|Gentile
Cliente}`` is the first name, or "Gentile Cliente" for a company (which has none); ``{nome|}``
writes nothing. A placeholder with a fallback is never missing, and the counter prices the
longest of the values and the fallback.

- ``render(template, values)``: one text;
- ``render_for_recipients(template, recipients, agency=...)``: every text of a campaign, all
  problems at once, the longest text and the credits — what the outbox calls at queue time;
- ``TemplatePreview``: the longest rendered text on every keystroke, for the SMS editor.

Values: ``{partenza}`` is ``DD-MM-YYYY``; ``{saldo}`` is ``€ 1.234,50`` (``format_balance``);
``{agenzia}`` is the ``agency`` setting.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

from pegaso_tui.sms.text import GSM_ALL, TextInfo, analyze, nfc, septets

if TYPE_CHECKING:
    from pegaso_tui.db.selections import SelectionRow

PLACEHOLDERS: dict[str, str] = {
    "nome": "nome del cliente",
    "cognome": "cognome del cliente",
    "ragione_sociale": "ragione sociale",
    "pratica": "numero della pratica",
    "partenza": "data di partenza",
    "destinazione": "destinazione della pratica",
    "saldo": "saldo da versare",
    "agenzia": "nome dell'agenzia",
}

_PATTERN = re.compile(r"\{([^{}\s|]*)(?:\|([^{}]*))?\}")
#: What a placeholder looks like: ``{name}`` or ``{name|fallback}`` (the SMS editor
#: highlights it); group 1 is the name, group 2 the fallback (None without one).
PLACEHOLDER_PATTERN = _PATTERN
#: The same, with one group for the whole inside (``nome|Gentile Cliente``): the "token" the
#: renderers key their columns of values by, so that ``{nome}`` and ``{nome|X}`` differ.
_TOKEN = re.compile(r"\{([^{}\s|]*(?:\|[^{}]*)?)\}")


def _base(token: str) -> str:
    """The placeholder name of a token: ``nome`` of ``nome|Gentile Cliente``."""
    return token.split("|", 1)[0]


def _fallback(token: str) -> str | None:
    """The fallback of a token (None when it has none; ``""`` for ``{nome|}``)."""
    return token.split("|", 1)[1] if "|" in token else None


def _tokens_in(template: str) -> list[str]:
    """The known placeholders of ``template`` with their fallbacks, in order, each once."""
    return [t for t in dict.fromkeys(_TOKEN.findall(template)) if _base(t) in PLACEHOLDERS]


class PlaceholderError(ValueError):
    """A template cannot be rendered; the message names what is wrong (Italian)."""


def placeholders_in(template: str) -> list[str]:
    """The placeholder names used in ``template``, in order, each once."""
    return list(dict.fromkeys(m.group(1) for m in _PATTERN.finditer(template)))


def unknown_placeholders(template: str) -> list[str]:
    """The names in ``template`` that are not placeholders."""
    return [name for name in placeholders_in(template) if name not in PLACEHOLDERS]


def check_template(template: str) -> None:
    """PlaceholderError naming every unknown placeholder of ``template``."""
    unknown = unknown_placeholders(template)
    if unknown:
        raise PlaceholderError(_unknown_message(unknown))


def _unknown_message(unknown: Sequence[str]) -> str:
    names = ", ".join("{" + n + "}" for n in unknown)
    known = ", ".join("{" + n + "}" for n in PLACEHOLDERS)
    return f"segnaposto sconosciuto: {names} (disponibili: {known})"


@dataclass(frozen=True)
class MissingValue(PlaceholderError):
    """A placeholder has no value for a recipient."""

    placeholder: str

    def __str__(self) -> str:
        return f"manca il valore di {{{self.placeholder}}}"


def render(template: str, values: Mapping[str, str | None]) -> str:
    """The template with every placeholder replaced by its value.

    Raises PlaceholderError for an unknown placeholder and MissingValue for an empty value.
    """
    check_template(template)

    def replace(match: re.Match[str]) -> str:
        name, fallback = match.group(1), match.group(2)
        value = values.get(name)
        if value is None or str(value).strip() == "":
            if fallback is not None:
                return fallback
            raise MissingValue(name)
        return str(value)

    # NFC: a name stored with a decomposed accent is sent composed, as it is counted
    return nfc(_PATTERN.sub(replace, template))


# --- Per recipient ------------------------------------------------------------------------------
#
# The masks and the outbox render one template for many recipients. Every problem is found
# before anything is queued and reported at once, naming the recipients, so that the user fixes
# the data (or the text) in one go instead of discovering one missing name at a time.

#: How many recipients an error message names before "e altri N".
NAMED_IN_ERRORS = 5

_ZERO_CENTS = Decimal("0.01")


def format_balance(amount: Decimal | float | int | str | None) -> str | None:
    """``{saldo}`` the Italian way: ``€ 1.234,50`` (None when there is no amount).

    The euro sign is written, not ``EUR``: it is in the GSM extension table, so it keeps the
    text GSM-7 and costs 2 septets where ``EUR`` costs 3 (the counter counts it exactly).
    It goes before the amount, as on Italian invoices and price tags.
    """
    if amount is None or amount == "":
        return None
    value = Decimal(str(amount)).quantize(_ZERO_CENTS, rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    # Python groups thousands with "," and writes "." for the cents: swap the two
    english = f"{abs(value):,.2f}"
    return f"€ {sign}{english.translate(_ITALIAN_SEPARATORS)}"


_ITALIAN_SEPARATORS = str.maketrans({",": ".", ".": ","})


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


@dataclass(frozen=True, slots=True)
class Recipient:
    """One addressee of a template: how errors name it, and its placeholder values.

    ``values`` holds what the recipient knows (``nome``, ``pratica``, ...); ``{agenzia}`` is
    the same for everyone and comes from the ``agency`` argument of the functions below.
    """

    label: str
    values: Mapping[str, str | None]


def _row_label(row: "SelectionRow") -> str:
    label = f"{row.client} {row.name}".strip()
    if row.practice:
        label += f" (pratica {row.practice})"
    return label


#: How each placeholder's value is read from a selection row (``{agenzia}`` is not: it is
#: the same for everyone).
_ROW_VALUES = {
    "nome": lambda row: _clean(row.first_name),
    "cognome": lambda row: _clean(row.last_name),
    "ragione_sociale": lambda row: _clean(row.name),
    "pratica": lambda row: _clean(row.practice),
    "partenza": lambda row: row.departure_date.strftime("%d-%m-%Y") if row.departure_date else None,
    "destinazione": lambda row: _clean(row.destination),
    "saldo": lambda row: format_balance(row.balance) if row.practice else None,
}


def recipient_from_row(row: "SelectionRow") -> Recipient:
    """The Recipient of a selection row (``pegaso_tui.db.selections.SelectionRow``).

    ``{nome}``/``{cognome}`` are the client's first and last name, ``{ragione_sociale}`` its
    name; the practice fields exist only on the rows of "SMS Pratiche". ``{partenza}`` is
    ``DD-MM-YYYY``; ``{saldo}`` is ``format_balance``.
    """
    return Recipient(_row_label(row), {name: read(row) for name, read in _ROW_VALUES.items()})


class _RowRecipient:
    """A selection row as a Recipient whose label and values are read only when asked.

    A campaign renders 100,000 rows: most templates use two or three placeholders, and the
    label is needed only to name a recipient in an error.
    """

    __slots__ = ("row",)

    def __init__(self, row: "SelectionRow") -> None:
        self.row = row

    @property
    def label(self) -> str:
        return _row_label(self.row)

    @property
    def values(self) -> Mapping[str, str | None]:
        return recipient_from_row(self.row).values

    def value(self, name: str) -> str | None:
        read = _ROW_VALUES.get(name)
        return read(self.row) if read else None


def free_recipient(
    number: str, name: str = "", first_name: str = "", last_name: str = ""
) -> Recipient:
    """The Recipient of a single SMS to a free number ("Altro"), or to a supplier.

    Only the names given are known: a template asking for ``{pratica}`` fails for it, with
    the number in the message.
    """
    from pegaso_tui.sms.phone import display_number

    label = " ".join(p for p in (display_number(number), _clean(name) or "") if p)
    return Recipient(
        label or number,
        {
            "nome": _clean(first_name),
            "cognome": _clean(last_name),
            "ragione_sociale": _clean(name),
        },
    )


def _as_recipient(item: "Recipient | SelectionRow") -> "Recipient | _RowRecipient":
    return item if isinstance(item, Recipient) else _RowRecipient(item)


def _column(people: Sequence["Recipient | _RowRecipient"], name: str) -> list[str | None]:
    """One placeholder's value for every recipient, cleaned (None where one has none).

    Dates and amounts repeat across a campaign's rows: each distinct one is formatted once.
    """
    read = _ROW_VALUES[name]
    if name in ("partenza", "saldo"):
        formatted: dict = {}
        plain = read

        def read(row, formatted=formatted):  # noqa: F811 (the same reader, remembered)
            key = (row.departure_date if name == "partenza" else row.balance, bool(row.practice))
            if key not in formatted:
                formatted[key] = plain(row)
            return formatted[key]

    return [read(p.row) if type(p) is _RowRecipient else _clean(p.values.get(name)) for p in people]


def _token_column(people: Sequence["Recipient | _RowRecipient"], token: str) -> list[str | None]:
    """A token's value for every recipient: the placeholder's, or its fallback."""
    column = _column(people, _base(token))
    fallback = _fallback(token)
    if fallback is None:
        return column
    return [fallback if value is None else value for value in column]


def _named(labels: Sequence[str], total: int) -> str:
    shown = ", ".join(labels[:NAMED_IN_ERRORS])
    if total > NAMED_IN_ERRORS:
        shown += f" e altri {total - NAMED_IN_ERRORS}"
    return shown


def _missing_message(name: str, labels: Sequence[str], total_recipients: int) -> str:
    count = len(labels)
    if name == "agenzia":
        return "{agenzia}: il nome dell'agenzia non è impostato (impostazione 'agency')"
    if count == total_recipients and count > 1:
        return f"{{{name}}} manca per tutti i {count} destinatari: {_named(labels, count)}"
    noun = "destinatario" if count == 1 else "destinatari"
    return f"{{{name}}} manca per {count} {noun}: {_named(labels, count)}"


def _compile(template: str) -> list[str]:
    """The template split into literal text (even indexes) and placeholder tokens (odd)."""
    return _TOKEN.split(template)


def _fill(pieces: list[str], values: Mapping[str, str | None]) -> str:
    out = pieces[:]
    for i in range(1, len(out), 2):
        out[i] = values.get(out[i]) or ""
    return "".join(out)


def _longer(a: TextInfo, b: TextInfo) -> bool:
    """Whether ``a`` costs more than ``b``: more parts, then fewer units left in the last."""
    return (a.segments, -a.remaining, a.units) > (b.segments, -b.remaining, b.units)


class TemplateProblems(PlaceholderError):
    """A template cannot be sent to these recipients; ``problems`` lists every reason."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True, slots=True)
class RenderedMessage:
    """The text one recipient gets, and what it costs."""

    recipient: Recipient
    text: str
    info: TextInfo
    #: the item given for this recipient: its SelectionRow (client, practice, mobile for the
    #: outbox) or the Recipient itself
    source: object = None


@dataclass(frozen=True)
class RenderedTexts:
    """A template rendered for every recipient (``render_for_recipients``)."""

    messages: tuple[RenderedMessage, ...]
    #: the rendered text that costs most: the counter and the cost preview show it
    longest: str
    #: its analysis
    info: TextInfo
    #: the parts (credits) all the messages need together
    credits: int

    @property
    def texts(self) -> list[str]:
        """The rendered texts, in the order of the recipients."""
        return [m.text for m in self.messages]

    @property
    def count(self) -> int:
        """How many messages."""
        return len(self.messages)


def render_for_recipients(
    template: str,
    recipients: Iterable["Recipient | SelectionRow"],
    *,
    agency: str | None = "",
    max_parts: int | None = None,
) -> RenderedTexts:
    """Render ``template`` for every recipient: what a campaign queues, checked first.

    ``recipients`` are the ``SelectionRow``s of a selection (the caller passes the sendable
    ones) and/or ``Recipient``s (``free_recipient`` for a single SMS); ``agency`` fills
    ``{agenzia}`` (``Settings.agency``). With ``max_parts``, a text longer than that many
    parts is a problem too.

    Raises ``TemplateProblems`` listing *every* problem at once, before anything is queued:
    an empty text, unknown placeholders, and for each placeholder the recipients that lack
    its value, named ("{nome} manca per 3 destinatari: 0000280 ROSSO STEFANO, ...").
    Returns each message (in the order given, with its source row) and its analysis, the
    longest text (most parts, then fewest units left) with its analysis, and the credits
    (total parts) the messages need.
    """
    sources = list(recipients)
    people = [_as_recipient(r) for r in sources]
    problems: list[str] = []
    if not template.strip():
        problems.append("il testo dell'SMS è vuoto")
    unknown = unknown_placeholders(template)
    if unknown:
        problems.append(_unknown_message(unknown))
    used = _tokens_in(template)
    agency_value = _clean(agency)
    wanted = [t for t in used if _base(t) != "agenzia"]
    # each value read once: a column per placeholder, checked, then used to fill the texts
    columns = {token: _token_column(people, token) for token in wanted}
    for token in used:
        if _base(token) == "agenzia":
            if people and agency_value is None and _fallback(token) is None:
                problems.append(_missing_message("agenzia", [], len(people)))
            continue
        column = columns[token]
        lacking = [people[i].label for i, v in enumerate(column) if v is None]
        if lacking:
            problems.append(_missing_message(_base(token), lacking, len(people)))
    if problems:
        raise TemplateProblems(problems)

    pieces = _compile(template)
    cache: dict[str, TextInfo] = {}
    # the template as a format string, its placeholders numbered in order of appearance
    fmt = "".join(
        piece.replace("{", "{{").replace("}", "}}") if i % 2 == 0 else "{%d}" % (i // 2)
        for i, piece in enumerate(pieces)
    )
    value_columns = [
        [agency_value or _fallback(token) or ""] * len(people) if _base(token) == "agenzia"
        else [v or "" for v in columns[token]]
        for token in pieces[1::2]
    ]
    texts = [fmt.format(*values) for values in zip(*value_columns)] if value_columns else (
        [template] * len(people))
    # what is queued is what was counted: NFC (a decomposed accent in a name or in the text)
    texts = [nfc(text) for text in texts]
    messages = []
    credits = 0
    longest, longest_info, longest_index = template, analyze(template), -1
    for index, (person, source, text) in enumerate(zip(people, sources, texts)):
        info = cache.get(text)
        if info is None:
            info = cache[text] = analyze(text)
        messages.append(RenderedMessage(person, text, info, source))
        credits += info.segments
        if longest_index < 0 or (info is not longest_info and _longer(info, longest_info)):
            longest, longest_info, longest_index = text, info, index
    longest_label = people[longest_index].label if longest_index >= 0 else ""
    if max_parts is not None and longest_info.segments > max_parts:
        who = f" (per {longest_label})" if used and longest_label else ""
        raise TemplateProblems(
            [f"il testo{who} occupa {longest_info.segments} SMS, oltre il massimo di "
             f"{max_parts} (impostazione max_parts)"]
        )
    return RenderedTexts(tuple(messages), longest, longest_info, credits)


class TemplatePreview:
    """The longest rendered text of a template for a known set of recipients, per keystroke.

    Built once when a mask knows its recipients (in a worker, with ``prepare()``), then asked
    on every keystroke of the SMS editor (``SmsEditor.set_preview``). Rendering 100,000 texts
    per keystroke is too slow, so for each combination of placeholders in use (and of the
    literal text being GSM-7 or not) it ranks the recipients once by the units their values
    add, keeps the few that add most in each encoding, and on each keystroke renders only
    those and returns the one that costs most. The final, exact count of every message is
    ``render_for_recipients`` at queue time.
    """

    CANDIDATES = 3

    def __init__(
        self, recipients: Iterable["Recipient | SelectionRow"], *, agency: str | None = ""
    ) -> None:
        self.recipients = [_as_recipient(r) for r in recipients]
        self.agency = _clean(agency)
        self._columns: dict[str, list[str | None]] = {}
        self._units: dict[str, tuple[list[int], list[int]]] = {}
        self._candidates: dict[tuple, list[int]] = {}
        self._problems: dict[frozenset[str], list[str]] = {}

    def __len__(self) -> int:
        return len(self.recipients)

    def prepare(self) -> "TemplatePreview":
        """Measure every recipient's values now (100,000 recipients: a fraction of a second).

        Call it where the preview is built, in the mask's worker thread: the keystroke that
        first uses a placeholder then only ranks the recipients (~60 ms for 100,000).
        """
        for name in PLACEHOLDERS:
            self._column_units(name)
        return self

    def _column(self, name: str) -> list[str | None]:
        """Every recipient's value of one placeholder token (None where it is missing; the
        fallback of ``{nome|Gentile Cliente}`` where the recipient has no value)."""
        column = self._columns.get(name)
        if column is None:
            if _base(name) == "agenzia":
                value = self.agency if self.agency is not None else _fallback(name)
                column = [value] * len(self.recipients)
            else:
                column = _token_column(self.recipients, name)
            self._columns[name] = column
        return column

    def _column_units(self, name: str) -> tuple[list[int], list[int]]:
        """Per recipient: the septets of its value (-1 if not GSM) and its UTF-16 units."""
        units = self._units.get(name)
        if units is None:
            known: dict[str | None, tuple[int, int]] = {}  # names and the agency repeat
            gsm_units, utf16_units = [], []
            for value in self._column(name):
                pair = known.get(value)
                if pair is None:
                    text = value or ""
                    count = septets(text)
                    pair = known[value] = (
                        -1 if count is None else count,
                        len(text.encode("utf-16-le", "surrogatepass")) // 2,
                    )
                gsm_units.append(pair[0])
                utf16_units.append(pair[1])
            units = self._units[name] = (gsm_units, utf16_units)
        return units

    def problems(self, template: str) -> list[str]:
        """Unknown placeholders and values missing for some recipients (named)."""
        problems: list[str] = []
        unknown = unknown_placeholders(template)
        if unknown:
            problems.append(_unknown_message(unknown))
        used = frozenset(_tokens_in(template))
        if used not in self._problems:
            found = []
            total = len(self.recipients)
            for token in sorted(used, key=lambda t: (list(PLACEHOLDERS).index(_base(t)), t)):
                column = self._column(token)
                lacking = [r.label for r, v in zip(self.recipients, column) if v is None]
                if lacking:
                    found.append(_missing_message(_base(token), lacking, total))
            self._problems[used] = found
        return problems + self._problems[used]

    def longest(self, template: str) -> str:
        """The rendered text that costs most (the template itself when nothing is known)."""
        if not self.recipients or unknown_placeholders(template):
            return template
        pieces = _compile(template)
        names = pieces[1::2]
        if not names:
            return template
        literal_gsm = GSM_ALL.issuperset("".join(pieces[0::2]))
        key = (tuple(sorted(names)), literal_gsm)
        candidates = self._candidates.get(key)
        if candidates is None:
            candidates = self._candidates[key] = self._rank(names, literal_gsm)
        best_text, best_info = template, None
        for index in candidates:
            values = {name: self._column(name)[index] for name in set(names)}
            text = _fill(pieces, values)
            info = analyze(text)
            if best_info is None or _longer(info, best_info):
                best_text, best_info = text, info
        return best_text

    def _rank(self, names: list[str], literal_gsm: bool) -> list[int]:
        """The recipients whose values add most units, the top few in each encoding."""
        counts: dict[str, int] = {}
        for name in names:
            counts[name] = counts.get(name, 0) + 1
        columns = [(k, self._column(n), *self._column_units(n)) for n, k in counts.items()]
        gsm: list[tuple[int, int]] = []
        ucs2: list[tuple[int, int]] = []
        for index in range(len(self.recipients)):
            septets = 0 if literal_gsm else -1
            utf16 = 0
            for k, values, gsm_units, ucs_units in columns:
                if values[index] is None:
                    break  # reported by problems(); this recipient gets no message
                if septets >= 0:
                    septets = -1 if gsm_units[index] < 0 else septets + k * gsm_units[index]
                utf16 += k * ucs_units[index]
            else:
                if septets >= 0:
                    gsm.append((septets, index))
                else:
                    ucs2.append((utf16, index))
        top = heapq.nlargest(self.CANDIDATES, gsm) + heapq.nlargest(self.CANDIDATES, ucs2)
        return [index for _, index in top]
