"""The masks of seed 004's communications: Ricerche salvate (15), Modelli (16),
Comunicazioni programmate (17), and the dialogs the SMS masks open (Salva ricerca, Modelli)."""

from pathlib import Path

COMMS_CSS = Path(__file__).parent.parent.parent / "styles" / "comms.tcss"
