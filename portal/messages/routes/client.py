"""The client's "Viestit": their threads with the unit and its bulletins,
a new message, a thread and the answer to it.

The level of login: these pages open at `easy` too. Writing to the centre
("En pääse tulemaan") and reading its answers are the client's everyday
matters, like the week, absences and feedback, which open at `easy`; a
client without bank credentials would otherwise have no way to write at
all. A thread that staff marked sensitive is the exception: an easy login
sees that it is there (its topic and time), and reading or answering it
needs a strong login (the step-up page, as on every strong-only page).

A delegate reads and writes only with a mandate that lets them act
(Action.ACT), as with feedback and absences.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal import db
from portal.auth.levels import Level
from portal.auth.permissions import Action
from portal.auth.sessions import now_utc
from portal.feedback import client as feedback
from portal.messages import bulletins, names, threads
from portal.messages.forms import TOO_MANY_MESSAGES, TOPIC_NAMES, NewThreadForm, ReplyForm
from portal.messages.models import MessageThread
from portal.schedule.calendar_days import today
from portal.web import navigation, paging
from portal.web.guard import Viewer, client_route, request_meta
from portal.web.templating import render
from portal.web.client_log import log_for_client
from portal.web.errors import not_found


def _client_id(viewer: Viewer) -> int:
    assert viewer.subject is not None and viewer.subject.id is not None
    return viewer.subject.id


@dataclass(frozen=True)
class ListPage:
    threads: threads.ThreadPage
    bulletins: list[bulletins.BulletinView]


def _list(session: Session, *, viewer: Viewer, meta: dict[str, str], after: int | None) -> ListPage:
    client_id = _client_id(viewer)
    page = threads.client_threads(session, client_person_id=client_id, reader_person_id=viewer.person.id,  # type: ignore[arg-type]
                                  after=after)
    shown = bulletins.active_for_client(session, person_id=client_id, today=today()) if after is None else []
    log_for_client(session, viewer, meta, action="read", object_type="message_threads")
    return ListPage(page, shown)


@client_route(Action.ACT, level=Level.EASY)
async def message_list(request: Request) -> Response:
    viewer = request.state.viewer
    after = paging.cursor(request, "after")
    found = await db.run(request, _list, viewer=viewer, meta=request_meta(request), after=after)
    return render(request, "messages/client_list.html", {
        "page": found.threads, "bulletins": found.bulletins, "first_page": after is None,
        "topic_names": TOPIC_NAMES, "sub_pages": navigation.sub_page_links(request, viewer.actor, "client_messages"),
    })


def _has_unit(session: Session, *, viewer: Viewer) -> bool:
    return feedback.client_unit(session, person_id=_client_id(viewer), today=today()) is not None


def _start(session: Session, *, viewer: Viewer, meta: dict[str, str], form: NewThreadForm, secret: str) -> str | int:
    """The new thread's id, or "too_many" / "no_unit"."""
    client_id = _client_id(viewer)
    author = viewer.person.id
    earlier = threads.already_written(session, author_person_id=author, key=form.key.data)  # type: ignore[arg-type]
    if earlier is not None:  # a double submit: the first post's thread, nothing new, nothing counted
        return earlier.thread.id  # type: ignore[return-value]
    unit_id = feedback.client_unit(session, person_id=client_id, today=today())
    if unit_id is None:
        return "no_unit"
    if not threads.allowed(session, person_id=author, secret=secret):  # type: ignore[arg-type]
        return "too_many"
    written = threads.start(session, client_person_id=client_id, unit_id=unit_id, author_person_id=author,  # type: ignore[arg-type]
                            topic=form.topic.data, text=form.text.data, key=form.key.data, now=now_utc())
    log_for_client(session, viewer, meta, action="change", object_type="message", object_id=str(written.message.id))
    return written.thread.id  # type: ignore[return-value]


def _render_new(request: Request, form: NewThreadForm, *, has_unit: bool = True, status_code: int = 200) -> Response:
    form.fresh()
    return render(request, "messages/client_new.html", {"form": form, "has_unit": has_unit}, status_code=status_code)


@client_route(Action.ACT, level=Level.EASY)
async def new_thread(request: Request) -> Response:
    viewer = request.state.viewer
    form = await NewThreadForm.load(request)
    if request.method == "POST":
        if not form.validate_submission():
            return _render_new(request, form, status_code=400)
        outcome = await db.run(request, _start, viewer=viewer, meta=request_meta(request), form=form,
                               secret=request.app.state.settings.secret_key)
        if outcome == "too_many":  # the form again, with what was written
            form.text.errors = [TOO_MANY_MESSAGES]
            return _render_new(request, form, status_code=429)
        if outcome == "no_unit":
            return _render_new(request, form, has_unit=False, status_code=400)
        return RedirectResponse(f"/messages/{outcome}?sent=1#sent", status_code=303)
    has_unit = await db.run(request, _has_unit, viewer=viewer)
    return _render_new(request, form, has_unit=has_unit)


@dataclass(frozen=True)
class ThreadPage:
    thread: MessageThread
    messages: list[threads.MessageView]


def _open(session: Session, *, viewer: Viewer, meta: dict[str, str], thread_id: int) -> MessageThread | str:
    """The client's thread; "missing", or "strong" if it is sensitive and the login easy (logged as refused)."""
    thread = threads.client_thread(session, thread_id=thread_id, client_person_id=_client_id(viewer))
    if thread is None:
        return "missing"
    if thread.sensitive and viewer.easy:
        log_for_client(session, viewer, meta, action="refused", object_type="strong_login_needed",
                       object_id=str(thread_id))
        return "strong"
    return thread


def _thread(session: Session, *, viewer: Viewer, meta: dict[str, str], thread_id: int) -> ThreadPage | str:
    """The thread as the reader sees it, marked read; "missing" or "strong" (needs a strong login)."""
    thread = _open(session, viewer=viewer, meta=meta, thread_id=thread_id)
    if isinstance(thread, str):
        return thread
    reader = viewer.person.id
    read_up_to = threads.last_read(session, thread_id=thread_id, person_id=reader)  # type: ignore[arg-type]
    shown = threads.messages_of(session, thread=thread, reader_read_up_to=read_up_to, reader_is_staff=False)
    threads.mark_read(session, thread=thread, person_id=reader, now=now_utc())  # type: ignore[arg-type]
    log_for_client(session, viewer, meta, action="read", object_type="message_thread", object_id=str(thread_id))
    return ThreadPage(thread, shown)


def _step_up(request: Request, thread_id: int) -> Response:
    # 403 as the guard's step-up page: logged in, but not strongly enough for this thread.
    return render(request, "auth/step_up.html", {"login_url": f"/login?next=/messages/{thread_id}",
                                                 "sensitive_message": True}, status_code=403)


async def _render_thread(request: Request, *, form: ReplyForm | None = None, status_code: int = 200) -> Response:
    viewer = request.state.viewer
    thread_id = request.path_params["thread_id"]
    found = await db.run(request, _thread, viewer=viewer, meta=request_meta(request), thread_id=thread_id)
    if found == "missing":
        return not_found(request)
    if found == "strong":
        return _step_up(request, thread_id)
    assert isinstance(found, ThreadPage)
    form = form or await ReplyForm.load(request)
    form.fresh()
    context: dict[str, Any] = {
        "thread": found.thread, "messages": found.messages, "form": form,
        "topic_names": TOPIC_NAMES, "written_by": names.written_by, "sent": request.query_params.get("sent") == "1",
    }
    return render(request, "messages/client_thread.html", context, status_code=status_code)


@client_route(Action.ACT, level=Level.EASY)
async def read_thread(request: Request) -> Response:
    return await _render_thread(request)


def _reply(session: Session, *, viewer: Viewer, meta: dict[str, str], thread_id: int, form: ReplyForm,
           secret: str) -> str:
    thread = _open(session, viewer=viewer, meta=meta, thread_id=thread_id)
    if isinstance(thread, str):
        return thread
    author = viewer.person.id
    if threads.already_written(session, author_person_id=author, key=form.key.data) is not None:  # type: ignore[arg-type]
        return "sent"  # a double submit: saved once already
    if not threads.allowed(session, person_id=author, secret=secret):  # type: ignore[arg-type]
        return "too_many"
    written = threads.reply(session, thread=thread, author_person_id=author, from_staff=False,  # type: ignore[arg-type]
                            text=form.text.data, key=form.key.data, now=now_utc())
    log_for_client(session, viewer, meta, action="change", object_type="message", object_id=str(written.message.id))
    return "sent"


@client_route(Action.ACT, level=Level.EASY)
async def reply(request: Request) -> Response:
    viewer = request.state.viewer
    thread_id = request.path_params["thread_id"]
    form = await ReplyForm.load(request)
    if not form.validate_submission():
        return await _render_thread(request, form=form, status_code=400)
    outcome = await db.run(request, _reply, viewer=viewer, meta=request_meta(request), thread_id=thread_id, form=form,
                           secret=request.app.state.settings.secret_key)
    if outcome == "missing":
        return not_found(request)
    if outcome == "strong":
        return _step_up(request, thread_id)
    if outcome == "too_many":
        form.text.errors = [TOO_MANY_MESSAGES]
        return await _render_thread(request, form=form, status_code=429)
    return RedirectResponse(f"/messages/{thread_id}?sent=1#sent", status_code=303)


routes = [
    Route("/messages", message_list, name="client_messages"),
    Route("/messages/new", new_thread, methods=["GET", "POST"], name="client_message_new"),
    Route("/messages/{thread_id:id}", read_thread, name="client_message_thread"),
    Route("/messages/{thread_id:id}/reply", reply, methods=["POST"], name="client_message_reply"),
]
