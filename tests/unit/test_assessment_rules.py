"""The assessment engine's pure rules: due dates, allowed values, scores,
feedback words and the chart's geometry."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from portal.assessment import due, overview, results
from portal.assessment.answers import Answer, InvalidAnswer, checked_value
from portal.assessment.content import CONTENT_DIR, load_file
from portal.models import Assessment, AssessmentRequest, ClientPeriod, Occasion

CONTENT = load_file(CONTENT_DIR / "oma-arvio-v1.toml").questionnaire
RULES = due.Schedule(default_follow_up_months=3, follow_up_months={"day_activity": 6}, open_days_before=14)


def test_occasions_at_start_three_months_later_and_end() -> None:
    found = due.occasions(starts_on=date(2026, 9, 1), ends_on=date(2027, 8, 31), service="work_activity", rules=RULES)
    assert [(o.occasion, o.due_on) for o in found] == [
        (Occasion.START, date(2026, 9, 1)), (Occasion.FOLLOW_UP, date(2026, 12, 1)), (Occasion.END, date(2027, 8, 31))]


def test_follow_up_months_are_per_service_and_month_ends_clamp() -> None:
    found = due.occasions(starts_on=date(2026, 8, 31), ends_on=date(2027, 12, 31), service="day_activity", rules=RULES)
    assert found[1] == due.DueOccasion(date(2027, 2, 28), Occasion.FOLLOW_UP)


def test_a_short_period_has_no_follow_up() -> None:
    found = due.occasions(starts_on=date(2026, 9, 1), ends_on=date(2026, 12, 15), service="work_activity", rules=RULES)
    assert [o.occasion for o in found] == [Occasion.START, Occasion.END]


def test_the_current_occasion_opens_two_weeks_before() -> None:
    found = due.occasions(starts_on=date(2026, 9, 1), ends_on=date(2027, 8, 31), service="work_activity", rules=RULES)
    assert due.current(found, today=date(2026, 11, 16), rules=RULES).occasion is Occasion.START
    assert due.current(found, today=date(2026, 11, 17), rules=RULES).occasion is Occasion.FOLLOW_UP
    assert due.current(found, today=date(2026, 8, 1), rules=RULES) is None


def period(**kwargs) -> ClientPeriod:  # type: ignore[no-untyped-def]
    return ClientPeriod(person_id=1, unit_id=1, service="work_activity",
                        starts_on=kwargs.get("starts_on", date(2026, 9, 1)), ends_on=date(2027, 8, 31))


def sent(occasion: Occasion, due_on: date) -> Assessment:
    return Assessment(person_id=1, occasion=occasion.value, due_on=due_on, content_id="x", content_version=1,
                      content_sha256="0", status="sent", started_by_person_id=1,
                      sent_at=datetime(2026, 9, 2, tzinfo=UTC))


def test_status_due_overdue_done_and_requested() -> None:
    status = overview.status_from(periods=[period()], assessments=[], requests=[], today=date(2026, 9, 10))
    assert status.state == "due" and status.overdue and status.due.occasion is Occasion.START
    done = [sent(Occasion.START, date(2026, 9, 1))]
    status = overview.status_from(periods=[period()], assessments=done, requests=[], today=date(2026, 9, 10))
    assert status.state == "done" and status.next_due.occasion is Occasion.FOLLOW_UP
    status = overview.status_from(periods=[period()], assessments=done, requests=[], today=date(2026, 11, 24))
    assert status.state == "due" and not status.overdue and status.due.due_on == date(2026, 12, 1)
    asked = [AssessmentRequest(id=7, person_id=1, requested_by_person_id=2, due_on=date(2026, 10, 1))]
    status = overview.status_from(periods=[period()], assessments=done, requests=asked, today=date(2026, 9, 20))
    assert status.due.occasion is Occasion.REQUESTED and status.request_id == 7


def question(question_id: str):  # type: ignore[no-untyped-def]
    return CONTENT.by_id[question_id]


@pytest.mark.parametrize(("question_id", "values", "stored"), [
    ("sleep", ["3"], "3"),
    ("work_ability_now", ["0"], "0"),
    ("work_ability_now", ["10"], "10"),
    ("pain", ["daily"], "daily"),
    ("want_to_learn", ["money", "computer"], "computer money"),  # content order
    ("anything_else", ["  Hyvä päivä. "], "Hyvä päivä."),
])
def test_allowed_values_are_stored(question_id, values, stored) -> None:
    assert checked_value(CONTENT, question(question_id), values) == stored


@pytest.mark.parametrize(("question_id", "values"), [
    ("sleep", ["6"]), ("sleep", ["0"]), ("sleep", []), ("sleep", ["1", "2"]), ("work_ability_now", ["11"]),
    ("work_ability_now", ["-1"]), ("pain", ["never", "daily"]), ("want_to_learn", ["money", "money"]),
    ("want_to_learn", ["flying"]), ("anything_else", ["x" * 501]), ("anything_else", ["   "]),
    ("anything_else", ["a\x00b"]),
])
def test_values_out_of_range_are_refused(question_id, values) -> None:
    with pytest.raises(InvalidAnswer):
        checked_value(CONTENT, question(question_id), values)


def answer(question_id: str, *values: str, skipped: bool = False) -> Answer:
    return Answer(question_id, values, skipped, 1, 1, "client")


def test_area_scores_count_scored_answers_and_leave_out_skipped() -> None:
    stored = {a.question_id: a for a in [
        answer("work_ability_now", "7"), answer("feel_good", "5"), answer("sleep", "1"), answer("focus", skipped=True),
        answer("pain", "never"), answer("want_to_learn", "money"),
    ]}
    scores = results.area_scores(CONTENT, stored)
    assert scores["work_ability"] == 7.0
    assert scores["mental"] == 5.0  # (10 + 0) / 2; the skipped one does not count
    assert scores["physical"] == 10.0
    assert scores["skills"] is None  # multiple choice is not scored
    assert scores["social"] is None


def test_feedback_is_encouraging_words_by_band_and_change_is_compared() -> None:
    stored = {"sleep": answer("sleep", "5"), "feel_good": answer("feel_good", "5")}
    areas = {a.area_id: a for a in results.compare(CONTENT, stored, {"mental": 4.0, "social": 3.0})}
    assert areas["mental"].feedback.fi == CONTENT.feedback.high.fi
    assert areas["mental"].change is results.Change.BETTER
    assert areas["social"].change is None and areas["social"].feedback is None
    low = results.compare(CONTENT, {"sleep": answer("sleep", "1")}, {"mental": 0.2})
    mental = next(a for a in low if a.area_id == "mental")
    assert mental.feedback.fi == CONTENT.feedback.low.fi and mental.change is results.Change.SAME


def test_the_chart_has_two_bars_per_area_with_previous_hollow_and_widths_to_scale() -> None:
    areas = results.compare(CONTENT, {"sleep": answer("sleep", "5")}, {"mental": 5.0})
    chart = results.chart(areas)
    mental = chart.groups[[a.area_id for a in areas].index("mental")]
    assert [(bar.previous, bar.value, bar.width) for bar in mental.bars] == [
        (True, 5.0, results.BAR_MAX / 2), (False, 10.0, results.BAR_MAX)]
    ys = [bar.y for group in chart.groups for bar in group.bars]
    assert ys == sorted(ys) and chart.height > max(ys) and chart.has_previous
    assert results.chart(results.compare(CONTENT, {}, None)).has_previous is False
