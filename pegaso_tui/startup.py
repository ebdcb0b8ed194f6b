"""The cyclic garbage collector while the application starts.

Starting the app creates tens of thousands of objects that live as long as the process:
modules, classes, the stylesheet, the widgets of the menu. The collector, triggered by their
number alone, walks them again and again (37-45 ms of a 400 ms start, against 13-20 ms for a
bare Textual app) and finds almost nothing to free. So ``pegaso-tui`` pauses it from the
command line until the first frame is out, then freezes what exists (``gc.freeze``: those
objects are left out of every later collection, as CPython's documentation suggests for a
process after its start-up) and lets it run again. Plain reference counting frees memory as
usual meanwhile; only cycles wait for the first frame. The price: the cycles start-up left
behind (about 2,400 objects, once) are frozen with the rest and never freed; collecting them
first would put a 30 ms pause right after the first frame.
"""

from __future__ import annotations

import gc

_paused = False


def pause_collector() -> None:
    """Pause the cyclic collector until ``resume_collector`` (only if it is running)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def restore_collector() -> None:
    """Run the collector again if it is still paused (the app ended before its first frame)."""
    global _paused
    if _paused:
        _paused = False
        gc.enable()


def resume_collector() -> None:
    """Freeze what start-up created and run the collector again, if it was paused here.

    A no-op otherwise: tests and tools that build the App themselves keep their collector
    as they set it, and nothing of theirs is frozen.
    """
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
