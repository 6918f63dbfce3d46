"""Two levels of login, and which pages each one opens.

`strong`: bank credentials or a mobile certificate through Suomi.fi (OpenID
Connect). `easy`: a lighter way for clients without bank credentials (a number
code at the centre's kiosk, a passkey; later). Every route declares the level
it needs (portal.web.guard); a route that declares nothing needs `strong`.

An easy login is only ever a client acting for themselves: a delegate (a
family member, a guardian) and staff always log in strongly.
"""

from __future__ import annotations

import enum


class Level(enum.StrEnum):
    STRONG = "strong"
    EASY = "easy"


def opens(have: Level | str, need: Level) -> bool:
    """Whether a session of level `have` may open a page that needs `need`."""
    return Level(have) is Level.STRONG or need is Level.EASY


def easy_may_act(*, audience: str, person_id: int | None, subject_person_id: int | None) -> bool:
    """An easy session is a client handling their own matters, nothing else."""
    return audience == "client" and person_id is not None and subject_person_id == person_id
