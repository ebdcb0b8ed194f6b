"""Reusable widgets: date fields, the paged table, the SMS editor, status dots."""
