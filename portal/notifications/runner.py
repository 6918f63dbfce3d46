"""One round of the notifications' work, for the server's loop and `portal
notify`: the scheduler (reminders due now), then the sender until nothing
is due. The scheduler runs in its own transaction, under the sender's
runner lock, so two processes do not both work through the candidates."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from portal.db import transaction
from portal.notifications import reminders, sender


@dataclass(frozen=True)
class Round:
    scheduled: reminders.Scheduled | None
    counts: sender.Counts | None  # None: another runner was at work


def run_once(engine: Engine, context: sender.Context) -> Round:
    with sender.runner_lock(engine) as got:
        if not got:
            return Round(None, None)
        with transaction(engine) as session:
            scheduled = reminders.run(session)
    counts = sender.send_due(engine, context)
    return Round(scheduled, counts)
