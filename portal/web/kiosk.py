"""A shared device at an activity centre, marked by staff with a signed cookie.

On a kiosk the idle timeout is short and logging out returns to the start
page. The cookie names the kiosk (portal.easy_login.kiosks) and holds its
secret: the easy login's number codes work only where the database still
knows that kiosk (`device`), so a removed mark or a forged cookie opens
nothing.
"""

from __future__ import annotations

from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from portal.easy_login import kiosks
from portal.easy_login.models import Kiosk

COOKIE_NAME = "portal_kiosk"
TEN_YEARS = 10 * 365 * 24 * 3600


def _serializer(request: Request) -> URLSafeSerializer:
    return URLSafeSerializer(request.app.state.settings.secret_key, salt="portal kiosk device")


def _payload(request: Request) -> dict[str, Any] | None:
    value = request.cookies.get(COOKIE_NAME)
    if not value:
        return None
    try:
        payload = _serializer(request).loads(value)
    except BadSignature:
        return None
    return payload if isinstance(payload, dict) and payload.get("kiosk") else None


def is_kiosk(request: Request) -> bool:
    """The device says it is a kiosk (its cookie is ours): short idle times."""
    return _payload(request) is not None


def device(request: Request, session: Session) -> Kiosk | None:
    """The kiosk this device is, if its mark still stands in the database."""
    payload = _payload(request)
    if payload is None:
        return None
    return kiosks.find(session, kiosk_id=payload.get("id"), secret=payload.get("secret"))


def cookie_value(secret_key: str, *, kiosk: Kiosk, secret: str) -> str:
    """The device's cookie for `kiosk` (the tests make one too)."""
    return URLSafeSerializer(secret_key, salt="portal kiosk device").dumps(
        {"kiosk": True, "unit": kiosk.unit_id, "id": kiosk.id, "secret": secret})


def mark(request: Request, response: Response, *, kiosk: Kiosk, secret: str) -> None:
    response.set_cookie(
        COOKIE_NAME,
        cookie_value(request.app.state.settings.secret_key, kiosk=kiosk, secret=secret),
        max_age=TEN_YEARS,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.secure_cookies,
    )


def unmark(response: Response) -> None:
    response.delete_cookie(COOKIE_NAME)
