"""The client's mandates: who may handle my matters, granting a mandate and
revoking one."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal import db, rate_limit
from portal.auth import mandates as mandate_rules
from portal.auth.permissions import Action
from portal.auth.sessions import now_utc
from portal.auth.forms import GrantMandateForm, RevokeForm
from portal.forms import CsrfRefused, errors
from portal.models import MandateBasis, MandateScope
from portal.web.guard import Viewer, client_route, request_meta
from portal.web import paging
from portal.web.templating import render
from portal.web.errors import not_found
from portal.web.client_log import log_for_client


def _mandates(session: Session, *, viewer: Viewer, meta: dict[str, str], vault,  # type: ignore[no-untyped-def]
              before: int | None = None) -> mandate_rules.MandatePage:
    assert viewer.subject is not None and viewer.subject.id is not None
    log_for_client(session, viewer, meta, action="read", object_type="mandate_list")
    return mandate_rules.page_for_principal(session, principal_person_id=viewer.subject.id, vault=vault,
                                            before_id=before)


def _grant(session: Session, *, viewer: Viewer, meta: dict[str, str], vault, form: GrantMandateForm,  # type: ignore[no-untyped-def]
           secret: str) -> str:
    """Grant the mandate: "granted", "own_code" or "too_many"."""
    assert viewer.subject is not None and viewer.subject.id is not None
    # Counted per client, so that nobody can try identity codes in bulk.
    if not rate_limit.allow(session, limit=rate_limit.MANDATE_GRANTS_PER_CLIENT, key=str(viewer.subject.id),
                            secret=secret):
        return "too_many"
    mandate = mandate_rules.grant_to_named_person(
        session,
        vault=vault,
        identity_code=form.identity_code.data,
        given_name=form.given_name.data,
        family_name=form.family_name.data,
        principal_person_id=viewer.subject.id,
        scope=MandateScope(form.scope.data),
        basis=MandateBasis.CLIENT_GRANTED,
        created_by_person_id=viewer.person.id,  # type: ignore[arg-type]
        valid_until=form.valid_until.data,
    )
    if mandate is None:
        return "own_code"
    log_for_client(session, viewer, meta, action="change", object_type="mandate", object_id=str(mandate.id))
    return "granted"


@client_route(Action.MANAGE_MANDATES)
async def mandates(request: Request) -> Response:
    viewer = request.state.viewer
    before = paging.cursor(request, "before")
    form = await GrantMandateForm.load(request)
    status = 200
    if request.method == "POST":
        if form.validate_submission():
            outcome = await db.run(
                request, _grant, viewer=viewer, meta=request_meta(request), vault=request.app.state.vault, form=form,
                secret=request.app.state.settings.secret_key,
            )
            if outcome == "granted":
                return RedirectResponse("/settings/mandates?granted=1", status_code=303)
            # Refused: the form again, with what was written.
            too_many = outcome == "too_many"
            form.identity_code.errors = [errors.TOO_MANY_SENT if too_many else form.own_code_message()]
            status = 429 if too_many else 400
        else:
            status = 400
    page = await db.run(request, _mandates, viewer=viewer, meta=request_meta(request), vault=request.app.state.vault,
                        before=before)
    return render(
        request,
        "auth/mandates.html",
        {"viewer": viewer, "form": form, "rows": page.rows, "page": page, "first_page": before is None,
         "granted": request.query_params.get("granted") == "1",
         "revoke_form": RevokeForm(meta={"csrf_context": form.meta.csrf_context})},
        status_code=status,
    )


def _revoke(session: Session, *, viewer: Viewer, meta: dict[str, str], mandate_id: int) -> bool:
    assert viewer.subject is not None and viewer.subject.id is not None
    mandate = mandate_rules.revoke(session, mandate_id=mandate_id, principal_person_id=viewer.subject.id, now=now_utc())
    if mandate is None:
        return False
    log_for_client(session, viewer, meta, action="change", object_type="mandate", object_id=str(mandate_id))
    return True


@client_route(Action.MANAGE_MANDATES)
async def revoke_mandate(request: Request) -> Response:
    form = await RevokeForm.load(request)
    if not form.validate_submission():
        raise CsrfRefused()
    revoked = await db.run(
        request, _revoke, viewer=request.state.viewer, meta=request_meta(request),
        mandate_id=int(request.path_params["mandate_id"]),
    )
    if not revoked:
        return not_found(request)
    return RedirectResponse("/settings/mandates", status_code=303)


routes = [
    Route("/settings/mandates", mandates, methods=["GET", "POST"], name="client_mandates"),
    Route("/settings/mandates/{mandate_id:id}/revoke", revoke_mandate, methods=["POST"], name="client_revoke_mandate"),
]
