"""Text as people type it: without the characters nobody types.

NUL (PostgreSQL refuses it in text), the other control characters but tab,
line feed, form feed and carriage return, and Unicode's noncharacters. No
keyboard gives them, and HTML cannot carry them: every page that showed one
again would be a parse error. Forms drop them (portal.forms); an import
refuses a file that has them (portal.attendance.importing).
"""

from __future__ import annotations

import re

_UNTYPED = re.compile(
    "[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef"
    + "".join(chr(plane * 0x10000 + 0xFFFE) + chr(plane * 0x10000 + 0xFFFF) for plane in range(17))
    + "]"
)


def typed_text(value: str) -> str:
    """The text without the characters nobody types."""
    return _UNTYPED.sub("", value)


def is_typed(value: str) -> bool:
    """True when the text has none of the characters nobody types."""
    return _UNTYPED.search(value) is None
