"""Finnish personal identity codes (henkilötunnus, hetu).

Validation follows the Digital and Population Data Services Agency's rules,
including the century signs added in 2023 (Y X W V U for the 1900s and
B C D E F for the 2000s). Codes are never logged; they are stored encrypted
with a keyed hash beside them for lookup.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from datetime import date

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
CENTURIES = {"+": 1800, **dict.fromkeys("-YXWVU", 1900), **dict.fromkeys("ABCDEF", 2000)}
_PATTERN = re.compile(r"^(\d{2})(\d{2})(\d{2})([-+A-FU-Y])(\d{3})([0-9A-Y])$")


class InvalidIdentityCode(ValueError):
    pass


def normalise(code: str) -> str:
    return code.strip().upper()


def validate(code: str) -> str:
    """Return the normalised code, or raise InvalidIdentityCode."""
    code = normalise(code)
    match = _PATTERN.match(code)
    if not match:
        raise InvalidIdentityCode("format")
    day, month, year, sign, individual, check = match.groups()
    try:
        date(CENTURIES[sign] + int(year), int(month), int(day))
    except ValueError as error:
        raise InvalidIdentityCode("date") from error
    if int(individual) < 2:
        raise InvalidIdentityCode("individual number")
    if CHECK_CHARACTERS[int(day + month + year + individual) % 31] != check:
        raise InvalidIdentityCode("checksum")
    return code


def is_valid(code: str) -> bool:
    try:
        validate(code)
    except InvalidIdentityCode:
        return False
    return True


def with_check_character(prefix: str) -> str:
    """Complete 'DDMMYYCNNN' with its check character (used for demo data)."""
    digits = prefix[:6] + prefix[7:10]
    return prefix + CHECK_CHARACTERS[int(digits) % 31]


def masked(code: str) -> str:
    """Show the birth date part only: 010280-****."""
    return normalise(code)[:7] + "****"


class IdentityCodeVault:
    """Encrypts identity codes (AES-GCM) and makes keyed lookup hashes."""

    def __init__(self, key_material: str) -> None:
        root = key_material.encode()
        self._hash_key = hmac.new(root, b"portal identity code hash", hashlib.sha256).digest()
        self._cipher = AESGCM(hmac.new(root, b"portal identity code cipher", hashlib.sha256).digest())

    def lookup_hash(self, code: str) -> str:
        return hmac.new(self._hash_key, normalise(code).encode(), hashlib.sha256).hexdigest()

    def encrypt(self, code: str) -> str:
        return self.seal(normalise(code), purpose=b"identity-code")

    def decrypt(self, token: str) -> str:
        return self.unseal(token, purpose=b"identity-code")

    def seal(self, text: str, *, purpose: bytes) -> str:
        """Encrypt other personal data at rest (ID tokens, form drafts)."""
        nonce = os.urandom(12)
        sealed = self._cipher.encrypt(nonce, text.encode(), purpose)
        return base64.urlsafe_b64encode(nonce + sealed).decode()

    def unseal(self, token: str, *, purpose: bytes) -> str:
        raw = base64.urlsafe_b64decode(token.encode())
        return self._cipher.decrypt(raw[:12], raw[12:], purpose).decode()
