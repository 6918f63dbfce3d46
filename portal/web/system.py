"""Language switch. (The health checks are in portal.health.)"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal import i18n
from portal.web.guard import public
from portal.web.middleware import LANGUAGE_COOKIE
from portal.web.redirects import local_path

ONE_YEAR = 365 * 24 * 3600


@public
async def change_language(request: Request) -> Response:
    code = i18n.supported(request.path_params["code"])
    response = RedirectResponse(local_path(request.query_params.get("next")), status_code=303)
    response.set_cookie(
        LANGUAGE_COOKIE,
        code,
        max_age=ONE_YEAR,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.secure_cookies,
    )
    return response


routes = [
    Route("/language/{code}", change_language, name="change_language"),
]
