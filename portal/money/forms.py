"""Money's forms: a client's benefit status and the unit's rates."""

from __future__ import annotations

from wtforms import Field, RadioField, SelectChoice, SelectField, ValidationError
from wtforms.validators import DataRequired, Optional

from portal.forms import PortalForm, errors
from portal.forms.fields import CommaDecimalField, FinnishDateField
from portal.i18n import lazy_gettext as _l

BENEFITS = [
    SelectChoice("unemployment_benefit", _l("Työttömyysetuus: saa kulukorvauksen")),
    SelectChoice("social_assistance", _l("Toimeentulotuki: saa toimintarahan")),
    SelectChoice("neither", _l("Ei kumpaakaan: ei rahaa")),
]


class BenefitForm(PortalForm):
    benefit = RadioField(_l("Mitä asiakas saa?"), choices=BENEFITS, validate_choice=False,
                         validators=[DataRequired(message=errors.CHOOSE_BENEFIT)])
    starts_on = FinnishDateField(_l("Alkaen"), description=_l("Kirjoita päivämäärä näin: 31.12.2027."),
                                 validators=[DataRequired(message=errors.WRITE_DATE)],
                                 render_kw={"autocomplete": "off", "inputmode": "numeric"})

    def validate_benefit(self, field: Field) -> None:
        if field.data not in {choice.value for choice in BENEFITS}:
            raise ValidationError(errors.CHOOSE_BENEFIT)


SERVICES_WITH_MONEY = [
    SelectChoice("work_activity", _l("Työtoiminta")),
    SelectChoice("open_work_activity", _l("Avotyötoiminta")),
    SelectChoice("rehabilitative_work", _l("Kuntouttava työtoiminta")),
]
KINDS = [
    SelectChoice("work_share", _l("Työosuusraha")),
    SelectChoice("expense_compensation", _l("Kulukorvaus")),
    SelectChoice("activity_money", _l("Toimintaraha")),
]
PART_DAY = [
    SelectChoice("full", _l("Koko päivän raha")),
    SelectChoice("share", _l("Osuus tunneista")),
    SelectChoice("none", _l("Ei rahaa")),
]


class RateForm(PortalForm):
    service = SelectField(_l("Palvelu"), choices=SERVICES_WITH_MONEY, validate_choice=False)
    kind = SelectField(_l("Raha"), choices=KINDS, validate_choice=False)
    amount = CommaDecimalField(_l("Euroa päivältä"), description=_l("Esimerkiksi 8,50."),
                               validators=[DataRequired(message=errors.WRITE_NUMBER)],
                               render_kw={"inputmode": "decimal", "autocomplete": "off"})
    valid_from = FinnishDateField(_l("Voimassa alkaen"), description=_l("Kirjoita päivämäärä näin: 31.12.2027."),
                                  validators=[DataRequired(message=errors.WRITE_DATE)],
                                  render_kw={"autocomplete": "off", "inputmode": "numeric"})
    valid_until = FinnishDateField(_l("Voimassa asti (vapaaehtoinen)"), validators=[Optional()],
                                   render_kw={"autocomplete": "off", "inputmode": "numeric"})
    part_day = RadioField(_l("Kuinka paljon asiakas saa osasta päivää?"), choices=PART_DAY, default="full",
                          validate_choice=False)
    full_day_hours = CommaDecimalField(_l("Koko päivän tunnit"), default=6,
                                       validators=[DataRequired(message=errors.WRITE_NUMBER)],
                                       render_kw={"inputmode": "decimal", "autocomplete": "off"})

    def validate_service(self, field: Field) -> None:
        if field.data not in {choice.value for choice in SERVICES_WITH_MONEY}:
            field.data = SERVICES_WITH_MONEY[0].value

    def validate_kind(self, field: Field) -> None:
        if field.data not in {choice.value for choice in KINDS}:
            field.data = KINDS[0].value

    def validate_part_day(self, field: Field) -> None:
        if field.data not in {choice.value for choice in PART_DAY}:
            field.data = "full"

    def validate_full_day_hours(self, field: Field) -> None:
        if field.data is not None and not 1 <= field.data <= 12:
            raise ValidationError(errors.RATE_HOURS)
