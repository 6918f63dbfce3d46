"""Forms of the passkey pages: the phone's answer travels in a hidden field,
posted as an ordinary form (static/passkey.js fills it), with the CSRF token."""

from __future__ import annotations

from wtforms import HiddenField, StringField
from wtforms.validators import InputRequired, Length

from portal.forms import PortalForm, errors
from portal.i18n import lazy_gettext as _l


class PasskeyForm(PortalForm):
    """Options asked for, or the phone's answer (a JSON text) sent back."""

    credential = HiddenField()


class EnrolmentPasskeyForm(PasskeyForm):
    """A passkey added with the one-time code staff gave (no bank ID needed)."""

    enrolment_code = StringField(
        _l("Koodi, jonka sait ohjaajalta"),
        description=_l("Koodissa on 10 numeroa."),
        validators=[InputRequired(message=errors.WRITE_ENROLMENT_CODE), Length(max=40, message=errors.ENROLMENT_CODE_UNKNOWN)],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"},
    )
