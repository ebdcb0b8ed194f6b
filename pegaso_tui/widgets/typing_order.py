"""Keys typed fast into a text field take effect in the order they were typed.

Textual (8.2.8; its issue #6605) inserts a printable key in the field's own ``_on_key``, but
runs a bound key of the field (backspace, ``Ctrl+U``, the arrows) only once the key has
bubbled up to the app, a hop through each container's queue. Keys that arrive together, as a
fast typist or a terminal over SSH sends them, overtake it: the search "ros" then ⌫ ⌫ q x
left "ros" (q and x went in, then the two backspaces removed them), where the operator meant
"rqx".

``install`` makes ``Input`` and ``TextArea`` run their own bindings at once, in ``_on_key``,
before anything typed after. That is the binding Textual would have run: the focused widget
is the first of the binding chain, and priority bindings are still run before the key reaches
the field. Every text field of the app is one of the two, Textual's own included (the command
palette), so the classes are patched, once, rather than each field replaced.

Tab and Shift+Tab are the screen's keys, not the field's, and had the same fault across
fields: "Saldo", Tab, "Gentile" typed together in the Modelli dialog wrote "SaldoGentile" in
Nome. The app had handed all the keys to Nome before Nome's Tab moved the focus. So a field
runs the focus keys' binding at once too, and a key that reaches a field after the focus has
left it is handed on to the field that has it now, as the app would have done had the
operator typed it a moment later. The forms' other fields get the same: radio sets,
checkboxes and choice lists (``_TARGETS``); a key that bubbles up from a field inside one
(a choice's open list) is left to Textual.
"""

from __future__ import annotations

import sys

from textual import events
from textual.widget import Widget

_MARK = "_pegaso_in_order"
#: the classes patched, by their modules: a class is patched once its module is imported (the
#: app must not import TextArea at start-up only to patch it: 14 ms of the menu's first frame)
_TARGETS = (
    ("textual.widgets._input", "Input"),
    ("textual.widgets._text_area", "TextArea"),
    # not text, but fields of the forms all the same: Tab, "2" typed together from the
    # Destinatario choice of mask 4 lost the "2" to the radio buttons
    ("textual.widgets._radio_set", "RadioSet"),
    ("textual.widgets._toggle_button", "ToggleButton"),
    # "Richiamata" Tab Tab "15-12-2026" in Gestisci lost the date to the Esito choice
    ("textual.widgets._select", "Select"),
)


async def run_own_binding(widget: Widget, event: events.Key) -> bool:
    """Run ``widget``'s own (not priority) binding of ``event``'s key, as the app would once
    the key reached it; True when one ran (the event is then stopped)."""
    for binding in widget._bindings.key_to_bindings.get(event.key, ()):
        if not binding.priority and await widget.app.run_action(binding.action, widget):
            event.stop()
            event.prevent_default()
            return True
    return False


#: the keys that move the focus between fields (the screen's bindings)
FOCUS_KEYS = ("tab", "shift+tab")
#: keys bound above the field (the mask's, the dialog's, a picker's) that are run at once,
#: in the field's turn, like the focus keys: leaving (Esc, and Ctrl+G as on the masks) and
#: the function keys. Left to bubble, they ran after the keys typed behind them: "Esc 8"
#: typed together to leave Clienti for Fornitori wrote the 8 into Clienti's search and
#: left for the menu only; "F2 mel" wrote "mel" into the client's code, and the F2, once at
#: the app, found the focus gone from the picker. Not the arrows or the editing keys: some
#: screens act on those as they bubble up (Down from a search field to its list), before a
#: scrolling container above them would take its binding.
CHAIN_KEYS = FOCUS_KEYS + ("escape", "ctrl+g") + tuple(f"f{n}" for n in range(1, 13))


def hand_on(widget: Widget, event: events.Key) -> bool:
    """A key the app gave ``widget`` while it had the focus, which it has lost since (a
    focus key typed before it moved the focus): hand it to whoever has the focus now, as the
    app would have done; True when handed on (the event is then stopped here)."""
    app = widget.app
    if app.focused is widget or (app.focused is None and widget.screen is app.screen):
        return False
    event.stop()
    event.prevent_default()
    # a new event: the one stopped here must not stop the copy where it goes
    (app.focused or app.screen)._forward_event(events.Key(event.key, event.character))
    return True


class KeyHold:
    """Keys typed ahead of the field that is to take them (a dialog not yet open, a pick not
    yet in its form): kept in the order typed, then handed on together by ``release``.

    Once released, ``hold`` takes no more: a key that comes later goes where the app sends
    it, behind the ones released, so the order holds across the two.
    """

    def __init__(self, holding: bool = True) -> None:
        self._keys: list[events.Key] | None = [] if holding else None

    @property
    def holding(self) -> bool:
        return self._keys is not None

    def start(self) -> None:
        """Hold the keys from now on (a second start keeps those already held)."""
        if self._keys is None:
            self._keys = []

    def hold(self, event: events.Key) -> bool:
        """Keep ``event`` (stopped where it was) while holding; False when not holding."""
        if self._keys is None:
            return False
        event.stop()
        event.prevent_default()
        self._keys.append(events.Key(event.key, event.character))
        return True

    def release(self, app, target: Widget | None = None) -> None:
        """Stop holding, and hand the keys held to ``target`` (by default, whatever has the
        focus now), in order."""
        keys, self._keys = self._keys or [], None
        for key in keys:
            (target or app.focused or app.screen)._forward_event(key)

    def discard(self) -> None:
        """Stop holding, and forget the keys held (for a form that could not open)."""
        self._keys = None


def held_by_screen(widget: Widget, event: events.Key) -> bool:
    """``event`` reached ``widget`` while its screen is still being filled (a form reading its
    record): the screen's ``typed_ahead`` keeps it for the field focused once it is ready;
    True when kept. Typed into a field before, it was overwritten by the record's values."""
    hold = getattr(widget.screen, "typed_ahead", None)
    return isinstance(hold, KeyHold) and hold.hold(event)


def _in_order(on_key):
    async def _on_key(self, event: events.Key) -> None:
        focused = self.app.focused
        if focused is not None and focused is not self and self in focused.ancestors:
            # bubbled up from a field inside this one (a Select's open list), whose own keys
            # are run as Textual runs them: its Enter must not reach the Select's Enter
            if on_key is not None:
                await on_key(self, event)
            return
        if hand_on(self, event) or held_by_screen(self, event):
            return
        try:
            if await run_own_binding(self, event):
                return
            # private, as _bindings above: the binding chain from this field up to the
            # modal screen, as the key would meet it bubbling up, but now, before the keys
            # behind it
            if event.key in CHAIN_KEYS and await self.app._check_bindings(event.key):
                event.stop()
                event.prevent_default()
                return
        except Exception as error:  # noqa: BLE001 - reported to the user, as the app does
            # the action of a mask failed: the dialog and the log, as when the app runs it.
            # Raised here, it would end this field's message loop: the field would never
            # answer a key again
            event.stop()
            event.prevent_default()
            self.app._handle_exception(error)
            return
        if on_key is not None:  # None: Textual calls the inherited handler after this one
            await on_key(self, event)

    setattr(_on_key, _MARK, True)
    return _on_key


def install() -> None:
    """Patch ``Input`` and ``TextArea``, those already imported (calling again patches what
    was imported since, and nothing twice). The app calls it when it starts and whenever it
    pushes a screen: a screen's module has imported its fields before the screen is pushed."""
    for module_name, name in _TARGETS:
        module = sys.modules.get(module_name)
        if module is None:
            continue
        cls = getattr(module, name)
        own = cls.__dict__.get("_on_key")  # Textual calls each class's handler, in MRO order
        if not getattr(own, _MARK, False):
            cls._on_key = _in_order(own)
