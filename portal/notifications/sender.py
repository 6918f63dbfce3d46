"""The sender: takes due notifications from the outbox and sends them, with
retries and back-off, one runner at a time.

A row's life: `queued` (due at next_try_at) → `sending` → `sent`; a failed
try goes back to `queued` with next_try_at 1, 2, 4 … minutes later (at most
6 hours, never in the quiet hours 21–8), and after MAX_ATTEMPTS tries, or at
once when the provider refuses for good, to `parked`, which an admin sees
(/staff/outbox, `portal notify --parked`) and may send again. A row that is
no longer worth sending (the category turned off, the address removed, the
message read, the day's absence reported, the code expired) becomes
`cancelled` just before it would have gone.

State is written before and after each provider call, each in a committed
transaction of its own: the row becomes `sending` (attempts + 1, a lease of
two minutes) before the call, and `sent` or back to `queued` right after.
A sender killed in between leaves the row `sending`; when its lease runs out
any sender takes it again. Nothing is lost.

The at-least-once edge: if the sender dies after the provider took the
message but before the row says `sent`, the next sender sends it again. That
repeat is the same row, so it is bounded to one extra delivery per crash of
that moment, never a second notification: the unique key keeps every cause
to one row, whatever runs twice. The repeat also carries the same
Message-ID (e-mail) or gateway reference (text message), both made from the
key, so a provider that drops repeats by them sends it once.

One runner at a time: a session-level advisory lock on PostgreSQL
(`pg_try_advisory_lock`), a file lock next to the database on SQLite (like
the access log's sealer). A runner that finds the lock taken does nothing
this round; the conditional claim (`… WHERE state = 'queued'`) would keep
two from taking the same row anyway.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, text, update
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, col, select

from portal import clock
from portal.auth.mandates import DatabaseMandates, MandateSource, mandate_for
from portal.db import transaction
from portal.notifications import outbox, preferences, reminders, stop_links, texts, timing
from portal.notifications.delivery import Delivered, DeliveryFailed, DevelopmentOutbox, Outgoing, Transport
from portal.notifications.email import SmtpTransport
from portal.notifications.models import CHOOSABLE, Category, Channel, ContactPoint, Notification, State
from portal.notifications.sms import HttpSmsGateway

BATCH = 100
_CHECKS = reminders  # importing it registers the reminders' "still worth sending?" checks
UNREACHABLE = frozenset({"smtp_unreachable", "smtp_login_refused", "sms_unreachable", "sms_timeout"})
RUNNER_LOCK = 22_2026  # pg_try_advisory_lock's key: notification senders only

log = logging.getLogger("portal.notifications")


@dataclass(frozen=True)
class Context:
    """What a sender needs besides the database."""

    transports: dict[str, Transport | None]  # per channel; None: not in use here
    base_url: str
    secret: str
    mandates: MandateSource = field(default_factory=DatabaseMandates)


def transports(settings: Any) -> dict[str, Transport | None]:
    """SMTP and the SMS gateway when configured; otherwise, outside
    production, the development outbox; in production, nothing (a row for an
    unconfigured channel is parked with `not_configured`)."""
    fallback = None if settings.production else DevelopmentOutbox()
    email: Transport | None = SmtpTransport(
        host=settings.smtp_host, port=settings.smtp_port, user=settings.smtp_user, password=settings.smtp_password,
        sender=settings.smtp_from, starttls=settings.smtp_starttls) if settings.smtp_host else fallback
    sms: Transport | None = HttpSmsGateway(url=settings.sms_url, user=settings.sms_user,
                                           password=settings.sms_password, sender=settings.sms_sender
                                           ) if settings.sms_url else fallback
    return {Channel.EMAIL.value: email, Channel.SMS.value: sms}


def context_from(settings: Any, mandates: MandateSource | None = None) -> Context:
    return Context(transports(settings), settings.base_url, settings.secret_key, mandates or DatabaseMandates())


def channels_in_use(settings: Any) -> list[str]:
    return [channel for channel, transport in transports(settings).items() if transport is not None]


# One runner at a time ---------------------------------------------------------

_memory_lock = threading.Lock()  # an in-memory SQLite database: one process


@contextmanager
def runner_lock(engine: Engine) -> Iterator[bool]:
    """True while this runner holds the lock; False (at once) when another does."""
    url = make_url(str(engine.url))
    if url.get_backend_name() == "postgresql":
        with engine.connect() as connection:
            got = bool(connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": RUNNER_LOCK}).scalar())
            connection.commit()
            try:
                yield got
            finally:
                if got:
                    try:
                        connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": RUNNER_LOCK})
                        connection.commit()
                    except Exception:
                        connection.invalidate()  # closing the connection lets go of the lock
        return
    if not url.database or url.database == ":memory:":
        got = _memory_lock.acquire(blocking=False)
        try:
            yield got
        finally:
            if got:
                _memory_lock.release()
        return
    descriptor = os.open(f"{url.database}-notify.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(descriptor)  # lets go of the flock


# Taking due rows, and what they say ----------------------------------------

def _due_condition(now: datetime) -> Any:
    return or_(and_(col(Notification.state) == State.QUEUED.value, col(Notification.next_try_at) <= now),
               and_(col(Notification.state) == State.SENDING.value, col(Notification.lease_until) <= now))


def _claim(session: Session, *, now: datetime, limit: int) -> list[Notification]:
    query = select(Notification).where(_due_condition(now)).order_by(col(Notification.next_try_at)).limit(limit)
    if timing.in_quiet_hours(now):
        query = query.where(col(Notification.category).in_(outbox.QUIET_EXEMPT))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = list(session.exec(query).all())
    for row in rows:
        row.state, row.attempts, row.lease_until = State.SENDING.value, row.attempts + 1, now + timing.LEASE
        session.add(row)
    session.flush()
    return rows


def _cancel(session: Session, row: Notification, outcome: str) -> None:
    row.state, row.outcome, row.lease_until = State.CANCELLED.value, outcome, None
    if row.category == Category.CONFIRMATION_CODE.value:
        row.body = ""
    session.add(row)


def _park(session: Session, row: Notification, outcome: str) -> None:
    row.state, row.outcome, row.lease_until = State.PARKED.value, outcome, None
    if row.category == Category.CONFIRMATION_CODE.value:
        row.body = ""
    session.add(row)


def _why_not(session: Session, row: Notification, contact: ContactPoint | None, context: Context,
             now: datetime) -> str | None:
    """None when the row should go now; otherwise the reason it should not."""
    if row.expires_at is not None and row.expires_at <= now:
        return "expired"
    if row.category not in CHOOSABLE:
        return None
    if contact is None or contact.confirmed_at is None or not contact.address:
        return "no_contact"
    assert row.person_id is not None and row.client_person_id is not None
    if not preferences.is_on(session, person_id=row.person_id, client_id=row.client_person_id, category=row.category):
        return "turned_off"
    if row.person_id != row.client_person_id:
        mandate = mandate_for(context.mandates, session, agent_person_id=row.person_id,
                              principal_person_id=row.client_person_id, today=clock.today())
        if mandate is None or not preferences.covers(mandate.scope, row.category):
            return "no_mandate"
    if not outbox.still_relevant(session, row):
        return "not_relevant"
    return None


def _prepare(session: Session, rows: list[Notification], context: Context, now: datetime) -> list[Outgoing]:
    contacts = {(contact.person_id, contact.channel): contact for contact in session.exec(
        select(ContactPoint).where(col(ContactPoint.person_id).in_({row.person_id for row in rows
                                                                     if row.person_id is not None}))).all()}
    ready = []
    for row in rows:
        contact = contacts.get((row.person_id, row.channel)) if row.person_id is not None else None  # type: ignore[arg-type]
        reason = _why_not(session, row, contact, context, now)
        if reason is not None:
            _cancel(session, row, reason)
            continue
        if context.transports.get(row.channel) is None:
            _park(session, row, "not_configured")
            continue
        direct = row.category not in CHOOSABLE
        address = row.to_address if direct else contact.address  # type: ignore[union-attr]
        language = row.language if direct else contact.language  # type: ignore[union-attr]
        stop_url = "" if direct else stop_links.url_for(context.base_url, context.secret, row)
        words = texts.render(category=row.category, channel=row.channel, language=language,
                             base_url=context.base_url, stop_url=stop_url, subject=row.subject, body=row.body)
        ready.append(Outgoing(row.id, row.key, row.channel, address, language, words.subject, words.text,  # type: ignore[arg-type]
                              words.html, stop_url, row.category))
    session.flush()
    return ready


# Recording what happened ---------------------------------------------------

def _record_sent(engine: Engine, outgoing: Outgoing, delivered: Delivered, now: datetime) -> None:
    values: dict[str, Any] = {"state": State.SENT.value, "sent_at": now, "outcome": "sent", "lease_until": None,
                              "provider_ref": delivered.reference[:200]}
    if delivered.copy is not None:
        values["body"] = delivered.copy[:8000]  # development: what would have gone
    elif outgoing.category == Category.CONFIRMATION_CODE.value:
        values["body"] = ""  # the code has gone: it is not kept
    with transaction(engine) as session:  # one UPDATE, committed before the next call
        session.exec(update(Notification).where(col(Notification.id) == outgoing.notification_id)  # type: ignore[call-overload]
                     .values(**values))


def _record_failed(engine: Engine, outgoing: Outgoing, failure: DeliveryFailed, now: datetime) -> str:
    with transaction(engine) as session:
        row = session.get(Notification, outgoing.notification_id)
        if row is None:
            return "gone"
        if failure.permanent or row.attempts >= timing.MAX_ATTEMPTS:
            _park(session, row, failure.code)
            return State.PARKED.value
        retry_at = now + timing.backoff(row.attempts)
        row.state, row.outcome, row.lease_until = State.QUEUED.value, failure.code, None
        row.next_try_at = retry_at if row.category in outbox.QUIET_EXEMPT else timing.after_quiet_hours(retry_at)
        session.add(row)
        return State.QUEUED.value


@dataclass
class Counts:
    sent: int = 0
    failed: int = 0  # to be tried again
    parked: int = 0
    cancelled: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.failed + self.parked + self.cancelled


def send_batch(engine: Engine, context: Context, *, now: datetime | None = None, limit: int = BATCH) -> Counts | None:
    """Send one batch of due notifications. None: another runner has the lock."""
    with runner_lock(engine) as got:
        if not got:
            return None
        return _send_batch(engine, context, now=now, limit=limit)


def _send_batch(engine: Engine, context: Context, *, now: datetime | None, limit: int) -> Counts:
    moment = now or clock.now()
    counts = Counts()
    with transaction(engine) as session:  # state before the calls: `sending`, or cancelled/parked
        claimed = _claim(session, now=moment, limit=limit)
        ready = _prepare(session, claimed, context, moment)
        for row in claimed:
            if row.state == State.CANCELLED.value:
                counts.cancelled += 1
            elif row.state == State.PARKED.value:
                counts.parked += 1
    if not ready:
        return counts
    with ExitStack() as stack:
        deliverers: dict[str, Any] = {}
        down: dict[str, DeliveryFailed] = {}  # a channel whose server did not answer: not asked again this batch
        for outgoing in ready:
            try:
                if outgoing.channel in down:
                    raise down[outgoing.channel]
                if outgoing.channel not in deliverers:
                    transport = context.transports[outgoing.channel]
                    assert transport is not None
                    deliverers[outgoing.channel] = stack.enter_context(transport.connection())
                delivered = deliverers[outgoing.channel](outgoing)
            except DeliveryFailed as failure:
                if failure.code in UNREACHABLE:
                    down[outgoing.channel] = failure
                done = _record_failed(engine, outgoing, failure, now or clock.now())
                log.warning("notification %s not sent: %s (%s)", outgoing.notification_id, failure.code, done)
                if done == State.PARKED.value:
                    counts.parked += 1
                else:
                    counts.failed += 1
                continue
            _record_sent(engine, outgoing, delivered, now or clock.now())
            counts.sent += 1
    log.info("notifications: %s sent, %s to try again, %s parked, %s cancelled",
             counts.sent, counts.failed, counts.parked, counts.cancelled)
    return counts


def send_due(engine: Engine, context: Context, *, now: datetime | None = None, batches: int = 100) -> Counts | None:
    """Batches until nothing is due (or `batches` have run); None when another runner has the lock."""
    with runner_lock(engine) as got:
        if not got:
            return None
        total = Counts()
        for _ in range(batches):
            counts = _send_batch(engine, context, now=now, limit=BATCH)
            for name in ("sent", "failed", "parked", "cancelled"):
                setattr(total, name, getattr(total, name) + getattr(counts, name))
            if counts.handled < BATCH:
                break
        return total
