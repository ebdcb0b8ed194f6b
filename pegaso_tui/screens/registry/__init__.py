"""The registry masks: Clienti, Pratiche, Fornitori, Preferenze (6-9), their forms and the import."""
