"""An SMS to write to one recipient, handed from one mask to the "Invio SMS Singolo" mask.

The CRM (from a request), the client card or any list can ask the application to open the
single-SMS mask already filled in: ``app.open_single_sms(SmsDraft(...))``.
"""

from __future__ import annotations

from dataclasses import dataclass

CLIENT = "client"  # Destinatario: Cliente
SUPPLIER = "supplier"  # Destinatario: Fornitore
OTHER = "other"  # Destinatario: Altro


@dataclass(frozen=True)
class SmsDraft:
    """Who the SMS is for and, optionally, a text to start from."""

    recipient_kind: str = OTHER
    client_code: str = ""
    supplier_code: str = ""
    name: str = ""
    mobile: str = ""
    text: str = ""

    def __post_init__(self) -> None:
        if self.recipient_kind not in (CLIENT, SUPPLIER, OTHER):
            raise ValueError(f"unknown recipient kind: {self.recipient_kind}")
