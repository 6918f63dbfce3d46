"""The Starlette application factory."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import importlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from portal import access_log, logs, periodic
from portal.db import make_engine
from portal.startup import configure_process
from portal.settings import Settings
from portal.auth.mandates import DatabaseMandates, MandateSource
from portal.auth.keys import PortalKeys
from portal.auth.oidc import OidcProvider
from portal.identity_code import IdentityCodeVault
from portal.assessment.content import load_library
from portal.notifications import sender as notification_sender
from portal.web import errors
from portal.web.middleware import BrowserState, RequestLog, SecurityHeaders
from portal.web.templating import STATIC_DIR, make_environment

# Each area's route modules (portal/<area>/routes.py or routes/<name>.py),
# each with its `routes` list, in the order Starlette tries them: the first
# route whose path matches wins. A new area adds its module here.
ROUTE_MODULES = (
    "portal.public.routes",
    "portal.health.routes",
    "portal.metrics.routes",
    "portal.auth.routes.login",
    "portal.auth.routes.session",
    "portal.auth.routes.oidc",
    "portal.home.routes",
    "portal.access_log.routes",
    "portal.auth.routes.mandates",
    "portal.clients.routes",
    "portal.auth.routes.guardianships",
    "portal.schedule.routes.week",
    "portal.plans.routes.plan",
    "portal.schedule.routes.calendar",
    "portal.schedule.routes.staff",
    "portal.assessment.routes.client",
    "portal.assessment.routes.staff",
    "portal.assessment.routes.paper",
    "portal.attendance.routes.marks",
    "portal.money.routes.client",
    "portal.money.routes.month_report",
    "portal.money.routes.benefits",
    "portal.attendance.routes.importing",
    "portal.money.routes.rates",
    "portal.feedback.routes.client_feedback",
    "portal.feedback.routes.accessibility",
    "portal.plans.routes.outcomes",
    "portal.mydata.routes",
    "portal.followup.routes",
    "portal.easy_login.routes.kiosk",
    "portal.easy_login.routes.settings",
    "portal.easy_login.routes.staff",
    "portal.easy_login.routes.instructor_help",
    "portal.easy_login.routes.passkeys",
    "portal.messages.routes.client",
    "portal.messages.routes.staff",
    "portal.notifications.routes.settings",
    "portal.notifications.routes.stop",
    "portal.notifications.routes.staff",
)
# Imported with this module, as the hand-written imports were.
_ROUTE_MODULES = [importlib.import_module(name) for name in ROUTE_MODULES]


def area_routes() -> list[BaseRoute]:
    """Every area's routes, in ROUTE_MODULES' order."""
    return [route for module in _ROUTE_MODULES for route in module.routes]

class CachedStaticFiles(StaticFiles):
    """Static URLs carry a content hash (see static_url), so they never go stale."""

    def file_response(self, *args: Any, **kwargs: Any) -> Any:
        response = super().file_response(*args, **kwargs)
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


class PortalApp(Starlette):
    def build_middleware_stack(self) -> ASGIApp:
        return errors.AfterErrorPage(super().build_middleware_stack())


def mandate_source(settings: Settings) -> MandateSource:
    if settings.mandate_source == "suomifi":
        from portal.auth.suomifi_mandates import SuomiFiMandates, config_from_environment

        return SuomiFiMandates(config_from_environment())
    return DatabaseMandates()


def create_app(settings: Settings | None = None, *, oidc_transport: Any = None) -> Starlette:
    settings = settings or Settings.from_environment()
    settings.check()
    assessment_library = load_library()  # refuses to start on invalid or changed content
    configure_process(settings)
    engine = make_engine(settings.database_url)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        tasks = []
        if settings.access_log_seal_seconds > 0:
            tasks.append(asyncio.create_task(periodic.every(
                settings.access_log_seal_seconds,
                functools.partial(access_log.seal_pending, engine, checkpoint_path=settings.checkpoint_path),
                failed="sealing the access log failed", logger="portal.access_log")))
        if settings.notify_seconds > 0:
            from portal.notifications import runner

            context = notification_sender.context_from(settings, _app.state.mandates)
            tasks.append(asyncio.create_task(periodic.every(
                settings.notify_seconds, runner.Runner(engine, context, keep_days=settings.notify_keep_days),
                failed="sending notifications failed", logger="portal.notifications")))
        yield
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        engine.dispose()

    routes = [
        *area_routes(),
        Mount("/static", CachedStaticFiles(directory=STATIC_DIR), name="static"),
    ]
    test_provider = None
    if settings.test_idp:
        from portal.test_idp import server as test_idp_server, views as test_idp_views

        test_provider = test_idp_server.Provider(settings, engine)
        routes.append(Mount("/test-idp", routes=test_idp_views.routes(settings, test_provider), name="test_idp"))
    middleware = [
        Middleware(RequestLog),
        Middleware(SecurityHeaders, hsts=settings.secure_cookies),
        Middleware(BrowserState, secure_cookies=settings.secure_cookies),
        Middleware(errors.BodyLimit, max_bytes=settings.max_body_bytes),
    ]
    app = PortalApp(
        routes=routes,
        middleware=middleware,
        exception_handlers=errors.EXCEPTION_HANDLERS,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.test_idp = test_provider  # tests make logout tokens with it
    app.state.engine = engine
    app.state.assessment_library = assessment_library
    app.state.templates = make_environment()
    app.state.vault = IdentityCodeVault(settings.identity_key)
    app.state.mandates = mandate_source(settings)
    # Tests point this at the app itself (httpx.ASGITransport); None is the network.
    app.state.portal_keys = PortalKeys(settings.data_dir, settings.oidc_signing_algorithm)
    app.state.oidc = {
        audience: OidcProvider(settings, audience, transport=oidc_transport, keys=app.state.portal_keys)
        for audience in ("client", "staff")
    }
    if not logging.getLogger().handlers:  # `portal serve` has configured it already; the tests bring their own
        logs.configure(settings.log_format)
    logging.getLogger("portal").setLevel(logging.INFO)
    for chatty, level in logs.QUIET.items():
        logging.getLogger(chatty).setLevel(level)
    return app
