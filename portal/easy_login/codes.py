"""Number codes (PIN) of the easy login: what makes one too easy, and its hash.

A code is 4–6 digits. It works only on a kiosk of the client's own unit and
locks after five wrong tries, so its strength is the lock, not its length;
these rules only keep the codes anyone would try first out.
"""

from __future__ import annotations

import enum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_DIGITS = 4
MAX_DIGITS = 6
TRIES = 5  # wrong codes in a row before the code locks

# Argon2id, chosen by measurement: one check takes about 60 ms on this
# 2-core machine (32 MiB took 105 ms, 24 MiB 46 ms; benchmarks/kiosk_login.py,
# the README has the figures).
# Codes hashed with other parameters are rehashed at the next right code.
HASHER = PasswordHasher(time_cost=2, memory_cost=28 * 1024, parallelism=1)


class Weakness(enum.StrEnum):
    NOT_DIGITS = "not_digits"
    LENGTH = "length"
    REPEATED = "repeated"  # 0000, 1212
    RUNNING = "running"  # 1234, 9876
    BIRTH_DATE = "birth_date"  # from the identity code: 010280, 0102, 1980 …
    IDENTITY_CODE = "identity_code"  # any four digits in a row of it


def weakness(code: str, *, identity_code: str = "") -> Weakness | None:
    """Why `code` may not be chosen, or None when it may."""
    if not code.isascii() or not code.isdigit():
        return Weakness.NOT_DIGITS
    if not MIN_DIGITS <= len(code) <= MAX_DIGITS:
        return Weakness.LENGTH
    if _repeats(code):
        return Weakness.REPEATED
    steps = {(int(b) - int(a)) % 10 for a, b in zip(code, code[1:], strict=False)}
    if steps in ({1}, {9}):
        return Weakness.RUNNING
    if identity_code:
        if any(part in code or code in part for part in _birth_date_forms(identity_code) if len(part) >= 4):
            return Weakness.BIRTH_DATE
        digits = "".join(ch for ch in identity_code if ch.isdigit())
        if code in digits or any(digits[i:i + 4] in code for i in range(len(digits) - 3)):
            return Weakness.IDENTITY_CODE
    return None


def _repeats(code: str) -> bool:
    """The same digit or the same short pattern over and over: 0000, 1212, 123123."""
    return any(len(code) % size == 0 and code == code[:size] * (len(code) // size) for size in (1, 2, 3)
               if size < len(code))


def _birth_date_forms(identity_code: str) -> set[str]:
    """The birth date an identity code tells, written the ways people write it."""
    day, month, year2 = identity_code[0:2], identity_code[2:4], identity_code[4:6]
    sign = identity_code[6:7].upper()
    century = "18" if sign == "+" else "19" if sign in "-YXWVU" else "20"
    year4 = century + year2
    return {day + month + year2, day + month + year4, day + month, year4, year2 + month + day,
            year4 + month + day, month + day, day + month + year2[0:2]}


def hash_code(code: str) -> str:
    return HASHER.hash(code)


def check(stored_hash: str, code: str) -> bool:
    """Whether `code` is the one hashed in `stored_hash` (never raises)."""
    if not stored_hash:
        return False
    try:
        return HASHER.verify(stored_hash, code)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return HASHER.check_needs_rehash(stored_hash)
