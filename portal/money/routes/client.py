"""The client's money ("Rahani"): a month's attended days and money, and a
printable statement of the month with the days listed by date."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal import db
from portal.auth.permissions import Action
from portal.money import statements
from portal.schedule.calendar_days import today
from portal.web.guard import Viewer, client_route, request_meta
from portal.web.templating import render
from portal.web.client_log import log_for_client
from portal.web.errors import bad_request


def _month(request: Request) -> date | None:
    """The month asked for ('2026-11'), this month when none; None when it is not a month."""
    text = request.query_params.get("month", "")
    if not text:
        return today().replace(day=1)
    try:
        month = date.fromisoformat(f"{text}-01")
    except ValueError:
        return None
    return month if date(2000, 1, 1) <= month <= today().replace(day=1) else None


def _statement(session: Session, *, viewer: Viewer, meta: dict[str, str], month: date,
               object_type: str) -> statements.MonthStatement:
    assert viewer.subject is not None and viewer.subject.id is not None
    result = statements.month_statement(session, person_id=viewer.subject.id, month=month, today=today())
    log_for_client(session, viewer, meta, action="read", object_type=object_type, object_id=month.isoformat()[:7])
    return result


def _context(request: Request, result: statements.MonthStatement) -> dict[str, object]:
    month = result.month
    previous = (month.replace(day=1) - timedelta(days=1)).replace(day=1)
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return {
        "viewer": request.state.viewer, "statement": result, "month": month,
        "previous_month": previous, "next_month": following if following <= today() else None,
    }


async def _page(request: Request, template: str, object_type: str) -> Response:
    month = _month(request)
    if month is None:
        return bad_request(request)
    result = await db.run(request, _statement, viewer=request.state.viewer, meta=request_meta(request), month=month,
                          object_type=object_type)
    return render(request, template, _context(request, result))


@client_route(Action.VIEW)
async def my_money(request: Request) -> Response:
    return await _page(request, "money/client.html", "money")


@client_route(Action.VIEW)
async def month_statement(request: Request) -> Response:
    return await _page(request, "money/statement.html", "money_statement")


routes = [
    Route("/money", my_money, name="client_money"),
    Route("/money/statement", month_statement, name="client_money_statement"),
]
