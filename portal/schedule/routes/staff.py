"""Staff schedule editor: the groups of one's units, a group's weekly times
(added from a first day, ended on a last day), its clients, and changes for
one day or one week."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from wtforms import SelectChoice

from portal import access_log, db, i18n, organisation
from portal.identity_code import IdentityCodeVault
from portal.auth.permissions import Action
from portal.forms import PortalForm
from portal.forms.errors import apply_problems
from portal.schedule.forms import (WEEKDAYS, ChangeForm, MemberEndForm, MemberForm, MemberSearchForm, SlotEndForm,
                                    SlotForm)
from portal.models import Group
from portal.schedule import editing
from portal.schedule.calendar_days import today
from portal.web import paging
from portal.web.guard import Viewer, event_fields, log_event, request_meta, staff_route
from portal.web.templating import render
from portal.web.errors import not_found

FORMS = {"slots": SlotForm, "members": MemberForm, "member_ends": MemberEndForm, "changes": ChangeForm,
         "slot_ends": SlotEndForm}
PER_SLOT = {"slot_ends"}  # one form for each weekly time: posted to .../slots/{slot_id}/{kind}
WEEKDAY_NAMES = {int(choice.value): choice.label for choice in WEEKDAYS}


def _prefix(kind: str, slot_id: int | None) -> str:
    return f"{kind}-{slot_id}-" if slot_id is not None else f"{kind}-"


def _log_members(session: Session, viewer: Viewer, meta: dict[str, str], group: editing.GroupView) -> None:
    """One event for the page of a group's clients shown; each of them sees it."""
    person_ids = sorted({member.person_id for member in group.members})
    if person_ids:
        access_log.record(session, **{**event_fields(viewer.actor, meta, action="read", object_type="group_members",
                                                     subject_id=None, object_id=str(group.id)),
                                      "subject_person_ids": person_ids})


def _groups(session: Session, *, viewer: Viewer, meta: dict[str, str]) -> list[editing.GroupView]:
    """The unit's groups with how many clients each has: no client's data, nothing to log."""
    return editing.groups_of(session, actor=viewer.actor, today=today())


@staff_route(Action.STAFF_EDIT_SCHEDULE)
async def group_list(request: Request) -> Response:
    viewer = request.state.viewer
    groups = await db.run(request, _groups, viewer=viewer, meta=request_meta(request))
    return render(request, "schedule/staff_groups.html", {"viewer": viewer, "groups": groups, "weekday_names": WEEKDAY_NAMES})


@dataclass(frozen=True)
class Listing:
    """Where the group's page is in its two lists: the search and page of the unit's
    clients to add (?name=, ?after=) and the page of the group's clients (?members_after=)."""

    search: MemberSearchForm
    after: int | None
    members_after: int | None

    @classmethod
    def of(cls, request: Request) -> Listing:
        """From the query string; a cursor that is no id is a 400 (paging.BadCursor)."""
        search = MemberSearchForm.from_query(request)
        search.validate()
        return cls(search, paging.cursor(request, "after"), paging.cursor(request, "members_after"))

    def url(self, group_id: int, *, after: int | None | str = "", members_after: int | None | str = "",
            part: str = "") -> str:
        """This page with one of its lists moved on (a cursor given) or back to its start (None)."""
        values = {"name": self.search.name.data or "",
                  "after": self.after if after == "" else after,
                  "members_after": self.members_after if members_after == "" else members_after}
        query = urlencode({key: value for key, value in values.items() if value not in ("", None)})
        return f"/staff/groups/{group_id}{'?' + query if query else ''}{part}"


def _group(session: Session, *, viewer: Viewer, meta: dict[str, str], group_id: int,
           vault: IdentityCodeVault, listing: Listing) -> dict[str, Any] | None:
    group = editing.group_for(session, actor=viewer.actor, group_id=group_id)
    if group is None:
        log_event(session, viewer.actor, meta, action="refused", object_type="group", subject_id=None,
                  object_id=str(group_id))
        return None
    day = today()
    [view] = editing.views(session, groups=[group], today=day)
    members = editing.member_page(session, group_id=group.id, today=day, after_member_id=listing.members_after)
    view = replace(view, members=members.rows)
    _log_members(session, viewer, meta, view)
    clients = None
    if not listing.search.errors:  # a search too long is answered at its field, with no list
        clients = editing.candidates(session, group=group, today=day, name_start=listing.search.name.data or "",
                                     after_period_id=listing.after)
        if clients.rows:  # one event for the list, as the staff client list; each client shown sees it
            access_log.record(session, **{
                **event_fields(viewer.actor, meta, action="read", object_type="client_list", subject_id=None),
                "subject_person_ids": sorted({row.person_id for row in clients.rows})})
    people = [(row.person_id, row.sort_name) for row in (clients.rows if clients else []) + members.rows]
    return {
        "group": view,
        "guides": editing.guides(session, unit_id=group.unit_id),
        "clients": clients,
        "members_next": members.next_after,
        "namesakes": organisation.birth_marks(session, vault=vault, person_ids=editing.namesakes(
            session, group=group, today=day, people=people)),
    }


def _person_choice(person_id: int, name: str, namesakes: dict[int, str]) -> SelectChoice:
    """A person in a list to choose from: a namesake with their birth date, so staff pick the right one."""
    return SelectChoice(person_id, f"{name}, {namesakes[person_id]}" if person_id in namesakes else name)


Posted = tuple[str, int | None, PortalForm]  # the form's kind, its weekly time (PER_SLOT kinds) and the form


def _forms(request: Request, data: dict[str, Any], posted: Posted | None) -> dict[str, Any]:
    """Every form of the page; a PER_SLOT kind is a dict from the weekly time's id to its form."""
    context = (request.app.state.settings.secret_key, request.state.csrf_seed)
    forms: dict[str, Any] = {name: form_class(meta={"csrf_context": context}, prefix=f"{name}-")
                             for name, form_class in FORMS.items() if name not in PER_SLOT}
    forms["slot_ends"] = {slot.id: SlotEndForm(meta={"csrf_context": context}, prefix=_prefix("slot_ends", slot.id),
                                               data={"ends_on": slot.valid_until})
                          for slot in data["group"].slots}
    if posted is not None:
        kind, slot_id, form = posted
        if kind in PER_SLOT:
            forms[kind][slot_id] = form
        else:
            forms[kind] = form
    # Each weekly time's field says which time it ends, also to a screen reader moving from field to field.
    slots = {slot.id: slot for slot in data["group"].slots + data["group"].ended_slots}
    for slot_id, form in forms["slot_ends"].items():
        if slot_id in slots:
            slot = slots[slot_id]
            form.ends_on.label.text = i18n.gettext(
                "Viimeinen päivä: %(time)s",
                time=f"{WEEKDAY_NAMES[slot.weekday]} {i18n.format_time_range(slot.starts_at, slot.ends_at)}")
    forms["slots"].guide_person_id.choices = [SelectChoice("", "–")] + [SelectChoice(i, n) for i, n in data["guides"]]
    namesakes = data["namesakes"]
    forms["members"].person_id.choices = [  # radio buttons: the page of the unit's clients shown
        _person_choice(row.person_id, row.name, namesakes) for row in (data["clients"].rows if data["clients"] else [])]
    forms["member_ends"].person_id.choices = [SelectChoice("", "–")] + [
        _person_choice(member.person_id, member.name, namesakes) for member in data["group"].members]
    return forms


def _page(request: Request, data: dict[str, Any], listing: Listing, posted: Posted | None = None,
          status_code: int = 200) -> Response:
    forms = _forms(request, data, posted)
    group_id, clients = data["group"].id, data["clients"]
    links = {
        "members_next": listing.url(group_id, members_after=data["members_next"], part="#members")
        if data["members_next"] else "",
        "members_start": listing.url(group_id, members_after=None, part="#members") if listing.members_after else "",
        "clients_next": listing.url(group_id, after=clients.next_after, part="#add-client")
        if clients and clients.next_after else "",
        "clients_start": listing.url(group_id, after=None, part="#add-client") if listing.after else "",
        # The member forms come back to the same lists when something needs fixing.
        "here": listing.url(group_id).removeprefix(f"/staff/groups/{group_id}"),
    }
    return render(request, "schedule/staff_group.html", {
        "viewer": request.state.viewer, **data, "forms": forms, "weekday_names": WEEKDAY_NAMES, "links": links,
        "search": listing.search,
        "errors": posted[2].error_list if posted else listing.search.error_list,
        "saved": request.query_params.get("saved") == "1",
    }, status_code=status_code)


@staff_route(Action.STAFF_EDIT_SCHEDULE)
async def group_page(request: Request) -> Response:
    listing = Listing.of(request)
    data = await db.run(request, _group, viewer=request.state.viewer, meta=request_meta(request),
                        vault=request.app.state.vault, listing=listing,
                        group_id=int(request.path_params["group_id"]))
    if data is None:
        return not_found(request)
    return _page(request, data, listing, status_code=400 if listing.search.errors else 200)


def _save(session: Session, *, viewer: Viewer, meta: dict[str, str], group_id: int, kind: str, slot_id: int | None,
          form: Any) -> list[editing.Problem] | None:
    """Save one form's change; None when the group (or the weekly time) is not this person's to edit."""
    group: Group | None = editing.group_for(session, actor=viewer.actor, group_id=group_id)
    if group is None:
        log_event(session, viewer.actor, meta, action="refused", object_type="group", subject_id=None,
                  object_id=str(group_id))
        return None
    if kind == "slots":
        outcome: Any = editing.add_slot(
            session, group=group, weekday=int(form.weekday.data), starts_at=form.starts_at.data,
            ends_at=form.ends_at.data, activity=form.activity.data, place=form.place.data,
            guide_person_id=form.guide_person_id.data or None, valid_from=form.valid_from.data or today(), today=today())
        _log_slot(session, viewer, meta, outcome)
    elif kind == "slot_ends":
        outcome = editing.end_slot(session, group=group, slot_id=slot_id, ends_on=form.ends_on.data,  # type: ignore[arg-type]
                                   today=today())
        if outcome is None:
            log_event(session, viewer.actor, meta, action="refused", object_type="group_slot", subject_id=None,
                      object_id=str(slot_id))
            return None
        _log_slot(session, viewer, meta, outcome)
    elif kind == "members":
        outcome = editing.assign(session, group=group, person_id=form.person_id.data, starts_on=form.starts_on.data,
                                 today=today())
        if not isinstance(outcome, list):
            log_event(session, viewer.actor, meta, action="change", object_type="group_members",
                      subject_id=form.person_id.data, object_id=str(outcome.id))
    elif kind == "member_ends":
        outcome = editing.end_membership(session, group=group, person_id=form.person_id.data,
                                         ends_on=form.ends_on.data, today=today())
        if not isinstance(outcome, list):
            log_event(session, viewer.actor, meta, action="change", object_type="group_members",
                      subject_id=form.person_id.data, object_id=str(outcome.id))
    else:
        outcome = editing.change(
            session, group=group, on_date=form.on_date.data, whole_week=form.scope.data == "week",
            cancelled=bool(form.cancelled.data), starts_at=form.starts_at.data, ends_at=form.ends_at.data,
            activity=form.activity.data or "", place=form.place.data or "", note=form.note.data,
            by_person_id=viewer.person.id, today=today())  # type: ignore[arg-type]
    if isinstance(outcome, list) and outcome and isinstance(outcome[0], editing.Problem):
        return outcome
    return []


def _log_slot(session: Session, viewer: Viewer, meta: dict[str, str], outcome: Any) -> None:
    """A weekly time added or ended: who did it and when, as the rates are (no client is its subject)."""
    if not isinstance(outcome, list):
        log_event(session, viewer.actor, meta, action="change", object_type="group_slot", subject_id=None,
                  object_id=str(outcome.id))


def _poster(kind: str):  # type: ignore[no-untyped-def]
    @staff_route(Action.STAFF_EDIT_SCHEDULE)
    async def post(request: Request) -> Response:
        viewer = request.state.viewer
        group_id = int(request.path_params["group_id"])
        slot_id = int(request.path_params["slot_id"]) if kind in PER_SLOT else None
        form = await FORMS[kind].load(request, prefix=_prefix(kind, slot_id))
        if form.validate_submission():
            problems = await db.run(request, _save, viewer=viewer, meta=request_meta(request), group_id=group_id,
                                    kind=kind, slot_id=slot_id, form=form)
            if problems is None:
                return not_found(request)
            if not problems:
                return RedirectResponse(f"/staff/groups/{group_id}?saved=1", status_code=303)
            apply_problems(form, problems)
        listing = Listing.of(request)
        data = await db.run(request, _group, viewer=viewer, meta=request_meta(request), group_id=group_id,
                            vault=request.app.state.vault, listing=listing)
        if data is None or (slot_id is not None and slot_id not in {
                slot.id for slot in data["group"].slots + data["group"].ended_slots}):
            return not_found(request)
        return _page(request, data, listing, (kind, slot_id, form), status_code=400)

    post.__name__ = f"group_{kind}"
    return post


routes = [
    Route("/staff/groups", group_list, name="staff_groups"),
    Route("/staff/groups/{group_id:id}", group_page, name="staff_group"),
    *[Route(f"/staff/groups/{{group_id:id}}/{kind}", _poster(kind), methods=["POST"], name=f"staff_group_{kind}")
      for kind in FORMS if kind not in PER_SLOT],
    *[Route(f"/staff/groups/{{group_id:id}}/slots/{{slot_id:id}}/{kind}", _poster(kind), methods=["POST"],
            name=f"staff_group_{kind}") for kind in PER_SLOT],
]
