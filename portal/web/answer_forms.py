"""The answer forms of a staff queue (clients' feedback, accessibility
feedback): one form a row, each with its own field names, and the posted one
kept with its errors where a row's answer was refused."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from starlette.requests import Request
from wtforms import Form

AnswerForm = TypeVar("AnswerForm", bound=Form)


def answer_forms(request: Request, form_class: type[AnswerForm], answers: Iterable[tuple[int, str | None]], *,
                 posted: AnswerForm | None = None, posted_id: int | None = None) -> dict[int, AnswerForm]:
    """A form for each (feedback id, its answer so far)."""
    context = (request.app.state.settings.secret_key, request.state.csrf_seed)
    return {
        feedback_id: posted if posted is not None and feedback_id == posted_id else form_class(
            meta={"csrf_context": context}, prefix=f"answer{feedback_id}-", data={"answer": answer})
        for feedback_id, answer in answers
    }
