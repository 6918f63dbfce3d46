"""Database models. Import everything here so Alembic sees the whole schema."""

from portal.models.access_log import AccessAction, AccessEvent, AccessEventSubject, AccessLogSeal
from portal.models.feedback import AccessibilityFeedback
from portal.models.login import FormDraft, LoginAttempt, LoginSession
from portal.models.mandate import Mandate, MandateBasis, MandateScope
from portal.models.organisation import (
    ClientPeriod,
    Organisation,
    Person,
    Service,
    StaffMembership,
    StaffRole,
    Unit,
)
from portal.models.rate_limit import RateLimitHit

__all__ = [
    "AccessAction",
    "AccessEvent",
    "AccessEventSubject",
    "AccessLogSeal",
    "FormDraft",
    "LoginAttempt",
    "LoginSession",
    "Mandate",
    "MandateBasis",
    "MandateScope",
    "AccessibilityFeedback",
    "ClientPeriod",
    "Organisation",
    "Person",
    "RateLimitHit",
    "Service",
    "StaffMembership",
    "StaffRole",
    "Unit",
]
