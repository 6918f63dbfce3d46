"""Database models. Import everything here so Alembic sees the whole schema."""

from portal.models.access_log import AccessAction, AccessEvent, AccessEventSubject, AccessLogSeal
from portal.models.assessment import (Assessment, AssessmentAnswer, AssessmentQueueEntry, AssessmentQueueRules,
                                     AssessmentQueueStale, AssessmentRequest, AssessmentStatus, Occasion)
from portal.models.feedback import AccessibilityFeedback, ClientFeedback
from portal.easy_login.models import EasyLogin, EnrolmentCode, Kiosk, KioskHelpRequest, Passkey, PasskeyChallenge
from portal.messages.models import Bulletin, Message, MessageReadState, MessageThread
from portal.notifications.models import ContactPoint, Notification, NotificationPreference
from portal.models.followup import (AttendanceMonth, AttendanceMonthStale, FollowupMonth, FollowupOccasion,
                                   FollowupRules, FollowupStale)
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
from portal.models.money import (
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
from portal.models.outcomes import NextStep, PeriodEnding, PeriodOutcome
from portal.models.plans import Goal, GoalStatus, GoalThought, Plan
from portal.models.rate_limit import RateLimitHit
from portal.models.test_idp import TestIdpEntry
from portal.models.schedule import (
    AbsenceNotice,
    AbsenceReason,
    AttendanceMark,
    CalendarFeed,
    Group,
    GroupMember,
    GroupSlot,
    SlotChange,
)

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
