"""Sending: what decides, when a message is about to leave, whether it still may, and the
scheduler of the communications (``scheduler``).

This package grows towards DESIGN.md's ``sending/`` (claim, submit, reconcile, poll, scheduler);
today it holds the rules checked at claim time and the scheduler. No Textual import.
"""
