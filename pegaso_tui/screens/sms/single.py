"""Invio SMS Singolo (seed 000, "4 - Sms Singolo"): one SMS to a client, a supplier or any number.

Destinatario Cliente / Fornitore / Altro; the client or supplier is found by code or with the
lens, and fills the "Numero cellulare" (which stays editable); "Altro" takes a name and a
number. The sender alias is checked; the send flow (preview, confirmation, progress) is the
same as every mask's. Other masks open this one filled in with ``app.open_single_sms``.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.widgets import Input, RadioSet

from pegaso_tui.screens.sms.mask import FieldErrors, SmsMaskScreen
from pegaso_tui.screens.sms.preview import PreviewRow, SendJob
from pegaso_tui.sms.draft import CLIENT, OTHER, SUPPLIER, SmsDraft
from pegaso_tui.sms.phone import check_mobile, display_number
from pegaso_tui.widgets.client_picker import ClientPicker
from pegaso_tui.widgets.form_field import FormField
from pegaso_tui.widgets.supplier_picker import SupplierPicker
from pegaso_tui.widgets.toggles import RadioButton

KINDS = {CLIENT: "Cliente", SUPPLIER: "Fornitore", OTHER: "Altro"}


class SingleTarget:
    """What the mask read from its fields (plain data for the worker)."""

    def __init__(self, kind: str, client_code: str, supplier_code: str, name: str, number: str) -> None:
        self.kind = kind
        self.client_code = client_code
        self.supplier_code = supplier_code
        self.name = name
        self.number = number


def plan_for(target: SingleTarget, template: str, sender: str, settings) -> SendJob:
    """The plan of one SMS (runs in a worker): finds the client or supplier by code."""
    from pegaso_tui.db.campaigns import CampaignError, plan_single
    from pegaso_tui.db.clients import client_by_code

    client = supplier = None
    if target.kind == CLIENT:
        client = client_by_code(target.client_code)
        if client is None:
            raise CampaignError(f"cliente inesistente: {target.client_code}")
    elif target.kind == SUPPLIER:
        from pegaso_tui.db.suppliers import supplier_by_code

        supplier = supplier_by_code(target.supplier_code)
        if supplier is None:
            raise CampaignError(f"fornitore inesistente: {target.supplier_code}")
    plan = plan_single(template, number=target.number, client=client, supplier=supplier,
                       name=target.name, max_parts=settings.max_parts, agency=settings.agency)
    message = plan.messages[0]
    code = client.code if client else (supplier.code if supplier else "")
    name = client.name if client else (supplier.name if supplier else target.name)
    row = PreviewRow(code, name, display_number(message.phone), KINDS[target.kind],
                     message.segments, None, message.text)
    return SendJob("Invio SMS Singolo", plan, [row], sender, "Destinatario",
                   f"Destinatario: {KINDS[target.kind]} {name}".strip())


class SingleSmsScreen(SmsMaskScreen):
    """Invia sms / Varia."""

    MASK_TITLE = "Invio SMS Singolo"
    LIVE_COUNT = False

    def __init__(self, draft: SmsDraft | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Opened from the menu, the mask starts on "Cliente", the usual recipient.
        self.draft = draft or SmsDraft(recipient_kind=CLIENT)

    def compose_filters(self) -> ComposeResult:
        draft = self.draft
        yield FormField(
            "Destinatario:",
            RadioSet(
                *(RadioButton(label, value=(kind == draft.recipient_kind), id=f"kind-{kind}")
                  for kind, label in KINDS.items()),
                id="recipient-kind",
            ),
            id="field-kind",
        )
        yield FormField("Cliente:", ClientPicker(draft.client_code, id="client"), id="field-client")
        yield FormField("Fornitore:", SupplierPicker(draft.supplier_code, id="supplier"), id="field-supplier")
        yield FormField("Altro:", Input(draft.name if draft.recipient_kind == OTHER else "",
                                            placeholder="nome (facoltativo)", id="other-name"),
                            id="field-other")
        yield FormField("Numero cellulare:", Input(display_number(draft.mobile) if draft.mobile else draft.mobile,
                                                   placeholder="es. 349 999 9999", id="mobile"), id="field-mobile")

    def on_mount(self) -> None:
        super().on_mount()
        if self.draft.text:
            self.editor.text = self.draft.text
        self._enable_for(self.kind)

    @property
    def kind(self) -> str:
        pressed = self.query_one("#recipient-kind", RadioSet).pressed_button
        if pressed is None or pressed.id is None:
            return OTHER
        return pressed.id.removeprefix("kind-")

    def _enable_for(self, kind: str) -> None:
        self.query_one("#client", ClientPicker).disabled = kind != CLIENT
        self.query_one("#supplier", SupplierPicker).disabled = kind != SUPPLIER
        self.query_one("#other-name", Input).disabled = kind != OTHER

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self._enable_for(self.kind)

    def on_client_picker_changed(self, event: ClientPicker.Changed) -> None:
        if event.client is not None:
            self.query_one("#mobile", Input).value = display_number(event.client.mobile)

    def on_supplier_picker_changed(self, event: SupplierPicker.Changed) -> None:
        if event.record is not None:
            self.query_one("#mobile", Input).value = display_number(event.record.mobile)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "mobile":
            self.query_one("#field-mobile", FormField).set_error(None)

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        # The number is normalised as the field is left, and a landline is flagged at once.
        mobile = self.query_one("#mobile", Input)
        if event.widget is mobile and mobile.value.strip():
            check = check_mobile(mobile.value)
            if check.sendable:
                mobile.value = display_number(check.e164)
            else:
                self.query_one("#field-mobile", FormField).set_error(f"Numero non valido: {check.reason}")

    def preset_name(self) -> str:
        return "single"

    def read_filters(self) -> SingleTarget:
        errors: dict[str, str] = {}
        kind = self.kind
        client = self.query_one("#client", ClientPicker)
        supplier = self.query_one("#supplier", SupplierPicker)
        if kind == CLIENT and not client.code:
            errors["field-client"] = "indicare il cliente (F2 per cercarlo)"
        elif kind == CLIENT and client.unknown:
            errors["field-client"] = f"cliente inesistente: {client.code}"
        if kind == SUPPLIER and not supplier.code:
            errors["field-supplier"] = "indicare il fornitore (F2 per cercarlo)"
        elif kind == SUPPLIER and supplier.unknown:
            errors["field-supplier"] = f"fornitore inesistente: {supplier.code}"
        number = self.query_one("#mobile", Input).value.strip()
        check = check_mobile(number)
        if not check.sendable:
            errors["field-mobile"] = (
                "Numero cellulare mancante" if not number else f"Numero non valido: {check.reason}"
            )
        if errors:
            raise FieldErrors(errors)
        return SingleTarget(kind, client.code, supplier.code,
                            self.query_one("#other-name", Input).value.strip(), check.e164 or number)

    def job_builder(self):
        settings = self.app.services.settings

        def build(target: SingleTarget, template: str, sender: str) -> SendJob:
            return plan_for(target, template, sender, settings)

        return build
