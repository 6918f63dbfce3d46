"""The follow-up figures as CSV: one row per month, then the outcomes."""

from __future__ import annotations

import csv
import io

from portal.followup.figures import Followup

SUPPRESSED = "<5"


def _cell(value: object) -> str:
    return SUPPRESSED if value is None else str(value)


def as_csv(followup: Followup) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["month", "active_clients", "feedback", "face_5", "face_4", "face_3", "face_2", "face_1",
                     "average_face"])
    for month in followup.months:
        writer.writerow([month.month.strftime("%Y-%m"), _cell(month.active_clients), _cell(month.feedback_count),
                         *(_cell(month.moods[mood]) for mood in (5, 4, 3, 2, 1)), _cell(month.average_mood)])
    writer.writerow([])
    writer.writerow(["next_step", "ended_periods"])
    writer.writerow(["all", _cell(followup.ended_periods)])
    for step, count in sorted(followup.outcomes.items()):
        writer.writerow([step, _cell(count)])
    return buffer.getvalue()
