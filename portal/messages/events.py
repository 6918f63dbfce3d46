"""Where messages meet notifications ("Uusi viesti", issue 22).

When a message is saved, `message_arrived` is called in the same
transaction with whom it is for. Staff's answer is for the client: it puts a
"Uusi viesti" notification in the outbox (portal.notifications.outbox) for
the client and for the delegates whose mandate and choices cover it, due 10
minutes later with a unique key per message and person. When it falls due,
the sender asks `portal.messages.threads.is_unread_by` (registered below)
for that recipient, and sends nothing if they have read it meanwhile. A
notification never carries the message's text. A message from the client's
side notifies nobody: staff see it in the unit inbox.

A bulletin does not notify: it is shown on the start page until it expires.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from portal.messages.models import Message
from portal.notifications import outbox


def message_arrived(session: Session, *, message: Message, recipient_person_ids: Sequence[int]) -> None:
    """A message was saved (flushed, not yet committed) for these people."""
    if not message.from_staff or message.id is None:
        return
    # From the moment the message was written (its writer's clock), not the moment this runs.
    outbox.notify_new_message(session, message_id=message.id, person_ids=list(recipient_person_ids),
                              now=message.created_at)


def _is_unread_by(session: Session, *, message_id: int, person_id: int) -> bool:
    from portal.messages.threads import is_unread_by  # threads imports this module

    return is_unread_by(session, message_id=message_id, person_id=person_id)


outbox.register_unread_check(_is_unread_by)
