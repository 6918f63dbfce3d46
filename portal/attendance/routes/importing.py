"""The unit manager's upload page for a client-record system's JSON file."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal import db
from portal.attendance import importing
from portal.auth.permissions import Action
from portal.attendance.forms import ImportForm
from portal.i18n import lazy_gettext as _l
from portal.schedule.calendar_days import today
from portal.web.guard import Viewer, request_meta, staff_route
from portal.web.templating import render
from portal.web.errors import forbidden

PROBLEMS = {
    "encoding": _l("Tiedosto ei ole UTF-8-muodossa. Tallenna se UTF-8-muodossa."),
    "json": _l("Tiedosto ei ole JSON-muodossa."),
    "missing": _l("Tieto puuttuu."),
    "invalid": _l("Tieto on väärin."),
    "unknown_field": _l("Tätä kenttää ei tunneta."),
    "unknown_client": _l("Asiakasta ei löydy."),
    "not_your_unit": _l("Toimintakeskus ei ole sinun."),
    "unknown_group": _l("Ryhmää ei löydy."),
    "future": _l("Päivä on tulevaisuudessa."),
    "duplicate": _l("Sama tieto on tiedostossa kahdesti."),
    "outside_period": _l("Asiakkaan palvelu ei ole voimassa sinä päivänä."),
    "week_limit": _l("Viikolla on yli 4 päivää kuntouttavaa työtoimintaa."),
    "not_unit_manager": _l("Vain palveluesimies voi tuoda tiedostoja."),
    "no_service": _l("Asiakkaalla ei ole palvelua tässä toimintakeskuksessa."),
    "plan_length": _l("Suunnitelma on liian lyhyt tai liian pitkä tälle palvelulle."),
    "plan_days": _l("Päiviä viikossa on liian vähän tai liian monta tälle palvelulle."),
    "plan_hours": _l("Tunteja päivässä on liian vähän tai liian monta tälle palvelulle."),
    "plan_overlap": _l("Asiakkaalla on jo suunnitelma samalle ajalle."),
}
SECTIONS = {"file": _l("Tiedosto"), "memberships": _l("Ryhmät"), "attendance": _l("Läsnäolot"),
            "plans": _l("Suunnitelmat")}


def _is_manager(session: Session, *, viewer: Viewer) -> bool:
    return bool(importing.managed_units(session, person_id=viewer.person.id))  # type: ignore[arg-type]


def _import(session: Session, *, viewer: Viewer, meta: dict[str, str], raw: bytes, vault) -> importing.Outcome:  # type: ignore[no-untyped-def]
    return importing.import_file(session, raw=raw, vault=vault, person_id=viewer.person.id,  # type: ignore[arg-type]
                                 today=today(), **meta)


@staff_route(Action.STAFF_KEEP_ATTENDANCE, long=True)
async def import_page(request: Request) -> Response:
    viewer = request.state.viewer
    if not await db.run(request, _is_manager, viewer=viewer):
        return forbidden(request)
    form = await ImportForm.load(request)
    outcome = None
    if request.method == "POST":
        if form.validate_submission():
            raw = await form.file.data.read()
            outcome = await db.run(request, _import, viewer=viewer, meta=request_meta(request), raw=raw,
                                   vault=request.app.state.vault)
            if not outcome.problems:
                return RedirectResponse(f"/staff/import?created={outcome.created}&changed={outcome.changed}"
                                        f"&unchanged={outcome.unchanged}", status_code=303)
            form.file.errors = [str(_l("Tiedostossa on virheitä. Mitään ei tuotu."))]
        status_code = 400
    else:
        status_code = 200
    counts = {name: int(value) for name in ("created", "changed", "unchanged")
              if (value := request.query_params.get(name, "")).isascii() and value.isdigit() and len(value) <= 9}
    return render(request, "attendance/staff_import.html", {
        "viewer": viewer, "form": form, "problems": outcome.problems if outcome else [],
        "problem_texts": PROBLEMS, "sections": SECTIONS, "counts": counts if len(counts) == 3 else None,
    }, status_code=status_code)


routes = [Route("/staff/import", import_page, methods=["GET", "POST"], name="staff_import")]
