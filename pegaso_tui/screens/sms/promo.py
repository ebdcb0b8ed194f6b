"""SMS Promozionali (seed 000, "2 - Sms Promozionali per Cliente (CRM)"): a promotional SMS to
the clients who agreed to promotions, filtered by client range, by their practices and by
their preferences ("almeno una" of those chosen)."""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.containers import Horizontal

from pegaso_tui.dates import DateRange
from pegaso_tui.db.preferences import all_preferences
from pegaso_tui.db.selections import ClientRange, PromoFilters
from pegaso_tui.screens.comms.crm_target import CrmTargetMaskScreen
from pegaso_tui.screens.sms.mask import FieldErrors
from pegaso_tui.screens.sms.fields import date_range
from pegaso_tui.screens.sms.practices import client_range, range_words
from pegaso_tui.widgets.client_picker import ClientPicker
from pegaso_tui.widgets.date_input import DateInput
from pegaso_tui.widgets.form_field import FormField
from pegaso_tui.widgets.plain import plain
from pegaso_tui.widgets.toggles import Checkbox, SelectionList

PRACTICE_FIELDS = ("practice-from", "practice-to", "departure-from", "departure-to")


class SmsPromoScreen(CrmTargetMaskScreen):
    """Invio Sms Promozionali / Varia."""

    #: the purpose the CRM actions of this mask propose (F4)
    CRM_PURPOSE = "marketing"

    MASK_TITLE = "SMS Promozionali"
    INTRO = "Puoi selezionare i tuoi clienti in base alle loro preferenze"
    SEARCH_KIND = "promo"

    def compose_filters(self) -> ComposeResult:
        today = self.app.services.today()
        saved: PromoFilters | None = self.initial_filters  # a saved search's, or None
        with_practices = bool(saved and saved.with_practices)
        clients = saved.clients if saved else ClientRange()
        practice_dates = (saved.practice_dates if with_practices
                          else DateRange(date(today.year, 1, 1), date(today.year, 12, 31)))
        departure_dates = saved.departure_dates if with_practices else DateRange()
        yield FormField("Da Cliente:", ClientPicker(clients.start or "", id="client-from"), id="field-client-from")
        yield FormField("A Cliente:", ClientPicker(clients.end or "", id="client-to"), id="field-client-to")
        yield Checkbox("Considera solo Clienti con Pratiche", with_practices, id="with-practices")
        with Horizontal(classes="field-row"):
            yield FormField("Da data Pratica:", DateInput(practice_dates.start, id="practice-from"), id="field-practice-from")
            yield FormField("A data Pratica:", DateInput(practice_dates.end, id="practice-to"), id="field-practice-to")
        with Horizontal(classes="field-row"):
            yield FormField("Da Data Partenza:", DateInput(departure_dates.start, id="departure-from"), id="field-departure-from")
            yield FormField("A Data Partenza:", DateInput(departure_dates.end, id="departure-to"), id="field-departure-to")
        yield Checkbox("Filtra per Preferenze", bool(saved and saved.preferences), id="by-preferences")
        yield FormField("Preferenze Cliente:", SelectionList[str](id="preferences"), id="field-preferences")

    def on_mount(self) -> None:
        super().on_mount()
        saved: PromoFilters | None = self.initial_filters
        self._enable_practice_dates(bool(saved and saved.with_practices))
        self.query_one("#preferences", SelectionList).disabled = not (saved and saved.preferences)
        self.run_db(all_preferences, done=self._show_preferences, group="preferences")

    def _show_preferences(self, preferences) -> None:
        selection = self.query_one("#preferences", SelectionList)
        selection.clear_options()
        chosen = {c.upper() for c in self.initial_filters.preferences} if self.initial_filters else set()
        selection.add_options([(plain(f"{p.code:<6} {p.description}"), p.code, p.code.upper() in chosen)
                               for p in preferences])
        if preferences:
            selection.highlighted = 0  # Space ticks at once, no arrow needed first

    def _enable_practice_dates(self, enabled: bool) -> None:
        for key in PRACTICE_FIELDS:
            self.query_one(f"#{key}", DateInput).disabled = not enabled

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id == "with-practices":
            self._enable_practice_dates(event.value)
        elif event.checkbox.id == "by-preferences":
            self.query_one("#preferences", SelectionList).disabled = not event.value
        self.schedule_recount()

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        self.schedule_recount()

    def on_client_picker_changed(self, event: ClientPicker.Changed) -> None:
        self.schedule_recount()

    def preset_name(self) -> str:
        return "promo"

    def read_filters(self) -> PromoFilters:
        errors: dict[str, str] = {}
        clients = client_range(self, errors)
        with_practices = self.query_one("#with-practices", Checkbox).value
        practice_dates = departure_dates = DateRange()
        if with_practices:
            practice_dates = date_range(self, "practice-from", "practice-to", errors)
            departure_dates = date_range(self, "departure-from", "departure-to", errors)
        preferences: tuple[str, ...] = ()
        if self.query_one("#by-preferences", Checkbox).value:
            preferences = tuple(self.query_one("#preferences", SelectionList).selected)
            if not preferences:
                errors["field-preferences"] = "scegliere almeno una preferenza (o togliere \"Filtra per Preferenze\")"
        if errors:
            raise FieldErrors(errors)
        return PromoFilters(clients=clients, preferences=preferences, with_practices=with_practices,
                            practice_dates=practice_dates, departure_dates=departure_dates)

    @staticmethod
    def select(filters: PromoFilters):
        from pegaso_tui.db.selections import promo_recipients

        return promo_recipients(filters)

    def title_for(self, filters: PromoFilters) -> str:
        return "SMS Promozionali"

    def describe(self, filters: PromoFilters) -> str:
        last = filters.clients.end or "all'ultimo"
        parts = [f"Clienti {filters.clients.start or 'dal primo'} → {last}"]
        if filters.with_practices:
            parts.append("solo clienti con pratiche")
            parts.append(range_words("Data pratica", filters.practice_dates))
            parts.append(range_words("Data partenza", filters.departure_dates))
        if filters.preferences:
            parts.append("preferenze: " + ", ".join(filters.preferences))
        return " · ".join(p for p in parts if p)
