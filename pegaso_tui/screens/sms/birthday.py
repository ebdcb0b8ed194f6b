"""Buon Compleanno (seed 000, "3 - Buon Compleanno"): the clients whose birthday falls in the
coming days, and an SMS of wishes ("Tanti Auguri dalla tua Agenzia di Viaggi preferita!")."""

from __future__ import annotations

from datetime import timedelta

from textual.app import ComposeResult
from textual.containers import Horizontal

from pegaso_tui.db.selections import BirthdayFilters, SelectionError
from pegaso_tui.screens.comms.crm_target import CrmTargetMaskScreen
from pegaso_tui.screens.sms.mask import FieldErrors
from pegaso_tui.screens.sms.fields import date_range
from pegaso_tui.screens.sms.practices import range_words
from pegaso_tui.widgets.date_input import DateInput
from pegaso_tui.widgets.form_field import FormField


class SmsBirthdayScreen(CrmTargetMaskScreen):
    """Buon Compleanno! / Varia."""

    #: the purpose the CRM actions of this mask propose (F4)
    CRM_PURPOSE = "auguri"

    MASK_TITLE = "Buon Compleanno"
    INTRO = ("Guarda quali sono i tuoi clienti che compiono gli anni nei prossimi giorni e "
             "inviagli un SMS di Auguri!")
    DETAIL_LABEL = "Compleanno"
    SEARCH_KIND = "birthday"

    def compose_filters(self) -> ComposeResult:
        today = self.app.services.today()
        saved: BirthdayFilters | None = self.initial_filters  # a saved search's, or None
        start = saved.dates.start if saved else today
        end = saved.dates.end if saved else today + timedelta(days=7)
        with Horizontal(classes="field-row"):
            yield FormField("Da data Compleanno:", DateInput(start, id="birthday-from"), id="field-birthday-from")
            yield FormField("A data Compleanno:", DateInput(end, id="birthday-to"), id="field-birthday-to")

    def preset_name(self) -> str:
        return "birthday"

    def read_filters(self) -> BirthdayFilters:
        errors: dict[str, str] = {}
        dates = date_range(self, "birthday-from", "birthday-to", errors, required=True)
        if errors:
            raise FieldErrors(errors)
        try:
            return BirthdayFilters(dates)
        except SelectionError as exc:
            raise FieldErrors({"field-birthday-to": str(exc)}) from None

    @staticmethod
    def select(filters: BirthdayFilters):
        from pegaso_tui.db.selections import birthday_recipients

        return birthday_recipients(filters)

    def describe(self, filters: BirthdayFilters) -> str:
        return range_words("Compleanni", filters.dates)
