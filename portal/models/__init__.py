"""Database models: the shared tables here, every area's from its models.py.
Import everything here so Alembic sees the whole schema."""

# The shared tables first (people, units, rate limits), then each area's
# models (portal/<area>/models.py). An area's package imports nothing on
# import, so that importing its models.py from here runs none of its domain;
# access_log is the exception (its package is the log's API): it comes last,
# and its modules import their own tables from portal.access_log.models.
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
from portal.auth.models import FormDraft, LoginAttempt, LoginSession, Mandate, MandateBasis, MandateScope
from portal.assessment.models import (Assessment, AssessmentAnswer, AssessmentQueueEntry, AssessmentQueueRules,
                                     AssessmentQueueStale, AssessmentRequest, AssessmentStatus, Occasion)
from portal.easy_login.models import EasyLogin, EnrolmentCode, Kiosk, KioskHelpRequest, Passkey, PasskeyChallenge
from portal.messages.models import Bulletin, Message, MessageReadState, MessageThread
from portal.notifications.models import ContactPoint, Notification, NotificationPreference
from portal.followup.models import (AttendanceMonth, AttendanceMonthStale, FollowupMonth, FollowupOccasion,
                                     FollowupRules, FollowupStale)
from portal.money.models import (
    AttendanceCorrection,
    BenefitKind,
    BenefitStatus,
    ImportedRecord,
    MoneyKind,
    MoneyMonthCard,
    MoneyVersion,
    MonthClosing,
    PartDayRule,
    Rate,
)
from portal.plans.models import Goal, GoalStatus, GoalThought, NextStep, PeriodEnding, PeriodOutcome, Plan
from portal.schedule.models import (
    AbsenceNotice,
    AbsenceReason,
    AttendanceMark,
    CalendarFeed,
    Group,
    GroupMember,
    GroupSlot,
    SlotChange,
)
from portal.feedback.models import AccessibilityFeedback, ClientFeedback
from portal.test_idp.models import TestIdpEntry
from portal.access_log.models import AccessAction, AccessEvent, AccessEventSubject, AccessLogSeal

__all__ = [
    "AttendanceCorrection",
    "AttendanceMonth",
    "AttendanceMonthStale",
    "FollowupMonth",
    "FollowupOccasion",
    "FollowupRules",
    "FollowupStale",
    "BenefitKind",
    "BenefitStatus",
    "ImportedRecord",
    "MoneyKind",
    "MonthClosing",
    "PartDayRule",
    "Rate",
    "AbsenceNotice",
    "AbsenceReason",
    "AttendanceMark",
    "CalendarFeed",
    "Goal",
    "GoalStatus",
    "GoalThought",
    "Group",
    "GroupMember",
    "GroupSlot",
    "Plan",
    "NextStep",
    "PeriodEnding",
    "PeriodOutcome",
    "SlotChange",
    "AccessAction",
    "AccessEvent",
    "AccessEventSubject",
    "AccessLogSeal",
    "Assessment",
    "AssessmentAnswer",
    "AssessmentQueueEntry",
    "AssessmentQueueRules",
    "AssessmentQueueStale",
    "AssessmentRequest",
    "AssessmentStatus",
    "Occasion",
    "Bulletin",
    "Message",
    "MessageReadState",
    "MessageThread",
    "EasyLogin",
    "EnrolmentCode",
    "Kiosk",
    "KioskHelpRequest",
    "Passkey",
    "PasskeyChallenge",
    "FormDraft",
    "LoginAttempt",
    "LoginSession",
    "Mandate",
    "MandateBasis",
    "MandateScope",
    "MoneyMonthCard",
    "MoneyVersion",
    "AccessibilityFeedback",
    "ClientFeedback",
    "ContactPoint",
    "Notification",
    "NotificationPreference",
    "ClientPeriod",
    "Organisation",
    "Person",
    "RateLimitHit",
    "TestIdpEntry",
    "Service",
    "StaffMembership",
    "StaffRole",
    "Unit",
]
