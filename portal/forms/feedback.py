"""The accessibility feedback form."""

from __future__ import annotations

import re

from wtforms import StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Length, Optional

from portal.feedback.accessibility import ANSWER_MAX, EMAIL_PATTERN
from portal.forms import PortalForm
from portal.forms import errors
from portal.i18n import lazy_gettext as _l

MESSAGE_MAX = 4000
_PHONE = re.compile(r"^\+?[0-9 ()-]{5,20}$")


def email_or_phone(_form: PortalForm, field: StringField) -> None:
    value = (field.data or "").strip()
    if value and not (EMAIL_PATTERN.match(value) or _PHONE.match(value)):
        raise ValidationError(errors.CONTACT_FORMAT)


class AccessibilityFeedbackForm(PortalForm):
    message = TextAreaField(
        _l("Mikä ei toiminut?"),
        description=_l("Kerro, mitä yritit tehdä. Kerro myös, mikä oli vaikeaa."),
        validators=[
            DataRequired(message=errors.WRITE_FEEDBACK),
            Length(max=MESSAGE_MAX, message=errors.FEEDBACK_TOO_LONG),
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )
    page = StringField(
        _l("Millä sivulla ongelma oli? (vapaaehtoinen)"),
        description=_l("Voit kirjoittaa sivun nimen tai osoitteen."),
        validators=[Optional(), Length(max=300, message=errors.PAGE_TOO_LONG)],
    )
    contact = StringField(
        _l("Sähköposti tai puhelinnumero (vapaaehtoinen)"),
        description=_l("Kirjoita tämä, jos haluat vastauksen."),
        validators=[Optional(), Length(max=200, message=errors.CONTACT_FORMAT), email_or_phone],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


class AccessibilityAnswerForm(PortalForm):
    answer = TextAreaField(
        _l("Vastaus palautteen antajalle"),
        validators=[
            DataRequired(message=errors.WRITE_ANSWER),
            Length(max=ANSWER_MAX, message=errors.FEEDBACK_TOO_LONG),
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )
