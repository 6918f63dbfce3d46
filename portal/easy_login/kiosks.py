"""Kiosks: shared devices of a unit, marked by its staff.

The device keeps a signed cookie with the kiosk's id and a random secret;
the database keeps the secret's hash. Staff remove the mark here, and the
cookie then opens nothing, wherever it was copied."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable

from sqlmodel import Session, col, select

from portal import clock
from portal.easy_login.models import Kiosk


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def mark(session: Session, *, unit_id: int, name: str, staff_person_id: int) -> tuple[Kiosk, str]:
    """A new kiosk of the unit, and the secret its device keeps."""
    secret = secrets.token_urlsafe(32)
    kiosk = Kiosk(unit_id=unit_id, name=name.strip(), secret_hash=_hash(secret), marked_by_person_id=staff_person_id,
                  created_at=clock.now())
    session.add(kiosk)
    session.flush()
    return kiosk, secret


def find(session: Session, *, kiosk_id: object, secret: object) -> Kiosk | None:
    """The kiosk a device's cookie names, if its secret is right and the mark stands."""
    if not isinstance(kiosk_id, int) or not isinstance(secret, str) or not secret:
        return None
    kiosk = session.get(Kiosk, kiosk_id)
    if kiosk is None or kiosk.revoked_at is not None:
        return None
    return kiosk if hmac.compare_digest(kiosk.secret_hash, _hash(secret)) else None


def of_units(session: Session, unit_ids: Iterable[int]) -> list[Kiosk]:
    """The marked kiosks of these units, newest first (a unit has a few)."""
    return list(session.exec(
        select(Kiosk).where(col(Kiosk.unit_id).in_(list(unit_ids)), col(Kiosk.revoked_at).is_(None))
        .order_by(col(Kiosk.id).desc())
    ).all())


def revoke(session: Session, *, kiosk_id: int, unit_ids: Iterable[int]) -> Kiosk | None:
    """Remove a kiosk's mark; only a kiosk of one of these units."""
    kiosk = session.get(Kiosk, kiosk_id)
    if kiosk is None or kiosk.unit_id not in set(unit_ids) or kiosk.revoked_at is not None:
        return None
    kiosk.revoked_at = clock.now()
    session.add(kiosk)
    return kiosk
