"""Sending: what turns queued work into SMS (the scheduler of communications; see DESIGN.md)."""
