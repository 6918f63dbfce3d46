"""Work a server process does every few seconds for as long as it runs (the
access-log sealer, the notifications' rounds): a round that fails is logged
and the next one tries again, so a database or network hiccup never stops
the work for good."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any


async def every(seconds: float, work: Callable[[], Any], *, failed: str, logger: str,
                wait: Callable[[float], Awaitable[Any]] = asyncio.sleep) -> None:
    """Wait `seconds`, run `work` in a thread, forever (until cancelled)."""
    while True:
        await wait(seconds)
        try:
            await asyncio.to_thread(work)
        except Exception:
            logging.getLogger(logger).exception(failed)
