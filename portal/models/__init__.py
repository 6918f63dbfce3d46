"""Database models. Import everything here so Alembic sees the whole schema."""

from portal.models.feedback import AccessibilityFeedback
from portal.models.organisation import (
    ClientPeriod,
    Organisation,
    Person,
    Service,
    StaffMembership,
    StaffRole,
    Unit,
)

__all__ = [
    "AccessibilityFeedback",
    "ClientPeriod",
    "Organisation",
    "Person",
    "Service",
    "StaffMembership",
    "StaffRole",
    "Unit",
]
