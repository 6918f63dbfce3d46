"""Who a logged-in staff member is to the permissions: their roles per unit."""

from __future__ import annotations

from sqlmodel import Session, select

from portal.auth.permissions import Actor
from portal.models import StaffMembership


def staff_actor(session: Session, person_id: int) -> Actor:
    """A staff member as the permissions see them: their roles in each unit."""
    memberships = session.exec(select(StaffMembership).where(StaffMembership.person_id == person_id)).all()
    roles: dict[int, set[str]] = {}
    for membership in memberships:
        roles.setdefault(membership.unit_id, set()).add(membership.role)
    return Actor(
        person_id=person_id,
        audience="staff",
        staff_roles={unit: frozenset(names) for unit, names in roles.items()},
    )
