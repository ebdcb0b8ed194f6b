"""The database: models, connection, schema, and the domain queries.

Nothing in this package imports Textual: every query is usable headless and tested so.
"""
