"""What the sending masks share (SMS Pratiche, Promozionali, Buon Compleanno, Singolo).

Each mask lays out its own filters; this base adds the sender alias ("Mittente"), the SMS
editor, the live count of recipients, and the keys:

- ``F10`` checks every field (each error shown next to its field), selects the recipients and
  renders the text for each of them in a worker, then opens the preview
  (``screens.sms.preview``); nothing is queued before the preview's own confirmation.
- ``F9`` (alias ``ctrl+o``) saves the text as the one the mask proposes next time.
- ``F6`` (alias ``ctrl+n``) picks a model into the editor, or saves the text as a model.
- ``F7`` (alias ``ctrl+b``) saves the filters as a search (SMS Pratiche, Promozionali,
  Buon Compleanno): ``screens.comms.save_search``.
- ``Esc`` leaves; with a text changed and not sent, it asks first.

While the filters are valid the mask counts the recipients in the background: first the
database's count (``count_recipients``, the answer the user waits for), then the rows, so the
editor knows who they are and its counter shows the longest rendered text, as the preview will.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Input, Static

from pegaso_tui.errors import first_line
from pegaso_tui.numbers import thousands
from pegaso_tui.screens.base import MaskScreen
from pegaso_tui.screens.sms.fields import FieldErrors
from pegaso_tui.screens.sms.preview import SendJob, SendPreviewScreen, rows_of
from pegaso_tui.widgets.form_field import FormField
from pegaso_tui.widgets.key_footer import KeyFooter
from pegaso_tui.widgets.plain import plain
from pegaso_tui.widgets.sms_editor import SmsEditor

STYLES = Path(__file__).parent.parent.parent / "styles"
RECOUNT_AFTER_S = 0.35
#: the AGCOM note under "Mittente", in one line (sms.sender.ALIAS_NOTICE is the whole of it)
ALIAS_NOTICE_SHORT = "Alias da registrare presso il fornitore (AGCOM 306/20/CIR)"


class SmsMaskScreen(MaskScreen):
    """A sending mask: filters (from the subclass), Mittente, Testo Sms, F10 to preview."""

    CSS_PATH = STYLES / "sms.tcss"
    BINDINGS = [
        *MaskScreen.BINDINGS,
        Binding("f9,ctrl+o", "save_preset", "Salva testo", id="save_preset",
                tooltip="Salva il testo come proposta per le prossime volte"),
        # priority: the text area binds F6 and F7 itself (select line, select all)
        Binding("f6,ctrl+n", "pick_template", "Modelli", id="pick_template", priority=True,
                tooltip="Inserisce un modello nel testo, o salva il testo come modello"),
        Binding("f7,ctrl+b", "save_search", "Salva ricerca", id="save_search", priority=True,
                tooltip="Salva i filtri della maschera come ricerca"),
    ]

    #: the line under the title, as in the original masks
    INTRO = ""
    #: whether the mask counts recipients live (the single SMS has one recipient)
    LIVE_COUNT = True

    #: the kind a saved search of this mask has (None: the mask saves no search)
    SEARCH_KIND: str | None = None

    def __init__(self, *, filters: Any = None, search: Any = None, **kwargs: Any) -> None:
        """``filters``: the mask's filters to show instead of its defaults (a saved search
        opened from the menu); ``search``: that search's SearchInfo, to save it again."""
        super().__init__(**kwargs)
        self._recount_timer = None
        self._saved_text = ""
        self.initial_filters = filters
        self.search_info = search

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        from pegaso_tui.sms.sender import ALIAS_NOTICE

        yield Header()
        # not focusable itself: the mask opens with the cursor in its first field (the fields
        # scroll into view as the focus moves)
        with VerticalScroll(id="sms-body", can_focus=False):
            if self.INTRO:
                yield Static(self.INTRO, classes="mask-intro")
            yield from self.compose_filters()
            sender = Input(self.app.services.settings.sender, placeholder="alias o +39…", max_length=20, id="sender")
            sender.tooltip = ALIAS_NOTICE
            yield FormField("Mittente:", sender, id="field-sender")
            # one line, so that the mask fits 80×24: the whole note is the field's tooltip and
            # is in the manual (F1)
            yield Static(ALIAS_NOTICE_SHORT, classes="alias-notice")
            yield FormField("Testo Sms:", SmsEditor(id="sms-text"), id="field-text")
            yield Static("", id="recipients-line")
            yield Static("", id="mask-error")
        yield KeyFooter()

    def compose_filters(self) -> ComposeResult:
        """The mask's own fields."""
        yield from ()

    @property
    def editor(self) -> SmsEditor:
        return self.query_one("#sms-text", SmsEditor)

    def on_mount(self) -> None:
        super().on_mount()
        from pegaso_tui.db.sending import preset_text

        self.run_db(preset_text, self.preset_name(), done=self._show_preset, group="preset")
        self.schedule_recount()

    def _show_preset(self, text: str) -> None:
        if not self.editor.text:
            self.editor.text = text
        self._saved_text = self.editor.text

    # -- what a subclass provides -------------------------------------------------------------

    def preset_name(self) -> str:
        """The name of the preset text (``practice:unpaid``, ``promo``, ...)."""
        raise NotImplementedError

    def read_filters(self) -> Any:
        """The filters typed (on the UI thread); FieldErrors for the wrong ones."""
        raise NotImplementedError

    @staticmethod
    def select(filters: Any):
        """The selection for ``filters`` (runs in a worker thread)."""
        raise NotImplementedError

    def title_for(self, filters: Any) -> str:
        """The preview's title."""
        return self.MASK_TITLE

    def describe(self, filters: Any) -> str:
        """The filters in words, for the preview."""
        return ""

    DETAIL_LABEL = ""

    # -- errors ------------------------------------------------------------------------------

    def clear_errors(self) -> None:
        for field in self.query(FormField):
            field.set_error(None)
        self.query_one("#mask-error", Static).update("")

    def show_errors(self, errors: dict[str, str]) -> None:
        """Each message next to its field (``mask`` for the mask as a whole)."""
        for key, message in errors.items():
            if key == "mask":
                self.query_one("#mask-error", Static).update(plain(message))
                continue
            try:
                self.query_one(f"#{key}", FormField).set_error(message)
            except Exception:  # an error for a field this mask does not have
                self.query_one("#mask-error", Static).update(plain(message))
        self.app.bell()
        self._focus_first_error()

    def _focus_first_error(self) -> None:
        """The cursor to the topmost field with an error, where the operator fixes it."""
        field = next((f for f in self.query(FormField) if f.error), None)
        if field is None:
            return
        widget = field.widget
        target = widget if widget.focusable else next((w for w in widget.query("*") if w.focusable), None)
        if target is not None:
            target.focus()

    def read_sender(self, errors: dict[str, str]) -> str:
        from pegaso_tui.sms.sender import sender_problem

        sender = self.query_one("#sender", Input).value.strip()
        if not sender:
            errors["field-sender"] = (
                "Mittente mancante: indicare l'alias registrato presso il gestore (o un "
                "numero in formato internazionale)"
            )
        else:
            problem = sender_problem(sender)
            if problem:
                errors["field-sender"] = problem
        return sender

    def read_text(self, errors: dict[str, str]) -> str:
        text = self.editor.text
        if not text.strip():
            errors["field-text"] = "Il testo dell'SMS è vuoto"
        else:
            problem = self.editor.validate()
            if problem:
                errors["field-text"] = problem
        return text

    # -- live count ----------------------------------------------------------------------------

    def schedule_recount(self) -> None:
        """Count the recipients again shortly (after the user stops typing)."""
        if not self.LIVE_COUNT:
            return
        if self._recount_timer is not None:
            self._recount_timer.stop()
        self._recount_timer = self.set_timer(RECOUNT_AFTER_S, self._recount)

    def _recount(self) -> None:
        self._recount_timer = None
        try:
            filters = self.read_filters()
        except FieldErrors:
            self.query_one("#recipients-line", Static).update("")
            self.editor.set_preview(None)
            return
        agency = self.app.services.settings.agency
        select, app = self.select, self.app
        show_count = self._show_count

        def count(filters):
            """The count first (the database answers it at once), then the rows, which the
            counter needs to show the longest rendered text."""
            from textual.worker import get_current_worker

            from pegaso_tui.db.selections import count_recipients
            from pegaso_tui.sms.placeholders import TemplatePreview

            answer = count_recipients(filters)
            worker = get_current_worker()
            if worker.is_cancelled:
                return None
            app.call_from_thread(show_count, answer)
            if not answer.sendable:
                return None
            selection = select(filters)
            return TemplatePreview(selection.sendable_rows(), agency=agency).prepare()

        self.run_db(count, filters, done=self._counted, failed=self._count_failed, group="recount")

    def _show_count(self, answer) -> None:
        line = f"Destinatari: {thousands(answer.count)} · inviabili {thousands(answer.sendable)}"
        self.query_one("#recipients-line", Static).update(line)
        if not answer.sendable:
            self.editor.set_preview(None)

    def _counted(self, preview) -> None:
        if preview is not None:
            self.editor.set_preview(preview)

    def _count_failed(self, exc: BaseException) -> None:
        # said, not blanked: a blank line read as "nobody" or "still counting"
        self.query_one("#recipients-line", Static).update(
            plain(f"Conteggio dei destinatari non riuscito: {first_line(exc)} (F10 riprova)"))

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "sender":
            self.schedule_recount()

    # -- F10 -----------------------------------------------------------------------------------

    def action_confirm(self) -> None:
        self.clear_errors()
        errors: dict[str, str] = {}
        try:
            filters = self.read_filters()
        except FieldErrors as exc:
            errors.update(exc.errors)
            filters = None
        sender = self.read_sender(errors)
        template = self.read_text(errors)
        if errors:
            self.show_errors(errors)
            return
        self.query_one("#mask-error", Static).update("Selezione in corso…")
        self.run_db(self.job_builder(), filters, template, sender, done=self._prepared,
                    failed=self._prepare_failed, group="prepare")

    def job_builder(self) -> Callable[[Any, str, str], SendJob | None]:
        """What F10 runs in a worker: (filters, template, sender) -> the preview's SendJob, or
        None when nobody is selected. By default: the selection, rendered for each row."""
        settings = self.app.services.settings
        select = self.select
        title_for, describe, detail = self.title_for, self.describe, self.DETAIL_LABEL
        today = self.app.services.today()

        def build(filters, template: str, sender: str) -> SendJob | None:
            from pegaso_tui.db.campaigns import plan_selection

            selection = select(filters)
            if selection.count == 0:
                return None
            plan = plan_selection(selection, template, max_parts=settings.max_parts,
                                  agency=settings.agency)
            return SendJob(title_for(filters), plan, rows_of(selection, plan, today), sender, detail,
                           describe(filters))

        return build

    def _prepared(self, job: SendJob | None) -> None:
        self.query_one("#mask-error", Static).update("")
        if job is None:
            self.show_errors({"mask": "Nessun destinatario: nessun cliente corrisponde ai filtri indicati"})
            return
        self.app.push_screen(SendPreviewScreen(job), self._after_preview)

    def _prepare_failed(self, exc: BaseException) -> None:
        from pegaso_tui.db.campaigns import CampaignError
        from pegaso_tui.db.selections import SelectionError

        self.query_one("#mask-error", Static).update("")
        message = first_line(exc)
        if isinstance(exc, CampaignError):
            self.show_errors({"field-text": message})  # placeholders without a value, length
        elif isinstance(exc, SelectionError):
            self.show_errors({"mask": message})
        else:
            self.notify_error(exc)

    def _after_preview(self, queued: bool | None) -> None:
        if queued:
            self._saved_text = self.editor.text  # sent: nothing to lose any more
            self.schedule_recount()  # queued practices leave the selection

    # -- F6 Modelli, F7 Salva ricerca -----------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save_search":
            return self.SEARCH_KIND is not None
        return super().check_action(action, parameters)

    def action_pick_template(self) -> None:
        from pegaso_tui.screens.comms.templates import TemplatePicker

        def picked(text: str | None) -> None:
            if text is not None:
                self.editor.text = text
                self.editor.text_area.focus()

        self.app.push_screen(TemplatePicker(self.editor.text), picked)

    def action_save_search(self) -> None:
        from pegaso_tui.db.searches import filters_data
        from pegaso_tui.screens.comms.save_search import SaveSearchDialog

        self.clear_errors()
        try:
            filters = self.read_filters()
        except FieldErrors as exc:
            self.show_errors(exc.errors)
            return
        kind, data = filters_data(filters)

        def saved(name: str | None) -> None:
            if name:
                self.notify(f"Ricerca '{name}' salvata", title="Salva ricerca", markup=False)

        self.app.push_screen(SaveSearchDialog(kind, data, self.search_info), saved)

    # -- F9 and Esc -----------------------------------------------------------------------------

    def action_save_preset(self) -> None:
        from pegaso_tui.db.sending import save_preset_text

        text = self.editor.text

        def saved(_):
            self._saved_text = text
            self.notify("Testo salvato: sarà proposto le prossime volte", title="Testo Sms")

        self.run_db(save_preset_text, self.preset_name(), text, done=saved, group="preset")

    def has_unsaved_changes(self) -> bool:
        """A text typed and neither sent nor saved (Esc and Ctrl+Q both ask first)."""
        text = self.editor.text
        return bool(text.strip()) and text != self._saved_text

    def action_leave(self) -> None:
        if self.has_unsaved_changes():
            from pegaso_tui.widgets.confirm import ConfirmDialog

            def answered(yes: bool | None) -> None:
                if yes:
                    self.dismiss()

            self.app.push_screen(
                ConfirmDialog("Il testo modificato non è stato inviato né salvato. Uscire comunque?",
                              title="Uscire dalla maschera?"),
                answered,
            )
            return
        self.dismiss()
