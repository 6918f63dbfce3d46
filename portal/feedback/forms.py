"""Feedback's forms: the client's feedback ("Anna palautetta") and the staff's
answer, the accessibility feedback form and the staff's answer to it."""

from __future__ import annotations

import re

from markupsafe import Markup, escape
from wtforms import BooleanField, Field, RadioField, SelectChoice, StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Length, Optional

from portal.feedback import accessibility
from portal.feedback.client import ANSWER_MAX, TEXT_MAX
from portal.forms import PortalForm, errors
from portal.forms.fields import strip
from portal.i18n import lazy_gettext as _l

# The five faces, best first; each always has its words (never a face alone).
FACES = {
    5: ("\N{GRINNING FACE WITH SMILING EYES}", _l("Tosi hyvin")),
    4: ("\N{SLIGHTLY SMILING FACE}", _l("Hyvin")),
    3: ("\N{NEUTRAL FACE}", _l("Siltä väliltä")),
    2: ("\N{SLIGHTLY FROWNING FACE}", _l("Huonosti")),
    1: ("\N{PERSEVERING FACE}", _l("Tosi huonosti")),
}
SERVICE = "service"  # the "about" value for the service as a whole


def face_label(mood: int) -> Markup:
    face, words = FACES[mood]
    # The face is decoration for the eye; a screen reader reads the words.
    return Markup('<span class="face" aria-hidden="true">{}</span> {}').format(face, escape(str(words)))


def _int_or_none(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


class ClientFeedbackForm(PortalForm):
    mood = RadioField(_l("Miten meni?"), coerce=_int_or_none, validate_choice=False,
                      validators=[DataRequired(message=errors.CHOOSE_FACE)])
    about = RadioField(_l("Mistä annat palautetta?"), validate_choice=False, default=SERVICE,
                       validators=[DataRequired(message=errors.CHOOSE_ABOUT)])
    text = TextAreaField(
        _l("Kerro lisää (vapaaehtoinen)"),
        description=_l("Älä kirjoita terveydestäsi. Älä kirjoita muita henkilö\u00adtietoja."),
        filters=[strip],
        validators=[Optional(), Length(max=TEXT_MAX, message=errors.FEEDBACK_TEXT_TOO_LONG)],
    )
    anonymous = BooleanField(
        _l("Anna palaute nimettömänä"),
        description=_l("Nimetön palaute ei tallenna nimeäsi. Se tallentaa vain päivän, ei kellonaikaa. "
                       "Nimettömään palautteeseen et saa vastausta."),
    )

    def offer(self, activities: list[str]) -> None:
        """The faces, and the service or one activity of the client's week."""
        self.mood.choices = [SelectChoice(mood, face_label(mood)) for mood in FACES]
        self.about.choices = [SelectChoice(SERVICE, _l("Koko palvelusta"))] + [
            SelectChoice(name, name) for name in activities
        ]

    def validate_mood(self, field: Field) -> None:
        if field.data not in FACES:
            raise ValidationError(errors.CHOOSE_FACE)

    def validate_about(self, field: Field) -> None:
        if field.data not in {choice.value for choice in self.about.choices}:  # type: ignore[union-attr]
            raise ValidationError(errors.CHOOSE_ABOUT)


class FeedbackAnswerForm(PortalForm):
    answer = TextAreaField(
        _l("Vastaus asiakkaalle"),
        filters=[strip],
        validators=[DataRequired(message=errors.WRITE_ANSWER),
                    Length(max=ANSWER_MAX, message=errors.FEEDBACK_TEXT_TOO_LONG)],
    )


# The accessibility statement's feedback ----------------------------------------

MESSAGE_MAX = 4000
_PHONE = re.compile(r"^\+?[0-9 ()-]{5,20}$")


def email_or_phone(_form: PortalForm, field: StringField) -> None:
    value = (field.data or "").strip()
    if value and not (accessibility.EMAIL_PATTERN.match(value) or _PHONE.match(value)):
        raise ValidationError(errors.CONTACT_FORMAT)


class AccessibilityFeedbackForm(PortalForm):
    message = TextAreaField(
        _l("Mikä ei toiminut?"),
        description=_l("Kerro, mitä yritit tehdä. Kerro myös, mikä oli vaikeaa."),
        validators=[
            DataRequired(message=errors.WRITE_FEEDBACK),
            Length(max=MESSAGE_MAX, message=errors.FEEDBACK_TOO_LONG),
        ],
        filters=[strip],
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
            Length(max=accessibility.ANSWER_MAX, message=errors.FEEDBACK_TOO_LONG),
        ],
        filters=[strip],
    )
