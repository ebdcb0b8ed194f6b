"""The masks' footer shows the keys of what has the focus, and builds them again only when
they change (Textual's own footer rebuilt every key at every move of the focus: three times,
20 ms each, while a mask opens)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Input
from textual.widgets._footer import FooterKey

from pegaso_tui.widgets.key_footer import KeyFooter


class SearchInput(Input):
    BINDINGS = [Binding("f2", "search", "Cerca")]

    def action_search(self) -> None:
        pass


class FooterApp(App[None]):
    BINDINGS = [Binding("f10", "save", "Salva"), Binding("escape", "leave", "Esci")]

    def __init__(self) -> None:
        super().__init__()
        self.enabled = True

    def compose(self) -> ComposeResult:
        yield Input(id="one")
        yield Input(id="two")
        yield SearchInput(id="search")
        yield KeyFooter()

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "save":
            return True if self.enabled else None  # None: shown, disabled
        return True

    def action_save(self) -> None:
        pass

    def action_leave(self) -> None:
        pass


def _keys(app) -> list[tuple[str, str, bool]]:
    return [(k.description, k.key, k.disabled) for k in app.screen.query(FooterKey)]


async def test_the_footer_follows_the_focus():
    app = FooterApp()
    async with app.run_test() as pilot:
        app.query_one("#one").focus()
        await pilot.pause()
        assert ("Cerca", "f2", False) not in _keys(app)
        assert ("Salva", "f10", False) in _keys(app)
        app.query_one("#search").focus()
        await pilot.pause()
        assert ("Cerca", "f2", False) in _keys(app)
        app.query_one("#one").focus()
        await pilot.pause()
        assert ("Cerca", "f2", False) not in _keys(app)


async def test_the_same_keys_are_not_built_again():
    app = FooterApp()
    async with app.run_test() as pilot:
        app.query_one("#one").focus()
        await pilot.pause()
        built = list(app.screen.query(FooterKey))
        app.query_one("#two").focus()  # the same keys
        await pilot.pause()
        app.query_one("#one").focus()
        await pilot.pause()
        assert list(app.screen.query(FooterKey)) == built
        assert all(key.is_attached for key in built)
