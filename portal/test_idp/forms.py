"""The test provider's sign-in form: a demo person, or any identity code."""

from __future__ import annotations

from typing import Any

from wtforms import RadioField, StringField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from portal.demo import DEMO_PEOPLE
from portal.forms import PortalForm, errors
from portal.i18n import lazy_gettext as _l
from portal.identity_code import InvalidIdentityCode, validate
from portal.settings import LOA_HIGH, LOA_LOW, LOA_SUBSTANTIAL
from portal.test_idp.state import SignIn

# Names for a typed identity code when none are given.
DEFAULT_GIVEN_NAME = "Testi"
DEFAULT_FAMILY_NAME = "Henkilö"
LEVELS = (LOA_SUBSTANTIAL, LOA_HIGH, LOA_LOW)
DEMO_CODES = {person.identity_code for person in DEMO_PEOPLE}
# Someone who logs in with another EU country's eID through eIDAS: a name,
# but no Finnish identity code. The portal shows them a page of their own.
FOREIGN = "eidas"
FOREIGN_NAMES = ("Erika", "Mustermann")


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class SignInForm(PortalForm):
    person = RadioField(
        _l("Valitse testi\u00adhenkilö"),
        choices=[
            *(
                SelectChoice(person.identity_code, f"{person.given_name} {person.family_name}, {person.identity_code}")
                for person in DEMO_PEOPLE
            ),
            SelectChoice(FOREIGN, " ".join(FOREIGN_NAMES)),
        ],
        validate_choice=False,  # validate_person gives our own message
    )
    identity_code = StringField(
        _l("Henkilö\u00adtunnus"),
        description=_l("Voit kirjoittaa minkä tahansa henkilö\u00adtunnuksen. Esimerkki: 311299-999E."),
        filters=[strip],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )
    given_name = StringField(
        _l("Etunimi (vapaaehtoinen)"),
        description=_l("Jos et kirjoita etunimeä, etunimi on Testi."),
        filters=[strip],
        validators=[Optional(), Length(max=100, message=errors.NAME_TOO_LONG)],
        render_kw={"autocomplete": "off"},  # a test person's name, not yours
    )
    family_name = StringField(
        _l("Sukunimi (vapaaehtoinen)"),
        description=_l("Jos et kirjoita sukunimeä, sukunimi on Henkilö."),
        filters=[strip],
        validators=[Optional(), Length(max=100, message=errors.NAME_TOO_LONG)],
        render_kw={"autocomplete": "off"},
    )
    level = RadioField(
        _l("Tunnistuksen taso"),
        description=_l("Taso kertoo, kuinka varmasti henkilö on tunnistettu."),
        choices=[
            SelectChoice(LOA_SUBSTANTIAL, _l("Korotettu")),
            SelectChoice(LOA_HIGH, _l("Korkea")),
            SelectChoice(LOA_LOW, _l("Matala (portaali ei hyväksy tätä)")),
        ],
        default=LOA_SUBSTANTIAL,
        invalid_choice_message=errors.CHOOSE_LEVEL,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A hint under each person, for the field macro. The demo
        # descriptions are written in English (see portal.demo).
        self.person.option_hints = {person.identity_code: person.description for person in DEMO_PEOPLE}
        self.person.option_hints[FOREIGN] = "no Finnish identity code (another EU country's eID)"
        self.person.option_hints_lang = "en"

    def validate_person(self, field: RadioField) -> None:
        typed = bool(self.identity_code.data)
        if field.data and typed:
            raise ValidationError(errors.PERSON_AND_CODE)
        if not typed and field.data not in DEMO_CODES | {FOREIGN}:
            raise ValidationError(errors.CHOOSE_PERSON_OR_CODE)

    def validate_identity_code(self, field: StringField) -> None:
        if field.data:
            try:
                validate(field.data)
            except InvalidIdentityCode:
                raise ValidationError(errors.CHECK_IDENTITY_CODE) from None

    def sign_in(self, *, auth_time: int) -> SignIn:
        """The chosen person, at the chosen level. Call after validation."""
        if self.identity_code.data:
            return SignIn(
                identity_code=validate(self.identity_code.data),
                given_name=self.given_name.data or DEFAULT_GIVEN_NAME,
                family_name=self.family_name.data or DEFAULT_FAMILY_NAME,
                acr=self.level.data,
                auth_time=auth_time,
            )
        if self.person.data == FOREIGN:
            given, family = FOREIGN_NAMES
            return SignIn(identity_code="", given_name=given, family_name=family, acr=self.level.data, auth_time=auth_time)
        [person] = [person for person in DEMO_PEOPLE if person.identity_code == self.person.data]
        return SignIn(
            identity_code=person.identity_code,
            given_name=person.given_name,
            family_name=person.family_name,
            acr=self.level.data,
            auth_time=auth_time,
        )
