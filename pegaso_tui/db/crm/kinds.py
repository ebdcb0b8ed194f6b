"""The kinds of subject a request can be from, with their labels.

Apart from ``subjects`` so that the lists of requests (the home agenda first of all) can name
a kind without importing the subject search and what it needs.
"""

from __future__ import annotations

CLIENT = "client"
CONTACT = "contact"
UNREGISTERED = "unregistered"
#: How the masks name each kind.
KIND_LABELS = {CLIENT: "Cliente", CONTACT: "Contatto", UNREGISTERED: "Non registrato"}
