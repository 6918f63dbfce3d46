"""The test provider's signing key: RSA 2048 (RS256, PS256) or EC P-256
(ES256), kept as PEM in the data directory.

The key is made on first use and reused after restarts, so ID tokens stay
verifiable across them. Its kid is the RFC 7638 thumbprint of the public
key: a new key always gets a new kid, the same key always the same one.
"""

from __future__ import annotations

import os
import secrets
import threading
from pathlib import Path
from typing import Any

from joserfc.jwk import ECKey, RSAKey

KEY_FILE = "test-idp-signing-key.pem"
EC_KEY_FILE = "test-idp-signing-key-ec.pem"
ALGORITHM = "RS256"  # the default; PORTAL_TEST_IDP_ALGORITHM picks another


def load_or_create(path: Path, kind: type[RSAKey] | type[ECKey] = RSAKey) -> RSAKey | ECKey:
    try:
        return kind.import_key(path.read_bytes())
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = RSAKey.generate_key(2048) if kind is RSAKey else ECKey.generate_key("P-256")
    # Write a private file beside the target, then link it into place: the
    # link never replaces a key that another process wrote meanwhile.
    draft = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(key.as_pem(private=True))
        os.link(draft, path)
    except FileExistsError:
        return kind.import_key(path.read_bytes())
    finally:
        draft.unlink(missing_ok=True)
    return key


class SigningKey:
    """Loads the key when it is first needed (making one takes a moment)."""

    def __init__(self, data_dir: Path, algorithm: str = ALGORITHM) -> None:
        self.algorithm = algorithm
        self.kind = ECKey if algorithm.startswith("ES") else RSAKey
        self.path = data_dir / (EC_KEY_FILE if self.kind is ECKey else KEY_FILE)
        self._key: RSAKey | ECKey | None = None
        self._lock = threading.Lock()

    @property
    def private_key(self) -> RSAKey | ECKey:
        with self._lock:
            if self._key is None:
                self._key = load_or_create(self.path, self.kind)
            return self._key

    @property
    def kid(self) -> str:
        return self.private_key.thumbprint()

    def public_jwks(self) -> dict[str, Any]:
        public = self.private_key.as_dict(private=False, kid=self.kid, use="sig", alg=self.algorithm)
        return {"keys": [public]}
