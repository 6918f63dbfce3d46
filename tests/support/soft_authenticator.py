"""A software authenticator: real WebAuthn answers for tests, made byte by
byte as a phone makes them (an EC P-256 key, authenticatorData,
clientDataJSON, attestation "none", an ECDSA signature). Nothing of the
library under test is stood in for: the portal checks these answers exactly
as it checks a phone's."""

from __future__ import annotations

import hashlib
import json
import os
import struct
from typing import Any
from urllib.parse import urlsplit

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

USER_PRESENT, USER_VERIFIED, ATTESTED = 0x01, 0x04, 0x40


class SoftAuthenticator:
    """One passkey on one (pretend) phone."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.rp_id = urlsplit(origin).hostname or ""
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.sign_count = 0
        self.user_handle: bytes | None = None

    @property
    def id(self) -> str:
        return bytes_to_base64url(self.credential_id)

    def _cose_key(self) -> bytes:
        numbers = self.private_key.public_key().public_numbers()
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})

    def _authenticator_data(self, rp_id: str, flags: int, attested: bytes = b"") -> bytes:
        return hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + struct.pack(">I", self.sign_count) + attested

    @staticmethod
    def _client_data(kind: str, challenge: str, origin: str) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}).encode()

    def create(self, options: dict[str, Any], *, origin: str | None = None, rp_id: str | None = None,
               user_verified: bool = True) -> str:
        """The answer of navigator.credentials.create() to the portal's options (JSON)."""
        self.user_handle = base64url_to_bytes(options["user"]["id"])
        client_data = self._client_data("webauthn.create", options["challenge"], origin or self.origin)
        attested = bytes(16) + struct.pack(">H", len(self.credential_id)) + self.credential_id + self._cose_key()
        flags = USER_PRESENT | ATTESTED | (USER_VERIFIED if user_verified else 0)
        authenticator_data = self._authenticator_data(rp_id or options["rp"]["id"], flags, attested)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": authenticator_data})
        return json.dumps({
            "id": self.id, "rawId": self.id, "type": "public-key", "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": {"clientDataJSON": bytes_to_base64url(client_data),
                         "attestationObject": bytes_to_base64url(attestation), "transports": ["internal"]},
        })

    def get(self, options: dict[str, Any], *, origin: str | None = None, rp_id: str | None = None,
            user_verified: bool = True, sign_count: int | None = None, challenge: str | None = None,
            user_handle: bytes | None = None) -> str:
        """The answer of navigator.credentials.get(); the count grows by one unless given."""
        self.sign_count = self.sign_count + 1 if sign_count is None else sign_count
        client_data = self._client_data("webauthn.get", challenge or options["challenge"], origin or self.origin)
        authenticator_data = self._authenticator_data(
            rp_id or options["rpId"], USER_PRESENT | (USER_VERIFIED if user_verified else 0))
        signature = self.private_key.sign(authenticator_data + hashlib.sha256(client_data).digest(),
                                          ec.ECDSA(hashes.SHA256()))
        handle = user_handle if user_handle is not None else self.user_handle
        assert handle is not None, "create the key first"
        return json.dumps({
            "id": self.id, "rawId": self.id, "type": "public-key", "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": {"clientDataJSON": bytes_to_base64url(client_data),
                         "authenticatorData": bytes_to_base64url(authenticator_data),
                         "signature": bytes_to_base64url(signature), "userHandle": bytes_to_base64url(handle)},
        })
