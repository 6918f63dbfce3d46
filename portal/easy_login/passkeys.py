"""Passkeys: a WebAuthn credential on the client's own phone (py_webauthn).

A client adds one after their own strong login, or with an enrolment code
staff gave them; "Kirjaudu puhelimella" then starts an easy session with the
phone's own unlock (fingerprint, face or the phone's code). The key is
discoverable (a resident key), so nobody types a name: the phone answers
with the key's id and the user handle, which is EasyLogin.user_handle, a
random value (never the person id or the identity code).

Every challenge is kept here, bound to the browser it was given to (a hash
of that browser's CSRF cookie seed), answers once (one UPDATE ... WHERE
used_at IS NULL) and within CHALLENGE_LIFETIME. The origin and RP id are
the portal's own (settings.base_url), user verification is required, and
the sign count is kept: a count that does not grow (when either count is
non-zero) means a copied key, is refused and noted in the access log.
Nothing here knows HTTP.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import and_, delete, or_, update
from sqlmodel import Session, col, select
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url, generate_challenge
from webauthn.helpers import parse_authentication_credential_json
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from portal import access_log, clock
from portal.auth.sessions import as_utc
from portal.easy_login import accounts, sign_in
from portal.easy_login.models import Kiosk, Passkey, PasskeyChallenge
from portal.models import Person

CHALLENGE_LIFETIME = timedelta(minutes=5)
# The browser's own wait for the phone; no shorter than the challenge's life.
TIMEOUT_MS = int(CHALLENGE_LIFETIME.total_seconds() * 1000)
RP_NAME = "Oma työtoiminta"
MAX_ANSWER = 20_000  # characters of a browser's answer: a real one is about 1,000
REGISTER, LOGIN = "register", "login"


class Problem(enum.StrEnum):
    CHALLENGE = "challenge"  # not this browser's, used already, expired, or never given
    INVALID = "invalid"  # the answer does not verify: origin, RP id, signature, user verification
    UNKNOWN = "unknown"  # no such passkey, or it was removed
    ENDED = "ended"  # the person's easy login has ended
    SIGN_COUNT = "sign_count"  # the count did not grow: a copied key
    DUPLICATE = "duplicate"  # this key is already in use


@dataclass(frozen=True)
class RelyingParty:
    """The portal as WebAuthn sees it: its origin, and its host as the RP id."""

    id: str
    origin: str
    name: str = RP_NAME


def relying_party(base_url: str) -> RelyingParty:
    parts = urlsplit(base_url)
    return RelyingParty(id=parts.hostname or "", origin=f"{parts.scheme}://{parts.netloc}")


def browser_hash(csrf_seed: str) -> str:
    """What a challenge keeps of the browser it was given to."""
    return hashlib.sha256(f"portal passkey browser\n{csrf_seed}".encode()).hexdigest()


def _new_challenge(session: Session, *, purpose: str, person_id: int | None, browser: str) -> bytes:
    now = clock.now()
    # Old challenges have no use: they go as new ones come (one indexed delete).
    session.exec(delete(PasskeyChallenge).where(  # type: ignore[call-overload]
        col(PasskeyChallenge.expires_at) < now - timedelta(days=1)))
    challenge = generate_challenge()[:32]
    session.add(PasskeyChallenge(challenge=bytes_to_base64url(challenge), purpose=purpose, person_id=person_id,
                                 browser_hash=browser, created_at=now, expires_at=now + CHALLENGE_LIFETIME))
    session.flush()
    return challenge


def _answered_challenge(answer: str) -> str | None:
    """The challenge the browser's answer says it answers (checked again,
    signed, by the library); None when the answer is not even readable."""
    try:
        data = json.loads(answer)
        client_data = data["response"]["clientDataJSON"]
        padded = client_data + "=" * (-len(client_data) % 4)
        challenge = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))["challenge"]
    except Exception:  # anything malformed is simply no answer
        return None
    return challenge if isinstance(challenge, str) and len(challenge) <= 100 else None


def _take_challenge(session: Session, answer: str, *, purpose: str, person_id: int | None,
                    browser: str) -> bytes | None:
    """Use the answered challenge once: only if it was given to this browser
    (and person) for this purpose, is unused and has not expired."""
    challenge = _answered_challenge(answer)
    if challenge is None:
        return None
    now = clock.now()
    conditions = [col(PasskeyChallenge.challenge) == challenge, col(PasskeyChallenge.purpose) == purpose,
                  col(PasskeyChallenge.browser_hash) == browser, col(PasskeyChallenge.used_at).is_(None),
                  col(PasskeyChallenge.expires_at) > now]
    if person_id is not None:
        conditions.append(col(PasskeyChallenge.person_id) == person_id)
    used = session.exec(update(PasskeyChallenge).where(*conditions).values(used_at=now)).rowcount  # type: ignore[call-overload]
    return base64url_to_bytes(challenge) if used == 1 else None


# Adding a passkey -----------------------------------------------------------------------


def registration_options(session: Session, *, person: Person, rp: RelyingParty, browser: str) -> str:
    """The options for navigator.credentials.create(), as JSON. After a strong
    login the person's easy login begins here if it was not in force (the
    options need its user handle); with an enrolment code it already is."""
    assert person.id is not None
    login = accounts.current(session, person.id) or accounts.begin(session, person_id=person.id, how="self",
                                                                    by_person_id=None)
    challenge = _new_challenge(session, purpose=REGISTER, person_id=person.id, browser=browser)
    name = f"{person.given_name} {person.family_name}".strip()
    options = generate_registration_options(
        rp_id=rp.id, rp_name=rp.name, user_id=base64url_to_bytes(login.user_handle), user_name=name,
        user_display_name=name, challenge=challenge, timeout=TIMEOUT_MS,
        attestation=AttestationConveyancePreference.NONE,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED, user_verification=UserVerificationRequirement.REQUIRED),
        # A phone that already holds one of the person's keys says so instead of adding another.
        exclude_credentials=[PublicKeyCredentialDescriptor(id=base64url_to_bytes(key.credential_id))
                             for key in in_use(session, person.id)],
    )
    return options_to_json(options)


@dataclass(frozen=True)
class Added:
    passkey: Passkey | None
    problem: Problem | None


def add(session: Session, *, person_id: int, answer: str, rp: RelyingParty, browser: str, device: str) -> Added:
    """Verify the phone's answer to registration_options and keep its key.

    The challenge is used even when the answer fails: a second try starts
    again from new options. Nothing else is written on a failure."""
    if len(answer) > MAX_ANSWER:
        return Added(None, Problem.INVALID)
    challenge = _take_challenge(session, answer, purpose=REGISTER, person_id=person_id, browser=browser)
    if challenge is None:
        return Added(None, Problem.CHALLENGE)
    if accounts.current(session, person_id) is None:  # ended by staff meanwhile
        return Added(None, Problem.ENDED)
    try:
        verified = verify_registration_response(credential=answer, expected_challenge=challenge,
                                                expected_rp_id=rp.id, expected_origin=rp.origin,
                                                require_user_verification=True)
    except Exception:  # the library's own errors, and whatever a malformed answer raises in parsing
        return Added(None, Problem.INVALID)
    credential_id = bytes_to_base64url(verified.credential_id)
    if len(credential_id) > 1400 or session.exec(select(Passkey.id).where(Passkey.credential_id == credential_id)).first():
        return Added(None, Problem.DUPLICATE)
    passkey = Passkey(person_id=person_id, credential_id=credential_id,
                      public_key=bytes_to_base64url(verified.credential_public_key),
                      sign_count=verified.sign_count, label=device[:60], created_at=clock.now())
    session.add(passkey)
    session.flush()
    return Added(passkey, None)


# Logging in with a passkey --------------------------------------------------------------


def authentication_options(session: Session, *, rp: RelyingParty, browser: str) -> str:
    """The options for navigator.credentials.get(), as JSON: any of the
    portal's keys on this phone (discoverable), the phone's unlock required."""
    challenge = _new_challenge(session, purpose=LOGIN, person_id=None, browser=browser)
    options = generate_authentication_options(rp_id=rp.id, challenge=challenge, timeout=TIMEOUT_MS,
                                              allow_credentials=[],
                                              user_verification=UserVerificationRequirement.REQUIRED)
    return options_to_json(options)


@dataclass(frozen=True)
class SignedIn:
    token: str | None
    problem: Problem | None


def log_in(session: Session, *, answer: str, rp: RelyingParty, browser: str, kiosk: Kiosk | None,
           meta: dict[str, str]) -> SignedIn:
    """Verify the phone's answer to authentication_options; an easy session's
    cookie value when it holds. A removed key, a key of an ended easy login
    and a key whose count does not grow open nothing."""
    if len(answer) > MAX_ANSWER:
        return SignedIn(None, Problem.INVALID)
    challenge = _take_challenge(session, answer, purpose=LOGIN, person_id=None, browser=browser)
    if challenge is None:
        return SignedIn(None, Problem.CHALLENGE)
    try:
        credential = parse_authentication_credential_json(answer)
    except Exception:
        return SignedIn(None, Problem.INVALID)
    passkey = session.exec(select(Passkey).where(Passkey.credential_id == credential.id)).first()
    if passkey is None:
        return SignedIn(None, Problem.UNKNOWN)

    def failed(problem: Problem, action: str = "login_failed", object_type: str = "easy_login_passkey") -> SignedIn:
        access_log.record(session, action=action, object_type=object_type, object_id=f"passkey:{passkey.id}",
                          actor_person_id=passkey.person_id, actor_role="client",
                          subject_person_id=passkey.person_id, **meta)
        return SignedIn(None, problem)

    if passkey.removed_at is not None:
        return failed(Problem.UNKNOWN)
    login = accounts.current(session, passkey.person_id)
    if login is None:
        return failed(Problem.ENDED)
    # A discoverable key says whose it is; it must be this easy login's handle.
    if credential.response.user_handle != base64url_to_bytes(login.user_handle):
        return failed(Problem.INVALID)
    try:
        # The count is compared below, after the signature holds, so that only
        # a genuine answer from a copied key is noted as one.
        verified = verify_authentication_response(
            credential=credential, expected_challenge=challenge, expected_rp_id=rp.id, expected_origin=rp.origin,
            credential_public_key=base64url_to_bytes(passkey.public_key), credential_current_sign_count=0,
            require_user_verification=True)
    except Exception:
        return failed(Problem.INVALID)
    new_count = verified.new_sign_count
    grown = session.exec(update(Passkey).where(  # type: ignore[call-overload]
        col(Passkey.id) == passkey.id,
        or_(col(Passkey.sign_count) < new_count, and_(col(Passkey.sign_count) == 0, new_count == 0)),
    ).values(sign_count=new_count, last_used_at=clock.now())).rowcount
    if grown != 1:
        return failed(Problem.SIGN_COUNT, action="refused", object_type="easy_login_passkey_sign_count")
    token = sign_in.start(session, login=login, method=sign_in.Method.PASSKEY, kiosk=kiosk, meta=meta)
    return SignedIn(token, None)


# The person's keys ------------------------------------------------------------------------


def in_use(session: Session, person_id: int) -> list[Passkey]:
    """The person's keys that work, oldest first (a person has a few at most)."""
    return list(session.exec(select(Passkey).where(Passkey.person_id == person_id, col(Passkey.removed_at).is_(None))
                             .order_by(col(Passkey.created_at), col(Passkey.id))).all())


def remove(session: Session, *, person_id: int, passkey_id: int) -> bool:
    """Remove one of the person's keys; False when it is not theirs or was removed already."""
    removed = session.exec(update(Passkey).where(  # type: ignore[call-overload]
        col(Passkey.id) == passkey_id, col(Passkey.person_id) == person_id, col(Passkey.removed_at).is_(None),
    ).values(removed_at=clock.now())).rowcount
    return removed == 1


@dataclass(frozen=True)
class Row:
    """One key as a list shows it."""

    id: int
    device: str  # "iPhone", "Android"...; "" when the browser did not say
    added_on: date
    last_used_on: date | None


def rows(session: Session, person_id: int) -> list[Row]:
    def day(moment: datetime | None) -> date | None:
        return as_utc(moment).astimezone(clock.HELSINKI).date() if moment is not None else None

    return [Row(key.id, key.label, day(key.created_at), day(key.last_used_at))  # type: ignore[arg-type]
            for key in in_use(session, person_id)]


def device_name(user_agent: str) -> str:
    """A word for the kind of phone, from the browser's User-Agent, for the
    person to tell their keys apart; names of products, the same in every language."""
    for marker, name in (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("Windows", "Windows"),
                         ("Macintosh", "Mac"), ("CrOS", "Chromebook"), ("Linux", "Linux")):
        if marker in user_agent:
            return name
    return ""


