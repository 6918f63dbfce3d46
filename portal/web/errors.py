"""Error pages in the portal's layout and the user's language.

No stack trace ever reaches a user: unexpected errors are logged with the
request path only and answered with the plain 500 page.
"""

from __future__ import annotations

import logging

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portal.forms import CsrfRefused
from portal.web.middleware import SECURITY_HEADERS
from portal.web.templating import render

log = logging.getLogger("portal.errors")

# Status codes that have a page of their own; others use the generic one.
PAGES = {
    400: "errors/400.html",
    403: "errors/403.html",
    404: "errors/404.html",
    405: "errors/404.html",
    413: "errors/413.html",
    500: "errors/500.html",
}


def error_page(request: Request, status_code: int) -> Response:
    template = PAGES.get(status_code, "errors/400.html" if status_code < 500 else "errors/500.html")
    response = render(request, template, {"status_code": status_code}, status_code=status_code)
    if status_code == 405:
        response.status_code = 404  # an unknown method is an unknown page to a user
    return response


def not_found(request: Request) -> Response:
    """The 404 page: also for a thing that exists but is not this person's to see."""
    return error_page(request, 404)


def bad_request(request: Request) -> Response:
    """The 400 page: a request no form of ours sends (a tampered address or field)."""
    return error_page(request, 400)


def forbidden(request: Request) -> Response:
    return error_page(request, 403)


async def http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return error_page(request, exc.status_code)


async def csrf_refused(request: Request, _exc: Exception) -> Response:
    return render(request, "errors/csrf.html", status_code=403)


def database_code(exc: Exception) -> str:
    """A database error's code, which names the kind of failure and nothing of
    the data (" SQLITE_BUSY_SNAPSHOT", " 40P01"); "" for any other error. The
    error's text is not logged: it holds the statement's values."""
    original = getattr(exc, "orig", None)
    code = getattr(original, "sqlite_errorname", None) or getattr(original, "sqlstate", None)
    return f" {code}" if isinstance(code, str) and code.replace("_", "").isalnum() else ""


async def server_error(request: Request, exc: Exception) -> Response:
    # Only the type, the route pattern and the request id: the exception text
    # and the raw path may hold personal data.
    state = request.scope.get("state", {})
    log.error(
        "unhandled %s%s on %s %s id=%s",
        type(exc).__name__,
        database_code(exc),
        request.method,
        state.get("route_pattern", "-"),
        state.get("request_id", "-"),
    )
    response = error_page(request, 500)
    # This response is sent outside the middleware stack: add the headers here.
    response.headers.update(SECURITY_HEADERS)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Request-Id"] = state.get("request_id", "-")
    return response


class AfterErrorPage:
    """The outermost layer: ends an error once the 500 page has been sent.

    Starlette re-raises an unhandled error after its handler has answered, so
    that the server can log it; uvicorn then prints the whole traceback, and
    library error messages in it carry SQL parameters and what people typed.
    `server_error` has logged what is needed, so the error stops here.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        try:
            await self.app(scope, receive, send)
        except Exception:  # logged by server_error and answered with the 500 page
            pass


EXCEPTION_HANDLERS = {
    HTTPException: http_exception,
    CsrfRefused: csrf_refused,
    Exception: server_error,
}


class BodyLimit:
    """Refuse oversized bodies with the 413 page, before anything is stored.

    A declared Content-Length over the limit is refused before reading; a body
    without one is counted as it arrives, and the endpoint that reads it gets
    an HTTP 413 error, which the exception handlers turn into the page.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = Headers(scope=scope).get("content-length", "")
        if length.isdigit() and int(length) > self.max_bytes:
            response = error_page(Request(scope, receive), 413)
            return await response(scope, receive, send)

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(status_code=413)
            return message

        await self.app(scope, limited_receive, send)
