"""Opening a saved search: its mask with the filters filled in, as of today."""

from __future__ import annotations

from typing import Any


def open_saved_search(app: Any, search_id: int) -> None:
    """Read the search in a worker, then push its mask (SMS Pratiche, Promozionali or Buon
    Compleanno) with the search's filters for today and its details for F7."""
    from pegaso_tui.masks import BY_NUMBER, SEARCH_MASKS
    from pegaso_tui.screens.comms.save_search import SearchInfo

    services = app.services
    today = services.today()

    def load():
        from pegaso_tui.db.searches import filters_on, search_by_id

        search = search_by_id(search_id)
        info = SearchInfo(search.name, search.description, search.date_mode, search.scheduling,
                          search.in_menu)
        return search.kind, filters_on(search, today), info

    def opened(result) -> None:
        kind, filters, info = result
        screen = BY_NUMBER[SEARCH_MASKS[kind]].screen_class()(filters=filters, search=info)
        app.push_screen(screen)
        app.notify(f"Ricerca '{info.name}'", timeout=3, markup=False)

    def job() -> None:
        try:
            result = services.call(load)
        except Exception as exc:  # deleted meanwhile, or filters that no longer work
            from pegaso_tui.errors import first_line

            app.call_from_thread(app.notify, first_line(exc), title="Ricerca salvata",
                                 severity="error", markup=False)
            return
        app.call_from_thread(opened, result)

    app.run_worker(job, thread=True, group="open-search", exit_on_error=False,
                   description="apertura della ricerca salvata")
