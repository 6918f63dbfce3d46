"""Random and hostile input to the step endpoint (hypothesis): never a 5xx,
and never a stored row that breaks the rules."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlmodel import Session, select

from portal.assessment.answers import InvalidAnswer, checked_value
from portal.models import Assessment, AssessmentAnswer
from tests.support.assessment_helpers import AINO, MIKKO, as_client, start, step_fields
from tests.support.factories import person_id

EXAMPLES = 150
QUESTION_IDS = ["work_ability_now", "sleep", "pain", "want_to_learn", "anything_else"]
HOSTILE_TEXT = st.sampled_from([
    "", " ", "0", "-1", "5.0", "1e9", "99999999999999999999", "<script>alert(1)</script>", "' OR 1=1 --",
    "\x00", "a\x00b", "🙂" * 300, "x" * 5000, "money computer", "never daily", "../../etc/passwd", "%00", "\ud800",
])
VALUES = st.one_of(HOSTILE_TEXT, st.text(max_size=600), st.sampled_from(["1", "3", "5", "10", "never", "money"]))


def stored_rows_follow_the_rules(app) -> None:  # type: ignore[no-untyped-def]
    library = app.state.assessment_library
    with Session(app.state.engine) as session:
        for row, assessment in session.exec(
            select(AssessmentAnswer, Assessment).where(AssessmentAnswer.assessment_id == Assessment.id)
        ).all():
            questionnaire = library.get(assessment.content_id, assessment.content_version, assessment.content_sha256)
            question = questionnaire.by_id[row.question_id]  # an unknown id would raise here
            assert row.revision >= 1
            if row.skipped:
                assert row.value == ""
            else:
                values = [row.value] if question.type == "text" else row.value.split(" ")
                assert checked_value(questionnaire, question, values) == row.value


@pytest.fixture
def draft(app, client, demo_data):  # type: ignore[no-untyped-def]
    as_client(client, app, AINO)
    assessment_id, first = start(client)
    fields = step_fields(client.get(first))
    with Session(app.state.engine) as session:
        mikko = person_id(app.state.engine, app.state.vault, MIKKO)
        other = session.exec(select(Assessment.id).where(Assessment.person_id == mikko)).one()
    return {"own": assessment_id, "other": other, "csrf": fields["csrf_token"]}


tried = {"count": 0}


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    target=st.sampled_from(["own", "own", "own", "other", "missing"]),
    question_id=st.one_of(st.sampled_from(QUESTION_IDS), HOSTILE_TEXT.filter(bool), st.text(min_size=1, max_size=80)),
    answers=st.lists(VALUES, max_size=4),
    revision=st.one_of(st.integers(-5, 5).map(str), HOSTILE_TEXT),
    content=st.one_of(st.just("oma-arvio@1"), HOSTILE_TEXT),
    skip=st.sampled_from([None, "1", "0", "yes"]),
    back_to=st.one_of(st.just(""), HOSTILE_TEXT),
    with_csrf=st.booleans(),
)
def test_hostile_step_posts_never_break_anything(app, client, draft, target, question_id, answers, revision, content,
                                                skip, back_to, with_csrf) -> None:
    tried["count"] += 1
    assessment_id = {"own": draft["own"], "other": draft["other"], "missing": 999_999}[target]
    data: dict[str, object] = {"answer": answers, "revision": revision, "content": content, "back_to": back_to}
    if skip is not None:
        data["skip"] = skip
    if with_csrf:
        data["csrf_token"] = draft["csrf"]
    try:
        path = f"/assessment/{assessment_id}/questions/{quote(question_id, safe='')}"
        response = client.post(path, data=data, follow_redirects=False)
    except UnicodeEncodeError:  # a lone surrogate cannot even be sent
        return
    assert response.status_code < 500, (path, data, response.status_code)
    if response.status_code in (303, 200) and target != "own":
        raise AssertionError(f"someone else's draft accepted a post: {path}")
    stored_rows_follow_the_rules(app)


def test_hostile_inputs_were_tried() -> None:
    # Runs after the property test in file order; the report quotes this number.
    assert tried["count"] >= EXAMPLES


@pytest.mark.parametrize("body", [
    b"answer=%FF%FE&revision=0&content=oma-arvio%401",
    b"\xff\xfe\x00garbage",
    b"answer=1&" * 2000,
])
def test_raw_bodies_are_refused_without_a_5xx(app, client, draft, body) -> None:
    response = client.post(f"/assessment/{draft['own']}/questions/sleep", content=body,
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code < 500
    stored_rows_follow_the_rules(app)


def test_checked_value_is_the_last_guard() -> None:
    from portal.assessment.content import CONTENT_DIR, load_file

    content = load_file(CONTENT_DIR / "oma-arvio-v1.toml").questionnaire
    with pytest.raises(InvalidAnswer):
        checked_value(content, content.by_id["sleep"], ["5 OR 1=1"])
