"""Threads between a client and their unit: starting one, answering, and how
staff handle it (assign, done, sensitive); the keyset queries of the unit
inbox and of a client's thread list.

A thread belongs to one client and one unit. The client's side is the client
and anyone who acts for them under a mandate; the unit's side is its staff.
A message is saved once for one form: the form carries a random token, and
(author, token) is unique in the database, so a double submit finds the
message the first post saved instead of making a second one.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, tuple_
from sqlalchemy import select as select_rows
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from portal import rate_limit
from portal.db import rows as read_rows, table
from portal.messages import events
from portal.messages.models import Message, MessageReadState, MessageThread
from portal.models import Person, StaffMembership, Unit

# The topics a client chooses from (their words are in portal.messages.forms).
TOPICS = ("absence", "money", "tasks", "other")
TEXT_MAX = 5000
PAGE_SIZE = 20  # threads on one page of a list
THREAD_SHOWN = 200  # the newest messages of one thread on its page
KEY_LENGTH = 32  # characters of a form's token (secrets.token_urlsafe(24))
OPEN, DONE = "open", "done"
# Ids are 32-bit integers in the tables: a larger number (a path or cursor may
# carry up to 18 digits) names nothing, and PostgreSQL would refuse to compare it.
MAX_ID = 2**31 - 1

# A person writes a few messages a day; twenty in ten minutes is a script or
# a stuck key, and a hundred a day fills nobody's inbox with sense.
PER_PERSON_SHORT = rate_limit.Limit("messages_per_person_10min", max_hits=20, window_seconds=10 * 60)
PER_PERSON_DAY = rate_limit.Limit("messages_per_person_day", max_hits=100, window_seconds=24 * 60 * 60)


def new_key() -> str:
    """A form's token: it makes the message's save happen once."""
    return secrets.token_urlsafe(24)


def valid_key(key: object) -> bool:
    return (isinstance(key, str) and len(key) == KEY_LENGTH and key.isascii()
            and all(char.isalnum() or char in "-_" for char in key))


def allowed(session: Session, *, person_id: int, secret: str) -> bool:
    """Count one message against the person's limits, both or neither."""
    counted = session.begin_nested()
    if (rate_limit.allow(session, limit=PER_PERSON_SHORT, key=str(person_id), secret=secret)
            and rate_limit.allow(session, limit=PER_PERSON_DAY, key=str(person_id), secret=secret)):
        counted.commit()
        return True
    counted.rollback()
    return False


@dataclass(frozen=True)
class Written:
    thread: MessageThread
    message: Message
    new: bool  # False: this form was saved before (a double submit), nothing new was written


def already_written(session: Session, *, author_person_id: int, key: str) -> Written | None:
    found = session.exec(
        select(Message, MessageThread).join(MessageThread, col(MessageThread.id) == col(Message.thread_id))
        .where(Message.author_person_id == author_person_id, Message.idempotency_key == key)
    ).first()
    return Written(found[1], found[0], new=False) if found else None


def start(session: Session, *, client_person_id: int, unit_id: int, author_person_id: int, topic: str, text: str,
          key: str, now: datetime) -> Written:
    """A new thread with its first message, written by the client or a delegate."""
    if topic not in TOPICS:
        raise ValueError("topic")

    def write() -> tuple[MessageThread, Message]:
        thread = MessageThread(client_person_id=client_person_id, unit_id=unit_id, topic=topic,
                               started_by_person_id=author_person_id, created_at=now, last_message_at=now)
        session.add(thread)
        session.flush()
        return thread, _add(session, thread=thread, author_person_id=author_person_id, from_staff=False, text=text,
                            key=key, now=now)

    return _once(session, author_person_id=author_person_id, key=key, write=write)


def reply(session: Session, *, thread: MessageThread, author_person_id: int, from_staff: bool, text: str, key: str,
          now: datetime) -> Written:
    """A message in an existing thread, from either side."""
    return _once(session, author_person_id=author_person_id, key=key, write=lambda: (thread, _add(
        session, thread=thread, author_person_id=author_person_id, from_staff=from_staff, text=text, key=key, now=now)))


def _once(session: Session, *, author_person_id: int, key: str,
          write: Callable[[], tuple[MessageThread, Message]]) -> Written:
    """Write a message once per (author, form token): a double submit, or the
    same form saved by a concurrent request a moment ago, gets the first one."""
    earlier = already_written(session, author_person_id=author_person_id, key=key)
    if earlier is not None:
        return earlier
    savepoint = session.begin_nested()
    try:
        thread, message = write()
    except IntegrityError:
        savepoint.rollback()
        found = already_written(session, author_person_id=author_person_id, key=key)
        assert found is not None
        return found
    savepoint.commit()
    _arrived(session, thread=thread, message=message)
    return Written(thread, message, new=True)


def _add(session: Session, *, thread: MessageThread, author_person_id: int, from_staff: bool, text: str, key: str,
         now: datetime) -> Message:
    if not text.strip() or len(text) > TEXT_MAX:
        raise ValueError("text")
    on_behalf = None if from_staff or author_person_id == thread.client_person_id else thread.client_person_id
    message = Message(thread_id=thread.id, author_person_id=author_person_id,  # type: ignore[arg-type]
                      on_behalf_of_person_id=on_behalf, from_staff=from_staff, text=text, created_at=now,
                      idempotency_key=key)
    session.add(message)
    session.flush()
    assert message.id is not None
    thread.last_message_id = message.id
    thread.last_message_at = now
    if from_staff:
        thread.last_staff_message_id = message.id
        thread.unread_by_staff = False  # the one who answers has read it
    else:
        thread.unread_by_staff = True
        if thread.status == DONE:  # the client writes again: the matter is open again
            thread.status, thread.done_at, thread.done_by_person_id = OPEN, None, None
    session.add(thread)
    mark_read(session, thread=thread, person_id=author_person_id, now=now)  # one's own message is read
    return message


def _arrived(session: Session, *, thread: MessageThread, message: Message) -> None:
    """Tell the notifications part who a message is for: staff's answer is
    for the client (the notifications part adds the delegates whose mandate
    and choices cover it); the client side's message is for the worker the
    thread is assigned to, if any (the others see it in the unit inbox)."""
    if message.from_staff:
        recipients = [thread.client_person_id]
    else:
        recipients = [thread.assigned_to_person_id] if thread.assigned_to_person_id is not None else []
    events.message_arrived(session, message=message, recipient_person_ids=recipients)


def mark_read(session: Session, *, thread: MessageThread, person_id: int, now: datetime, staff: bool = False) -> None:
    """The person has read the thread up to its newest message. Staff reading
    it also takes it off the unit's unread list."""
    state = session.get(MessageReadState, (person_id, thread.id))
    if state is None:
        session.add(MessageReadState(person_id=person_id, thread_id=thread.id, last_read_message_id=thread.last_message_id,  # type: ignore[arg-type]
                                     read_at=now))
    elif state.last_read_message_id < thread.last_message_id:
        state.last_read_message_id, state.read_at = thread.last_message_id, now
        session.add(state)
    if staff and thread.unread_by_staff:
        thread.unread_by_staff = False
        session.add(thread)


def last_read(session: Session, *, thread_id: int, person_id: int) -> int:
    """The id of the newest message the person had read in the thread (0: none)."""
    return session.exec(select(MessageReadState.last_read_message_id).where(
        MessageReadState.person_id == person_id, MessageReadState.thread_id == thread_id)).first() or 0


def is_unread_by(session: Session, *, message_id: int, person_id: int) -> bool:
    """Whether the person has not read this message yet (their own messages
    are read). The notifications part asks this before it sends "Uusi viesti"
    (only when still unread 10 minutes after it arrived). Reads only."""
    if message_id > MAX_ID or person_id > MAX_ID:
        return False
    row = session.exec(
        select(Message.thread_id, Message.author_person_id, MessageReadState.last_read_message_id)
        .join(MessageReadState, (col(MessageReadState.thread_id) == col(Message.thread_id))
              & (col(MessageReadState.person_id) == person_id), isouter=True)
        .where(Message.id == message_id)
    ).first()
    if row is None:
        return False  # no such message: nothing to tell anyone
    _thread_id, author, read_up_to = row
    return author != person_id and (read_up_to or 0) < message_id


# Finding a thread: None unless it is the client's, or of one of the staff's units (a 404 either way).

def client_thread(session: Session, *, thread_id: int, client_person_id: int) -> MessageThread | None:
    thread = session.get(MessageThread, thread_id) if thread_id <= MAX_ID else None
    return thread if thread is not None and thread.client_person_id == client_person_id else None


def staff_thread(session: Session, *, thread_id: int, unit_ids: frozenset[int] | set[int]) -> MessageThread | None:
    thread = session.get(MessageThread, thread_id) if thread_id <= MAX_ID else None
    return thread if thread is not None and thread.unit_id in unit_ids else None


# Reading a thread.

@dataclass(frozen=True)
class MessageView:
    message: Message
    author: Person
    on_behalf_of: Person | None
    unread: bool  # new for the reader: written by the other side after what they had read


def messages_of(session: Session, *, thread: MessageThread, reader_read_up_to: int, reader_is_staff: bool) -> list[MessageView]:
    """The thread's newest messages (THREAD_SHOWN at most), oldest first."""
    rows = session.exec(
        select(Message).where(Message.thread_id == thread.id).order_by(col(Message.id).desc()).limit(THREAD_SHOWN)
    ).all()
    people = _people(session, {row.author_person_id for row in rows} | {row.on_behalf_of_person_id for row in rows})
    return [MessageView(row, people[row.author_person_id], people.get(row.on_behalf_of_person_id),  # type: ignore[arg-type]
                        unread=row.from_staff != reader_is_staff and row.id > reader_read_up_to)  # type: ignore[operator]
            for row in reversed(rows)]


def _people(session: Session, ids: set[int | None]) -> dict[int, Person]:
    wanted = [person_id for person_id in ids if person_id is not None]
    return {person.id: person for person in session.exec(select(Person).where(col(Person.id).in_(wanted))).all()} if wanted else {}  # type: ignore[misc]


# Lists, keyset-paginated: no OFFSET, so a page costs the same deep in a long list.

@dataclass(frozen=True)
class ThreadRow:
    thread: MessageThread
    client: Person
    assigned_to: Person | None
    unread: bool  # for the reader of the list (the unit's unread for staff, the person's own for the client side)


@dataclass(frozen=True)
class ThreadPage:
    rows: list[ThreadRow]
    next_cursor: str | None  # for ?after=


def client_threads(session: Session, *, client_person_id: int, reader_person_id: int, after: int | None = None,
                   unit_ids: frozenset[int] | set[int] | None = None) -> ThreadPage:
    """A client's threads, newest first (ix_messagethread_client). `after` is
    the last_message_id of the previous page's last thread. `unit_ids`
    limits them to staff's own units (the staff's client page)."""
    query = select(MessageThread).where(MessageThread.client_person_id == client_person_id)
    if after is not None:
        query = query.where(col(MessageThread.last_message_id) < min(after, MAX_ID))
    if unit_ids is not None:
        query = query.where(col(MessageThread.unit_id).in_(list(unit_ids)))
    threads = list(session.exec(query.order_by(col(MessageThread.last_message_id).desc()).limit(PAGE_SIZE + 1)).all())
    more = len(threads) > PAGE_SIZE
    threads = threads[:PAGE_SIZE]
    staff_reader = unit_ids is not None
    read = {} if staff_reader else _read_up_to(session, person_id=reader_person_id, thread_ids=[t.id for t in threads])  # type: ignore[misc]
    people = _people(session, {client_person_id} | {t.assigned_to_person_id for t in threads})
    rows = [ThreadRow(t, people[client_person_id], people.get(t.assigned_to_person_id),  # type: ignore[arg-type]
                      unread=t.unread_by_staff if staff_reader else t.last_staff_message_id > read.get(t.id, 0))  # type: ignore[arg-type]
            for t in threads]
    return ThreadPage(rows, str(threads[-1].last_message_id) if more else None)


def _read_up_to(session: Session, *, person_id: int, thread_ids: list[int]) -> dict[int, int]:
    if not thread_ids:
        return {}
    return dict(session.exec(select(MessageReadState.thread_id, MessageReadState.last_read_message_id).where(
        MessageReadState.person_id == person_id, col(MessageReadState.thread_id).in_(thread_ids))).all())


def parse_inbox_cursor(raw: str | None) -> tuple[bool, int] | None:
    """'1-123' (unread, last message id) or None; ValueError when malformed."""
    if raw is None or raw == "":
        return None
    unread, _, last = raw.partition("-")
    if unread not in ("0", "1") or not last.isascii() or not last.isdigit() or len(last) > 18:
        raise ValueError(raw)
    return unread == "1", int(last)


def unit_inbox(session: Session, *, unit_id: int, status: str = OPEN, after: tuple[bool, int] | None = None) -> ThreadPage:
    """The unit's threads of one status: unread by the unit first, then the
    newest first, PAGE_SIZE at a time (ix_messagethread_inbox)."""
    query = select(MessageThread).where(MessageThread.unit_id == unit_id, MessageThread.status == status)
    if after is not None:
        # (unread, last) < cursor in the index's descending order: one range of the index.
        query = query.where(tuple_(col(MessageThread.unread_by_staff), col(MessageThread.last_message_id))
                            < tuple_(after[0], min(after[1], MAX_ID)))
    threads = list(session.exec(query.order_by(col(MessageThread.unread_by_staff).desc(),
                                               col(MessageThread.last_message_id).desc()).limit(PAGE_SIZE + 1)).all())
    more = len(threads) > PAGE_SIZE
    threads = threads[:PAGE_SIZE]
    people = _people(session, {t.client_person_id for t in threads} | {t.assigned_to_person_id for t in threads})
    rows = [ThreadRow(t, people[t.client_person_id], people.get(t.assigned_to_person_id), unread=t.unread_by_staff)
            for t in threads]
    last = threads[-1] if threads else None
    return ThreadPage(rows, f"{int(last.unread_by_staff)}-{last.last_message_id}" if more and last else None)


def unread_count(session: Session, *, unit_id: int) -> int:
    """Open threads of the unit that nobody of the unit has read (an index-only count)."""
    return session.exec(select(func.count()).select_from(MessageThread).where(
        MessageThread.unit_id == unit_id, MessageThread.status == OPEN, col(MessageThread.unread_by_staff).is_(True))).one()


_THREAD, _READ = table(MessageThread), table(MessageReadState)
_NEWEST = (select_rows(_THREAD.c.id, _THREAD.c.last_staff_message_id)
           .where(_THREAD.c.client_person_id == bindparam("client"))
           .order_by(_THREAD.c.last_message_id.desc()).limit(PAGE_SIZE).subquery())
# Built once (the start page reads it on every view): of the client's newest
# page of threads (what "Viestit" lists first), those with an answer after the
# reader's last read message.
_UNREAD_FOR_CLIENT_SIDE = (
    select_rows(func.count())
    .select_from(_NEWEST.outerjoin(_READ, (_READ.c.thread_id == _NEWEST.c.id) & (_READ.c.person_id == bindparam("reader"))))
    .where(_NEWEST.c.last_staff_message_id > func.coalesce(_READ.c.last_read_message_id, 0))
)


def unread_for_client_side(session: Session, *, client_person_id: int, reader_person_id: int) -> int:
    """How many of the client's newest threads have an answer the reader has
    not read (for the start page): the threads `client_threads` marks unread."""
    return int(read_rows(session, _UNREAD_FOR_CLIENT_SIDE, client=client_person_id, reader=reader_person_id)[0][0])


# Handling a thread (staff of its unit).

def workers_of_unit(session: Session, *, unit_id: int) -> list[Person]:
    """The unit's staff, by name: a thread is assigned to one of them."""
    return list(session.exec(
        select(Person).join(StaffMembership, col(StaffMembership.person_id) == col(Person.id))
        .where(StaffMembership.unit_id == unit_id).distinct()
        .order_by(col(Person.family_name), col(Person.given_name), col(Person.id))
    ).all())


def assign(session: Session, *, thread: MessageThread, worker_person_id: int | None) -> bool:
    """Assign the thread to a worker of its unit (None: to nobody); False when not one of them."""
    if worker_person_id is not None and worker_person_id not in {
            person.id for person in workers_of_unit(session, unit_id=thread.unit_id)}:
        return False
    thread.assigned_to_person_id = worker_person_id
    session.add(thread)
    return True


def set_status(session: Session, *, thread: MessageThread, done: bool, by_person_id: int, now: datetime) -> None:
    if done:
        thread.status, thread.done_at, thread.done_by_person_id = DONE, now, by_person_id
        thread.unread_by_staff = False  # marking done is handling it
    else:
        thread.status, thread.done_at, thread.done_by_person_id = OPEN, None, None
    session.add(thread)


def set_sensitive(session: Session, *, thread: MessageThread, sensitive: bool, by_person_id: int) -> None:
    thread.sensitive = sensitive
    thread.sensitive_marked_by_person_id = by_person_id if sensitive else None
    session.add(thread)


def unit_name(session: Session, unit_id: int) -> str:
    unit = session.get(Unit, unit_id)
    return unit.name if unit else ""
