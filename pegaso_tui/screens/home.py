"""The home screen: every mask with its number, grouped as in the original menus.

Typing a mask's number opens it: a number no other number starts with opens at once; ``1``
waits a moment for a second digit (10 to 19 follow it, as 20 follows ``2``), or opens at
once with Enter.
"""

from __future__ import annotations

import time

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from pegaso_tui.masks import MASKS, Mask, masks_starting_with
from pegaso_tui.widgets.carry_on import CarryOn
from pegaso_tui.widgets.agenda import AgendaPanel

#: How long a number that could go on (``1`` -> ``10``) waits for its next digit.
DIGIT_PAUSE_S = 0.6
#: A pause timer that fires later than this was held up by a busy app (``_wait_for_a_digit``).
LATE_S = 0.1


def _mask_options() -> list[Option | None]:
    options: list[Option | None] = []
    section = None
    for mask in MASKS:
        if mask.section != section:
            if section is not None:
                options.append(None)
            options.append(Option(f"[b]{mask.section}[/b]", disabled=True))
            section = mask.section
        options.append(Option(f"{mask.number:>3}  {mask.title}", id=f"mask-{mask.number}"))
    return options


class MaskList(OptionList):
    """The numbered masks, with a heading per section; then the saved searches "Visibile nel
    menù principale" (``search-ID``), which open their mask with the filters filled in."""

    def __init__(self) -> None:
        super().__init__(*_mask_options(), id="mask-list")
        self.searches: list[tuple[int, str, str]] = []

    def show_searches(self, searches: list[tuple[int, str, str]]) -> None:
        """Put the menu's saved searches (id, name, kind) after the masks."""
        from pegaso_tui.widgets.plain import plain

        if searches == self.searches:
            return
        self.searches = searches
        highlighted = self.highlighted
        self.clear_options()
        options = _mask_options()
        if searches:
            options += [None, Option("[b]Ricerche salvate[/b]", disabled=True)]
            options += [Option(plain(f"  ▸  {name}"), id=f"search-{search_id}")
                        for search_id, name, _kind in searches]
        self.add_options(options)
        if highlighted is not None and highlighted < self.option_count:
            self.highlighted = highlighted


class HomeScreen(CarryOn, Screen[None]):
    """The first screen: the masks, and (on the right) the day's agenda."""

    BINDINGS = [
        Binding(str(d), f"digit('{d}')", show=False) for d in "0123456789"
    ]

    def __init__(self) -> None:
        super().__init__(id="home")
        self._digits = ""
        self._pending = None
        self._shown_once = False
        #: keys typed together with a mask's number, for the mask opening on top (see on_key)
        self._typed_ahead: list[tuple[str, str | None]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="home-body"):
            with Vertical(id="home-menu"):
                yield Static("Scegli una maschera: digita il numero o premi Invio", id="home-hint")
                yield MaskList()
            with Vertical(id="home-side"):
                yield AgendaPanel(self._today)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(MaskList).highlighted = 1  # the first mask, after the SMS heading

    def on_screen_resume(self) -> None:
        # The agenda is read again whenever the user comes back from a mask (a request may
        # have been managed there). The first time, the app asks once its first frame is
        # out (load_agenda): the menu must not wait for the CRM's modules and query.
        if self._shown_once:
            self.call_after_refresh(self._read_again)
        self._shown_once = True

    async def _read_again(self) -> None:
        # a saved search may have been made "Visibile nel menù principale" meanwhile
        self.load_menu_searches()
        await self.load_agenda()

    @property
    def agenda_shown(self) -> bool:
        """The agenda's first page has been on screen."""
        return self.query_one(AgendaPanel).shown

    async def load_agenda(self) -> None:
        """Read the agenda (its rows in a worker), then the saved searches of the menu."""
        await self.query_one(AgendaPanel).load()
        if self._searches_after_open:
            self._searches_after_open = False
            self.call_after_refresh(self.load_menu_searches)

    #: the agenda was shown before the database was open: the searches wait for it
    _searches_after_open = False

    def on_agenda_panel_shown(self) -> None:
        # the first time, the menu's saved searches once the agenda is on screen: reading
        # them (and importing what they need) delayed the agenda by a tenth (issue 17), and
        # so did importing them before the frame that paints the agenda
        if self.app.services.database_ready.is_set():
            self.call_after_refresh(self.load_menu_searches)
        else:
            # shown from the start-up helper's page: they are read once the database opens
            # (load_agenda), not by a worker left waiting for it
            self._searches_after_open = True

    def load_menu_searches(self) -> None:
        """Read the saved searches "Visibile nel menù principale" (in a worker)."""
        from pegaso_tui.db.searches import menu_searches

        services, menu = self.app.services, self.query_one(MaskList)

        def job() -> None:
            try:
                rows = services.call(menu_searches)
            except Exception:  # the agenda says what is wrong with the database
                return
            self.app.call_from_thread(menu.show_searches, rows)

        self.run_worker(job, thread=True, group="menu-searches", exclusive=True,
                        exit_on_error=False, description="ricerche del menù")

    def _today(self):
        from pegaso_tui.screens.crm.common import crm_today

        return crm_today(self.app)

    def on_agenda_panel_chosen(self, event: AgendaPanel.Chosen) -> None:
        """Enter on an agenda item: Gestisci for its request."""
        from pegaso_tui.screens.crm.activity import ActivityDialog
        from pegaso_tui.screens.crm.common import managed_message

        row = event.row

        def managed(result) -> None:
            if result is not None:
                self.notify(managed_message(row, result), markup=False)
            # the agenda reloads by itself: the home screen resumes when the dialog closes

        self.app.push_screen(ActivityDialog(row), managed)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id and event.option.id.startswith("mask-"):
            self._cancel_pending()
            self._digits = ""
            self.app.open_mask(int(event.option.id.removeprefix("mask-")))
        elif event.option.id and event.option.id.startswith("search-"):
            self._cancel_pending()
            self._digits = ""
            self.app.open_saved_search(int(event.option.id.removeprefix("search-")))

    #: how long typed-ahead keys wait for the opening mask to take the focus (in 20 ms steps)
    TYPED_AHEAD_TRIES = 50

    async def on_key(self, event: events.Key) -> None:
        """A key that reaches the menu after a mask has opened on top of it was typed together
        with the mask's number ("6rossi" in one burst, as a fast typist or SSH sends it): the
        app handed it to the menu, which had the focus when it came in. It is the mask's: it
        is given to the mask's focused field once the mask has one, in the order typed. (At
        an operator's usual pace the mask already has the focus when the key comes in.)

        A digit is read here, at once, not once the key has bubbled up to the app: the keys
        behind it then find the mask it opened."""
        from pegaso_tui.widgets.typing_order import run_own_binding

        if self.app.screen is self:
            await run_own_binding(self, event)
            return
        event.stop()
        event.prevent_default()
        self._typed_ahead.append((event.key, event.character))
        if len(self._typed_ahead) == 1:
            self._hand_typed_ahead(self.TYPED_AHEAD_TRIES)

    def _mask_field(self):
        """The focused widget of the mask on top of the menu (None while there is none)."""
        focused = self.app.focused
        return None if focused is None or focused.screen is self else focused

    def _hand_typed_ahead(self, tries: int) -> None:
        if self._mask_field() is None:  # the mask is still being built
            if tries:
                self.set_timer(0.02, lambda: self._hand_typed_ahead(tries - 1))
            else:
                self._typed_ahead.clear()  # a mask that never took the focus: as if not typed
            return
        # not yet: a focus() in the mask's on_mount is still waiting in the app's queue, and
        # would take the focus back after an Invio typed here had moved it ("6rossi", Invio,
        # Invio then lost both Invio). The app's queue is in order: after that focus, and
        # before any key the terminal sends from now on.
        self.app.call_later(self._deliver_typed_ahead)

    def _deliver_typed_ahead(self) -> None:
        keys, self._typed_ahead = self._typed_ahead, []
        target = self._mask_field()
        if target is None:
            return  # the mask closed meanwhile: as if not typed
        for key, character in keys:
            target._forward_event(events.Key(key, character))

    def action_digit(self, digit: str) -> None:
        """Build a mask number from the digits typed; open the mask when it is unambiguous."""
        self._cancel_pending()
        candidates = masks_starting_with(self._digits + digit)
        if not candidates:
            self._digits = ""
            candidates = masks_starting_with(digit)
            if not candidates:
                self.app.bell()
                return
        self._digits += digit
        exact = [m for m in candidates if str(m.number) == self._digits]
        self._highlight(exact[0] if exact else candidates[0])
        if exact and len(candidates) == 1:
            self._open(exact[0])
        elif exact:
            self._wait_for_a_digit(exact[0], DIGIT_PAUSE_S)

    def _wait_for_a_digit(self, mask: Mask, pause_s: float) -> None:
        """Open ``mask`` after a pause of ``pause_s`` with no other digit.

        The pause must be one the screen was awake to see. When the app was busy (a heavy
        redraw, keys arriving in a burst over SSH), the timer fires late, and a digit typed in
        time may still wait in the queue behind it: then wait a moment more, until the timer
        fires on time, so that the digit is read first and cancels it.
        """
        due = time.monotonic() + pause_s

        def pause_over() -> None:
            if time.monotonic() - due > LATE_S:
                self._wait_for_a_digit(mask, LATE_S)
            else:
                self._open(mask)

        self._pending = self.set_timer(pause_s, pause_over)

    def _open(self, mask: Mask) -> None:
        self._cancel_pending()
        self._digits = ""
        self.app.open_mask(mask.number)

    def _cancel_pending(self) -> None:
        if self._pending is not None:
            self._pending.stop()
            self._pending = None

    def _highlight(self, mask: Mask) -> None:
        menu = self.query_one(MaskList)
        menu.highlighted = menu.get_option_index(f"mask-{mask.number}")
