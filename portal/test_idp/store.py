"""The test provider's codes, tokens, client assertions and sign-ins, kept
in the database (table testidpentry) so that any worker or instance of a
demo answers /test-idp/token and /test-idp/userinfo for a code or token that
another one handed out.

Codes and tokens are stored as SHA-256 hashes; the sign-in behind them
(identity code and names) only encrypted with the identity key. A code is
used up by one conditional UPDATE: of two redeemers racing, in one process
or two, exactly one gets it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from portal.db import transaction
from portal.identity_code import IdentityCodeVault
from portal.test_idp.models import TestIdpEntry
from portal.test_idp import state

CODE, TOKEN, ASSERTION, SIGN_IN = "code", "token", "assertion", "sign_in"
SIGN_IN_LIFETIME = 10 * 3600  # as long as the portal's longest session
PURPOSE = b"test-idp entry"


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


class Store:
    """What the provider hands out, until it expires; expired entries are
    removed on each new code and token."""

    def __init__(self, engine: Engine, vault: IdentityCodeVault, clients: Mapping[str, state.Client]) -> None:
        self.engine = engine
        self.vault = vault
        self.clients = clients

    def _seal(self, details: dict[str, object]) -> str:
        return self.vault.seal(json.dumps(details), purpose=PURPOSE)

    def _unseal(self, cipher: str) -> dict[str, object]:
        return json.loads(self.vault.unseal(cipher, purpose=PURPOSE))  # type: ignore[no-any-return]

    def _add(self, entry: TestIdpEntry) -> None:
        with transaction(self.engine) as session:
            session.execute(delete(TestIdpEntry).where(TestIdpEntry.expires_at <= state.now()))
            session.add(entry)

    def add_code(self, code: state.AuthorizationCode) -> None:
        details = {name: getattr(code, name) for name in ("redirect_uri", "scope", "code_challenge", "code_challenge_method")}
        details["sign_in"] = dataclasses.asdict(code.sign_in)
        self._add(TestIdpEntry(kind=CODE, key=digest(code.code), client_id=code.client_id, nonce=code.nonce,
                               details=self._seal(details), expires_at=code.expires_at))

    def redeem_code(self, value: str, client_id: str) -> state.AuthorizationCode | None:
        """The code, once: the first attempt uses it up, even if it then fails."""
        key = digest(value)
        this_code = (TestIdpEntry.kind == CODE, TestIdpEntry.key == key, TestIdpEntry.client_id == client_id,
                     TestIdpEntry.expires_at > state.now())
        with transaction(self.engine) as session:
            redeemed = session.execute(update(TestIdpEntry).where(*this_code, TestIdpEntry.used.is_(False))  # type: ignore[attr-defined]
                                       .values(used=True))
            entry = session.execute(select(TestIdpEntry).where(*this_code)).scalars().first()
            if entry is None:
                return None
            if redeemed.rowcount != 1:  # type: ignore[attr-defined]
                # A replayed code may be stolen: revoke what its first use
                # gave (RFC 6749, section 4.1.2). The code is kept until it
                # expires, so that a replay is noticed.
                session.execute(update(TestIdpEntry).where(TestIdpEntry.kind == TOKEN, TestIdpEntry.code_key == key)
                                .values(used=True))
                return None
            details = self._unseal(entry.details)
        sign_in = state.SignIn(**details.pop("sign_in"))  # type: ignore[arg-type]
        return state.AuthorizationCode(code=value, client_id=client_id, nonce=entry.nonce, sign_in=sign_in,
                                       expires_at=entry.expires_at, **details)  # type: ignore[arg-type]

    def use_jti(self, jti: str, *, expires_at: float) -> bool:
        """False if this client assertion was used before (a replay)."""
        try:
            self._add(TestIdpEntry(kind=ASSERTION, key=digest(jti), client_id="", expires_at=expires_at + 60))
        except IntegrityError:
            return False
        return True

    def nonce_in_use(self, client_id: str, nonce: str) -> bool:
        with transaction(self.engine) as session:
            found = session.execute(
                select(TestIdpEntry.id).where(TestIdpEntry.nonce == nonce, TestIdpEntry.kind == CODE,
                                              TestIdpEntry.client_id == client_id, TestIdpEntry.expires_at > state.now())
            ).first()
        return found is not None

    def add_token(self, token: state.AccessToken, *, code: str) -> None:
        details = {"scope": token.scope, "sign_in": dataclasses.asdict(token.sign_in)}
        self._add(TestIdpEntry(kind=TOKEN, key=digest(token.value), client_id=token.client.client_id,
                               subject=token.subject, code_key=digest(code), details=self._seal(details),
                               expires_at=token.expires_at))

    def find_token(self, value: str) -> state.AccessToken | None:
        with transaction(self.engine) as session:
            entry = session.execute(
                select(TestIdpEntry).where(TestIdpEntry.kind == TOKEN, TestIdpEntry.key == digest(value))
            ).scalars().first()
        client = self.clients.get(entry.client_id) if entry is not None else None
        if entry is None or client is None:
            return None
        details = self._unseal(entry.details)
        return state.AccessToken(value=value, client=client, sign_in=state.SignIn(**details["sign_in"]),  # type: ignore[arg-type]
                                 subject=entry.subject, scope=str(details["scope"]), expires_at=entry.expires_at,
                                 revoked=entry.used)

    def revoke_sign_ins(self, client_id: str, subject: str) -> None:
        """Logging out ends the access tokens the client has for that person."""
        with transaction(self.engine) as session:
            session.execute(update(TestIdpEntry).where(TestIdpEntry.kind == TOKEN, TestIdpEntry.subject == subject,
                                                       TestIdpEntry.client_id == client_id).values(used=True))

    def remember_sign_in(self, client_id: str, subject: str, sid: str) -> None:
        entry = TestIdpEntry(kind=SIGN_IN, key=digest(f"{client_id} {sid}"), client_id=client_id, subject=subject,
                             details=self._seal({"sid": sid}), expires_at=state.now() + SIGN_IN_LIFETIME)
        try:
            self._add(entry)
        except IntegrityError:
            pass  # this sign-in is remembered already

    def end_sign_ins(self, subject: str) -> list[tuple[str, str]]:
        """The person logged out here: forget their sign-ins; (client id, sid) of each."""
        with transaction(self.engine) as session:
            entries = session.execute(
                delete(TestIdpEntry).where(TestIdpEntry.kind == SIGN_IN, TestIdpEntry.subject == subject)
                .returning(TestIdpEntry.client_id, TestIdpEntry.details)
            ).all()
        return sorted((client_id, str(self._unseal(details)["sid"])) for client_id, details in entries)
