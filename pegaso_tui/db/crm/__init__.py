"""The CRM (seed 002, outcomes and agenda from seed 004): requests that reach the agency,
the activities that follow them up, and the outcomes that close them.

- ``outcomes``  the "Esiti": four groups, exactly one default, seeded in a new database;
- ``subjects``  who a request is from: a client, a CRM contact or an unregistered subject,
  found as you type by substring; registering an unregistered subject;
- ``requests``  create, change, delete a request; add an activity (an outcome of the positive
  or negative group closes the request); the open requests, the history, one subject's requests;
- ``agenda``    the recontacts due today and overdue, per operator.

Every function runs in the calling thread on the bound database: screens call them from a
worker (``run_db``). Bad input raises ``CrmError`` with an Italian message and the field it
is about.
"""

from __future__ import annotations

from pegaso_tui.db.crm.errors import CrmError

__all__ = ["CrmError"]
