"""Keyset cursors in the query string (?after=, ?before=): the id a list
page continues from. Anything but a plain positive number is bad input,
answered with the 400 page."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request


class BadCursor(HTTPException):
    """Answered with the 400 page (portal.web.errors), wherever a route asks."""

    def __init__(self, name: str) -> None:
        super().__init__(400, f"bad cursor: {name}")


def cursor(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise BadCursor(name)
    return int(raw)
