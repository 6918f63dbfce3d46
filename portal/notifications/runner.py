"""One round of the notifications' work, for the server's loop and `portal
notify`: the scheduler (reminders due now), then the sender until nothing
is due, then forgetting old notifications. The scheduler runs in its own
transaction, under the sender's runner lock, so two processes do not both
work through the candidates.

The self-assessment reminders are worked out for every client who wants
them (three reads for each 500 clients, then one check a client), so a
server's loop does that once an hour, not every round: an occasion stays
open for weeks, and the reminder waits for the morning anyway when it falls
due at night. Tomorrow's reminders, a few minutes late, would be late."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from portal import clock
from portal.db import transaction
from portal.notifications import outbox, reminders, sender

ASSESSMENTS_EVERY = timedelta(hours=1)


@dataclass(frozen=True)
class Round:
    scheduled: reminders.Scheduled | None
    counts: sender.Counts | None  # None: another runner was at work
    forgotten: int = 0


def run_once(engine: Engine, context: sender.Context, *, assessments: bool = True,
             keep_days: int = outbox.KEEP_DAYS) -> Round:
    with sender.runner_lock(engine) as got:
        if not got:
            return Round(None, None)
        with transaction(engine) as session:
            scheduled = reminders.run(session, assessments=assessments)
    counts = sender.send_due(engine, context)
    with transaction(engine) as session:
        forgotten = outbox.forget_old(session, now=clock.now(), keep_days=keep_days)
    return Round(scheduled, counts, forgotten)


class Runner:
    """The server's rounds: `run_once`, with the self-assessment reminders at
    most once an hour (after a round that ran them)."""

    def __init__(self, engine: Engine, context: sender.Context, *, keep_days: int = outbox.KEEP_DAYS) -> None:
        self.engine, self.context, self.keep_days = engine, context, keep_days
        self.assessments_at: datetime | None = None

    def __call__(self) -> Round:
        now = clock.now()
        assessments = self.assessments_at is None or not (
            self.assessments_at <= now < self.assessments_at + ASSESSMENTS_EVERY)  # a clock moved back runs them too
        done = run_once(self.engine, self.context, assessments=assessments, keep_days=self.keep_days)
        if assessments and done.scheduled is not None:
            self.assessments_at = now
        return done
