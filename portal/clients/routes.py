"""The staff's start page with the search and list of their units' clients
(/staff), and a client's page (/staff/clients/{id}: the links to the
client's sub-pages, the self-assessments, the mandates and the guardianship
form, whose post is portal/auth/routes/guardianships.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal import access_log, db, organisation
from portal.clients import listing as client_list
from portal.auth import mandates as mandate_rules
from portal.auth.permissions import Action, Subject, can
from portal.auth.forms import RecordGuardianshipForm
from portal.clients.forms import ClientSearchForm
from portal.auth.sessions import now_utc
from portal.schedule import calendar_days, start_page
from portal.easy_login.routes import instructor_help
from portal.web import paging
from portal.web.guard import Viewer, event_fields, log_event, request_meta, staff_route
from portal.web.templating import render


def _clients(session: Session, *, viewer: Viewer, meta: dict[str, str], search: ClientSearchForm,
             after: int | None) -> client_list.ClientPage:
    return client_list.client_page(
        session,
        unit_ids=viewer.actor.staff_roles.keys(),
        today=calendar_days.today(),
        ended=bool(search.ended.data),
        name_start=search.name.data or "",
        after_period_id=after,
        log_fields=event_fields(viewer.actor, meta, action="read", object_type="client_list", subject_id=None),
    )


def _staff_home(session: Session, *, viewer: Viewer, meta: dict[str, str], search: ClientSearchForm,
                after: int | None) -> tuple[client_list.ClientPage, start_page.StaffStart, list[Any]]:
    today = start_page.for_staff(session, unit_ids=list(viewer.actor.staff_roles), today=calendar_days.today(),
                                 now=now_utc())
    shown = {client.person_id for group in today.groups for client in group.expected}
    shown |= {notice.person_id for notice in today.notices}
    if shown:  # one event for the day's list; each client shown sees it
        access_log.record(session, **{
            **event_fields(viewer.actor, meta, action="read", object_type="staff_start_page", subject_id=None),
            "subject_person_ids": sorted(shown),
        })
    help_requests = instructor_help.waiting_requests(session, viewer=viewer, meta=meta)
    return _clients(session, viewer=viewer, meta=meta, search=search, after=after), today, help_requests


@staff_route(Action.STAFF_MANAGE_DEVICE)
async def staff_home(request: Request) -> Response:
    viewer = request.state.viewer
    search = ClientSearchForm.from_query(request)
    after = paging.cursor(request, "after")
    if not search.validate():
        return render(request, "clients/staff_home.html", {"viewer": viewer, "form": search, "page": None, "today": None},
                      status_code=400)
    page, today, help_requests = await db.run(request, _staff_home, viewer=viewer, meta=request_meta(request),
                                              search=search, after=after)
    return render(request, "clients/staff_home.html", {"viewer": viewer, "form": search, "page": page, "today": today,
                                               "query": search.query_string, "help_requests": help_requests,
                                               "help_requests_shown": len(help_requests)})


@dataclass(frozen=True)
class ClientView:
    page: mandate_rules.MandatePage
    may_record_guardianship: bool  # the form is shown only to those who may send it


def client_view(session: Session, *, viewer: Viewer, meta: dict[str, str], vault,  # type: ignore[no-untyped-def]
                before: int | None = None) -> ClientView:
    """The client page's mandates, read with its one log event (also the
    page shown again when a guardianship form was refused)."""
    assert viewer.subject is not None and viewer.subject.id is not None
    log_event(session, viewer.actor, meta, action="read", object_type="client_mandates", subject_id=viewer.subject.id)
    subject = Subject(viewer.subject.id, organisation.unit_ids_of_client(session, viewer.subject.id))
    return ClientView(
        page=mandate_rules.page_for_principal(session, principal_person_id=viewer.subject.id, vault=vault,
                                              before_id=before),
        may_record_guardianship=can(viewer.actor, Action.STAFF_RECORD_GUARDIANSHIP, subject),
    )


@staff_route(Action.STAFF_VIEW_CLIENT)
async def client_page(request: Request) -> Response:
    viewer = request.state.viewer
    before = paging.cursor(request, "before")
    client = await db.run(request, client_view, viewer=viewer, meta=request_meta(request),
                          vault=request.app.state.vault, before=before)
    form = await RecordGuardianshipForm.load(request)
    return render(request, "clients/staff_client.html", {"viewer": viewer, "client": client, "first_page": before is None,
                                                 "form": form})


routes = [
    Route("/staff", staff_home, name="staff_home"),
    Route("/staff/clients/{client_id:id}", client_page, name="staff_client"),
]
