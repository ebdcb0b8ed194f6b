"""Salva ricerca (F7 in SMS Pratiche, SMS Promozionali, Buon Compleanno; seed 004): the mask's
filters kept by name, with the seed's three ways of keeping the dates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, RadioSet, Static

from pegaso_tui.db.models import DATES_FIXED, DATES_NONE, DATES_ROLLING
from pegaso_tui.screens.comms import COMMS_CSS
from pegaso_tui.widgets.dialog import DialogScreen
from pegaso_tui.widgets.form_field import FormField
from pegaso_tui.widgets.plain import plain
from pegaso_tui.widgets.toggles import Checkbox, RadioButton

LABEL_WIDTH = 13
MODES = (
    (DATES_NONE, "Non salvare le date"),
    (DATES_FIXED, "Mantieni le date selezionate"),
    (DATES_ROLLING, "Mantieni gli intervalli impostati ma aggiorna le date"),
)


@dataclass(frozen=True)
class SearchInfo:
    """What a search holds besides its filters (to save it again from the mask it opened)."""

    name: str = ""
    description: str = ""
    date_mode: str = DATES_ROLLING
    scheduling: bool = False
    in_menu: bool = False


class SaveSearchDialog(DialogScreen[Any]):
    """Nome, Descrizione, Modalità di calcolo, the two flags; F10 saves, dismissing with the
    saved search's name."""

    CSS_PATH = COMMS_CSS

    def __init__(self, kind: str, data: dict[str, Any], info: SearchInfo | None = None,
                 *, search_id: int | None = None) -> None:
        """``search_id``: change that search's details only ("Varia" in Ricerche salvate),
        keeping its filters; otherwise save ``data`` (a mask's filters) by name."""
        super().__init__(id="save-search", classes="comms-dialog")
        self.kind = kind
        self.data = data
        self.info = info or SearchInfo()
        self.search_id = search_id

    def compose(self) -> ComposeResult:
        info = self.info
        with Vertical():
            yield Static("Varia ricerca" if self.search_id else "Salva ricerca", classes="dialog-title")
            yield FormField("Nome:", Input(info.name, id="search-name", max_length=80),
                            label_width=LABEL_WIDTH, id="field-search-name")
            yield FormField("Descrizione:", Input(info.description, id="search-description"),
                            label_width=LABEL_WIDTH, id="field-search-description")
            yield FormField("Date:", RadioSet(
                *(RadioButton(label, value=(mode == info.date_mode), id=f"mode-{mode}")
                  for mode, label in MODES), id="search-mode"),
                label_width=LABEL_WIDTH, id="field-search-mode")
            yield Checkbox("Abilita comunicazioni programmate", info.scheduling, id="search-scheduling")
            yield Checkbox("Visibile nel menù principale", info.in_menu, id="search-menu")
            yield Static("", classes="dialog-error", id="search-error")
            yield Static("Per una comunicazione programmata: \"aggiorna le date\" e \"Abilita "
                         "comunicazioni programmate\".  F10 salva · Esc annulla", classes="dialog-keys")

    def on_mount(self) -> None:
        for widget in self.query("Input, Checkbox"):
            widget.compact = True
        self.query_one("#search-name", Input).focus()

    @property
    def date_mode(self) -> str:
        pressed = self.query_one("#search-mode", RadioSet).pressed_button
        return pressed.id.removeprefix("mode-") if pressed is not None and pressed.id else DATES_FIXED

    def action_confirm(self) -> None:
        from pegaso_tui.db.operators import current_operator
        from pegaso_tui.db.searches import save_search

        services = self.app.services
        name = self.query_one("#search-name", Input).value
        replace = bool(self.info.name) and " ".join(name.split()) == self.info.name
        values = dict(
            date_mode=self.date_mode,
            description=self.query_one("#search-description", Input).value,
            scheduling=self.query_one("#search-scheduling", Checkbox).value,
            in_menu=self.query_one("#search-menu", Checkbox).value,
            today=services.today(), replace=replace,
        )
        kind, data, username = self.kind, self.data, services.operator_username
        search_id = self.search_id

        def save() -> str:
            if search_id is not None:
                from pegaso_tui.db.searches import update_search_details

                for key in ("today", "replace"):
                    values.pop(key)
                return update_search_details(search_id, name, **values).name
            search = save_search(name, kind, data, operator=current_operator(username), **values)
            return search.name

        self.run_db(save, done=self.dismiss, failed=self._failed, group="save-search")

    def _failed(self, exc: BaseException) -> None:
        from pegaso_tui.errors import first_line

        self.query_one("#search-error", Static).update(plain(first_line(exc)))
        self.app.bell()
