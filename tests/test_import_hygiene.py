"""The layers stay visible: db/, sms/ and gateways/ never pull in Textual, nor do headless
commands; the gateways never reach for the database (only the outbox records)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pegaso_tui.db
import pegaso_tui.gateways
import pegaso_tui.sending
import pegaso_tui.sms


def modules_of(package) -> list[str]:
    return [f"{package.__name__}.{m.name}" for m in pkgutil.iter_modules(package.__path__)]


def textual_loaded_after(code: str) -> bool:
    probe = f"import sys\n{code}\nprint(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip() == "True"


def printed_after(code: str, expression: str) -> str:
    """What ``print(expression)`` shows in a fresh interpreter once ``code`` has run."""
    probe = f"import sys\n{code}\nprint({expression})"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_db_sms_sending_and_gateways_never_import_textual():
    modules = (modules_of(pegaso_tui.db) + modules_of(pegaso_tui.sms) + modules_of(pegaso_tui.gateways)
               + modules_of(pegaso_tui.sending))
    code = "\n".join(f"import {name}" for name in modules)
    assert not textual_loaded_after(code)


def test_headless_commands_never_import_textual():
    assert not textual_loaded_after("from pegaso_tui.cli import build_parser; build_parser()")


def test_the_gateways_never_open_the_database():
    code = "\n".join(f"import {name}" for name in modules_of(pegaso_tui.gateways))
    probe = f"import sys\n{code}\nprint(sorted(m for m in sys.modules if m.startswith('pegaso_tui.db.') and m != 'pegaso_tui.db.models'))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_crm_domain_never_imports_textual():
    import pegaso_tui.db.crm

    code = "\n".join(f"import {name}" for name in modules_of(pegaso_tui.db.crm))
    assert not textual_loaded_after(code)


def test_the_home_agenda_imports_only_what_it_shows():
    # The agenda is the first list on screen at start-up, and every module it imports is
    # paid before it appears (issue 17): writing requests, the subject search and the SMS
    # drafts wait until a CRM mask is opened.
    assert printed_after("import pegaso_tui.db.crm.agenda", (
        "sorted(m for m in sys.modules if m.startswith('pegaso_tui.') and m.split('.')[-1] in "
        "('requests', 'subjects', 'clients', 'outcomes', 'draft', 'search'))")) == "[]"


def test_the_app_does_not_import_the_text_area_to_start():
    # The menu's first frame pays every import made before it (issue 17): TextArea (14 ms)
    # waits for the first mask that has one, where the typing order's patch follows it
    # (widgets.typing_order, installed again at each push_screen).
    assert printed_after(
        "from pegaso_tui.app import PegasoApp\nfrom pegaso_tui.widgets import typing_order\ntyping_order.install()",
        "'textual.widgets._text_area' in sys.modules") == "False"


def test_the_control_panel_imports_none_of_the_sending_masks():
    # Its first opening paid for importing the SMS editor, the send preview and the
    # selections, which it never shows: about 130 ms more than its own modules (issue 17).
    assert printed_after("import pegaso_tui.screens.sms.panel", (
        "sorted(m for m in sys.modules if m in ('pegaso_tui.widgets.sms_editor', "
        "'pegaso_tui.screens.sms.preview', 'pegaso_tui.db.selections', 'pegaso_tui.screens.sms.mask', "
        "'pegaso_tui.screens.sms.practices', 'textual.widgets._text_area'))")) == "[]"


def test_the_phone_library_is_loaded_behind_the_home_screen(tmp_path):
    # The first list of numbers opened (the control panel, Clienti) loaded it on the UI
    # thread: about 90 ms of the panel's first opening after start (issue 17). Nothing on
    # the home screen needs it (the agenda's numbers come formatted from its helper).
    database = str(tmp_path / "pegaso.db")
    code = f"""
import asyncio
from tests.apputil import make_app, wait_until

async def main():
    app = make_app({database!r})
    async with app.run_test(size=(100, 30)) as pilot:
        before = 'phonenumbers' in sys.modules
        loaded = await wait_until(pilot, lambda: 'phonenumbers' in sys.modules, timeout=10)
        print(before, loaded)

asyncio.run(main())
"""
    assert printed_after(code, "'home screen out'").splitlines()[0] == "False True"
