"""Who has processed my data: the client's page of the access log (and of
the easy login's happenings)."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.easy_login import history as easy_history
from portal import access_log, db
from portal.auth.permissions import Action
from portal.web import labels
from portal.web.guard import Viewer, client_route, request_meta
from portal.web import paging
from portal.web.templating import render
from portal.web.client_log import log_for_client


def _access_log(session: Session, *, viewer: Viewer, meta: dict[str, str],
                before: int | None) -> tuple[access_log.ProcessingPage, list[easy_history.Happening]]:
    assert viewer.subject is not None and viewer.subject.id is not None
    page = access_log.processed_by_others(
        session, subject_person_id=viewer.subject.id, since=access_log.two_years_before(), before_id=before
    )
    log_for_client(session, viewer, meta, action="read", object_type="access_log")
    return page, easy_history.newest(session, person_id=viewer.subject.id) if before is None else []


@client_route(Action.VIEW_ACCESS_LOG)
async def who_has_seen(request: Request) -> Response:
    viewer = request.state.viewer
    before = paging.cursor(request, "before")
    page, easy = await db.run(request, _access_log, viewer=viewer, meta=request_meta(request), before=before)
    happenings = [(labels.easy_login_sentence(happening), happening.occurred_at) for happening in easy]
    return render(request, "access_log/client.html", {"viewer": viewer, "page": page, "first_page": before is None,
                                                      "easy_login": [item for item in happenings if item[0]]})


routes = [Route("/access-log", who_has_seen, name="client_access_log")]
