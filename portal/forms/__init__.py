"""Form foundation: WTForms with CSRF, loaded from a Starlette request."""

from __future__ import annotations

from typing import Any, Self

from starlette.datastructures import MultiDict
from starlette.requests import Request
from wtforms import Form

from portal.forms.csrf import SignedCSRF
from portal.plain_text import typed_text


def without_untyped(formdata: Any) -> MultiDict:
    """The posted fields without the characters nobody types (see
    portal.plain_text) in any text value: once, here, for every field of
    every form."""
    return MultiDict(
        [(key, typed_text(value) if isinstance(value, str) else value) for key, value in formdata.multi_items()]
    )


class CsrfRefused(Exception):
    """A form post without a valid token: nothing may be stored."""


class PortalForm(Form):
    class Meta:
        csrf = True
        csrf_class = SignedCSRF
        csrf_field_name = "csrf_token"

    @classmethod
    async def load(cls, request: Request, *, prefix: str = "", **data: Any) -> Self:
        """The form, filled from the posted body when the request is a POST."""
        formdata: Any = without_untyped(await request.form()) if request.method == "POST" else None
        viewer = getattr(request.state, "viewer", None)
        if formdata is None and viewer is not None and viewer.draft:
            formdata = without_untyped(MultiDict(viewer.draft))  # answers kept over a session timeout
        context = (request.app.state.settings.secret_key, request.state.csrf_seed)
        return cls(formdata=formdata, meta={"csrf_context": context}, data=data or None, prefix=prefix)

    def validate_submission(self) -> bool:
        """Validate a post; raise CsrfRefused first if its token is not ours."""
        valid = self.validate()
        if "csrf_token" in self.errors:
            raise CsrfRefused()
        return valid

    @property
    def error_list(self) -> list[tuple[str, str]]:
        """(field id, first message) for the error summary, in form order."""
        return [
            (field.id, str(field.errors[0]))
            for field in self
            if field.errors and field.name != "csrf_token"
        ]
