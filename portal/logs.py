"""The server's log lines: one JSON object a line (python-json-logger), or
plain text for a person at a terminal (PORTAL_LOG_FORMAT=text).

Every line written while a request is answered carries its request id and
route template (from a context variable the request log sets), so a line
from deep inside a page finds its request. What goes into a line is the
callers' care: route templates, statuses, short reason codes and ids,
never a raw path, a query, a form value, a token or an identity code
(tests/pages/test_logs.py drives logins and forms and reads every line).
"""

from __future__ import annotations

import logging
import logging.config
from contextvars import ContextVar
from typing import Any

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

FORMATS = ("json", "text")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
# The request being answered: its id and route template (portal.web.middleware.RequestLog).
current_request: ContextVar[dict[str, str] | None] = ContextVar("current_request", default=None)
QUIET = {"httpx": "WARNING", "httpx2": "WARNING",  # they log whole URLs at INFO
         "uvicorn.access": "WARNING",  # raw paths; RequestLog logs route templates instead
         "alembic": "WARNING"}  # the readiness check reads the migrations: no plugin lines each time


class RequestContext(logging.Filter):
    """Adds the current request's id and route template to each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in (current_request.get() or {}).items():
            if not hasattr(record, name):
                setattr(record, name, value)
        return True


def json_formatter() -> logging.Formatter:
    return JsonFormatter(["levelname", "name", "message"], timestamp="time",
                         rename_fields={"levelname": "level", "name": "logger"},
                         reserved_attrs=[*RESERVED_ATTRS, "color_message"])  # uvicorn's copy with terminal colours


def dict_config(kind: str) -> dict[str, Any]:
    """The logging configuration, for logging.config.dictConfig and for
    uvicorn (its own loggers then write the same lines)."""
    if kind not in FORMATS:
        raise ValueError(kind)
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request": {"()": RequestContext}},
        "formatters": {"json": {"()": json_formatter}, "text": {"format": TEXT_FORMAT}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr",
                                "formatter": kind, "filters": ["request"]}},
        "root": {"level": "INFO", "handlers": ["stderr"]},
        "loggers": {
            "uvicorn": {"level": "INFO", "handlers": [], "propagate": True},
            "uvicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
            **{name: {"level": level, "handlers": [], "propagate": True} for name, level in QUIET.items()},
        },
    }


def configure(kind: str) -> None:
    logging.config.dictConfig(dict_config(kind))
