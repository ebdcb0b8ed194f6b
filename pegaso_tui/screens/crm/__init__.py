"""The CRM masks (10-14) and their dialogs."""
