"""/metrics for Prometheus: only with PORTAL_METRICS_TOKEN set, and only
for a request that carries it as a bearer token."""

from __future__ import annotations

import secrets

import anyio
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from portal.metrics import collect
from portal.web.guard import public

SCRAPE_TIMEOUT_SECONDS = 5


def carries_token(request: Request, token: str) -> bool:
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and secrets.compare_digest(given.strip().encode(), token.encode())


@public  # no login: the token is the metrics' own access control
async def metrics(request: Request) -> Response:
    token = request.app.state.settings.metrics_token
    if not token:
        raise HTTPException(404)  # metrics are off
    if not carries_token(request, token):
        return PlainTextResponse("unauthorized", status_code=401, headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    body = None
    with anyio.move_on_after(SCRAPE_TIMEOUT_SECONDS):
        body = await anyio.to_thread.run_sync(collect.exposition, request.app.state.engine, abandon_on_cancel=True)
    if body is None:
        return PlainTextResponse("not ready", status_code=503)
    return Response(body, media_type=CONTENT_TYPE_LATEST)


routes = [Route("/metrics", metrics, name="metrics")]
