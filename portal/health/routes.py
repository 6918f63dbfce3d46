"""/health/live and /health/ready, open to anyone and without a login.

Both answer in plain text with no detail: "ok", or "not ready" with 503.
/healthz and /readyz are the same checks under their older names, kept
so that existing probes go on working.
"""

from __future__ import annotations

import anyio
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from portal.health import checks
from portal.web.guard import public

READY_TIMEOUT_SECONDS = 5  # a database that does not answer by then is not ready


@public
async def live(_request: Request) -> Response:
    """The process answers."""
    return PlainTextResponse("ok")


@public
async def ready(request: Request) -> Response:
    state = request.app.state
    failed: str | None = "timeout"
    try:
        with anyio.move_on_after(READY_TIMEOUT_SECONDS):
            # Abandoned, not awaited, when the database hangs: the probe still answers.
            failed = await anyio.to_thread.run_sync(
                checks.failing_check, state.engine, state.settings, state.portal_keys, abandon_on_cancel=True
            )
    except Exception:  # never a 500
        failed = "error"
    if failed is None:
        return PlainTextResponse("ok")
    checks.log.warning("not ready: %s", failed)
    return PlainTextResponse("not ready", status_code=503)


routes = [
    Route("/health/live", live, name="health_live"),
    Route("/health/ready", ready, name="health_ready"),
    Route("/healthz", live, name="healthz"),
    Route("/readyz", ready, name="readyz"),
]
