"""Placeholders in an SMS template, rendered per recipient: ``Gentile {nome}, ...``.

``{nome}``, ``{cognome}``, ``{ragione_sociale}``, ``{pratica}``, ``{partenza}``,
``{destinazione}``, ``{saldo}``, ``{agenzia}``. An unknown placeholder, or a value missing for
some recipients, is an error that names them, raised before anything is queued.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

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

_PATTERN = re.compile(r"\{([^{}\s]*)\}")


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
        names = ", ".join("{" + n + "}" for n in unknown)
        known = ", ".join("{" + n + "}" for n in PLACEHOLDERS)
        raise PlaceholderError(f"segnaposto sconosciuto: {names} (disponibili: {known})")


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
        name = match.group(1)
        value = values.get(name)
        if value is None or str(value).strip() == "":
            raise MissingValue(name)
        return str(value)

    return _PATTERN.sub(replace, template)
