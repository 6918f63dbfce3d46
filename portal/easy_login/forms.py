"""The easy login's forms: a number code typed, a number code chosen, the
kiosk list, an enrolment code, staff's enrolment and a kiosk's name, and
the passkey pages' forms."""

from __future__ import annotations

from wtforms import (BooleanField, Field, HiddenField, PasswordField, RadioField, SelectChoice, SelectField,
                     StringField, ValidationError)
from wtforms.validators import DataRequired, InputRequired, Length

from portal.easy_login import codes
from portal.easy_login.enrolment import DIGITS, How, normalise
from portal.easy_login.symbols import SYMBOLS
from portal.forms import PortalForm, errors
from portal.i18n import lazy_gettext as _l

TYPE_CODE = _l("Kirjoita numerokoodi.")
CODE_DIGITS = _l("Numerokoodissa on 4–6 numeroa. Kirjoita vain numeroita.")
WEAKNESS = {
    codes.Weakness.NOT_DIGITS: CODE_DIGITS,
    codes.Weakness.LENGTH: CODE_DIGITS,
    codes.Weakness.REPEATED: _l("Koodi on liian helppo arvata, koska samat numerot toistuvat. Valitse toinen koodi."),
    codes.Weakness.RUNNING: _l("Koodi on liian helppo arvata, koska numerot ovat peräkkäin. Valitse toinen koodi."),
    codes.Weakness.BIRTH_DATE: _l("Koodissa on syntymäpäiväsi. Se on helppo arvata. Valitse toinen koodi."),
    codes.Weakness.IDENTITY_CODE: _l("Koodissa on osa henkilötunnuksestasi. Valitse toinen koodi."),
}


def _code_field(label: object, description: object = None, *, required: bool = True) -> PasswordField:
    return PasswordField(label, description=description, validators=[InputRequired(TYPE_CODE)] if required else [],
                         render_kw={"inputmode": "numeric", "autocomplete": "off", "class": "code-input",
                                    "maxlength": codes.MAX_DIGITS, "pattern": "[0-9]*"})


class TypeCodeForm(PortalForm):
    """The number code typed at the kiosk."""

    code = _code_field(_l("Numerokoodi"))

    def validate_code(self, field: Field) -> None:
        text = (field.data or "").strip()
        if not text.isascii() or not text.isdigit() or not codes.MIN_DIGITS <= len(text) <= codes.MAX_DIGITS:
            raise ValidationError(CODE_DIGITS)
        field.data = text


class ChooseCodeForm(PortalForm):
    """A new number code, twice. `identity_code` (set by the route) keeps the
    birth date and the identity code out of it."""

    code = _code_field(_l("Uusi numerokoodi"), _l("4–6 numeroa. Älä käytä syntymäpäivääsi."))
    code_again = _code_field(_l("Uusi numerokoodi uudelleen"))
    identity_code = ""

    def validate_code(self, field: Field) -> None:
        text = (field.data or "").strip()
        problem = codes.weakness(text, identity_code=self.identity_code)
        if problem is not None:
            raise ValidationError(WEAKNESS[problem])
        field.data = text

    def validate_code_again(self, field: Field) -> None:
        if (field.data or "").strip() != (self.code.data or "").strip():
            raise ValidationError(_l("Koodit eivät ole samat. Kirjoita sama koodi kaksi kertaa."))


class KioskListForm(PortalForm):
    on_list = BooleanField(_l("Haluan nimeni kioskin listalle"),
                           description=_l("Listalla näkyy etunimesi, sukunimesi ensimmäinen kirjain ja kuva."))
    symbol = RadioField(_l("Valitse kuva, josta tunnistat oman nimesi"),
                        choices=[SelectChoice(name, label) for name, label in SYMBOLS.items()],
                        validate_choice=False)
    instructor_helps = BooleanField(_l("Ohjaaja saa auttaa minua kirjautumaan"),
                                    description=_l("Voit pyytää ohjaajaa vahvistamaan, että olet sinä. "
                                                   "Silloin et tarvitse koodia."))

    option_images = {name: (f"symbols/{name}.svg", "") for name in SYMBOLS}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.symbol.option_images = self.option_images

    def validate_symbol(self, field: Field) -> None:
        if field.data not in SYMBOLS:
            if self.on_list.data:
                raise ValidationError(_l("Valitse kuva."))
            field.data = ""


class EnrolmentCodeForm(PortalForm):
    enrolment_code = StringField(
        _l("Käyttöönottokoodi"), description=_l("Ohjaaja antoi sinulle 10 numeron koodin."),
        validators=[InputRequired(_l("Kirjoita käyttöönottokoodi."))],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "class": "code-input code-input--long"})

    def validate_enrolment_code(self, field: Field) -> None:
        text = normalise(field.data or "")
        if not text.isascii() or not text.isdigit() or len(text) != DIGITS:
            raise ValidationError(_l("Käyttöönottokoodissa on 10 numeroa. Tarkista koodi."))
        field.data = text


class EnrolWithCodeForm(ChooseCodeForm, KioskListForm):
    """The kiosk's enrolment: the enrolment code (carried), the number code and
    the list. With "Ohjaaja saa auttaa" the code may be left out: an
    instructor confirms the client at the kiosk instead."""

    enrolment_code = StringField(validators=[InputRequired()])
    code = _code_field(_l("Uusi numerokoodi"), _l("4–6 numeroa. Älä käytä syntymäpäivääsi. Jos ohjaaja auttaa "
                                                  "sinua kirjautumaan, voit jättää koodin pois."), required=False)
    code_again = _code_field(_l("Uusi numerokoodi uudelleen"), required=False)

    def no_code(self) -> bool:
        return not (self.code.data or "").strip() and not (self.code_again.data or "").strip()

    def validate_code(self, field: Field) -> None:
        if self.no_code():
            if not self.instructor_helps.data:
                raise ValidationError(_l("Kirjoita numerokoodi, tai valitse, että ohjaaja saa auttaa sinua "
                                         "kirjautumaan."))
            field.data = ""
            return
        super().validate_code(field)

    def validate_code_again(self, field: Field) -> None:
        if not self.no_code():
            super().validate_code_again(field)


class EnrolForm(PortalForm):
    """Staff confirm who the client is before an enrolment code is given."""

    how = RadioField(
        _l("Miten varmistit henkilöllisyyden?"),
        choices=[SelectChoice(How.DOCUMENT.value, _l("Näin henkilöllisyys\u00adtodistuksen")),
                 SelectChoice(How.KNOWN.value,
                              _l("Tunnen asiakkaan, ja edunvalvoja tai omainen vahvisti henkilöllisyyden"))],
        validators=[InputRequired(_l("Valitse, miten varmistit henkilöllisyyden."))])
    guardian_consent = BooleanField(_l("Edunvalvoja on antanut suostumuksensa"))
    client_present = BooleanField(_l("Asiakas on paikalla"),
                                  validators=[DataRequired(_l("Anna koodi vain, kun asiakas on paikalla."))])
    needs_consent = False

    def validate_guardian_consent(self, field: Field) -> None:
        if self.needs_consent and not field.data:
            raise ValidationError(_l("Asiakkaalla on edunvalvoja. Kysy edunvalvojan suostumus ensin."))


class KioskForm(PortalForm):
    """Staff mark this device as a kiosk of one of their units."""

    name = StringField(_l("Laitteen nimi"), description=_l("Esimerkiksi Tuvan aulan tabletti."),
                       validators=[InputRequired(_l("Kirjoita laitteen nimi.")),
                                   Length(max=60, message=_l("Kirjoita enintään 60 merkkiä."))])
    unit = SelectField(_l("Toimintakeskus"), coerce=int, validate_choice=True)


# The passkey pages: the phone's answer travels in a hidden field, posted as an
# ordinary form (static/passkey.js fills it), with the CSRF token.

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
