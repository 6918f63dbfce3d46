"""One round of the notifications' work, for the server's loop and `portal
notify`: the scheduler (reminders due now), then the sender until nothing
is due, then forgetting old notifications. The scheduler runs in its own
transaction, under the sender's runner lock, so two processes do not both
work through the candidates.

The scheduler looks at every client who wants a reminder (tomorrow's: the
week of each; the self-assessment's: three reads for each 500 clients, then
one check a client), so a server's loop runs it once every ten minutes,
not every round; the sender runs every round. Ten minutes is nothing to a
reminder of tomorrow sent between 18 and 21, or of a self-assessment open
for weeks; "Uusi viesti" and the other notifications written by their
cause do not wait for the scheduler."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from portal import clock
from portal.db import transaction
from portal.notifications import outbox, reminders, sender

SCHEDULE_EVERY = timedelta(minutes=10)


@dataclass(frozen=True)
class Round:
    scheduled: reminders.Scheduled | None
    counts: sender.Counts | None  # None: another runner was at work
    forgotten: int = 0


def run_once(engine: Engine, context: sender.Context, *, schedule: bool = True,
             keep_days: int = outbox.KEEP_DAYS) -> Round:
    with sender.runner_lock(engine) as got:
        if not got:
            return Round(None, None)
        scheduled = reminders.Scheduled(0, 0)
        if schedule:
            with transaction(engine) as session:
                scheduled = reminders.run(session)
    counts = sender.send_due(engine, context)
    with transaction(engine) as session:
        forgotten = outbox.forget_old(session, now=clock.now(), keep_days=keep_days)
    return Round(scheduled, counts, forgotten)


class Runner:
    """The server's rounds: `run_once`, with the scheduler at most once every
    SCHEDULE_EVERY (counted from a round that ran it)."""

    def __init__(self, engine: Engine, context: sender.Context, *, keep_days: int = outbox.KEEP_DAYS) -> None:
        self.engine, self.context, self.keep_days = engine, context, keep_days
        self.scheduled_at: datetime | None = None

    def __call__(self) -> Round:
        now = clock.now()
        schedule = self.scheduled_at is None or not (
            self.scheduled_at <= now < self.scheduled_at + SCHEDULE_EVERY)  # a clock moved back runs it too
        done = run_once(self.engine, self.context, schedule=schedule, keep_days=self.keep_days)
        if schedule and done.counts is not None:
            self.scheduled_at = now
        return done
