"""A person's e-mail address and mobile number, each confirmed with a
one-time code sent to it before any notification goes there.

A code has 6 digits, lives 15 minutes and allows 5 wrong tries; only a keyed
hash of it is kept with the contact point. Sending codes is limited per
person and per address (portal.rate_limit), so nobody can use the portal to
flood someone else's phone.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import phonenumbers
from sqlmodel import Session, col, select

from portal import rate_limit
from portal.notifications import outbox
from portal.notifications.models import Category, Channel, ContactPoint, Notification, State

CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=15)
MAX_TRIES = 5
CODES_PER_PERSON = rate_limit.Limit("notification_codes_per_person", max_hits=5, window_seconds=60 * 60)
CODES_PER_ADDRESS = rate_limit.Limit("notification_codes_per_address", max_hits=3, window_seconds=60 * 60)
EMAIL_MAX = 254
# A plain address: no spaces, quotes, angle brackets or commas (nothing a
# header could be split at), one @, a domain with a dot.
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
                    r"[A-Za-z]{2,63}$")


class InvalidAddress(ValueError):
    pass


def normalise_email(text: str) -> str:
    address = (text or "").strip()
    if len(address) > EMAIL_MAX or not _EMAIL.match(address) or ".." in address or address.startswith("."):
        raise InvalidAddress("email")
    local, domain = address.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def normalise_mobile(text: str) -> str:
    """A mobile number in E.164 (+358401234567); Finnish when it has no country code."""
    typed = (text or "").strip()
    if not typed or len(typed) > 30:
        raise InvalidAddress("mobile")
    try:
        number = phonenumbers.parse(typed, "FI")
    except phonenumbers.NumberParseException:
        raise InvalidAddress("mobile") from None
    if not phonenumbers.is_valid_number(number) or phonenumbers.number_type(number) not in (
            phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        raise InvalidAddress("mobile")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise(channel: str, text: str) -> str:
    return normalise_email(text) if channel == Channel.EMAIL else normalise_mobile(text)


def shown(channel: str, address: str) -> str:
    """An address as a person reads it: a mobile number in the national form when Finnish."""
    if channel == Channel.SMS and address.startswith("+358"):
        return phonenumbers.format_number(phonenumbers.parse(address), phonenumbers.PhoneNumberFormat.NATIONAL)
    return address


def masked(channel: str, address: str) -> str:
    """For the staff's outbox: enough to tell addresses apart, not enough to use one."""
    if not address:
        return ""
    if channel == Channel.SMS:
        return address[:4] + "•" * max(0, len(address) - 7) + address[-3:]
    local, _, domain = address.partition("@")
    return f"{local[:1]}•••@{domain}"


def _code_hash(secret: str, contact_id: int, code: str) -> str:
    key = hmac.new(secret.encode(), b"portal notification confirmation code", hashlib.sha256).digest()
    return hmac.new(key, f"{contact_id}:{code}".encode(), hashlib.sha256).hexdigest()


def of_person(session: Session, person_id: int) -> dict[str, ContactPoint]:
    found = session.exec(select(ContactPoint).where(ContactPoint.person_id == person_id)).all()
    return {contact.channel: contact for contact in found}


def of_people(session: Session, person_ids: set[int]) -> list[ContactPoint]:
    """These people's contact points (the outbox page's addresses)."""
    if not person_ids:
        return []
    return list(session.exec(select(ContactPoint).where(col(ContactPoint.person_id).in_(person_ids))).all())


def _contact(session: Session, person_id: int, channel: str, *, language: str, now: datetime) -> ContactPoint:
    contact = session.exec(select(ContactPoint).where(ContactPoint.person_id == person_id,
                                                      ContactPoint.channel == channel).with_for_update()).first()
    if contact is None:
        contact = ContactPoint(person_id=person_id, channel=channel, language=language, created_at=now, updated_at=now)
        session.add(contact)
        session.flush()
    return contact


@dataclass(frozen=True)
class Started:
    outcome: str  # "sent", "limited" (too many codes), "same" (this address is confirmed already)
    notification_id: int | None = None


def start(session: Session, *, person_id: int, channel: str, address: str, language: str, now: datetime,
          secret: str) -> Started:
    """Keep a new address waiting and send a code to it; `address` is normalised already."""
    contact = _contact(session, person_id, channel, language=language, now=now)
    if contact.address == address and contact.confirmed_at is not None:
        contact.pending_address, contact.code_hash, contact.code_expires_at = "", "", None
        contact.language, contact.updated_at = language, now
        session.add(contact)
        return Started("same")
    if not (rate_limit.allow(session, limit=CODES_PER_PERSON, key=str(person_id), secret=secret, now=now)
            and rate_limit.allow(session, limit=CODES_PER_ADDRESS, key=address, secret=secret, now=now)):
        return Started("limited")
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    contact.pending_address, contact.language, contact.updated_at = address, language, now
    contact.code_hash = _code_hash(secret, contact.id, code)  # type: ignore[arg-type]
    contact.code_expires_at, contact.code_failed_tries = now + CODE_LIFETIME, 0
    session.add(contact)
    _cancel_codes(session, contact.id)  # type: ignore[arg-type]
    notification_id = outbox.enqueue_direct(
        session, key=f"code:{contact.id}:{now.timestamp():.6f}", category=Category.CONFIRMATION_CODE, channel=channel,
        to_address=address, language=language, body=code, person_id=person_id, now=now,
        expires_at=now + CODE_LIFETIME)
    return Started("sent", notification_id)


def _cancel_codes(session: Session, contact_id: int) -> None:
    """An older code of this contact point opens nothing now: it need not go out."""
    for row in session.exec(select(Notification).where(col(Notification.key).startswith(f"code:{contact_id}:"),
                                                       Notification.state == State.QUEUED.value)).all():
        row.state, row.outcome, row.body = State.CANCELLED.value, "replaced", ""
        session.add(row)


@dataclass(frozen=True)
class Confirmed:
    outcome: str  # "confirmed", "wrong", "expired", "too_many", "nothing" (no code waits)
    tries_left: int = 0


def confirm(session: Session, *, person_id: int, channel: str, code: str, now: datetime, secret: str) -> Confirmed:
    contact = session.exec(select(ContactPoint).where(ContactPoint.person_id == person_id,
                                                      ContactPoint.channel == channel).with_for_update()).first()
    if contact is None or not contact.pending_address or not contact.code_hash:
        return Confirmed("nothing")
    if contact.code_failed_tries >= MAX_TRIES:
        return Confirmed("too_many")
    if contact.code_expires_at is None or contact.code_expires_at <= now:
        return Confirmed("expired")
    if not hmac.compare_digest(contact.code_hash, _code_hash(secret, contact.id, code.strip())):  # type: ignore[arg-type]
        contact.code_failed_tries += 1
        contact.updated_at = now
        session.add(contact)
        left = MAX_TRIES - contact.code_failed_tries
        return Confirmed("wrong", left) if left > 0 else Confirmed("too_many")
    contact.address, contact.confirmed_at = contact.pending_address, now
    contact.pending_address, contact.code_hash, contact.code_expires_at, contact.code_failed_tries = "", "", None, 0
    contact.updated_at = now
    session.add(contact)
    return Confirmed("confirmed")


def remove(session: Session, *, person_id: int, channel: str) -> bool:
    """Forget the address (confirmed or waiting); what waits to go there is cancelled."""
    contact = session.exec(select(ContactPoint).where(ContactPoint.person_id == person_id,
                                                      ContactPoint.channel == channel)).first()
    if contact is None:
        return False
    for row in session.exec(select(Notification).where(Notification.person_id == person_id,
                                                       Notification.channel == channel,
                                                       Notification.state == State.QUEUED.value)).all():
        row.state, row.outcome, row.body = State.CANCELLED.value, "no_contact", ""
        session.add(row)
    session.delete(contact)
    session.flush()
    return True
