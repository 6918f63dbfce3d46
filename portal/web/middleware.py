"""Pure ASGI middleware: security headers, locale, CSRF cookie, body limit."""

from __future__ import annotations

import logging
import secrets
import time
from http.cookies import SimpleCookie

from starlette.datastructures import Headers, MutableHeaders
from starlette.routing import BaseRoute, Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portal import i18n, logs
from portal.forms import csrf
from portal.metrics import instruments

LANGUAGE_COOKIE = "portal_lang"
request_log = logging.getLogger("portal.requests")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def _cookies(scope: Scope) -> dict[str, str]:
    header = Headers(scope=scope).get("cookie", "")
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except Exception:  # a malformed cookie header is treated as no cookies
        return {}
    return {key: morsel.value for key, morsel in jar.items()}


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if self.hsts:
                    headers.setdefault("Strict-Transport-Security", "max-age=31536000")
                # Pages, JSON answers and redirects may all be personal; static
                # files set their own long cache time.
                headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BrowserState:
    """Sets the locale for the request and makes sure the browser has a CSRF seed."""

    def __init__(self, app: ASGIApp, *, secure_cookies: bool) -> None:
        self.app = app
        self.secure = "; Secure" if secure_cookies else ""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        cookies = _cookies(scope)
        chosen = cookies.get(LANGUAGE_COOKIE)
        if chosen is None:
            chosen = i18n.from_accept_language(Headers(scope=scope).get("accept-language", ""))
        i18n.set_locale(i18n.supported(chosen))

        seed = cookies.get(csrf.COOKIE_NAME, "")
        new_seed = None
        if len(seed) < 32:
            seed = new_seed = csrf.new_seed()
        scope.setdefault("state", {})["csrf_seed"] = seed
        request_id = scope["state"].get("request_id") or secrets.token_hex(8)  # RequestLog made it
        scope["state"]["request_id"] = request_id

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["X-Request-Id"] = request_id
            if message["type"] == "http.response.start" and new_seed:
                MutableHeaders(scope=message).append(
                    "set-cookie",
                    f"{csrf.COOKIE_NAME}={new_seed}; Path=/; HttpOnly; SameSite=Lax{self.secure}",
                )
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def route_pattern(scope: Scope) -> str:
    """The route's pattern for a request, such as `/language/{code}`.

    Logs carry this instead of the raw path: a path can hold anything a
    sender types, identity codes included.
    """
    return _pattern(getattr(scope.get("app"), "routes", []), scope, "") or "(no route)"


def _pattern(routes: list[BaseRoute], scope: Scope, prefix: str) -> str | None:
    partial = None
    for route in routes:
        match, child_scope = route.matches(scope)
        if match is Match.NONE:
            continue
        if isinstance(route, Mount):
            inner = _pattern(route.routes, {**scope, **child_scope}, prefix + route.path)
            found = inner or f"{prefix}{route.path}/{{path}}"
        else:
            found = prefix + getattr(route, "path", "")
        if match is Match.FULL:
            return found
        partial = partial or found  # the path matches, the method does not
    return partial


class RequestLog:
    """One log line per request: method, route pattern, status, time, request id
    (in JSON lines as the fields method, route, status, duration_ms, request_id).

    Never the raw path, the query string or the body: identity codes, callback
    codes, return addresses and form answers stay out of the logs (uvicorn's
    access log is off).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        status = 500
        # Before the router runs: it rewrites the scope's root path in place.
        pattern = route_pattern(scope)
        request_id = secrets.token_hex(8)
        scope.setdefault("state", {}).update(route_pattern=pattern, request_id=request_id)
        # Every line logged while this request is answered names it.
        context = logs.current_request.set({"request_id": request_id, "route": pattern})

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            seconds = time.perf_counter() - started
            request_log.info(
                "%s %s %s %.1fms id=%s",
                scope["method"],
                pattern,
                status,
                seconds * 1000,
                request_id,
                extra={"method": scope["method"], "status": status, "duration_ms": round(seconds * 1000, 1)},
            )
            logs.current_request.reset(context)
            instruments.request_answered(method=scope["method"], route=pattern, status=status, seconds=seconds)
