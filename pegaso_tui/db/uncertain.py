"""What an operator does with an SMS whose outcome is unknown ("esito incerto").

A gateway that cannot be asked about a submission (Kannel: no query API) leaves a message
``uncertain`` when its submission went unanswered and no delivery report came within the
grace: it may or may not have reached the handset. The sender never resubmits it by itself
(a second SMS is worse than a late question); the control panel lets the operator decide.
Both calls are guarded by the status, so two terminals deciding at once decide once.
"""

from __future__ import annotations

from datetime import datetime

from pegaso_tui.db.models import FAILED, QUEUED, UNCERTAIN, Message, PracticeNotice, database_proxy


def resend_uncertain(message_id: int, operator: str = "") -> bool:
    """Put an uncertain message back in the queue (it may reach the handset twice: the
    operator's choice); False when it is no longer uncertain."""
    now = datetime.now()
    who = f" ({operator})" if operator else ""
    with database_proxy.atomic():
        changed = (Message.update(status=QUEUED, next_attempt_at=now, lease_owner=None,
                                  lease_expires_at=None, error_code=None, updated_at=now,
                                  last_error=f"reinviato dall'operatore dopo un esito incerto{who}")
                   .where((Message.id == message_id) & (Message.status == UNCERTAIN))
                   .execute())
    return changed == 1


def fail_uncertain(message_id: int, operator: str = "") -> bool:
    """Mark an uncertain message failed; its practice notice is released, so the practice is
    selected again. False when it is no longer uncertain."""
    now = datetime.now()
    who = f" ({operator})" if operator else ""
    with database_proxy.atomic():
        changed = (Message.update(status=FAILED, next_attempt_at=None, lease_owner=None,
                                  lease_expires_at=None, error_code="OPERATOR", updated_at=now,
                                  last_error=f"segnato fallito dall'operatore dopo un esito incerto{who}")
                   .where((Message.id == message_id) & (Message.status == UNCERTAIN))
                   .execute())
        if changed:
            PracticeNotice.delete().where(PracticeNotice.message == message_id).execute()
    return changed == 1
