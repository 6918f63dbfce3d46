""""Omat tietoni" of messages: the client's threads with every message (who
wrote it, for whom, when) and when the client last read each, and the
bulletins that were shown to them."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from portal.messages import bulletins as unit_bulletins
from portal.messages.models import Message, MessageReadState, MessageThread
from portal.models import Person, Unit
from portal.mydata import Request


def _names(session: Session, ids: set[int | None]) -> dict[int | None, str]:
    wanted = [person_id for person_id in ids if person_id is not None]
    return {person.id: f"{person.given_name} {person.family_name}"
            for person in session.exec(select(Person).where(col(Person.id).in_(wanted))).all()}


def messages(session: Session, asked: Request) -> list[dict[str, Any]]:
    threads = session.exec(select(MessageThread).where(MessageThread.client_person_id == asked.person_id)
                           .order_by(col(MessageThread.last_message_id).desc())).all()
    if not threads:
        return []
    thread_ids = [thread.id for thread in threads]
    rows = session.exec(select(Message).where(col(Message.thread_id).in_(thread_ids)).order_by(col(Message.id))).all()
    read = dict(session.exec(select(MessageReadState.thread_id, MessageReadState.read_at).where(
        MessageReadState.person_id == asked.person_id, col(MessageReadState.thread_id).in_(thread_ids))).all())
    units = {unit.id: unit.name for unit in session.exec(select(Unit)).all()}
    names = _names(session, {row.author_person_id for row in rows} | {row.on_behalf_of_person_id for row in rows})
    return [
        {"topic": thread.topic, "unit": units.get(thread.unit_id, ""), "created_at": thread.created_at,
         "thread_status": thread.status, "sensitive": thread.sensitive, "read_at": read.get(thread.id),
         "messages": [{"written_at": row.created_at, "who": names.get(row.author_person_id, ""),
                       "on_behalf_of": names.get(row.on_behalf_of_person_id) if row.on_behalf_of_person_id else None,
                       "from_staff": row.from_staff, "text": row.text}
                      for row in rows if row.thread_id == thread.id]}
        for thread in threads
    ]


def bulletins(session: Session, asked: Request) -> list[dict[str, Any]]:
    return [{"title": view.bulletin.title, "text": view.bulletin.text, "group": view.group_name or None,
             "who": view.author_name, "shown_from": view.bulletin.shown_from, "expires_on": view.bulletin.expires_on}
            for view in unit_bulletins.reached_client(session, person_id=asked.person_id)]
