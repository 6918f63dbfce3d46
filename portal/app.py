"""The Starlette application factory."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from portal import access_log, logs
from portal.db import make_engine
from portal.startup import configure_process
from portal.settings import Settings
from portal.auth.mandates import DatabaseMandates, MandateSource
from portal.auth.keys import PortalKeys
from portal.auth.oidc import OidcProvider
from portal.easy_login.routes import passkeys as easy_passkeys
from portal.identity_code import IdentityCodeVault
from portal.assessment.content import load_library
from portal.health import routes as health_routes
from portal.metrics import routes as metrics_routes
from portal.access_log import routes as access_log_routes
from portal.auth.routes import guardianships as guardianship_routes, login as login_routes, mandates as mandate_routes
from portal.auth.routes import oidc as oidc_routes
from portal.clients import routes as client_routes
from portal.home import routes as home_routes
from portal.public import routes as public_routes
from portal.web import errors
from portal.easy_login.routes import instructor_help as easy_help
from portal.messages.routes import client as message_client, staff as message_staff
from portal.notifications import sender as notification_sender
from portal.notifications.routes import settings as notification_settings, staff as notification_staff
from portal.notifications.routes import stop as notification_stop
from portal.easy_login.routes import kiosk as easy_kiosk, settings as easy_settings, staff as easy_staff
from portal.assessment.routes import client as assessment_pages, paper as assessment_paper, staff as assessment_staff
from portal.feedback.routes import accessibility as accessibility_queue, client_feedback as feedback_pages
from portal.followup import routes as followup_pages
from portal.mydata import routes as mydata_pages
from portal.attendance.routes import importing as import_pages, marks as attendance_pages
from portal.money.routes import benefits as benefit_pages, client as money_pages, month_report as money_report_pages
from portal.money.routes import rates as rate_pages
from portal.plans.routes import outcomes as outcome_pages, plan as plan_pages
from portal.schedule.routes import calendar as calendar_pages, staff as schedule_pages, week as week_pages
from portal.web.middleware import BrowserState, RequestLog, SecurityHeaders
from portal.web.templating import STATIC_DIR, make_environment


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


async def _seal_periodically(engine: Any, settings: Settings) -> None:
    """Seal the access log every few seconds (see portal.access_log.seals)."""
    while True:
        await asyncio.sleep(settings.access_log_seal_seconds)
        try:
            await asyncio.to_thread(access_log.seal_pending, engine, checkpoint_path=settings.checkpoint_path)
        except Exception:  # a database hiccup: try again next round, never stop sealing
            logging.getLogger("portal.access_log").exception("sealing the access log failed")


async def _notify_periodically(engine: Any, context: notification_sender.Context, seconds: float) -> None:
    """Send due notifications and run the reminders' scheduler every few
    seconds (see portal.notifications.sender: one runner at a time)."""
    from portal.notifications import runner

    while True:
        await asyncio.sleep(seconds)
        try:
            await asyncio.to_thread(runner.run_once, engine, context)
        except Exception:  # a database or network hiccup: try again next round, never stop sending
            logging.getLogger("portal.notifications").exception("sending notifications failed")


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
            tasks.append(asyncio.create_task(_seal_periodically(engine, settings)))
        if settings.notify_seconds > 0:
            context = notification_sender.context_from(settings, _app.state.mandates)
            tasks.append(asyncio.create_task(_notify_periodically(engine, context, settings.notify_seconds)))
        yield
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        engine.dispose()

    routes = [
        *public_routes.routes,
        *health_routes.routes,
        *metrics_routes.routes,
        *login_routes.routes,
        *oidc_routes.routes,
        *home_routes.routes,
        *access_log_routes.routes,
        *mandate_routes.routes,
        *client_routes.routes,
        *guardianship_routes.routes,
        *week_pages.routes,
        *plan_pages.routes,
        *calendar_pages.routes,
        *schedule_pages.routes,
        *assessment_pages.routes,
        *assessment_staff.routes,
        *assessment_paper.routes,
        *attendance_pages.routes,
        *money_pages.routes,
        *money_report_pages.routes,
        *benefit_pages.routes,
        *import_pages.routes,
        *rate_pages.routes,
        *feedback_pages.routes,
        *accessibility_queue.routes,
        *outcome_pages.routes,
        *mydata_pages.routes,
        *followup_pages.routes,
        *easy_kiosk.routes,
        *easy_settings.routes,
        *easy_staff.routes,
        *easy_help.routes,
        *easy_passkeys.routes,
        *message_client.routes,
        *message_staff.routes,
        *notification_settings.routes,
        *notification_stop.routes,
        *notification_staff.routes,
        Mount("/static", CachedStaticFiles(directory=STATIC_DIR), name="static"),
    ]
    test_provider = None
    if settings.test_idp:
        from portal import test_idp

        test_provider = test_idp.Provider(settings, engine)
        routes.append(Mount("/test-idp", routes=test_idp.routes(settings, test_provider), name="test_idp"))
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
