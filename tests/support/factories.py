"""Small factories for tests: people, periods, mandates and ready sessions."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, select

from portal.auth import sessions
from portal.auth.levels import Level
from portal.db import transaction
from portal.identity_code import IdentityCodeVault
from portal.models import (
    AbsenceNotice,
    ClientFeedback,
    ClientPeriod,
    Goal,
    GroupMember,
    Mandate,
    MandateBasis,
    MandateScope,
    Person,
    Plan,
    Service,
    Unit,
)
from portal.schedule import calendar_days


def person_id(engine, vault: IdentityCodeVault, identity_code: str) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        person = session.exec(select(Person).where(Person.identity_code_hash == vault.lookup_hash(identity_code))).one()
        assert person.id is not None
        return person.id


def add_client(engine, vault: IdentityCodeVault, identity_code: str, *, given_name: str = "Testi",  # type: ignore[no-untyped-def]
               family_name: str = "Henkilö", unit: str = "Toimintakeskus Verstas") -> int:
    """A client of the unit with a service period around today, who can log in
    through the test provider by typing the identity code."""
    today = calendar_days.today()
    with transaction(engine) as session:
        person = Person(given_name=given_name, family_name=family_name,
                        identity_code_hash=vault.lookup_hash(identity_code), identity_code_cipher=vault.encrypt(identity_code))
        session.add(person)
        session.flush()
        assert person.id is not None
        session.add(ClientPeriod(person_id=person.id, unit_id=session.exec(select(Unit.id).where(Unit.name == unit)).one(),
                                 service=Service.WORK_ACTIVITY.value, starts_on=today - timedelta(days=30),
                                 ends_on=today + timedelta(days=300)))
        return person.id


def unit_id(engine, name: str) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return session.exec(select(Unit.id).where(Unit.name == name)).one()  # type: ignore[return-value]


def add_mandate(  # type: ignore[no-untyped-def]
    engine,
    *,
    principal: int,
    agent: int,
    scope: MandateScope = MandateScope.VIEW,
    basis: MandateBasis = MandateBasis.CLIENT_GRANTED,
    valid_from: date | None = None,
    valid_until: date | None = None,
    revoked: bool = False,
) -> int:
    with transaction(engine) as session:
        mandate = Mandate(
            principal_person_id=principal,
            agent_person_id=agent,
            scope=scope.value,
            basis=basis.value,
            valid_from=valid_from or calendar_days.today() - timedelta(days=1),
            valid_until=valid_until,
            revoked_at=sessions.now_utc() if revoked else None,
            created_by_person_id=principal,
        )
        session.add(mandate)
        session.flush()
        assert mandate.id is not None
        return mandate.id


def start_session(engine, *, audience: str, person: int, acting_for: int | None = None, kiosk: bool = False,  # type: ignore[no-untyped-def]
                  level: Level = Level.STRONG) -> str:
    """A session as a login would leave it (logins themselves are tested through the IdP)."""
    with transaction(engine) as session:
        token, _ = sessions.start(
            session, audience=audience, person_id=person, acting_for_person_id=acting_for, kiosk=kiosk, level=level
        )
    return token


def add_absence(engine, *, person: int, starts_on: date | None = None, ends_on: date | None = None,  # type: ignore[no-untyped-def]
                reason: str = "ill") -> int:
    """A notice stored as the client would leave it (the rules are tested through the domain)."""
    starts_on = starts_on or calendar_days.today() + timedelta(days=2)
    with transaction(engine) as session:
        notice = AbsenceNotice(person_id=person, starts_on=starts_on, ends_on=ends_on or starts_on, reason=reason,
                               created_by_person_id=person)
        session.add(notice)
        session.flush()
        assert notice.id is not None
        return notice.id


def goal_id(engine, *, person: int) -> int:  # type: ignore[no-untyped-def]
    """The first goal of the person's newest plan (demo data)."""
    with Session(engine) as session:
        return session.exec(
            select(Goal.id).join(Plan, Plan.id == Goal.plan_id).where(Plan.person_id == person)
            .order_by(Plan.starts_on.desc(), Goal.position)  # type: ignore[attr-defined]
        ).first()  # type: ignore[return-value]


def group_id(engine, *, person: int) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return session.exec(select(GroupMember.group_id).where(GroupMember.person_id == person)).first()  # type: ignore[return-value]


def add_slot(engine, *, group: int, weekday: int, activity: str, valid_from: date | None = None,  # type: ignore[no-untyped-def]
             valid_until: date | None = None) -> int:
    """A weekly time 16.00-18.00 in the group; by default in effect since always, for now."""
    from datetime import time

    from portal.models import GroupSlot

    with transaction(engine) as session:
        slot = GroupSlot(group_id=group, weekday=weekday, starts_at=time(16), ends_at=time(18), activity=activity,
                         place="Verstas", valid_until=valid_until)
        if valid_from is not None:
            slot.valid_from = valid_from
        session.add(slot)
        session.flush()
        return slot.id  # type: ignore[return-value]


def aino_assessment(engine, person: int) -> int:  # type: ignore[no-untyped-def]
    """A sent self-assessment with one answer, on the shipped content."""
    from portal.assessment.content import load_library
    from portal.models import Assessment, AssessmentAnswer

    loaded = load_library().current()
    with transaction(engine) as session:
        assessment = Assessment(person_id=person, occasion="extra", content_id=loaded.questionnaire.id,
                                content_version=loaded.questionnaire.version, content_sha256=loaded.sha256,
                                status="sent", started_by_person_id=person, sent_at=sessions.now_utc(),
                                sent_by_person_id=person)
        session.add(assessment)
        session.flush()
        session.add(AssessmentAnswer(assessment_id=assessment.id, question_id="sleep", value="4",
                                     entered_by_person_id=person, entered_as="client"))
        assert assessment.id is not None
        return assessment.id


def add_client_feedback(engine, *, person: int | None, unit: int, mood: int = 4, text: str = "") -> int:  # type: ignore[no-untyped-def]
    """Feedback as a client would leave it (None: anonymous)."""
    with transaction(engine) as session:
        feedback = ClientFeedback(unit_id=unit, person_id=person, mood=mood, text=text, given_on=calendar_days.today())
        session.add(feedback)
        session.flush()
        assert feedback.id is not None
        return feedback.id


def add_passkey(engine, *, person: int) -> int:  # type: ignore[no-untyped-def]
    """A passkey row for the person's easy login (set up if needed): a target
    for the routes that take a passkey id. Its key logs nobody in; the
    passkey tests make real ones (tests/support/soft_authenticator.py)."""
    import secrets

    from portal.easy_login import accounts
    from portal.easy_login.models import Passkey

    with transaction(engine) as session:
        accounts.current(session, person) or accounts.begin(session, person_id=person, how="self", by_person_id=None)
        passkey = Passkey(person_id=person, credential_id=secrets.token_urlsafe(32), public_key="AA", label="Android")
        session.add(passkey)
        session.flush()
        assert passkey.id is not None
        return passkey.id


def add_parked_notification(engine, *, person: int) -> int:  # type: ignore[no-untyped-def]
    """A notification to the person that failed too often: what the staff's outbox offers to send again."""
    from portal.notifications.models import Notification

    with transaction(engine) as session:
        row = Notification(key=f"tomorrow:parked:{person}:email", category="tomorrow", channel="email",
                           person_id=person, client_person_id=person, object_id="2026-12-10", state="parked",
                           attempts=8, outcome="smtp_451")
        session.add(row)
        session.flush()
        return row.id  # type: ignore[return-value]
