"""Pegaso SMS & CRM: customers, practices, SMS and requests for a travel agency, in a terminal."""

__version__ = "0.1.0"
