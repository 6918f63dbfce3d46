"""The bundled test identity provider's codes, tokens and sign-ins, in the
database so that every worker and instance of a demo shares them."""

from __future__ import annotations

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel


class TestIdpEntry(SQLModel, table=True):
    """One thing the test provider handed out, until it expires.

    `kind` is "code" (an authorization code), "token" (an access token),
    "assertion" (a client assertion's jti, kept to refuse a replay) or
    "sign_in" (who signed in to which client, for back-channel logout).
    Codes and tokens are stored as SHA-256 hashes of their value; the sign-in
    behind a code or token (identity code and names) only encrypted.
    Times are Unix seconds: the provider's protocol clock (test_idp.state.now).
    """

    __tablename__ = "testidpentry"
    __table_args__ = (
        UniqueConstraint("kind", "key", name="uq_testidpentry_kind_key"),
        Index("ix_testidpentry_kind_subject", "kind", "subject"),
    )
    __test__ = False  # pytest: not a test class

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=10)
    key: str = Field(max_length=200)  # a hash of the code or token; a jti; a sid
    client_id: str = Field(max_length=200)
    subject: str = Field(default="", max_length=64)  # the pseudonymous sub (tokens, sign-ins)
    nonce: str = Field(default="", max_length=255, index=True)  # codes: for the nonce replay check
    code_key: str = Field(default="", max_length=64, index=True)  # tokens: the code they came from
    details: str = Field(default="", max_length=8000)  # encrypted JSON: the code's request and sign-in
    expires_at: float = Field(index=True)
    used: bool = False  # a code redeemed, a token revoked
