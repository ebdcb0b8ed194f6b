"""The settings masks: 20 Configurazione."""
