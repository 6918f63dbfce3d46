"""Staff type in the answers of a paper form for the client. The steps are
the client's own (portal.assessment.routes.client), under the staff member's
login and address; every answer records that staff entered it, and the
client sees who did."""

from __future__ import annotations

from starlette.routing import Route

from portal.auth.permissions import Action
from portal.assessment.routes import client as pages
from portal.web.guard import staff_route

ENTER = staff_route(Action.STAFF_REVIEW_ASSESSMENT)

start = ENTER(pages.start.__wrapped__)  # type: ignore[attr-defined]
question = ENTER(pages.question.__wrapped__)  # type: ignore[attr-defined]
check = ENTER(pages.check.__wrapped__)  # type: ignore[attr-defined]
send = ENTER(pages.send.__wrapped__)  # type: ignore[attr-defined]

PREFIX = "/staff/clients/{client_id:id}/assessments"
routes = [
    Route(f"{PREFIX}/paper", start, methods=["POST"], name="staff_paper_start"),
    Route(f"{PREFIX}/{{assessment_id:id}}/questions/{{question_id:key}}", question, methods=["GET", "POST"],
          name="staff_paper_question"),
    Route(f"{PREFIX}/{{assessment_id:id}}/check", check, name="staff_paper_check"),
    Route(f"{PREFIX}/{{assessment_id:id}}/send", send, methods=["POST"], name="staff_paper_send"),
]
