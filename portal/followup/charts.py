"""Geometry of the follow-up's server-rendered SVG charts (pure).

Each chart has a row per month. Meaning never rests on colour: the
attendance bar has its percentage written after it, and the faces in the
feedback bar have a pattern each, explained in a key inside the chart. A
hidden figure draws no bar; the template writes the hidden mark instead.
The table beside each chart holds the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from portal.followup.figures import FACES, Month

WIDTH = 300
LABEL_WIDTH = 58  # "12/2026"
BAR_MAX = 180  # leaves room for "100,0 %" after a full bar
ROW = 22
BAR_HEIGHT = 14
KEY_ROW = 18


@dataclass(frozen=True)
class RateRow:
    month: date
    y: int  # the row's top
    width: float | None  # None: hidden
    rate: Decimal | None


@dataclass(frozen=True)
class RateChart:
    height: int
    bar_x: int
    rows: tuple[RateRow, ...]


def attendance_chart(months: list[Month]) -> RateChart:
    rows = tuple(
        RateRow(month.month, index * ROW, None if month.attendance.rate is None
                else round(float(month.attendance.rate) / 100 * BAR_MAX, 1), month.attendance.rate)
        for index, month in enumerate(months))
    return RateChart(len(rows) * ROW, LABEL_WIDTH, rows)


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    mood: int | None  # None: the hidden faces together


@dataclass(frozen=True)
class MoodRow:
    month: date
    y: int
    segments: tuple[Segment, ...]  # empty: no feedback shown for the month


@dataclass(frozen=True)
class MoodChart:
    height: int
    key_y: tuple[tuple[int | None, int], ...]  # (face, y) of the key rows at the top; None: hidden faces
    top: int  # where the month rows start
    bar_x: int
    rows: tuple[MoodRow, ...]


def mood_chart(months: list[Month]) -> MoodChart:
    """A bar per month split by face in proportion; hidden faces are one segment together,
    so the chart shows nothing the table does not."""
    keys: list[int | None] = [*FACES, None]
    top = len(keys) * KEY_ROW + 6
    rows = []
    for index, month in enumerate(months):
        segments: list[Segment] = []
        total = month.feedback_count
        if total:
            x = float(LABEL_WIDTH)
            hidden = total - sum(month.moods[mood] or 0 for mood in FACES)
            for mood, count in [(mood, month.moods[mood]) for mood in FACES] + [(None, hidden)]:
                if count:
                    width = round(count / total * (WIDTH - LABEL_WIDTH - 2), 1)
                    segments.append(Segment(round(x, 1), width, mood))
                    x += width
        rows.append(MoodRow(month.month, top + index * ROW, tuple(segments)))
    return MoodChart(top + len(rows) * ROW, tuple((mood, index * KEY_ROW) for index, mood in enumerate(keys)),
                     top, LABEL_WIDTH, tuple(rows))
