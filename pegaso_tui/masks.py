"""Every mask of the application, with its number, title and screen.

The home screen lists them with their numbers and the command palette offers them by title.
A screen's module is imported only when the mask is opened, so that start-up stays close to
a bare Textual app's.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Mask:
    """A mask of the original program, as the staff know it."""

    number: int
    title: str
    section: str
    help: str
    #: "package.module:ClassName" of the Screen
    screen: str

    def screen_class(self):
        """Import the mask's Screen class (only when the mask is opened)."""
        module_name, _, class_name = self.screen.partition(":")
        return getattr(importlib.import_module(module_name), class_name)


SMS = "SMS"
REGISTRY = "Anagrafiche"
CRM = "CRM"
COMMS = "Comunicazioni"
SETTINGS = "Impostazioni"

MASKS: tuple[Mask, ...] = (
    Mask(1, "SMS Pratiche", SMS, "SMS informativi ai clienti secondo lo stato della pratica",
         screen="pegaso_tui.screens.sms_practices:SmsPracticesScreen"),
    Mask(2, "SMS Promozionali", SMS, "SMS promozionali ai clienti, filtrati per preferenze",
         screen="pegaso_tui.screens.sms_promo:SmsPromoScreen"),
    Mask(3, "Buon Compleanno", SMS, "SMS di auguri ai clienti che compiono gli anni",
         screen="pegaso_tui.screens.sms_birthday:SmsBirthdayScreen"),
    Mask(4, "Invio SMS Singolo", SMS, "Un SMS a un cliente, a un fornitore o a un numero",
         screen="pegaso_tui.screens.sms_single:SingleSmsScreen"),
    Mask(5, "Pannello di Controllo SMS", SMS, "Verifica degli SMS inviati e credito residuo",
         screen="pegaso_tui.screens.sms_panel:SmsPanelScreen"),
    Mask(6, "Clienti", REGISTRY, "Anagrafica clienti: persone e aziende", screen="pegaso_tui.screens.clients:ClientsScreen"),
    Mask(7, "Pratiche", REGISTRY, "Le pratiche e il loro stato", screen="pegaso_tui.screens.practices:PracticesScreen"),
    Mask(8, "Fornitori", REGISTRY, "Anagrafica fornitori", screen="pegaso_tui.screens.suppliers:SuppliersScreen"),
    Mask(9, "Preferenze", REGISTRY, "Le preferenze dei clienti definite dall'agenzia", screen="pegaso_tui.screens.preferences:PreferencesScreen"),
    Mask(10, "Nuova Richiesta", CRM, "Registra una richiesta arrivata in agenzia",
         screen="pegaso_tui.screens.crm_request:RequestFormScreen"),
    Mask(11, "Richieste Aperte", CRM, "Tutte le richieste aperte: varia, gestisci, chiudi",
         screen="pegaso_tui.screens.crm_open_requests:OpenRequestsScreen"),
    Mask(12, "Cerca Soggetto", CRM, "Trova un soggetto e tutte le sue richieste",
         screen="pegaso_tui.screens.crm_find_subject:FindSubjectScreen"),
    Mask(13, "Storico Richieste", CRM, "Tutte le richieste, filtrate",
         screen="pegaso_tui.screens.crm_history:RequestHistoryScreen"),
    Mask(14, "Esiti CRM", CRM, "Gli esiti delle attività: nome, colore, gruppo, predefinito",
         screen="pegaso_tui.screens.crm_outcomes:OutcomesScreen"),
    Mask(15, "Ricerche salvate", COMMS, "Le ricerche salvate dalle maschere SMS: apri, varia, elimina",
         screen="pegaso_tui.screens.comms.searches:SavedSearchesScreen"),
    Mask(16, "Modelli", COMMS, "I testi SMS salvati per le maschere e le comunicazioni programmate",
         screen="pegaso_tui.screens.comms.templates:TemplatesScreen"),
    Mask(17, "Comunicazioni programmate", COMMS, "SMS automatici su una ricerca salvata, ogni giorno o una volta",
         screen="pegaso_tui.screens.comms.schedules:SchedulesScreen"),
    Mask(18, "Non disturbare", COMMS, "Chi si è opposto al marketing: numeri e clienti",
         screen="pegaso_tui.screens.comms.do_not_disturb:DoNotDisturbScreen"),
    Mask(19, "Registro invii", COMMS, "Chi ha inviato cosa, quando, con quale finalità",
         screen="pegaso_tui.screens.comms.audit_log:AuditLogScreen"),
    Mask(20, "Configurazione", SETTINGS,
         "Nome agenzia, mittente, limiti degli SMS e account del gateway SMS",
         screen="pegaso_tui.screens.config.settings_mask:ConfigScreen"),
)

BY_NUMBER = {mask.number: mask for mask in MASKS}

#: The number of "Invio SMS Singolo", which other masks open pre-filled (app.open_single_sms).
SINGLE_SMS = 4
#: The mask a saved search of each kind opens (app.open_saved_search).
SEARCH_MASKS = {"practice": 1, "promo": 2, "birthday": 3}




def masks_starting_with(digits: str) -> list[Mask]:
    """The masks whose number starts with the digits typed so far (for the home screen)."""
    return [mask for mask in MASKS if str(mask.number).startswith(digits)]
