"""The forms of login and mandates: granting a mandate (by the client),
recording a guardianship (by staff), and the forms that carry only their
token (logging out, choosing whose matters to handle, keeping the session,
revoking a mandate)."""

from __future__ import annotations

from datetime import date

from wtforms import BooleanField, Field, RadioField, SelectChoice, StringField, ValidationError
from wtforms.validators import DataRequired, Length, Optional

from portal.forms import PortalForm, errors
from portal.forms.fields import FinnishDateField, strip
from portal.schedule import calendar_days
from portal.i18n import lazy_gettext as _l
from portal.identity_code import InvalidIdentityCode, validate


def valid_identity_code(_form: PortalForm, field: Field) -> None:
    try:
        field.data = validate(field.data or "")
    except InvalidIdentityCode as error:
        raise ValidationError(errors.IDENTITY_CODE_INVALID) from error


def not_in_past(_form: PortalForm, field: Field) -> None:
    if isinstance(field.data, date) and field.data < calendar_days.today():
        raise ValidationError(errors.DATE_IN_PAST)


def _person_fields() -> dict[str, Field]:
    return {
        "identity_code": StringField(
            _l("Henkilö\u00adtunnus"),
            description=_l("Esimerkiksi 010280-123A."),
            validators=[valid_identity_code],
            filters=[strip],
            render_kw={"autocomplete": "off", "spellcheck": "false"},
        ),
        "given_name": StringField(
            _l("Etunimi"),
            validators=[DataRequired(message=errors.WRITE_GIVEN_NAME), Length(max=100, message=errors.NAME_TOO_LONG)],
            filters=[strip],
            render_kw={"autocomplete": "off"},
        ),
        "family_name": StringField(
            _l("Sukunimi"),
            validators=[DataRequired(message=errors.WRITE_FAMILY_NAME), Length(max=100, message=errors.NAME_TOO_LONG)],
            filters=[strip],
            render_kw={"autocomplete": "off"},
        ),
    }


class GrantMandateForm(PortalForm):
    identity_code = _person_fields()["identity_code"]
    given_name = _person_fields()["given_name"]
    family_name = _person_fields()["family_name"]
    scope = RadioField(
        _l("Mitä henkilö saa tehdä?"),
        choices=[
            SelectChoice("view", _l("Katsoa tietojani")),
            SelectChoice("act", _l("Katsoa tietojani ja hoitaa asioitani")),
        ],
        validators=[DataRequired(message=errors.CHOOSE_SCOPE)],
        validate_choice=False,
    )
    valid_until = FinnishDateField(
        _l("Mihin asti lupa on voimassa? (vapaaehtoinen)"),
        description=_l("Jätä tyhjäksi, jos lupa on voimassa toistaiseksi. Kirjoita päivämäärä näin: 31.12.2027."),
        validators=[Optional(), not_in_past],
        render_kw={"autocomplete": "off", "inputmode": "numeric"},
    )

    def validate_scope(self, field: Field) -> None:
        if field.data not in ("view", "act"):
            raise ValidationError(errors.CHOOSE_SCOPE)

    @staticmethod
    def own_code_message() -> str:
        return str(errors.OWN_IDENTITY_CODE)


class RecordGuardianshipForm(PortalForm):
    identity_code = _person_fields()["identity_code"]
    given_name = _person_fields()["given_name"]
    family_name = _person_fields()["family_name"]
    public_guardian = BooleanField(_l("Yleinen edunvalvoja"))
    valid_until = FinnishDateField(
        _l("Mihin asti edunvalvonta on voimassa? (vapaaehtoinen)"),
        description=_l("Jätä tyhjäksi, jos edunvalvonta on voimassa toistaiseksi. Kirjoita päivämäärä näin: 31.12.2027."),
        validators=[Optional(), not_in_past],
        render_kw={"autocomplete": "off", "inputmode": "numeric"},
    )

    @staticmethod
    def own_code_message() -> str:
        return str(errors.CLIENTS_OWN_IDENTITY_CODE)


# Forms with no fields but their token ------------------------------------------


class LogoutForm(PortalForm):
    pass


class ChooseForm(PortalForm):
    pass


class ExtendForm(PortalForm):
    pass


class RevokeForm(PortalForm):
    pass
