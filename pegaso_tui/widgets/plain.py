"""Values from the database shown as they are written, never read as markup.

Textual reads a ``str`` given to a widget as markup: a client called "VIAGGI [/] SRL" would
stop the app (MarkupError), "MARE [b]BLU" would lose its brackets, and a name holding
"[@click=app.quit]" would become a clickable action. Names, texts and descriptions come from
CSV files and other terminals, so every one of them reaches a widget through these helpers.
"""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text
from textual.content import Content


def plain(value: object) -> Content:
    """A label for a Textual widget (Static, OptionList, SelectionList) with no markup."""
    return Content("" if value is None else str(value))


def plain_text(value: object) -> Text:
    """The same as a Rich Text, for what takes Rich renderables (DataTable cells, Select)."""
    if isinstance(value, Text):
        return value
    return Text("" if value is None else str(value))


def esc(value: object) -> str:
    """A value put inside a label that uses markup (``f"Codice: [b]{esc(code)}[/b]"``)."""
    return escape("" if value is None else str(value))
