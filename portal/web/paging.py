"""Keyset cursors in the query string (?after=, ?before=): the id a list
page continues from. Anything but a plain positive number is bad input."""

from __future__ import annotations

from starlette.requests import Request


class BadCursor(ValueError):
    pass


def cursor(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise BadCursor(name)
    return int(raw)
