"""SMS models ("Modelli", seed 004: "salvare questo modello per utilizzi successivi").

A model is a named text that any SMS mask's editor can pick; a scheduled communication may
send a model, and then sends its text as it is on the day of each run.
"""

from __future__ import annotations

from peewee import IntegrityError

from pegaso_tui.db.models import Schedule, SmsTemplate, database_proxy, now


class TemplateError(ValueError):
    """A model cannot be saved, found or deleted; the message says why (Italian)."""


def _clean(name: str) -> str:
    return " ".join((name or "").split())


def save_template(name: str, text: str, *, replace: bool = True) -> SmsTemplate:
    """Save the model ``name`` (overwriting its text unless ``replace`` is False)."""
    name = _clean(name)
    if not name:
        raise TemplateError("nome del modello mancante")
    if not (text or "").strip():
        raise TemplateError("il testo del modello è vuoto")
    _check_placeholders(text)
    with database_proxy.atomic():
        existing = SmsTemplate.get_or_none(SmsTemplate.name == name)
        if existing is not None:
            if not replace:
                raise TemplateError(f"esiste già un modello di nome '{name}'")
            existing.text = text
            existing.updated_at = now()
            existing.save()
            return existing
        try:
            with database_proxy.atomic():
                return SmsTemplate.create(name=name, text=text)
        except IntegrityError:
            raise TemplateError(f"esiste già un modello di nome '{name}'") from None


def _check_placeholders(text: str) -> None:
    """TemplateError naming a placeholder no SMS can fill (walked: "Ciao {nme}" was saved,
    and every mask that took the model then refused to send it)."""
    from pegaso_tui.sms.placeholders import PlaceholderError, check_template

    try:
        check_template(text)
    except PlaceholderError as exc:
        raise TemplateError(str(exc)) from None


def get_template(name: str) -> SmsTemplate:
    """The model ``name``; TemplateError when there is none."""
    template = SmsTemplate.get_or_none(SmsTemplate.name == _clean(name))
    if template is None:
        raise TemplateError(f"nessun modello di nome '{name}'")
    return template


def all_templates() -> list[SmsTemplate]:
    """Every model, by name."""
    return list(SmsTemplate.select().order_by(SmsTemplate.name))


def delete_template(name: str) -> None:
    """Delete a model; TemplateError when a scheduled communication sends it."""
    with database_proxy.atomic():
        template = get_template(name)
        users = [s.name for s in template.schedules.order_by(Schedule.name)]
        if users:
            raise TemplateError(
                f"il modello '{template.name}' è usato dalle comunicazioni programmate: "
                + ", ".join(users)
            )
        template.delete_instance()


def template_json(template: SmsTemplate) -> dict:
    """A model as ``template list --json`` prints it."""
    return {"name": template.name, "text": template.text,
            "updated_at": template.updated_at.isoformat(" ") if template.updated_at else None}


def templates_pager():
    """Every model by name, for the "Modelli" mask and the editor's picker."""
    from pegaso_tui.db.paging import KeysetPager

    return KeysetPager(SmsTemplate.select(), [SmsTemplate.name])


def rename_template(template_id: int, name: str) -> None:
    """Give a model a new name (TemplateError when another model has it)."""
    name = _clean(name)
    if not name:
        raise TemplateError("nome del modello mancante")
    try:
        with database_proxy.atomic():
            SmsTemplate.update(name=name, updated_at=now()).where(SmsTemplate.id == template_id).execute()
    except IntegrityError:
        raise TemplateError(f"esiste già un modello di nome '{name}'") from None
