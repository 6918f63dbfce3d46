"""What every easy way in does when it succeeds."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from portal.auth import sessions
from portal.forms import csrf


def signed_in(request: Request, token: str, *, to: str = "/home") -> Response:
    """Redirect into the portal with the new easy session's cookie; a new form
    key too, as after any login (the previous person's forms stop working)."""
    response = RedirectResponse(to, status_code=303)
    secure = request.app.state.settings.secure_cookies
    response.set_cookie(sessions.COOKIE_NAMES["client"], token, httponly=True, samesite="lax", secure=secure, path="/")
    response.set_cookie(csrf.COOKIE_NAME, csrf.new_seed(), httponly=True, samesite="lax", secure=secure, path="/")
    return response
