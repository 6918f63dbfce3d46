"""Staff's messages: the unit inbox, a thread (answer, assign, done,
sensitive), a client's threads, and the unit's bulletins.

Staff see only the threads and bulletins of their own units: a thread of
another unit is a page that does not exist (404), as a client of another
unit is. Opening a thread is a read of the client's data: it is in the
access log, and so is the inbox (one event naming every client it shows).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal import access_log, db, organisation
from portal.auth.permissions import Action, may_handle_unit_messages
from portal.auth.sessions import now_utc
from portal.forms import CsrfRefused
from portal.messages import bulletins, names, threads
from portal.messages.forms import (CHOOSE_AUDIENCE, CHOOSE_WORKER, LAST_DAY_RANGE, TOO_MANY_MESSAGES, TOPIC_NAMES,
                                   AssignForm, BulletinForm, ButtonForm, StaffReplyForm, SwitchForm)
from portal.messages.models import MessageThread
from portal.models import Person
from portal.schedule.calendar_days import today
from portal.web import paging
from portal.web.guard import Viewer, event_fields, log_event, request_meta, staff_route
from portal.web.ids import parse_id
from portal.web.templating import render
from portal.web.errors import bad_request, not_found


def _units(session: Session, viewer: Viewer) -> list[tuple[int, str]]:
    return [(unit.id, unit.name) for unit in organisation.units_by_name(session, unit_ids=list(viewer.actor.staff_roles))]  # type: ignore[misc]


def _chosen_unit(request: Request, units: list[tuple[int, str]]) -> int | None:
    """The unit asked for (?unit=), one's first by name without it; None for a unit not one's own."""
    raw = request.query_params.get("unit")
    if raw is None or raw == "":
        return units[0][0] if units else None
    unit_id = parse_id(raw)
    return unit_id if unit_id is not None and unit_id in dict(units) else None


# The unit inbox --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Inbox:
    units: list[tuple[int, str]]
    page: threads.ThreadPage
    unread: int


def _inbox(session: Session, *, viewer: Viewer, meta: dict[str, str], unit_id: int, status: str,
           after: tuple[bool, int] | None) -> Inbox:
    page = threads.unit_inbox(session, unit_id=unit_id, status=status, after=after)
    if page.rows:  # the clients whose threads the list shows: one event naming them all
        access_log.record(session, **{**event_fields(viewer.actor, meta, action="read", object_type="message_inbox",
                                                     subject_id=None, object_id=str(unit_id)),
                                      "subject_person_ids": [row.thread.client_person_id for row in page.rows]})
    return Inbox(_units(session, viewer), page, threads.unread_count(session, unit_id=unit_id))


@staff_route(Action.STAFF_HANDLE_MESSAGES)
async def inbox(request: Request) -> Response:
    viewer = request.state.viewer
    units = await db.run(request, _units, viewer=viewer)
    unit_id = _chosen_unit(request, units)
    status = request.query_params.get("status", threads.OPEN)
    if unit_id is None or status not in (threads.OPEN, threads.DONE):
        return not_found(request)
    try:
        after = threads.parse_inbox_cursor(request.query_params.get("after"))
    except ValueError:
        return bad_request(request)
    found = await db.run(request, _inbox, viewer=viewer, meta=request_meta(request), unit_id=unit_id, status=status,
                         after=after)
    return render(request, "messages/staff_inbox.html", {
        "units": found.units, "unit_id": unit_id, "unit_name": dict(found.units)[unit_id], "status": status,
        "page": found.page, "unread": found.unread, "first_page": after is None, "topic_names": TOPIC_NAMES,
    })


# One thread ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ThreadPage:
    thread: MessageThread
    client: Person
    unit_name: str
    messages: list[threads.MessageView]
    workers: list[tuple[int, str]]


def _thread(session: Session, *, viewer: Viewer, meta: dict[str, str], thread_id: int) -> ThreadPage | None:
    thread = threads.staff_thread(session, thread_id=thread_id, unit_ids=viewer.actor.staff_roles.keys())  # type: ignore[arg-type]
    if thread is None:
        log_event(session, viewer.actor, meta, action="refused", object_type="message_thread", subject_id=None,
                  object_id=str(thread_id))
        return None
    reader = viewer.person.id
    read_up_to = threads.last_read(session, thread_id=thread_id, person_id=reader)  # type: ignore[arg-type]
    shown = threads.messages_of(session, thread=thread, reader_read_up_to=read_up_to, reader_is_staff=True)
    threads.mark_read(session, thread=thread, person_id=reader, now=now_utc(), staff=True)  # type: ignore[arg-type]
    log_event(session, viewer.actor, meta, action="read", object_type="message_thread",
              subject_id=thread.client_person_id, object_id=str(thread_id))
    client = session.get(Person, thread.client_person_id)
    assert client is not None
    workers = [(person.id, names.full_name(person)) for person in threads.workers_of_unit(session, unit_id=thread.unit_id)]
    return ThreadPage(thread, client, threads.unit_name(session, thread.unit_id), shown, workers)  # type: ignore[arg-type]


def _forms(request: Request, page: ThreadPage, *, reply: StaffReplyForm | None = None,
           assign: AssignForm | None = None) -> dict[str, Any]:
    context = (request.app.state.settings.secret_key, request.state.csrf_seed)
    reply = reply or StaffReplyForm(meta={"csrf_context": context})
    reply.fresh()
    if assign is None:
        assign = AssignForm(meta={"csrf_context": context},
                            data={"worker": str(page.thread.assigned_to_person_id or "")})
    assign.offer(page.workers)
    return {"form": reply, "assign_form": assign, "switch_form": SwitchForm(meta={"csrf_context": context}),
            "errors": reply.error_list + assign.error_list}


async def _render_thread(request: Request, *, reply: StaffReplyForm | None = None, assign: AssignForm | None = None,
                         status_code: int = 200) -> Response:
    viewer = request.state.viewer
    page = await db.run(request, _thread, viewer=viewer, meta=request_meta(request),
                        thread_id=request.path_params["thread_id"])
    if page is None:
        return not_found(request)
    return render(request, "messages/staff_thread.html", {
        "thread": page.thread, "client": page.client, "unit_name": page.unit_name, "messages": page.messages,
        "topic_names": TOPIC_NAMES, "written_by": names.written_by, "done": request.query_params.get("done", "")[:10],
        **_forms(request, page, reply=reply, assign=assign),
    }, status_code=status_code)


@staff_route(Action.STAFF_HANDLE_MESSAGES)
async def read_thread(request: Request) -> Response:
    return await _render_thread(request)


def _own_thread(session: Session, viewer: Viewer, meta: dict[str, str], thread_id: int) -> MessageThread | None:
    thread = threads.staff_thread(session, thread_id=thread_id, unit_ids=viewer.actor.staff_roles.keys())  # type: ignore[arg-type]
    if thread is None:
        log_event(session, viewer.actor, meta, action="refused", object_type="message_thread", subject_id=None,
                  object_id=str(thread_id))
    return thread


def _reply(session: Session, *, viewer: Viewer, meta: dict[str, str], thread_id: int, form: StaffReplyForm,
           secret: str) -> str:
    thread = _own_thread(session, viewer, meta, thread_id)
    if thread is None:
        return "missing"
    author = viewer.person.id
    if threads.already_written(session, author_person_id=author, key=form.key.data) is not None:  # type: ignore[arg-type]
        return "sent"
    if not threads.allowed(session, person_id=author, secret=secret):  # type: ignore[arg-type]
        return "too_many"
    written = threads.reply(session, thread=thread, author_person_id=author, from_staff=True, text=form.text.data,  # type: ignore[arg-type]
                            key=form.key.data, now=now_utc())
    log_event(session, viewer.actor, meta, action="change", object_type="message", subject_id=thread.client_person_id,
              object_id=str(written.message.id))
    return "sent"


@staff_route(Action.STAFF_HANDLE_MESSAGES)
async def reply(request: Request) -> Response:
    thread_id = request.path_params["thread_id"]
    form = await StaffReplyForm.load(request)
    if not form.validate_submission():
        return await _render_thread(request, reply=form, status_code=400)
    outcome = await db.run(request, _reply, viewer=request.state.viewer, meta=request_meta(request),
                           thread_id=thread_id, form=form, secret=request.app.state.settings.secret_key)
    if outcome == "missing":
        return not_found(request)
    if outcome == "too_many":
        form.text.errors = [TOO_MANY_MESSAGES]
        return await _render_thread(request, reply=form, status_code=429)
    return RedirectResponse(f"/staff/messages/{thread_id}?done=sent#done", status_code=303)


def _assign(session: Session, *, viewer: Viewer, meta: dict[str, str], thread_id: int, worker: int | None) -> str:
    thread = _own_thread(session, viewer, meta, thread_id)
    if thread is None:
        return "missing"
    if not threads.assign(session, thread=thread, worker_person_id=worker):
        return "not_worker"
    log_event(session, viewer.actor, meta, action="change", object_type="message_thread_assigned",
              subject_id=thread.client_person_id, object_id=str(thread_id))
    return "assigned"


@staff_route(Action.STAFF_HANDLE_MESSAGES)
async def assign(request: Request) -> Response:
    thread_id = request.path_params["thread_id"]
    form = await AssignForm.load(request)
    if not form.validate_submission():
        return await _render_thread(request, assign=form, status_code=400)
    outcome = await db.run(request, _assign, viewer=request.state.viewer, meta=request_meta(request),
                           thread_id=thread_id, worker=form.worker_id)
    if outcome == "missing":
        return not_found(request)
    if outcome == "not_worker":
        form.worker.errors = [CHOOSE_WORKER]
        return await _render_thread(request, assign=form, status_code=400)
    return RedirectResponse(f"/staff/messages/{thread_id}?done=assigned#done", status_code=303)


def _switch(kind: str) -> Any:
    """The done and sensitive buttons: on=1 turns it on, on=0 off."""

    def work(session: Session, *, viewer: Viewer, meta: dict[str, str], thread_id: int, on: bool) -> bool:
        thread = _own_thread(session, viewer, meta, thread_id)
        if thread is None:
            return False
        if kind == "done":
            threads.set_status(session, thread=thread, done=on, by_person_id=viewer.person.id, now=now_utc())  # type: ignore[arg-type]
        else:
            threads.set_sensitive(session, thread=thread, sensitive=on, by_person_id=viewer.person.id)  # type: ignore[arg-type]
        log_event(session, viewer.actor, meta, action="change", object_type=f"message_thread_{kind}",
                  subject_id=thread.client_person_id, object_id=f"{thread_id}:{int(on)}")
        return True

    @staff_route(Action.STAFF_HANDLE_MESSAGES)
    async def post(request: Request) -> Response:
        thread_id = request.path_params["thread_id"]
        form = await SwitchForm.load(request)
        if not form.validate_submission():
            return bad_request(request)
        if not await db.run(request, work, viewer=request.state.viewer, meta=request_meta(request),
                            thread_id=thread_id, on=form.value):
            return not_found(request)
        done = f"{kind}_{'on' if form.value else 'off'}"
        return RedirectResponse(f"/staff/messages/{thread_id}?done={done}#done", status_code=303)

    post.__name__ = f"message_thread_{kind}"
    return post


# A client's threads (from the client's page) -----------------------------------------------------

def _client_threads(session: Session, *, viewer: Viewer, meta: dict[str, str], after: int | None) -> threads.ThreadPage:
    client_id = viewer.subject.id  # type: ignore[union-attr]
    page = threads.client_threads(session, client_person_id=client_id, reader_person_id=viewer.person.id,  # type: ignore[arg-type]
                                  after=after, unit_ids=viewer.actor.staff_roles.keys())  # type: ignore[arg-type]
    log_event(session, viewer.actor, meta, action="read", object_type="message_threads", subject_id=client_id)
    return page


@staff_route(Action.STAFF_VIEW_CLIENT)
async def client_threads(request: Request) -> Response:
    after = paging.cursor(request, "after")
    page = await db.run(request, _client_threads, viewer=request.state.viewer, meta=request_meta(request), after=after)
    return render(request, "messages/staff_client.html", {"page": page, "first_page": after is None,
                                                          "topic_names": TOPIC_NAMES})


# Bulletins ------------------------------------------------------------------------------------

def _groups(session: Session, unit_id: int) -> list[tuple[int, str]]:
    return bulletins.unit_groups(session, unit_id=unit_id)


@dataclass(frozen=True)
class BulletinPage:
    units: list[tuple[int, str]]
    groups: list[tuple[int, str]]
    shown: list[bulletins.BulletinView]


def _bulletin_page(session: Session, *, viewer: Viewer, unit_id: int) -> BulletinPage:
    return BulletinPage(_units(session, viewer), _groups(session, unit_id),
                        bulletins.of_unit(session, unit_id=unit_id, today=today()))


def _write(session: Session, *, viewer: Viewer, meta: dict[str, str], unit_id: int, form: BulletinForm) -> str:
    if not may_handle_unit_messages(viewer.actor, unit_id):
        return "not_own"
    try:
        bulletin = bulletins.write(session, unit_id=unit_id, group_id=form.group_id, author_person_id=viewer.person.id,  # type: ignore[arg-type]
                                   title=form.title.data, text=form.text.data, expires_on=form.expires_on.data,
                                   today=today(), now=now_utc())
    except ValueError as problem:
        return str(problem)
    log_event(session, viewer.actor, meta, action="change", object_type="bulletin", subject_id=None,
              object_id=str(bulletin.id))
    return "written"


@staff_route(Action.STAFF_HANDLE_MESSAGES)
async def bulletin_page(request: Request) -> Response:
    viewer = request.state.viewer
    units = await db.run(request, _units, viewer=viewer)
    unit_id = _chosen_unit(request, units)
    if unit_id is None:
        return not_found(request)
    page = await db.run(request, _bulletin_page, viewer=viewer, unit_id=unit_id)
    form = await BulletinForm.load(request)
    form.offer(page.groups)
    status = 200
    if request.method == "POST":
        if form.validate_submission():
            outcome = await db.run(request, _write, viewer=viewer, meta=request_meta(request), unit_id=unit_id, form=form)
            if outcome == "written":
                return RedirectResponse(f"/staff/bulletins?unit={unit_id}&done=written#done", status_code=303)
            (form.expires_on if outcome == "expires_on" else form.audience).errors = [
                LAST_DAY_RANGE if outcome == "expires_on" else CHOOSE_AUDIENCE]
        status = 400
    return render(request, "messages/staff_bulletins.html", {
        "units": page.units, "unit_id": unit_id, "unit_name": dict(page.units)[unit_id], "shown": page.shown,
        "form": form, "done": request.query_params.get("done", "")[:10],
    }, status_code=status)


def _remove(session: Session, *, viewer: Viewer, meta: dict[str, str], bulletin_id: int) -> int | None:
    bulletin = bulletins.remove(session, bulletin_id=bulletin_id, unit_ids=set(viewer.actor.staff_roles),
                                by_person_id=viewer.person.id, now=now_utc())  # type: ignore[arg-type]
    if bulletin is None:
        return None
    log_event(session, viewer.actor, meta, action="change", object_type="bulletin_removed", subject_id=None,
              object_id=str(bulletin_id))
    return bulletin.unit_id


@staff_route(Action.STAFF_HANDLE_MESSAGES)
async def remove_bulletin(request: Request) -> Response:
    if not (await ButtonForm.load(request)).validate_submission():
        raise CsrfRefused()
    unit_id = await db.run(request, _remove, viewer=request.state.viewer, meta=request_meta(request),
                           bulletin_id=request.path_params["bulletin_id"])
    if unit_id is None:
        return not_found(request)
    return RedirectResponse(f"/staff/bulletins?unit={unit_id}&done=removed#done", status_code=303)


routes = [
    Route("/staff/messages", inbox, name="staff_messages"),
    Route("/staff/messages/{thread_id:id}", read_thread, name="staff_message_thread"),
    Route("/staff/messages/{thread_id:id}/reply", reply, methods=["POST"], name="staff_message_reply"),
    Route("/staff/messages/{thread_id:id}/assign", assign, methods=["POST"], name="staff_message_assign"),
    Route("/staff/messages/{thread_id:id}/done", _switch("done"), methods=["POST"], name="staff_message_done"),
    Route("/staff/messages/{thread_id:id}/sensitive", _switch("sensitive"), methods=["POST"],
          name="staff_message_sensitive"),
    Route("/staff/clients/{client_id:id}/messages", client_threads, name="staff_client_messages"),
    Route("/staff/bulletins", bulletin_page, methods=["GET", "POST"], name="staff_bulletins"),
    Route("/staff/bulletins/{bulletin_id:id}/remove", remove_bulletin, methods=["POST"], name="staff_bulletin_remove"),
]
