"""SMS Pratiche (seed 000, "1 - Sms Pratiche"): informative SMS to clients, chosen by the
status of their practice.

Fields as in the original: Da/A Cliente (with the lens), Da/A data Pratica (this year by
default), Da/A Data Partenza, Stato Pratica (the four statuses) and the Testo Sms, with a
preset text per status that the user can change and save (F9).
"""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import RadioSet

from pegaso_tui.dates import DateRange, format_date
from pegaso_tui.db.selections import ClientRange, PracticeFilters, PracticeStatus, SelectionError
from pegaso_tui.screens.comms.crm_target import CrmTargetMaskScreen
from pegaso_tui.screens.sms.fields import FieldErrors, date_range
from pegaso_tui.widgets.client_picker import ClientPicker
from pegaso_tui.widgets.date_input import DateInput
from pegaso_tui.widgets.form_field import FormField
from pegaso_tui.widgets.toggles import RadioButton

#: The mask's short labels, as in the original (seed 000).
STATUS_LABELS = {
    PracticeStatus.BALANCE_NOT_NOTIFIED: "Non Avv. per Saldo",
    PracticeStatus.DOCUMENTS_NOT_NOTIFIED: "Non Avv. per Docum.",
    PracticeStatus.UNPAID: "Non Saldate",
    PracticeStatus.DOCUMENTS_NOT_DELIVERED: "Non Cons. Doc.",
}


def client_range(screen, errors: dict[str, str]) -> ClientRange:
    """Da Cliente / A Cliente of a mask (fields client-from, client-to)."""
    start = screen.query_one("#client-from", ClientPicker).code
    end = screen.query_one("#client-to", ClientPicker).code
    try:
        return ClientRange(start or None, end or None)
    except SelectionError as exc:
        errors["field-client-to"] = str(exc)
        return ClientRange()


def range_words(label: str, dates: DateRange) -> str:
    if dates.is_open:
        return ""
    return f"{label} {format_date(dates.start) or '…'} → {format_date(dates.end) or '…'}"


class SmsPracticesScreen(CrmTargetMaskScreen):
    """SMS Pratiche / Varia."""

    #: the purpose the CRM actions of this mask propose (F4)
    CRM_PURPOSE = "servizio"

    MASK_TITLE = "SMS Pratiche"
    INTRO = "Seleziona in base alla pratica e allo stato in cui si trova"
    DETAIL_LABEL = "Pratica"
    SEARCH_KIND = "practice"

    def compose_filters(self) -> ComposeResult:
        today = self.app.services.today()
        saved: PracticeFilters | None = self.initial_filters  # a saved search's, or None
        clients = saved.clients if saved else ClientRange()
        practice_dates = (saved.practice_dates if saved
                          else DateRange(date(today.year, 1, 1), date(today.year, 12, 31)))
        departure_dates = saved.departure_dates if saved else DateRange()
        chosen = saved.status if saved else PracticeStatus.BALANCE_NOT_NOTIFIED
        yield FormField("Da Cliente:", ClientPicker(clients.start or "", id="client-from"), id="field-client-from")
        yield FormField("A Cliente:", ClientPicker(clients.end or "", id="client-to"), id="field-client-to")
        with Horizontal(classes="field-row"):
            yield FormField("Da data Pratica:", DateInput(practice_dates.start, id="practice-from"), id="field-practice-from")
            yield FormField("A data Pratica:", DateInput(practice_dates.end, id="practice-to"), id="field-practice-to")
        with Horizontal(classes="field-row"):
            yield FormField("Da Data Partenza:", DateInput(departure_dates.start, id="departure-from"), id="field-departure-from")
            yield FormField("A Data Partenza:", DateInput(departure_dates.end, id="departure-to"), id="field-departure-to")
        yield FormField(
            "Stato Pratica:",
            RadioSet(
                *(
                    RadioButton(label, value=(status is chosen), id=f"status-{status.value}")
                    for status, label in STATUS_LABELS.items()
                ),
                id="status",
            ),
            id="field-status",
        )

    @property
    def status(self) -> PracticeStatus:
        pressed = self.query_one("#status", RadioSet).pressed_button
        if pressed is None or pressed.id is None:
            return PracticeStatus.BALANCE_NOT_NOTIFIED
        return PracticeStatus(pressed.id.removeprefix("status-"))

    def preset_name(self) -> str:
        return f"practice:{self.status.value}"

    def read_filters(self) -> PracticeFilters:
        errors: dict[str, str] = {}
        clients = client_range(self, errors)
        practice_dates = date_range(self, "practice-from", "practice-to", errors)
        departure_dates = date_range(self, "departure-from", "departure-to", errors)
        if errors:
            raise FieldErrors(errors)
        return PracticeFilters(self.status, clients, practice_dates, departure_dates)

    @staticmethod
    def select(filters: PracticeFilters):
        from pegaso_tui.db.selections import practices_to_notify

        return practices_to_notify(filters)

    def title_for(self, filters: PracticeFilters) -> str:
        return f"SMS Pratiche · {filters.status.label}"

    def describe(self, filters: PracticeFilters) -> str:
        last = filters.clients.end or "all'ultimo"
        parts = [
            f"Clienti {filters.clients.start or 'dal primo'} → {last}",
            range_words("Data pratica", filters.practice_dates),
            range_words("Data partenza", filters.departure_dates),
        ]
        return " · ".join(p for p in parts if p)

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        # Another status proposes its own text, unless the user has written one.
        from pegaso_tui.db.sending import preset_text

        if self.editor.text == self._saved_text or not self.editor.text.strip():
            def show(text: str) -> None:
                self.editor.text = text
                self._saved_text = text

            self.run_db(preset_text, self.preset_name(), done=show, group="preset")
        self.schedule_recount()

    def on_client_picker_changed(self, event: ClientPicker.Changed) -> None:
        self.schedule_recount()
