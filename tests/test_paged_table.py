"""The paged table driven by the pilot: it opens at once, reaches the end, and pages seamlessly."""

from __future__ import annotations

from textual.app import App, ComposeResult

from pegaso_tui.config import Settings
from pegaso_tui.db.clients import clients_pager
from pegaso_tui.db.models import Client
from pegaso_tui.services import AppServices
from pegaso_tui.widgets.paged_table import Column, PagedTable
from tests.apputil import wait_for_workers

N = 2000


class TableApp(App[None]):
    def __init__(self, db_url: str) -> None:
        super().__init__()
        self.services = AppServices(settings=Settings(), database_url=db_url, operator_username="t")
        self.highlighted = []

    def compose(self) -> ComposeResult:
        yield PagedTable(
            [Column("Codice", lambda c: c.code, width=8), Column("Ragione Sociale", lambda c: c.name)],
            page_size=20,
            max_rows=60,
        )

    def on_mount(self) -> None:
        self.query_one(PagedTable).show(clients_pager())

    def on_paged_table_highlighted(self, event: PagedTable.Highlighted) -> None:
        self.highlighted.append(event.row.code if event.row else None)


async def settle(pilot) -> None:
    await wait_for_workers(pilot)


def status(app) -> str:
    return str(app.query_one("#paged-table-status").render())


def current(app) -> str:
    return app.query_one(PagedTable).current_row.code


async def test_the_list_opens_on_the_first_rows_and_says_where_the_cursor_is(db, db_url):
    Client.insert_many([dict(code=f"{i:07d}", name=f"CLIENTE {i}") for i in range(1, N + 1)]).execute()
    app = TableApp(db_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.query_one(PagedTable)
        assert len(table.rows) <= 60  # never the whole result
        assert current(app) == "0000001"
        assert status(app) == "riga 1 di 2.000"

        await pilot.press("end")
        await settle(pilot)
        assert current(app) == f"{N:07d}"
        assert status(app) == "riga 2.000 di 2.000"
        assert app.highlighted[-1] == f"{N:07d}"

        await pilot.press("up")
        await settle(pilot)
        assert current(app) == f"{N - 1:07d}"

        await pilot.press("home")
        await settle(pilot)
        assert current(app) == "0000001"


async def test_moving_down_crosses_pages_without_skipping_a_row(db, db_url):
    Client.insert_many([dict(code=f"{i:07d}", name=f"CLIENTE {i}") for i in range(1, 400)]).execute()
    app = TableApp(db_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.highlighted.clear()
        await pilot.press(*["down"] * 25)
        await settle(pilot)
        seen = list(dict.fromkeys(app.highlighted))  # each row once, in the order reached
        assert seen == [f"{i:07d}" for i in range(2, 27)]  # across the 20-row page boundary
        await pilot.press(*["pagedown"] * 12)  # typed ahead of the fetches: none is lost
        await settle(pilot)
        table = app.query_one(PagedTable)
        assert len(table.rows) <= 60  # the window stays bounded
        position = int(current(app))
        assert position > 200
        assert status(app) == f"riga {position} di 399"
        await pilot.press(*["pageup"] * 16)
        await settle(pilot)
        assert current(app) == "0000001"


async def test_an_empty_result_says_so(db, db_url):
    app = TableApp(db_url)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert status(app) == "Nessun elemento"
        assert app.query_one(PagedTable).current_row is None


async def test_reload_shows_a_changed_row_and_keeps_the_cursor(db, db_url):
    Client.insert_many([dict(code=f"{i:07d}", name=f"CLIENTE {i}") for i in range(1, 30)]).execute()
    app = TableApp(db_url)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("down", "down")
        await settle(pilot)
        Client.update(name="RINOMINATO").where(Client.code == "0000003").execute()
        app.query_one(PagedTable).reload()
        await settle(pilot)
        assert app.query_one(PagedTable).current_row.name == "RINOMINATO"


async def test_reload_redraws_only_what_changed_and_shows_rows_arrived_at_the_end(db, db_url):
    Client.insert_many([dict(code=f"{i:07d}", name=f"CLIENTE {i}") for i in range(1, 11)]).execute()
    app = TableApp(db_url)
    async with app.run_test() as pilot:
        await settle(pilot)
        table = app.query_one(PagedTable)
        updated = []
        original = table.table.update_cell
        table.table.update_cell = lambda *a, **k: (updated.append(a[0]), original(*a, **k))
        Client.update(name="RINOMINATO").where(Client.code == "0000004").execute()
        Client.create(code="0000011", name="ARRIVATO ORA")
        table.reload()
        await settle(pilot)
        assert updated == ["0000004"]  # one cell redrawn, not the whole list
        assert [c.code for c in table.rows][-1] == "0000011"
        assert table.rows[3].name == "RINOMINATO"
        assert status(app) == "riga 1 di 11"


async def test_a_value_longer_than_its_column_ends_in_an_ellipsis(db, db_url):
    Client.create(code="0000001", name="AGENZIA VIAGGI E TURISMO DEL LAGO DI GARDA")
    app = TableApp(db_url)
    app.compose = lambda: iter([PagedTable([Column("Ragione Sociale", lambda c: c.name, width=20)])])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        line = app.query_one("#paged-table-rows").render_line(1).text
        assert " AGENZIA VIAGGI E TU… " in line  # never a value cut without a sign


async def test_the_control_panel_shows_a_seven_digit_message_number_whole(db, db_url):
    from pegaso_tui.db.campaigns import plan_single, queue_campaign
    from pegaso_tui.db.models import Message
    from pegaso_tui.widgets.message_list import MessageList
    from tests.apputil import make_app, wait_until

    queue_campaign(plan_single("Ciao", number="349 555 0000"), sender="FUTURA")
    Message.update(id=1_000_000).execute()  # the millionth SMS of an agency
    app = make_app(db_url, sender="FUTURA")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5")
        assert await wait_until(pilot, lambda: bool(app.screen.query(MessageList))
                                and bool(app.screen.query_one(MessageList).table.rows))
        await pilot.pause()
        line = app.screen.query_one("#paged-table-rows").render_line(1).text
        assert " 1000000 " in line, line  # it read "100000"


async def test_a_list_removed_while_it_is_being_mounted_is_no_error():
    """A list whose place goes away as it is mounted (the mask closes, the app quits right
    after start) must not end the app with "errore imprevisto": Textual mounts none of the
    children of a widget that is being removed, yet still sends it Mount. This is what the
    home agenda's list met, now and then, when the app closed during start-up."""
    from textual.containers import Vertical

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield Vertical(id="box")

    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        box = app.query_one("#box")
        box.mount(PagedTable([Column("Nome", lambda name: name, width=10)]))
        box.remove()  # in the same moment: before the list has composed its table
        await pilot.pause()
        assert not app.query(PagedTable)
        assert app.is_running  # the app goes on, with no error to report
    assert app.return_code in (None, 0)


async def test_an_answer_for_an_older_search_does_not_set_off_an_enter_waiting_for_the_new_one(
        db, db_url, monkeypatch):
    """An Invio typed while a new search loads waits for its rows. An answer of the search
    before it (its worker had already finished when the new one was asked for) must not
    end that wait: the Invio then opened a row of the older result."""
    import threading

    Client.insert_many([dict(code=f"{i:07d}", name=f"CLIENTE {i}") for i in range(1, 6)]).execute()
    Client.create(code="0000099", name="ROSSI MARIO")
    selected = []

    class Listening(TableApp):
        def on_paged_table_selected(self, event: PagedTable.Selected) -> None:
            selected.append(event.row.name)

    app = Listening(db_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.query_one(PagedTable)
        older = table._generation
        release = threading.Event()
        rossi = clients_pager("rossi")

        class Slow:  # the new search, still being read
            def __getattr__(self, name):
                return getattr(rossi, name)

            def first(self, size):
                release.wait(10)
                return rossi.first(size)

        table.show(Slow(), count=False)
        table.table.action_select_cursor()  # Invio, on the old rows: it waits
        await pilot.pause()
        # the answer of the search before, arriving late (in a group of its own here: a new
        # fetch of the list's group would cancel the one being read, which a late answer
        # does not do)
        with monkeypatch.context() as patch:
            patch.setattr(PagedTable, "_group", property(lambda self: "late-answer"))
            table._fetch(lambda: clients_pager().first(20), lambda page: None, older)
        await pilot.pause(0.2)
        assert selected == []  # not CLIENTE 1
        release.set()
        await settle(pilot)
        assert selected == ["ROSSI MARIO"]
