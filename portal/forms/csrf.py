"""Cross-site request forgery protection for every form.

Each browser gets a random value in an HttpOnly cookie; forms carry an HMAC
of it. A missing or wrong token refuses the whole post before anything is
read or stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from wtforms import ValidationError
from wtforms.csrf.core import CSRF

from portal.forms.errors import FORM_EXPIRED

COOKIE_NAME = "portal_csrf"


def new_seed() -> str:
    return secrets.token_urlsafe(32)


def token_for(secret_key: str, seed: str) -> str:
    return hmac.new(secret_key.encode(), b"csrf:" + seed.encode(), hashlib.sha256).hexdigest()


class SignedCSRF(CSRF):
    """The form's csrf_context is (secret_key, seed)."""

    def setup_form(self, form: Any) -> Any:
        self.secret_key, self.seed = form.meta.csrf_context
        return super().setup_form(form)

    def generate_csrf_token(self, csrf_token_field: Any) -> str:
        return token_for(self.secret_key, self.seed)

    def validate_csrf_token(self, form: Any, field: Any) -> None:
        if not matches(self.secret_key, self.seed, field.data):
            raise ValidationError(FORM_EXPIRED)


def matches(secret_key: str, seed: str, token: object) -> bool:
    """True when the posted token is this browser's; any other value is False."""
    if not isinstance(token, str):
        return False
    # compare_digest raises on non-ASCII str: compare bytes, so "ä" is just wrong.
    return hmac.compare_digest(token.encode("utf-8", "replace"), token_for(secret_key, seed).encode())
