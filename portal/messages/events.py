"""The seam between messages and notifications.

The notifications part hooks here: "Uusi viesti" is sent only if still
unread 10 minutes later. When a message is saved, `message_arrived` is
called in the same transaction, with whom the message is for; the
notifications part will write an outbox row here (due 10 minutes on, with a
unique key per message and person) and, when the row falls due, ask
`portal.messages.threads.is_unread_by(session, message_id=…, person_id=…)`
before it sends anything. A notification never carries the message's text.

A bulletin does not notify: it is shown on the start page until it expires.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from portal.messages.models import Message


def message_arrived(session: Session, *, message: Message, recipient_person_ids: Sequence[int]) -> None:
    """A message was saved (not yet committed) for these people. Does
    nothing for now: the notifications part (issue 22) fills it in."""
    del session, message, recipient_person_ids
