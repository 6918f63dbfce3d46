"""Language switch and health checks."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.concurrency import run_in_threadpool

from portal import db, i18n
from portal.web.guard import public
from portal.web.middleware import LANGUAGE_COOKIE

ONE_YEAR = 365 * 24 * 3600


def local_path(candidate: str | None) -> str:
    """Only a path on this site may be a redirect target."""
    if not candidate or not candidate.startswith("/") or candidate.startswith("//") or "\\" in candidate:
        return "/"
    return candidate


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


@public
async def healthz(_request: Request) -> Response:
    return PlainTextResponse("ok")


@public
async def readyz(request: Request) -> Response:
    if await run_in_threadpool(db.is_reachable, request.app.state.engine):
        return PlainTextResponse("ready")
    return PlainTextResponse("database unreachable", status_code=503)


routes = [
    Route("/language/{code}", change_language, name="change_language"),
    Route("/healthz", healthz, name="healthz"),
    Route("/readyz", readyz, name="readyz"),
]
