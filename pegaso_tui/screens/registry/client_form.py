""""Clienti / Varia": the client form, with the tabs of the original.

- **Anagrafici**: person or company, code, ragione sociale, address, fiscal data, phones and
  the flags that decide who gets which SMS (Invio Sms Pratiche, Invio Sms Promo, Agenzia
  Viaggi, Cliente Privato, consenso email, cliente libero). A person has surname, name and
  birth date; a company has its VAT number and the date the business started.
- **Azienda** (companies only): the legal representative (a person client, ``F2`` looks
  one up) and the company's other mobiles.
- **Note**.
- **SMS** ("Scheda SMS"): the client's preferences as a checklist ("Applica Preferenze a
  Cliente"), "Crea nuova preferenza", and the SMS sent to the client with the text of the
  highlighted one.

Fiscal code and VAT number are checked as their field is left (and again on save, which
refuses them with the reason); the mobile is rewritten the Italian way as its field is left,
and a landline or an impossible number is flagged next to it (the client is saved, and
shown as not sendable).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    Button,
    Header,
    Input,
    OptionList,
    RadioSet,
    Static,
    TabbedContent,
    TabPane,
    TextArea,
)

from pegaso_tui.dates import DateError
from pegaso_tui.db.clients import (
    ClientData,
    client_card,
    new_client_card,
    persons_pager,
    save_client,
)
from pegaso_tui.db.messages import messages_pager
from pegaso_tui.db.models import COMPANY, PERSON
from pegaso_tui.db.preferences import all_preferences, save_preference
from pegaso_tui.db.records import InvalidRecord
from pegaso_tui.db.tax_ids import check_fiscal_code, check_vat_number
from pegaso_tui.screens.comms.client_optout import ClientOptOutBar
from pegaso_tui.screens.registry.record_form import RecordFormScreen
from pegaso_tui.sms.phone import INVALID, LANDLINE, PhoneCheck, check_mobile, display_number
from pegaso_tui.widgets.client_picker import ClientPicker
from pegaso_tui.widgets.date_input import DateInput
from pegaso_tui.widgets.enter_input import EnterInput
from pegaso_tui.widgets.fitted_input import FittedInput
from pegaso_tui.widgets.form_field import FormField
from pegaso_tui.widgets.key_footer import KeyFooter
from pegaso_tui.widgets.message_list import MessageList
from pegaso_tui.widgets.plain import esc, plain
from pegaso_tui.widgets.toggles import Checkbox, RadioButton, SelectionList

#: The check boxes of the "Anagrafici" tab: (field, label).
FLAGS = (
    ("sms_practices", "Invio Sms Pratiche"),
    ("sms_promo", "Invio Sms Promo"),
    ("travel_agency", "Agenzia Viaggi"),
    ("private", "Cliente Privato"),
    ("email_consent", "Consenso email"),
    ("walk_in", "Cliente libero"),
)

#: The plain text inputs: (field, label, max length).
_TEXTS = {
    "code": ("Codice", 20),
    "name": ("Ragione Sociale", 200),
    "last_name": ("Cognome", 100),
    "first_name": ("Nome", 100),
    "address": ("Indirizzo", 200),
    "zip": ("CAP", 10),
    "city": ("Città", 100),
    "province": ("PR", 4),
    "country": ("Nazione", 60),
    "fiscal_code": ("Cod. Fiscale", 20),
    "vat_number": ("Partita IVA", 20),
    "phone": ("Telefono", 40),
    "mobile": ("Cellulare", 40),
    "email": ("E@mail", 200),
}
#: a text this short (a postcode, a province) is shown whole whatever the style's width
SHORT_TEXT = 12


def mobile_warning(check: PhoneCheck, who: str = "il cliente") -> str | None:
    """What the field says about a mobile that cannot receive an SMS (a landline, a toll-free
    number, an impossible number); nothing for an empty field or a good mobile."""
    if check.status in (LANDLINE, INVALID):
        return f"{check.reason}: {who} non riceverà SMS"
    return None


class PersonPicker(ClientPicker):
    """The legal representative: a client picker whose lens lists persons only."""

    LOOKUP_TITLE = "Cerca persona fisica"
    pager = staticmethod(persons_pager)


def _load(client_id: int | None):
    card = client_card(client_id) if client_id is not None else new_client_card()
    return card, all_preferences()


def _client_errors(data) -> dict[str, str]:
    from pegaso_tui.db.clients import check_client

    return check_client(data)[1]


class ClientFormScreen(RecordFormScreen):
    """Clienti / Varia (or / Nuovo)."""

    NOUN = "il cliente"

    def __init__(self, client_id: int | None = None) -> None:
        super().__init__(client_id)
        self.MASK_TITLE = "Clienti / Varia" if client_id else "Clienti / Nuovo"
        self.version = ""
        self.extra_mobiles: list[str] = []
        self.add_class("-person")  # a new client is a person until told otherwise

    # -- composing ------------------------------------------------------------------------------

    def _text(self, name: str, classes: str = "") -> FormField:
        label, length = _TEXTS[name]
        if length <= SHORT_TEXT:  # CAP, PR: drawn whole, with the cursor after them
            text_input = FittedInput(id=name, max_length=length, visible_chars=length)
        else:
            text_input = Input(id=name, max_length=length)
        field = FormField(label, text_input, id=f"f-{name}")
        if classes:
            field.add_class(classes)
        return field

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="form-heading")
        with TabbedContent(id="client-tabs"):
            with TabPane("Anagrafici", id="tab-registry"):
                with VerticalScroll(classes="form-body"):
                    with RadioSet(id="kind"):
                        yield RadioButton("Persona fisica", value=True, id="kind-person")
                        yield RadioButton("Azienda", id="kind-company")
                    yield self._text("code")
                    yield self._text("name")
                    yield self._text("last_name", "person-only")
                    yield self._text("first_name", "person-only")
                    yield self._text("address")
                    yield self._text("zip")
                    yield self._text("city")
                    yield self._text("province")
                    yield self._text("country")
                    yield self._text("fiscal_code")
                    field = FormField("Data di nascita", DateInput(id="birth_date"), id="f-birth_date")
                    field.add_class("person-only")
                    yield field
                    yield self._text("vat_number", "company-only")
                    field = FormField("Inizio attività", DateInput(id="business_started"), id="f-business_started")
                    field.add_class("company-only")
                    yield field
                    yield self._text("phone")
                    yield self._text("mobile")
                    yield self._text("email")
                    with Vertical(id="flags"):
                        for name, label in FLAGS:
                            yield Checkbox(label, id=name)
            with TabPane("Azienda", id="tab-company"):
                with VerticalScroll(classes="form-body"):
                    yield FormField("Rappr. legale", PersonPicker(id="legal_representative"), id="f-legal_representative")
                    yield Static("Altri cellulari dell'azienda (Invio aggiunge, Canc toglie)", classes="section-title")
                    yield FormField(
                        "Nuovo cellulare",
                        EnterInput(id="new-mobile", placeholder="es. 349 999 9999", classes="no-snapshot",
                                   on_enter=self._add_extra_mobile),
                        id="f-new_mobile",
                    )
                    yield OptionList(id="extra-mobiles")
            with TabPane("Note", id="tab-notes"):
                yield TextArea(id="notes")
            with TabPane("SMS", id="tab-sms"):
                with Horizontal(id="sms-top"):
                    with Vertical(id="preferences-box"):
                        yield Static("Applica Preferenze a Cliente (Sms Promozionali)", classes="section-title")
                        yield SelectionList[int](id="preferences")
                    with Vertical(id="new-preference"):
                        yield Static("Crea nuova preferenza", classes="section-title")
                        yield FormField(
                            "Codice", EnterInput(id="new-pref-code", max_length=20, placeholder="es. CROC",
                                                 classes="no-snapshot", on_enter=self._to_description),
                            id="f-new_pref_code", label_width=12,
                        )
                        yield FormField(
                            "Preferenza", EnterInput(id="new-pref-description", max_length=120,
                                                     placeholder="es. Crociere", classes="no-snapshot",
                                                     on_enter=lambda _: self._create_preference()),
                            id="f-new_pref_description", label_width=12,
                        )
                        yield Button("Crea (Invio)", id="create-preference")
                yield ClientOptOutBar(id="client-optout")
                yield Static("Sms Inviati a Cliente", classes="section-title")
                yield MessageList(id="client-sms")
        yield KeyFooter()

    # -- loading --------------------------------------------------------------------------------

    def load_function(self):
        return _load, (self.record_id,)

    def on_mount(self) -> None:
        super().on_mount()
        # phonenumbers loads its metadata on first use: do it now, off the UI thread
        self.run_worker(lambda: check_mobile("3490000000"), thread=True, group="warm-phone")

    def fill(self, loaded) -> None:
        card, preferences = loaded
        data: ClientData = card.data
        self.version = card.version
        for name in _TEXTS:
            self.query_one(f"#{name}", Input).value = str(getattr(data, name) or "")
        self.query_one("#mobile", Input).value = display_number(data.mobile)
        self.query_one("#birth_date", DateInput).date = data.birth_date
        self.query_one("#business_started", DateInput).date = data.business_started
        for name, _ in FLAGS:
            self.query_one(f"#{name}", Checkbox).value = bool(getattr(data, name))
        self.query_one("#notes", TextArea).text = data.notes or ""
        button = "#kind-company" if data.kind == COMPANY else "#kind-person"
        self.query_one(button, RadioButton).value = True
        self._apply_kind(data.kind)
        self.query_one("#legal_representative", PersonPicker).show_code_and_name(
            data.legal_representative, card.legal_representative_name if data.legal_representative else "")
        self.extra_mobiles = [display_number(m) for m in data.extra_mobiles]
        self._show_extra_mobiles()
        chosen = set(data.preference_ids)
        selection = self.query_one("#preferences", SelectionList)
        selection.clear_options()
        selection.add_options([(plain(f"{p.code:<6} {p.description}"), p.id, p.id in chosen) for p in preferences])
        self._heading(data.code, data.name)
        if self.record_id is not None:
            self.query_one(MessageList).show(messages_pager(client=self.record_id))
        self.query_one(ClientOptOutBar).show(self.record_id, data.name)
        self._flag_mobile()

    def after_load(self) -> None:
        self.query_one("#name" if self.record_id else "#code", Input).focus()

    def _heading(self, code: str, name: str) -> None:
        self.query_one("#form-heading", Static).update(f"Codice: [b]{esc(code)}[/b]  {esc(name)}")

    # -- person or company ------------------------------------------------------------------

    @property
    def kind(self) -> str:
        return COMPANY if self.query_one("#kind-company", RadioButton).value else PERSON

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        if event.radio_set.id == "kind":
            self._apply_kind(self.kind)

    def _apply_kind(self, kind: str) -> None:
        company = kind == COMPANY
        if self.has_class("-company") != company or self.has_class("-person") == company:
            # one restyle of the whole form, not two
            self.remove_class("-company", "-person", update=False)
            self.add_class("-company" if company else "-person")
        tabs = self.query_one(TabbedContent)
        if company:
            tabs.show_tab("tab-company")
        else:
            tabs.hide_tab("tab-company")

    # -- checks as a field is left --------------------------------------------------------------

    def on_input_blurred(self, event: Input.Blurred) -> None:
        name = event.input.id
        if name == "mobile":
            self._normalise_mobile()
        elif name in ("fiscal_code", "vat_number", "country", "birth_date"):
            self._check_tax_ids()

    def _normalise_mobile(self) -> None:
        field = self.query_one("#mobile", Input)
        check = check_mobile(field.value)
        if check.e164:
            field.value = display_number(check.e164)
        self.set_field_error("mobile", mobile_warning(check))

    def _flag_mobile(self) -> None:
        check = check_mobile(self.query_one("#mobile", Input).value)
        self.set_field_error("mobile", mobile_warning(check))

    def _birth_date(self):
        try:
            return self.query_one("#birth_date", DateInput).date
        except DateError:
            return None

    def _check_tax_ids(self) -> None:
        country = self.query_one("#country", Input).value
        fiscal_input = self.query_one("#fiscal_code", Input)
        birth = self._birth_date() if self.kind == PERSON else None
        fiscal = check_fiscal_code(fiscal_input.value, country=country, birth_date=birth)
        if not fiscal.error and fiscal.value != fiscal_input.value:
            fiscal_input.value = fiscal.value
        self.set_field_error("fiscal_code", fiscal.error)
        if self.kind == COMPANY:
            vat_input = self.query_one("#vat_number", Input)
            vat = check_vat_number(vat_input.value, country=country)
            if not vat.error and vat.value != vat_input.value:
                vat_input.value = vat.value
            self.set_field_error("vat_number", vat.error)

    def show_errors(self, errors: dict[str, str]) -> None:
        super().show_errors(errors)
        if "mobile" not in errors:
            self._flag_mobile()  # the landline flag is a warning: it stays

    # -- the company's other mobiles ---------------------------------------------------------

    def _show_extra_mobiles(self) -> None:
        options = self.query_one("#extra-mobiles", OptionList)
        options.clear_options()
        options.add_options([plain(mobile) for mobile in self.extra_mobiles or []])

    def _to_description(self, _code: str) -> None:
        # at once (set_focus, not focus(), which waits its turn in the app's queue): the
        # keys typed behind the code's Invio are the description's
        self.set_focus(self.query_one("#new-pref-description", Input))

    def _add_extra_mobile(self, typed: str) -> None:
        if not typed.strip():
            return
        check = check_mobile(typed)
        if not check.sendable:
            self.set_field_error("new_mobile", check.reason)
            return
        shown = display_number(check.e164)
        main_mobile = check_mobile(self.query_one("#mobile", Input).value).e164
        if shown in self.extra_mobiles or check.e164 == main_mobile:
            self.set_field_error("new_mobile", "numero già presente")
            return
        self.set_field_error("new_mobile", None)
        self.extra_mobiles.append(shown)
        self._show_extra_mobiles()
        self.query_one("#new-mobile", Input).value = ""

    def on_key(self, event) -> None:
        options = self.query_one("#extra-mobiles", OptionList)
        if event.key in ("delete", "backspace") and self.focused is options:
            index = options.highlighted
            if index is not None and 0 <= index < len(self.extra_mobiles):
                del self.extra_mobiles[index]
                self._show_extra_mobiles()
                if self.extra_mobiles:
                    options.highlighted = min(index, len(self.extra_mobiles) - 1)
            event.stop()

    # -- "Crea nuova preferenza" ----------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "create-preference":
            self._create_preference()

    def _create_preference(self) -> None:
        code = self.query_one("#new-pref-code", Input).value
        description = self.query_one("#new-pref-description", Input).value

        def created(preference) -> None:
            self.set_field_error("new_pref_code", None)
            self.set_field_error("new_pref_description", None)
            selection = self.query_one("#preferences", SelectionList)
            selection.add_option((plain(f"{preference.code:<6} {preference.description}"), preference.id, True))
            self.query_one("#new-pref-code", Input).value = ""
            self.query_one("#new-pref-description", Input).value = ""
            self.notify(f"Preferenza {preference.code} creata e applicata al cliente", markup=False)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, InvalidRecord):
                self.set_field_error("new_pref_code", exc.errors.get("code"))
                self.set_field_error("new_pref_description", exc.errors.get("description"))
                return
            self.notify_error(exc)

        self.run_db(save_preference, code, description, done=created, failed=failed, group="new-preference")

    # -- saving ---------------------------------------------------------------------------------

    def extra_state(self) -> tuple:
        return (tuple(self.extra_mobiles),)

    def gather(self) -> ClientData:
        dates = self.read_dates("birth_date", "business_started")
        values = {name: self.query_one(f"#{name}", Input).value for name in _TEXTS}
        flags = {name: self.query_one(f"#{name}", Checkbox).value for name, _ in FLAGS}
        return ClientData(
            **values,
            **flags,
            **dates,
            kind=self.kind,
            notes=self.query_one("#notes", TextArea).text,
            legal_representative=self.query_one("#legal_representative", PersonPicker).code,
            extra_mobiles=list(self.extra_mobiles),
            preference_ids=list(self.query_one("#preferences", SelectionList).selected),
        )

    def save_function(self):
        return save_client

    def check_function(self):
        return _client_errors

    def save_args(self) -> tuple:
        return (self.version,)
