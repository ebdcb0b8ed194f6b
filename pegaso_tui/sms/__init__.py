"""SMS: text analysis, phone numbers, gateways, the sandbox and the outbox sender.

Nothing in this package imports Textual: it is used headless by the command line and tests.
"""
