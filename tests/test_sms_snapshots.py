"""Each SMS mask as it first opens (SVG snapshots), so that layout changes are seen.

Fixed data and a fixed "today"; the header's database path is replaced by a fixed one.
"""

from __future__ import annotations

import pytest

from tests.apputil import make_app, wait_for_workers
from tests import test_sms_masks
from tests.test_sms_masks import TODAY

# The same agency as the mask tests (a fixture is found by its name in this module).
agency = test_sms_masks.agency


def _snapshot(db_url, mask: int, sandbox=None):
    app = make_app(db_url, sandbox=sandbox, today=TODAY, sender="FUTURA")

    async def run_before(pilot) -> None:
        app.sub_title = "pegaso.db · operatore tester"
        app.open_mask(mask)
        await wait_for_workers(pilot)
        await pilot.pause(0.5)  # the live count of recipients waits for a pause in typing
        await wait_for_workers(pilot)

    return app, run_before


@pytest.mark.parametrize(
    "mask",
    [1, 2, 3, 4],
    ids=["sms_pratiche", "sms_promozionali", "buon_compleanno", "invio_sms_singolo"],
)
def test_the_sending_masks_look_right(agency, db_url, snap_compare, mask):
    app, run_before = _snapshot(db_url, mask)
    assert snap_compare(app, run_before=run_before, terminal_size=(110, 48))


def test_the_control_panel_looks_right(agency, db_url, sandbox, snap_compare):
    app, run_before = _snapshot(db_url, 5, sandbox=sandbox())
    assert snap_compare(app, run_before=run_before, terminal_size=(110, 40))
