"""A shared device at an activity centre, marked by staff with a signed cookie.

On a kiosk the idle timeout is short and logging out returns to the start page.
"""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.requests import Request
from starlette.responses import Response

COOKIE_NAME = "portal_kiosk"
TEN_YEARS = 10 * 365 * 24 * 3600


def _serializer(request: Request) -> URLSafeSerializer:
    return URLSafeSerializer(request.app.state.settings.secret_key, salt="portal kiosk device")


def is_kiosk(request: Request) -> bool:
    value = request.cookies.get(COOKIE_NAME)
    if not value:
        return False
    try:
        return bool(_serializer(request).loads(value).get("kiosk"))
    except (BadSignature, AttributeError):
        return False


def mark(request: Request, response: Response, *, unit_id: int) -> None:
    response.set_cookie(
        COOKIE_NAME,
        _serializer(request).dumps({"kiosk": True, "unit": unit_id}),
        max_age=TEN_YEARS,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.secure_cookies,
    )


def unmark(response: Response) -> None:
    response.delete_cookie(COOKIE_NAME)
