"""The areas of "Omat tietoni", one function each, registered with one line each."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from portal import access_log
from portal.feedback import client as client_feedback
from portal.i18n import lazy_gettext as _l
from portal.models import (
    AbsenceNotice,
    AccessEvent,
    AccessEventSubject,
    Assessment,
    AssessmentAnswer,
    AssessmentRequest,
    AttendanceCorrection,
    AttendanceMark,
    BenefitStatus,
    CalendarFeed,
    ClientFeedback,
    ClientPeriod,
    FormDraft,
    Goal,
    GoalThought,
    Group,
    GroupMember,
    LoginSession,
    Mandate,
    PeriodOutcome,
    Person,
    Plan,
    Unit,
)
from portal.money import rates
from portal.money.statements import month_bounds, month_statement
from portal.easy_login import my_data as easy_login_data
from portal.messages import my_data as messages_data
from portal.messages.models import Bulletin, Message, MessageReadState, MessageThread
from portal.easy_login.models import EasyLogin, EnrolmentCode, Kiosk, KioskHelpRequest, Passkey
from portal.mydata import Request, account, register
from portal.notifications import my_data as notification_data
from portal.notifications.models import ContactPoint, Notification, NotificationPreference
from portal.plans import outcomes
from portal.schedule.calendar_days import today


def person(session: Session, asked: Request) -> dict[str, Any]:
    # The identity code is kept encrypted and is left out: the client knows it,
    # and a printed copy on a shared device should not show it.
    found = session.get(Person, asked.person_id)
    assert found is not None
    return {"given_name": found.given_name, "family_name": found.family_name}


def periods(session: Session, asked: Request) -> list[dict[str, Any]]:
    units = {unit.id: unit.name for unit in session.exec(select(Unit)).all()}
    return [
        {"unit": units.get(row.period.unit_id, ""), "service": row.period.service,
         "starts_on": row.period.starts_on, "ends_on": row.period.ends_on,
         "outcome": None if row.outcome is None else {
             "ended_on": row.outcome.ended_on, "ending": row.outcome.ending, "next_step": row.outcome.next_step,
             "note": row.outcome.note}}
        for row in outcomes.periods_of(session, person_id=asked.person_id)
    ]


def plans(session: Session, asked: Request) -> list[dict[str, Any]]:
    found = session.exec(select(Plan).where(Plan.person_id == asked.person_id)
                         .order_by(col(Plan.starts_on).desc(), col(Plan.id).desc())).all()
    plan_ids = [plan.id for plan in found]
    goals = session.exec(select(Goal).where(col(Goal.plan_id).in_(plan_ids)).order_by(Goal.plan_id, Goal.position)).all()
    thoughts = session.exec(select(GoalThought).where(col(GoalThought.goal_id).in_([goal.id for goal in goals]))
                            .order_by(GoalThought.written_at)).all()
    return [
        {"starts_on": plan.starts_on, "ends_on": plan.ends_on, "service": plan.service,
         "days_per_week": plan.days_per_week, "hours_per_day": plan.hours_per_day,
         "next_review_on": plan.next_review_on, "network_meeting_on": plan.network_meeting_on,
         "contact_phone": plan.contact_phone, "created_at": plan.created_at, "replaced_at": plan.replaced_at,
         "goals": [
             {"client_words": goal.client_words, "staff_words": goal.staff_words, "status": goal.status,
              "follow_up": goal.follow_up,
              "thoughts": [{"written_at": thought.written_at, "text": thought.text}
                           for thought in thoughts if thought.goal_id == goal.id]}
             for goal in goals if goal.plan_id == plan.id
         ]}
        for plan in found
    ]


def schedule(session: Session, asked: Request) -> list[dict[str, Any]]:
    rows = session.exec(
        select(GroupMember, Group, Unit).join(Group, col(Group.id) == col(GroupMember.group_id))
        .join(Unit, col(Unit.id) == col(Group.unit_id)).where(GroupMember.person_id == asked.person_id)
        .order_by(col(GroupMember.starts_on).desc())
    ).all()
    return [{"group": group.name, "unit": unit.name, "starts_on": member.starts_on, "ends_on": member.ends_on}
            for member, group, unit in rows]


def absences(session: Session, asked: Request) -> list[dict[str, Any]]:
    found = session.exec(select(AbsenceNotice).where(AbsenceNotice.person_id == asked.person_id)
                         .order_by(col(AbsenceNotice.starts_on).desc())).all()
    return [{"starts_on": notice.starts_on, "ends_on": notice.ends_on, "reason": notice.reason,
             "message": notice.message, "created_at": notice.created_at, "cancelled_at": notice.cancelled_at}
            for notice in found]


def mandates(session: Session, asked: Request) -> list[dict[str, Any]]:
    found = session.exec(select(Mandate).where(or_(Mandate.principal_person_id == asked.person_id,
                                                   Mandate.agent_person_id == asked.person_id))
                         .order_by(col(Mandate.created_at).desc())).all()
    names = {p.id: f"{p.given_name} {p.family_name}" for p in session.exec(
        select(Person).where(col(Person.id).in_({m.agent_person_id for m in found} | {m.principal_person_id for m in found}))
    ).all()}
    return [
        {"direction": "given" if mandate.principal_person_id == asked.person_id else "received",
         "other_person": names.get(mandate.agent_person_id if mandate.principal_person_id == asked.person_id
                                   else mandate.principal_person_id, ""),
         "scope": mandate.scope, "basis": mandate.basis, "valid_from": mandate.valid_from,
         "valid_until": mandate.valid_until, "revoked_at": mandate.revoked_at}
        for mandate in found
    ]


def feedback(session: Session, asked: Request) -> list[dict[str, Any]]:
    # Only feedback given with the client's name: anonymous feedback is nobody's.
    return [{"given_on": given.given_on, "mood": given.mood, "about": given.about, "text": given.text,
             "answer": given.answer, "answered_at": given.answered_at}
            for given in client_feedback.named_feedback_of(session, person_id=asked.person_id)]


def access_events(session: Session, asked: Request) -> list[dict[str, Any]]:
    """Every event of the last two years, read page by page (the page view shows one page)."""
    events: list[dict[str, Any]] = []
    before = None
    while True:
        page = access_log.processed_by_others(session, subject_person_id=asked.person_id,
                                              since=access_log.two_years_before(), before_id=before)
        events.extend({"occurred_at": entry.occurred_at, "who": entry.actor_name, "role": entry.actor_role,
                       "action": entry.action, "what": entry.object_type} for entry in page.entries)
        if page.next_before is None:
            return events
        before = page.next_before


def assessments(session: Session, asked: Request) -> list[dict[str, Any]]:
    """Every self-assessment with its answers and who entered each one."""
    found = session.exec(select(Assessment).where(Assessment.person_id == asked.person_id)
                         .order_by(col(Assessment.started_at))).all()
    answers: dict[int, list[dict[str, Any]]] = {}
    if found:
        for answer in session.exec(select(AssessmentAnswer).where(
                col(AssessmentAnswer.assessment_id).in_([a.id for a in found])).order_by(col(AssessmentAnswer.id))):
            answers.setdefault(answer.assessment_id, []).append(
                {"question": answer.question_id, "value": answer.value, "skipped": answer.skipped,
                 "entered_as": answer.entered_as, "updated_at": answer.updated_at})
    return [{"content": a.content_id, "version": a.content_version, "occasion": a.occasion, "status": a.status,
             "started_at": a.started_at, "sent_at": a.sent_at, "reviewed_at": a.reviewed_at,
             "staff_comment": a.staff_comment, "answers": answers.get(a.id, [])} for a in found]  # type: ignore[arg-type]


def assessment_requests(session: Session, asked: Request) -> list[dict[str, Any]]:
    """Staff requests to fill in an assessment, newest first. Not capped: a request stays open
    until an assessment is started for it and a new one is not made beside an open one, so a
    client has a few a year."""
    found = session.exec(select(AssessmentRequest).where(AssessmentRequest.person_id == asked.person_id)
                         .order_by(col(AssessmentRequest.requested_at).desc(), col(AssessmentRequest.id).desc())).all()
    return [{"requested_at": row.requested_at, "due_on": row.due_on, "started": row.assessment_id is not None}
            for row in found]


def attendance(session: Session, asked: Request) -> list[dict[str, Any]]:
    """The days staff have marked; the money of each day follows from these and the rates ("Rahani")."""
    return [{"date": mark.on_date, "present": mark.present, "hours": mark.hours, "absence_reason": mark.absence_reason}
            for mark in session.exec(select(AttendanceMark).where(AttendanceMark.person_id == asked.person_id)
                                     .order_by(col(AttendanceMark.on_date)))]


def attendance_corrections(session: Session, asked: Request) -> list[dict[str, Any]]:
    """Each change staff made to a marked day: the values before and after, and why."""
    found = session.exec(select(AttendanceCorrection).where(AttendanceCorrection.person_id == asked.person_id)
                         .order_by(col(AttendanceCorrection.on_date), col(AttendanceCorrection.recorded_at))).all()
    return [{"date": row.on_date, "was_present": row.was_present, "was_hours": row.was_hours,
             "was_absence_reason": row.was_absence_reason, "present": row.present, "hours": row.hours,
             "absence_reason": row.absence_reason, "why": row.reason, "recorded_at": row.recorded_at}
            for row in found]


def benefits(session: Session, asked: Request) -> list[dict[str, Any]]:
    """Rehabilitative work activity: what the client receives, which decides the money of a day."""
    return [{"benefit": row.benefit, "starts_on": row.starts_on, "ends_on": row.ends_on, "recorded_at": row.recorded_at}
            for row in rates.benefit_history(session, person_id=asked.person_id)]


def money(session: Session, asked: Request) -> list[dict[str, Any]]:
    """Each month's statement as "Rahani" shows it, from the first marked day to this month: every
    attended day with its money (0.00 when the day earns none), corrections paid in the month to
    earlier closed months, and the total, which is the sum of both."""
    first_day = session.exec(select(func.min(AttendanceMark.on_date)).where(
        AttendanceMark.person_id == asked.person_id)).one()
    if first_day is None:
        return []
    day = today()
    months = []
    month = first_day.replace(day=1)
    while month <= day:
        found = month_statement(session, person_id=asked.person_id, month=month, today=day)
        if found.days or found.corrections:
            months.append({
                "month": month.strftime("%Y-%m"),
                "days": [{"date": row.on_date, "service": row.service, "kind": row.line.kind if row.line else None,
                          "amount": row.line.amount if row.line else Decimal("0.00")} for row in found.days],
                "corrections": [{"date": line.on_date, "kind": line.kind, "amount": line.amount}
                                for line in found.corrections],
                "total": found.total,
            })
        month = month_bounds(month)[1] + timedelta(days=1)
    return months


register("person", _l("Henkilö\u00adtiedot"), person, reads=(Person,))
register("periods", _l("Jaksot"), periods, reads=(ClientPeriod, PeriodOutcome))
register("plans", _l("Suunnitelmat ja tavoitteet"), plans, reads=(Plan, Goal, GoalThought))
register("schedule", _l("Ryhmät"), schedule, reads=(GroupMember,))
register("absences", _l("Poissaolot"), absences, reads=(AbsenceNotice,))
register("mandates", _l("Valtuutukset"), mandates, reads=(Mandate,))
register("feedback", _l("Palautteesi"), feedback, reads=(ClientFeedback,))
register("messages", _l("Viestit"), messages_data.messages, reads=(MessageThread, Message, MessageReadState),
         intro=_l("Viestit toiminta\u00adkeskuksen kanssa. Näet myös, milloin luit viestit viimeksi."))
register("bulletins", _l("Tiedotteet"), messages_data.bulletins, reads=(Bulletin,),
         intro=_l("Tiedotteet, jotka toiminta\u00adkeskus näytti sinulle."))
register("assessments", _l("Omat arviot"), assessments, reads=(Assessment, AssessmentAnswer))
register("assessment_requests", _l("Pyynnöt tehdä oma arvio"), assessment_requests, reads=(AssessmentRequest,),
         intro=_l("Työntekijä voi pyytää sinua tekemään oman arvion."))
register("attendance", _l("Päivät, joina olit paikalla"), attendance, reads=(AttendanceMark,))
register("attendance_corrections", _l("Korjaukset päiviin"), attendance_corrections, reads=(AttendanceCorrection,),
         intro=_l("Työntekijä voi korjata päivän merkinnän. Tässä näet, mitä hän muutti ja miksi."))
register("benefits", _l("Etuutesi kuntouttavassa työtoiminnassa"), benefits, reads=(BenefitStatus,),
         intro=_l("Työntekijä merkitsee, mitä etuutta saat. Etuus ratkaisee, mitä rahaa saat päivistä."))
register("money", _l("Rahasi päivittäin"), money, reads=(AttendanceMark, AttendanceCorrection))
register("calendar_feeds", _l("Kalenteri puhelimeen"), account.calendar_feeds, reads=(CalendarFeed,),
         intro=_l("Kalenteriosoitteella näet viikkosi puhelimen kalenterissa. "
                  "Osoite on salainen. Siksi se ei näy tässä."))
register("form_drafts", _l("Tallennetut lomakkeet"), account.form_drafts, reads=(FormDraft,),
         intro=_l("Joskus kirjautuminen päättyy kesken lomakkeen. Silloin palvelu tallentaa, mitä kirjoitit. "
                  "Saat tekstin takaisin, kun kirjaudut uudelleen. Tämä sivu ei näytä tekstiä."))
# Own only, like the access log: when and where the client logs in is theirs to see, not a delegate's.
register("logins", _l("Viimeisimmät kirjautumisesi"), account.logins, reads=(LoginSession,), own_only=True,
         intro=_l("Näet, milloin olet kirjautunut palveluun. Tässä on enintään %(count)s viimeisintä kertaa.",
                  count=account.LOGINS_SHOWN))
register("easy_login", _l("Helppo kirjautuminen"), easy_login_data.easy_login,
         reads=(EasyLogin, Passkey, EnrolmentCode, KioskHelpRequest, Kiosk), own_only=True,
         intro=_l("Näet, milloin sait helpon kirjautumisen ja milloin käytit sitä. "
                  "Koodit eivät näy tässä."))
register("notifications", _l("Muistutukset"), notification_data.notifications,
         reads=(ContactPoint, NotificationPreference, Notification),
         intro=_l("Näet osoitteesi, valintasi ja viestit, jotka palvelu on lähettänyt sinulle."))
register("access_log", _l("Kuka on katsonut tietojani"), access_events, reads=(AccessEvent, AccessEventSubject),
         own_only=True)
