"""State is seen without colour: each state of a toggle or a dot has its own glyph."""

from __future__ import annotations

from datetime import datetime

from pegaso_tui.db.models import DELIVERED, FAILED, QUEUED, SENT, UNDELIVERED, Message
from pegaso_tui.widgets.message_list import delivered_dot, sent_dot
from pegaso_tui.widgets.toggles import Checkbox, RadioButton, SelectionList
from tests.apputil import make_app, settle


def drawn(widget, y: int = 0) -> str:
    return widget.render_line(y).text


async def test_checkbox_radio_and_checklist_draw_on_and_off_differently(db_url, db):
    from tests.test_registry_masks import new_client_form

    app = make_app(db_url)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await new_client_form(pilot)
        person = form.query_one("#kind-person", RadioButton)
        company = form.query_one("#kind-company", RadioButton)
        assert "●" in drawn(person) and "○" in drawn(company)
        flags = [box for box in form.query(Checkbox) if box.display]
        ticked, unticked = flags[0], flags[1]
        ticked.value, unticked.value = True, False
        await pilot.pause()
        assert "X" in drawn(ticked)
        assert "X" not in drawn(unticked).replace(unticked.label.plain, "")


async def test_a_checklist_line_shows_x_only_when_ticked(db_url, db):
    from textual.app import App

    class Lists(App):
        def compose(self):
            yield SelectionList[int](("Crociere", 1, True), ("Montagna", 2))

    app = Lists()
    async with app.run_test(size=(40, 6)) as pilot:
        await pilot.pause()
        checklist = app.query_one(SelectionList)
        assert drawn(checklist, 0).startswith("▐X▌ Crociere")
        assert drawn(checklist, 1).startswith("▐ ▌ Montagna")


def test_the_sent_and_delivered_dots_differ_by_glyph_not_only_by_colour():
    def message(status):
        return Message(status=status, queued_at=datetime(2026, 3, 1))

    sent = {status: sent_dot(message(status)).plain for status in (SENT, QUEUED, FAILED)}
    assert len(set(sent.values())) == 3, sent
    delivered = {status: delivered_dot(message(status)).plain for status in (DELIVERED, UNDELIVERED, SENT)}
    assert len(set(delivered.values())) == 3, delivered


def test_no_screen_uses_a_toggle_that_shows_its_state_by_colour_alone():
    """Every checkbox, radio button and checklist of the app comes from widgets/toggles, whose
    glyphs differ on and off (Textual's own draw the same glyph in another colour)."""
    import re
    from pathlib import Path

    import pegaso_tui

    root = Path(pegaso_tui.__file__).parent
    plain = re.compile(r"from textual\.widgets import[^\n]*\b(Checkbox|RadioButton|SelectionList)\b")
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py")
                 if p.name != "toggles.py" and plain.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
