"""The follow-up figures as CSV: one row per month, then the outcomes, then
the change in each self-assessment area. A hidden figure is "suppressed"
(a small group, or hidden so that a small one cannot be worked out)."""

from __future__ import annotations

import csv
import io

from portal.followup.figures import FACES, Followup

SUPPRESSED = "suppressed"


def _cell(value: object) -> str:
    return SUPPRESSED if value is None else str(value)


def as_csv(followup: Followup) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["month", "active_clients", "feedback", *(f"face_{mood}" for mood in FACES), "average_face",
                     "attendance_rate_percent", "present_days", "not_present_days", "not_marked_days",
                     "attendance_persons", "assessments_due", "assessments_on_time", "assessments_late",
                     "on_time_rate_percent"])
    for month in followup.months:
        attendance, on_time = month.attendance, month.on_time
        writer.writerow([month.month.strftime("%Y-%m"), _cell(month.active_clients), _cell(month.feedback_count),
                         *(_cell(month.moods[mood]) for mood in FACES), _cell(month.average_mood),
                         *(_cell(value) for value in (attendance.rate, attendance.present, attendance.not_present,
                                                      attendance.not_marked, attendance.persons, on_time.total,
                                                      on_time.on_time, on_time.late, on_time.rate))])
    writer.writerow([])
    writer.writerow(["next_step", "ended_periods"])
    writer.writerow(["all", _cell(followup.ended_periods)])
    for step, count in followup.outcomes.items():
        writer.writerow([step, _cell(count)])
    writer.writerow([])
    writer.writerow(["assessment_area", "persons", "average_first", "average_latest", "average_change"])
    for area in followup.areas:
        writer.writerow([area.area_id, _cell(area.persons), _cell(area.first),
                         _cell(area.latest), _cell(area.change)])
    return buffer.getvalue()
