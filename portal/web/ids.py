"""Record ids in paths and forms: digits that fit the database's BIGINT.

Starlette's `int` convertor takes any number of digits; 2**63 or more then
fails inside the database driver with a 500. An id that cannot exist is
simply a page that does not exist (404) or a bad form value (400).
"""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor

MAX_DIGITS = 18  # every 18-digit number is below 2**63


class IdConvertor(Convertor[int]):
    regex = f"[0-9]{{1,{MAX_DIGITS}}}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


def parse_id(raw: object) -> int | None:
    """A posted id as an int, or None when it is not one (missing, '²', huge)."""
    if not isinstance(raw, str) or not raw.isascii() or not raw.isdigit() or len(raw) > MAX_DIGITS:
        return None
    return int(raw)


class KeyConvertor(Convertor[str]):
    """A content key in a path (a question id): letters, digits, '_' and '-'.

    Anything else (a NUL, markup, a very long string) can name nothing, so it
    is a page that does not exist, not text for the database to choke on.
    """

    regex = "[A-Za-z0-9_-]{1,60}"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


def register() -> None:
    register_url_convertor("id", IdConvertor())
    register_url_convertor("key", KeyConvertor())
