"""Who may do what: pure functions of (actor, subject, action).

Every route declares the action it needs (see portal.web.guard); nothing
else decides access.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from portal.auth.levels import Level, easy_may_act
from portal.models import MandateScope, StaffRole


class Action(enum.StrEnum):
    VIEW = "view"  # see the client's own pages and data
    ACT = "act"  # change something for the client
    MANAGE_MANDATES = "manage_mandates"  # grant and revoke the client's mandates
    VIEW_ACCESS_LOG = "view_access_log"  # see who has processed the client's data
    STAFF_VIEW_CLIENT = "staff_view_client"
    STAFF_RECORD_GUARDIANSHIP = "staff_record_guardianship"
    STAFF_MANAGE_DEVICE = "staff_manage_device"  # mark a kiosk
    MANAGE_CALENDAR = "manage_calendar"  # make or revoke the client's secret calendar address
    STAFF_EDIT_PLAN = "staff_edit_plan"  # write a new version of a client's plan
    STAFF_EDIT_SCHEDULE = "staff_edit_schedule"  # groups of one's own units (checked per group)
    STAFF_ASSESSMENT_QUEUE = "staff_assessment_queue"  # the self-assessments of one's own units
    STAFF_REVIEW_ASSESSMENT = "staff_review_assessment"  # mark a client's self-assessment handled
    STAFF_EDIT_BENEFIT = "staff_edit_benefit"  # a client's benefit status (rehabilitative work activity)
    STAFF_KEEP_ATTENDANCE = "staff_keep_attendance"  # the day list of one's own units' groups (checked per group)
    STAFF_VIEW_FOLLOWUP = "staff_view_followup"  # the follow-up of one's own units (checked per unit)
    VIEW_MY_DATA = "view_my_data"  # "Omat tietoni": the client, or a delegate who may act
    STAFF_HANDLE_FEEDBACK = "staff_handle_feedback"  # clients' feedback of one's own units, accessibility queue
    MANAGE_EASY_LOGIN = "manage_easy_login"  # the client's own easy login: number code, kiosk list, passkeys (never a delegate)
    STAFF_ANSWER_KIOSK_HELP = "staff_answer_kiosk_help"  # confirm a client at a kiosk of one's units ("Ohjaaja auttaa")
    STAFF_MANAGE_EASY_LOGIN = "staff_manage_easy_login"  # a client's easy login in one's units: enrol, open a lock, end, remove a passkey
    STAFF_HANDLE_MESSAGES = "staff_handle_messages"  # the inbox and bulletins of one's own units (checked per thread and unit)
    # Reminders and notifications about the client's matters: the client's own,
    # or a delegate's own contact details and choices for the client they act for.
    MANAGE_NOTIFICATIONS = "manage_notifications"
    STAFF_RETRY_NOTIFICATION = "staff_retry_notification"  # send a parked notification again (a unit manager)


@dataclass(frozen=True)
class Actor:
    """The logged-in person as the permission functions see them."""

    person_id: int
    audience: str  # "client" or "staff"
    # Client audience: whose matters, and on what footing ("own", "view", "act").
    subject_person_id: int | None = None
    footing: str | None = None
    # Staff audience: roles per unit.
    staff_roles: dict[int, frozenset[str]] = field(default_factory=dict)
    # How the person logged in (portal.auth.levels); which pages it opens is
    # the route's declaration, checked by the guard and the menu.
    level: Level = Level.STRONG

    @property
    def log_role(self) -> str:
        if self.audience == "staff":
            roles = sorted({role for roles in self.staff_roles.values() for role in roles})
            return roles[0] if roles else "staff"
        return "client" if self.footing == "own" else "delegate"

    @property
    def on_behalf_of(self) -> int | None:
        return self.subject_person_id if self.footing in ("view", "act") else None


@dataclass(frozen=True)
class Subject:
    """A client: their person id and the units where they have a service period."""

    person_id: int
    unit_ids: frozenset[int] = frozenset()


GUARDIANSHIP_RECORDERS = frozenset({StaffRole.SOCIAL_INSTRUCTOR.value, StaffRole.UNIT_MANAGER.value})


def can(actor: Actor, action: Action, subject: Subject | None) -> bool:
    if actor.level is Level.EASY and not easy_may_act(
        audience=actor.audience, person_id=actor.person_id, subject_person_id=actor.subject_person_id
    ):
        return False  # never a delegate or staff member on an easy login
    if actor.audience == "client":
        return _client_can(actor, action, subject)
    if actor.audience == "staff":
        return _staff_can(actor, action, subject)
    return False


def _client_can(actor: Actor, action: Action, subject: Subject | None) -> bool:
    if subject is None or actor.subject_person_id != subject.person_id:
        return False
    if action in (Action.VIEW, Action.MANAGE_NOTIFICATIONS):
        return actor.footing in ("own", MandateScope.VIEW.value, MandateScope.ACT.value)
    if action in (Action.ACT, Action.VIEW_MY_DATA):
        return actor.footing in ("own", MandateScope.ACT.value)
    if action in (Action.MANAGE_MANDATES, Action.VIEW_ACCESS_LOG, Action.MANAGE_CALENDAR, Action.MANAGE_EASY_LOGIN):
        return actor.footing == "own"
    return False


def _staff_can(actor: Actor, action: Action, subject: Subject | None) -> bool:
    if action in (Action.STAFF_MANAGE_DEVICE, Action.STAFF_EDIT_SCHEDULE, Action.STAFF_ASSESSMENT_QUEUE,
                  Action.STAFF_KEEP_ATTENDANCE, Action.STAFF_HANDLE_FEEDBACK, Action.STAFF_VIEW_FOLLOWUP,
                  Action.STAFF_ANSWER_KIOSK_HELP, Action.STAFF_HANDLE_MESSAGES):
        return bool(actor.staff_roles)
    if action is Action.STAFF_RETRY_NOTIFICATION:
        # The outbox is the organisation's, and shows no client: any unit manager.
        return any(StaffRole.UNIT_MANAGER.value in roles for roles in actor.staff_roles.values())
    if subject is None:
        return False
    shared_units = subject.unit_ids & actor.staff_roles.keys()
    if action in (Action.STAFF_VIEW_CLIENT, Action.STAFF_EDIT_PLAN, Action.STAFF_REVIEW_ASSESSMENT,
                  Action.STAFF_EDIT_BENEFIT, Action.STAFF_MANAGE_EASY_LOGIN):
        return bool(shared_units)
    if action is Action.STAFF_RECORD_GUARDIANSHIP:
        return any(actor.staff_roles[unit] & GUARDIANSHIP_RECORDERS for unit in shared_units)
    return False


def may_edit_unit_schedule(actor: Actor, unit_id: int) -> bool:
    """Staff edit the groups and schedules of their own units only."""
    return actor.audience == "staff" and unit_id in actor.staff_roles


def may_close_month(actor: Actor, unit_id: int) -> bool:
    """A unit manager closes their unit's month after payment."""
    return actor.audience == "staff" and StaffRole.UNIT_MANAGER.value in actor.staff_roles.get(unit_id, frozenset())


def may_follow_unit(actor: Actor, unit_id: int) -> bool:
    """Follow-up figures of one's own units only."""
    return actor.audience == "staff" and unit_id in actor.staff_roles


def may_handle_unit_messages(actor: Actor, unit_id: int) -> bool:
    """The threads and bulletins of one's own units only: any role of the unit."""
    return actor.audience == "staff" and unit_id in actor.staff_roles
