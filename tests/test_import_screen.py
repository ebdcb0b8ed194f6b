"""The import screen driven by the pilot: pick a CSV, see how it is understood, import it with
a progress bar, list the rejected rows, save them to fix and import again."""

from __future__ import annotations

import csv

from pegaso_tui.db.models import Client
from pegaso_tui.screens.registry.clients import ClientsScreen
from pegaso_tui.screens.registry.import_screen import ImportScreen, PathSuggester
from tests.apputil import make_app, settle

GOOD_AND_BAD = (
    "code;name;mobile;birth_date;colore\n"
    "1;ROSSI MARIO;3491234567;18-11-1983;blu\n"
    ";SENZA CODICE;;;\n"
    "3;BIANCHI ANNA;045510712;31-02-1980;\n"
    "4;VERDI LUCA;;;\n"
)


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def test_a_file_with_good_and_bad_rows_is_imported_and_the_bad_ones_saved(db_url, db, tmp_path):
    folder = tmp_path / "dati"
    folder.mkdir()
    source = folder / "clienti.csv"
    source.write_text(GOOD_AND_BAD, encoding="utf-8")
    app = make_app(db_url)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ImportScreen) and screen.kind == "clients"
        screen.query_one("#import-path").value = str(source)
        await pilot.press("enter")  # read the file: the preview
        await settle(pilot)
        understood = text_of(screen, "#import-columns")
        assert "4 righe" in understood and "separatore punto e virgola" in understood
        assert "code → Codice" in understood and "colore → ignorata" in understood
        preview = screen.query_one("#import-preview")
        assert preview.row_count == 4
        assert str(preview.get_row_at(1)[-1]) == "codice cliente mancante"

        await pilot.press("f10")
        await settle(pilot)
        summary = text_of(screen, "#import-summary")
        assert "importati 2" in summary and "scartati 2" in summary
        rejected = screen.query_one("#import-rejected")
        reasons = [[str(c) for c in rejected.get_row_at(i)] for i in range(rejected.row_count)]
        assert ["3", "scartata", "codice cliente mancante"] in reasons
        assert ["4", "scartata", "Data di Nascita: data impossibile: '31-02-1980'"] in reasons

        await pilot.press("f7")
        await settle(pilot)
        saved = folder / "clienti-scartate.csv"
        with saved.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle, delimiter=";"))
        assert rows[0] == ["motivo_scarto", "code", "name", "mobile", "birth_date", "colore"]
        assert [r[2] for r in rows[1:]] == ["SENZA CODICE", "BIANCHI ANNA"]

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ClientsScreen)
        assert [row.code for row in app.screen.table.rows] == ["0000001", "0000004"]
    assert Client.get(Client.code == "0000001").mobile == "+393491234567"


async def test_the_path_is_completed_as_it_is_typed(tmp_path):
    (tmp_path / "clienti-2026.csv").write_text("code\n")
    (tmp_path / "archivio").mkdir()
    suggester = PathSuggester()
    assert await suggester.get_suggestion(str(tmp_path / "cli")) == str(tmp_path / "clienti-2026.csv")
    assert await suggester.get_suggestion(str(tmp_path / "arc")) == str(tmp_path / "archivio") + "/"
    assert await suggester.get_suggestion(str(tmp_path / "zzz")) is None
