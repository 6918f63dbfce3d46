"""Staff pages: clients of one's own units, a client's mandates, kiosk devices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal import access_log, db
from portal.auth import mandates as mandate_rules
from portal.auth.permissions import Action, Subject, can
from portal.forms import CsrfRefused, PortalForm
from portal.forms.mandate import RecordGuardianshipForm
from portal.models import ClientPeriod, MandateBasis, MandateScope, Person, Unit
from portal.auth.sessions import now_utc
from portal.schedule import calendar_days, start_page
from portal.web import kiosk
from portal.web.guard import Viewer, event_fields, log_event, request_meta, staff_route, unit_ids_of_client
from portal.web.templating import render


@dataclass(frozen=True)
class ClientRow:
    person_id: int
    name: str
    unit_name: str
    service: str
    ends_on: date


def _clients(session: Session, *, viewer: Viewer, meta: dict[str, str]) -> list[ClientRow]:
    unit_ids = list(viewer.actor.staff_roles)
    rows = session.exec(
        select(ClientPeriod, Person, Unit)
        .join(Person, col(Person.id) == col(ClientPeriod.person_id))
        .join(Unit, col(Unit.id) == col(ClientPeriod.unit_id))
        .where(col(ClientPeriod.unit_id).in_(unit_ids))
        .order_by(Person.family_name, Person.given_name, col(ClientPeriod.starts_on).desc())
    ).all()
    # One row per client: their newest period (an earlier one may have ended).
    newest: dict[int, tuple[ClientPeriod, Person, Unit]] = {}
    for row in rows:
        newest.setdefault(row[1].id, row)  # type: ignore[arg-type]
    rows = list(newest.values())  # type: ignore[assignment]
    # One event per client shown, appended together.
    access_log.record_many(
        session,
        [event_fields(viewer.actor, meta, action="read", object_type="client_list", subject_id=person.id)
         for _period, person, _unit in rows],
    )
    return [
        ClientRow(person.id, f"{person.given_name} {person.family_name}", unit.name,  # type: ignore[arg-type]
                  period.service, period.ends_on)
        for period, person, unit in rows
    ]


def _staff_home(session: Session, *, viewer: Viewer, meta: dict[str, str]) -> tuple[list[ClientRow], start_page.StaffStart]:
    today = start_page.for_staff(session, unit_ids=list(viewer.actor.staff_roles), today=calendar_days.today(),
                                 now=now_utc())
    shown = {client.person_id for group in today.groups for client in group.expected}
    shown |= {notice.person_id for notice in today.notices}
    access_log.record_many(session, [event_fields(viewer.actor, meta, action="read", object_type="staff_start_page",
                                                  subject_id=person_id) for person_id in sorted(shown)])
    return _clients(session, viewer=viewer, meta=meta), today


@staff_route(Action.STAFF_MANAGE_DEVICE)
async def staff_home(request: Request) -> Response:
    viewer = request.state.viewer
    clients, today = await db.run(request, _staff_home, viewer=viewer, meta=request_meta(request))
    return render(request, "staff/home.html", {"viewer": viewer, "clients": clients, "today": today})


@dataclass(frozen=True)
class ClientView:
    mandates: list[mandate_rules.MandateRow]
    may_record_guardianship: bool  # the form is shown only to those who may send it


def _client(session: Session, *, viewer: Viewer, meta: dict[str, str], vault) -> ClientView:  # type: ignore[no-untyped-def]
    assert viewer.subject is not None and viewer.subject.id is not None
    log_event(session, viewer.actor, meta, action="read", object_type="client_mandates", subject_id=viewer.subject.id)
    subject = Subject(viewer.subject.id, unit_ids_of_client(session, viewer.subject.id))
    return ClientView(
        mandates=mandate_rules.for_principal(session, principal_person_id=viewer.subject.id, vault=vault),
        may_record_guardianship=can(viewer.actor, Action.STAFF_RECORD_GUARDIANSHIP, subject),
    )


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


@staff_route(Action.STAFF_VIEW_CLIENT)
async def client_page(request: Request) -> Response:
    viewer = request.state.viewer
    client = await db.run(request, _client, viewer=viewer, meta=request_meta(request), vault=request.app.state.vault)
    form = await RecordGuardianshipForm.load(request)
    return render(request, "staff/client.html", {"viewer": viewer, "client": client, "form": form})


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
    client = await db.run(request, _client, viewer=viewer, meta=request_meta(request), vault=request.app.state.vault)
    return render(request, "staff/client.html", {"viewer": viewer, "client": client, "form": form}, status_code=400)


class DeviceForm(PortalForm):
    pass


@staff_route(Action.STAFF_MANAGE_DEVICE)
async def device(request: Request) -> Response:
    viewer = request.state.viewer
    form = await DeviceForm.load(request)
    if request.method == "POST":
        if not form.validate_submission():
            raise CsrfRefused()
        response = RedirectResponse("/staff/device", status_code=303)
        if (await request.form()).get("kiosk") == "on":
            kiosk.mark(request, response, unit_id=next(iter(viewer.actor.staff_roles)))
        else:
            kiosk.unmark(response)
        return response
    return render(request, "staff/device.html", {"viewer": viewer, "form": form, "is_kiosk": kiosk.is_kiosk(request)})


routes = [
    Route("/staff", staff_home, name="staff_home"),
    Route("/staff/clients/{client_id:id}", client_page, name="staff_client"),
    Route("/staff/clients/{client_id:id}/guardianships", record_guardianship, methods=["POST"],
          name="staff_record_guardianship"),
    Route("/staff/device", device, methods=["GET", "POST"], name="staff_device"),
]
