"""The portal's own key pairs for OpenID Connect, and their public JWKS.

The trust network's profile (and Suomi.fi e-Identification's OIDC interface)
wants the service to sign its client assertions and request objects and to
receive its ID tokens and userinfo encrypted. So the portal keeps two key
pairs: one to sign ("sig") and one for the provider to encrypt to ("enc").

They live as PEM files in PORTAL_DATA_DIR/oidc-keys, one file a key, named
by use and creation time, so every instance that shares the directory agrees.
Rotating adds a new pair. Providers cache the JWKS, so a new signing key is
published for JWKS_MAX_AGE before it signs anything, and an older key stays
in the JWKS (and keeps decrypting) for RETIRED_KEY_KEPT after its successor
came. Then rotating again removes it.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from joserfc.errors import InvalidKeyTypeError
from joserfc.jwk import ECKey, KeySet, RSAKey

KEY_DIR = "oidc-keys"
JWKS_MAX_AGE = 3600  # seconds, in the JWKS answer's Cache-Control
RETIRED_KEY_KEPT = timedelta(days=7)
ENCRYPTION_ALGORITHM = "RSA-OAEP-256"
# What the portal can decrypt; the provider picks among these.
DECRYPTION_ALGORITHMS = ("RSA-OAEP-256", "RSA-OAEP", "A128CBC-HS256", "A256CBC-HS512", "A128GCM", "A256GCM")

Key = RSAKey | ECKey


@dataclass(frozen=True)
class StoredKey:
    use: str  # "sig" or "enc"
    created: int  # unix nanoseconds
    key: Key

    @property
    def kid(self) -> str:
        return self.key.thumbprint()


def _key_type(algorithm: str) -> str:
    return "EC" if algorithm.startswith("ES") else "RSA"


def _generate(use: str, algorithm: str) -> Key:
    if use == "sig" and _key_type(algorithm) == "EC":
        return ECKey.generate_key("P-256")
    return RSAKey.generate_key(2048)


def _import(data: bytes) -> Key:
    try:
        return RSAKey.import_key(data)
    except InvalidKeyTypeError:
        return ECKey.import_key(data)


def _write_private(path: Path, data: bytes) -> None:
    # Written to a private file beside the target, then linked into place:
    # the link never replaces a key another process wrote meanwhile.
    draft = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink(missing_ok=True)


class PortalKeys:
    """The key files of one data directory; parsed keys are cached by file name."""

    def __init__(self, data_dir: Path, signing_algorithm: str = "RS256") -> None:
        self.directory = data_dir / KEY_DIR
        self.signing_algorithm = signing_algorithm
        self._parsed: dict[str, Key] = {}
        self._lock = threading.Lock()

    def _stored(self) -> list[StoredKey]:
        try:
            names = sorted(name for name in os.listdir(self.directory) if name.endswith(".pem"))
        except FileNotFoundError:
            names = []
        found = []
        with self._lock:
            for name in names:
                use, _, created = name.removesuffix(".pem").partition("-")
                if use not in ("sig", "enc") or not created.isdigit():
                    continue
                if name not in self._parsed:
                    data = (self.directory / name).read_bytes()
                    self._parsed[name] = _import(data)
                found.append(StoredKey(use, int(created), self._parsed[name]))
        return sorted(found, key=lambda stored: stored.created)

    def _create(self, use: str, now: float) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        key = _generate(use, self.signing_algorithm)
        # Nanoseconds keep two keys of one second apart; sorted by creation.
        _write_private(self.directory / f"{use}-{int(now * 1_000_000_000)}.pem", key.as_pem(private=True))

    def _published(self, use: str, now: float) -> list[StoredKey]:
        """The newest key of the use, and older ones within their overlap."""
        keys = [stored for stored in self._stored() if stored.use == use]
        if use == "sig":
            keys = [stored for stored in keys if stored.key.key_type == _key_type(self.signing_algorithm)]
        if not keys:
            self._create(use, now)
            return self._published(use, now)
        kept = RETIRED_KEY_KEPT.total_seconds() * 1_000_000_000
        published = [keys[-1]]
        for older, newer in zip(keys, keys[1:], strict=False):
            if newer.created + kept > now * 1_000_000_000:
                published.append(older)
        return sorted(published, key=lambda stored: -stored.created)

    def signing_key(self, now: float | None = None) -> StoredKey:
        """The newest signing key that providers have had time to fetch."""
        moment = time.time() if now is None else now
        published = self._published("sig", moment)
        ready = [stored for stored in published if stored.created <= (moment - JWKS_MAX_AGE) * 1_000_000_000]
        return ready[0] if ready else published[-1]

    def decryption_keys(self, now: float | None = None) -> KeySet:
        keys = self._published("enc", time.time() if now is None else now)
        return KeySet([_with_kid(stored) for stored in keys])

    def public_jwks(self, now: float | None = None) -> dict[str, Any]:
        moment = time.time() if now is None else now
        keys = []
        for stored in self._published("sig", moment):
            keys.append(stored.key.as_dict(private=False, kid=stored.kid, use="sig", alg=self.signing_algorithm))
        for stored in self._published("enc", moment):
            keys.append(stored.key.as_dict(private=False, kid=stored.kid, use="enc", alg=ENCRYPTION_ALGORITHM))
        return {"keys": keys}

    def rotate(self, now: float | None = None) -> list[str]:
        """Add a new signing and encryption key; remove keys past their overlap.
        Returns the new keys' kids."""
        moment = time.time() if now is None else now
        before = {stored.kid for stored in self._stored()}
        for use in ("sig", "enc"):
            self._create(use, moment)
        published = {stored.kid for use in ("sig", "enc") for stored in self._published(use, moment)}
        for name in os.listdir(self.directory):
            if name.endswith(".pem") and name in self._parsed and self._parsed[name].thumbprint() not in published:
                (self.directory / name).unlink(missing_ok=True)
        return sorted(published - before)


def _with_kid(stored: StoredKey) -> Key:
    """The key with its kid and algorithm set, as a KeySet looks keys up."""
    return stored.key.import_key(
        stored.key.as_dict(private=True, kid=stored.kid, use=stored.use, alg=ENCRYPTION_ALGORITHM)
    )
