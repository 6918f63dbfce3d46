"""The access log's key (PORTAL_ACCESS_LOG_KEY), never stored in the database.

One secret, three purposes: event MACs, seal MACs and checkpoint signatures
each use their own key derived from it, so one kind of value can never pass
for another.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from portal.settings import DEVELOPMENT_ACCESS_LOG_KEY


@dataclass(frozen=True)
class LogKeys:
    event: bytes
    seal: bytes
    checkpoint: bytes

    @classmethod
    def from_secret(cls, secret: str) -> LogKeys:
        master = secret.encode()
        derive = lambda label: hmac.new(master, b"portal access log " + label, hashlib.sha256).digest()  # noqa: E731
        return cls(event=derive(b"event"), seal=derive(b"seal"), checkpoint=derive(b"checkpoint"))


_current = LogKeys.from_secret(DEVELOPMENT_ACCESS_LOG_KEY)


def configure(secret: str) -> None:
    """Set the process's key (the app factory and the CLI call this)."""
    global _current
    _current = LogKeys.from_secret(secret)


def current_keys() -> LogKeys:
    return _current


def mac(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()
