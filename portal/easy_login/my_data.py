""""Omat tietoni" of the easy login: whether it is in force and how it began,
the passkeys, the enrolment codes staff gave and the instructor's
confirmations at a kiosk. Never a secret: no code, hash or key."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from portal.easy_login.models import EasyLogin, EnrolmentCode, Kiosk, KioskHelpRequest, Passkey
from portal.models import Person
from portal.mydata import Request

# A handful of rows a person: a passkey a phone, a code when staff enrol, a
# confirmation a visit at most. The cap only keeps the page readable.
SHOWN = 50


def _names(session: Session, ids: set[int | None]) -> dict[int | None, str]:
    people = session.exec(select(Person).where(col(Person.id).in_([i for i in ids if i is not None]))).all()
    return {person.id: f"{person.given_name} {person.family_name}" for person in people}


def easy_login(session: Session, asked: Request) -> dict[str, Any] | None:
    login = session.exec(select(EasyLogin).where(EasyLogin.person_id == asked.person_id)).first()
    if login is None:
        return None
    passkeys = session.exec(select(Passkey).where(Passkey.person_id == asked.person_id)
                            .order_by(col(Passkey.id).desc()).limit(SHOWN)).all()
    given = session.exec(select(EnrolmentCode).where(EnrolmentCode.person_id == asked.person_id)
                         .order_by(col(EnrolmentCode.id).desc()).limit(SHOWN)).all()
    helped = session.exec(select(KioskHelpRequest, Kiosk).join(Kiosk, col(Kiosk.id) == KioskHelpRequest.kiosk_id)
                          .where(KioskHelpRequest.person_id == asked.person_id)
                          .order_by(col(KioskHelpRequest.id).desc()).limit(SHOWN)).all()
    names = _names(session, {login.enrolled_by_person_id} | {code.created_by_person_id for code in given}
                   | {request.answered_by_person_id for request, _kiosk in helped})
    return {
        "created_at": login.created_at, "how": login.enrolled_how, "who": names.get(login.enrolled_by_person_id),
        "guardian_consent": login.guardian_consent, "has_code": bool(login.code_hash),
        "code_set_at": login.code_set_at, "locked": login.locked_at is not None,
        "on_kiosk_list": login.on_kiosk_list, "symbol": login.symbol, "instructor_helps": login.instructor_helps,
        "last_used_at": login.last_used_at, "ended_at": login.ended_at,
        "passkeys": [{"label": key.label, "created_at": key.created_at, "last_used_at": key.last_used_at,
                      "removed_at": key.removed_at} for key in passkeys],
        "enrolment_codes": [{"created_at": code.created_at, "who": names.get(code.created_by_person_id),
                             "used_at": code.used_at} for code in given],
        "instructor_confirmations": [{"asked_at": request.created_at, "kiosk": kiosk.name, "answer": request.answer,
                                      "who": names.get(request.answered_by_person_id)} for request, kiosk in helped],
    }
