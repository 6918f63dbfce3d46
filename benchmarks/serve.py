"""What the throughput benchmark starts: the portal, or a Starlette
hello-world, served the same way as `portal serve` (uvicorn, uvloop,
httptools, one worker, 127.0.0.1, no access log).

  serve.py portal PORT            the portal (settings from the environment)
  serve.py portal-no-log PORT     the same with access-log writes switched off
  serve.py hello PORT             a hello-world page
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


async def hello(_request):  # type: ignore[no-untyped-def]
    return PlainTextResponse("Hello, world")


def main() -> None:
    which, port = sys.argv[1], int(sys.argv[2])
    if which == "hello":
        app = Starlette(routes=[Route("/", hello)])
    else:
        from portal import access_log
        from portal.app import create_app

        if which == "portal-no-log":  # only for measuring what the log costs
            access_log.record = lambda *args, **kwargs: None  # type: ignore[assignment]
        app = create_app()
    logging.disable(logging.INFO)
    uvicorn.run(app, host="127.0.0.1", port=port, loop="uvloop", http="httptools", workers=1,
                server_header=False, access_log=False, log_level="warning")


if __name__ == "__main__":
    main()
