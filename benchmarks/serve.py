"""What the throughput benchmark starts: the portal, or a Starlette
hello-world, served the same way as `portal serve` (uvicorn, uvloop,
httptools, 127.0.0.1, no access log), with BENCH_WORKERS worker processes
(default 1).

  serve.py portal PORT            the portal (settings from the environment)
  serve.py portal-no-log PORT     the same with access-log writes switched off
  serve.py hello PORT             a hello-world page
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


async def hello(_request):  # type: ignore[no-untyped-def]
    return PlainTextResponse("Hello, world")


def hello_app() -> Starlette:
    return Starlette(routes=[Route("/", hello)])


def portal_app() -> Starlette:
    from portal import access_log
    from portal.app import create_app

    if os.environ.get("BENCH_NO_LOG") == "1":  # only for measuring what the log costs
        access_log.record = lambda *args, **kwargs: None  # type: ignore[assignment]
    logging.disable(logging.INFO)
    return create_app()


def main() -> None:
    which, port = sys.argv[1], int(sys.argv[2])
    if which == "portal-no-log":
        os.environ["BENCH_NO_LOG"] = "1"  # the worker processes inherit it
    logging.disable(logging.INFO)
    factory = "benchmarks.serve:hello_app" if which == "hello" else "benchmarks.serve:portal_app"
    uvicorn.run(factory, factory=True, host="127.0.0.1", port=port, loop="uvloop", http="httptools",
                workers=int(os.environ.get("BENCH_WORKERS", "1")), server_header=False, access_log=False,
                log_level="warning")


if __name__ == "__main__":
    main()
