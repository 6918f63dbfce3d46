""""Omat tietoni": everything the portal stores about a client (GDPR art. 15).

A registry of sections: each area adds one small function that returns plain
data (dicts, lists, strings, numbers, None) about one client, and registers
it with one line, e.g. in portal/mydata/sections.py:

    register("assessments", _l("Arviot"), assessments_of, reads=(Assessment, AssessmentAnswer))

`reads` names the tables whose rows about the client the section shows. A
test (tests/pages/test_my_data.py) checks that the section does read them, and
that every table pointing at a person is read by some section or is on its
list of tables left out, with the reason: a new table cannot be forgotten.

The page and the JSON download are built from the same sections, in the
order they were registered. The JSON structure is documented in README.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Request:
    """Whose data, and whether the client asks themself (a delegate does not
    get the access log, which is the client's own to see)."""

    person_id: int
    own: bool


@dataclass(frozen=True)
class Section:
    key: str
    title: Any  # a lazily translated text
    collect: Callable[[Session, Request], Any]
    reads: tuple[type, ...]  # the models whose rows about the client it shows
    own_only: bool = False
    intro: Any = None  # a lazily translated text under the heading, or None


SECTIONS: list[Section] = []


def register(key: str, title: Any, collect: Callable[[Session, Request], Any], *, reads: tuple[type, ...],
             own_only: bool = False, intro: Any = None) -> None:
    if any(section.key == key for section in SECTIONS):
        raise ValueError(f"section {key} registered twice")
    if not reads:
        raise ValueError(f"section {key} reads no table")
    SECTIONS.append(Section(key, title, collect, tuple(reads), own_only, intro))


def plain(value: Any) -> Any:
    """Dates as ISO text, money and other decimals as text: JSON without loss."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def collect(session: Session, *, person_id: int, own: bool, now: datetime) -> dict[str, Any]:
    """The whole copy: {"format_version", "made_at", "sections": {key: data}}."""
    from portal.mydata import sections  # noqa: F401  (registers today's areas)

    asked = Request(person_id, own)
    return {
        "format_version": FORMAT_VERSION,
        "made_at": now.isoformat(),
        "sections": {
            section.key: plain(section.collect(session, asked))
            for section in SECTIONS
            if own or not section.own_only
        },
    }


def titles() -> dict[str, Any]:
    from portal.mydata import sections  # noqa: F401

    return {section.key: section.title for section in SECTIONS}


def intros() -> dict[str, Any]:
    from portal.mydata import sections  # noqa: F401

    return {section.key: section.intro for section in SECTIONS if section.intro is not None}
