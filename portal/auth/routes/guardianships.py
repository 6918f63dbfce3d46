"""Staff record a client's guardian (a mandate to act, on the basis of a
guardianship decision they have seen): the form on the client's page
(portal/clients/routes.py), shown there again when it is refused."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal import db
from portal.auth import mandates as mandate_rules
from portal.auth.forms import RecordGuardianshipForm
from portal.auth.permissions import Action
from portal.clients.routes import client_view
from portal.models import MandateBasis, MandateScope
from portal.web.guard import Viewer, log_event, request_meta, staff_route
from portal.web.templating import render


def _record_guardianship(session: Session, *, viewer: Viewer, meta: dict[str, str], vault,  # type: ignore[no-untyped-def]
                         form: RecordGuardianshipForm) -> bool:
    assert viewer.subject is not None and viewer.subject.id is not None
    mandate = mandate_rules.grant_to_named_person(
        session,
        vault=vault,
        identity_code=form.identity_code.data,
        given_name=form.given_name.data,
        family_name=form.family_name.data,
        principal_person_id=viewer.subject.id,
        scope=MandateScope.ACT,
        basis=MandateBasis.GUARDIANSHIP,
        created_by_person_id=viewer.person.id,  # type: ignore[arg-type]
        valid_until=form.valid_until.data,
        public_guardian=bool(form.public_guardian.data),
    )
    if mandate is None:
        return False
    log_event(session, viewer.actor, meta, action="change", object_type="mandate", subject_id=viewer.subject.id,
              object_id=str(mandate.id))
    return True


@staff_route(Action.STAFF_RECORD_GUARDIANSHIP)
async def record_guardianship(request: Request) -> Response:
    viewer = request.state.viewer
    form = await RecordGuardianshipForm.load(request)
    if form.validate_submission():
        recorded = await db.run(request, _record_guardianship, viewer=viewer, meta=request_meta(request),
                                vault=request.app.state.vault, form=form)
        if recorded:
            return RedirectResponse(f"/staff/clients/{viewer.subject.id}", status_code=303)
        form.identity_code.errors = [form.own_code_message()]
    client = await db.run(request, client_view, viewer=viewer, meta=request_meta(request),
                          vault=request.app.state.vault)
    return render(request, "clients/staff_client.html", {"viewer": viewer, "client": client, "first_page": True, "form": form},
                  status_code=400)


routes = [
    Route("/staff/clients/{client_id:id}/guardianships", record_guardianship, methods=["POST"],
          name="staff_record_guardianship"),
]
