"""Sending: the rules and services between the database and the gateways (DESIGN.md)."""
