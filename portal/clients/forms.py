"""The staff client list's search: the start of a name, and whether to show
ended service periods. A GET form: it changes nothing, so it has no token."""

from __future__ import annotations

from typing import Self
from urllib.parse import urlencode

from starlette.requests import Request
from wtforms import BooleanField, StringField
from wtforms.validators import Length, Optional

from portal.forms import PortalForm, errors, without_untyped
from portal.forms.fields import strip
from portal.i18n import lazy_gettext as _l


class NameSearchForm(PortalForm):
    """A search by the start of the family name (the client list, a group's
    page). A GET form: it changes nothing, so it has no token."""

    class Meta:
        csrf = False

    name = StringField(
        _l("Hae nimellä"),
        description=_l("Kirjoita sukunimen alku, esimerkiksi Virt."),
        validators=[Optional(), Length(max=100, message=errors.SEARCH_TOO_LONG)],
        filters=[strip],
    )

    @classmethod
    def from_query(cls, request: Request) -> Self:
        # Without the characters nobody types, as a posted form: the search is shown back in its field.
        return cls(formdata=without_untyped(request.query_params))


class ClientSearchForm(NameSearchForm):
    ended = BooleanField(_l("Näytä päättyneet asiakkuudet"))

    @property
    def query_string(self) -> str:
        """The search without the cursor, for the next-page link."""
        values = {"name": self.name.data or ""}
        if self.ended.data:
            values["ended"] = "y"
        return urlencode({key: value for key, value in values.items() if value})
