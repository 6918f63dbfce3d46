"""The staff's day list: one row per expected client, saved with one button."""

from __future__ import annotations

from wtforms import Field, FieldList, Form, FormField, HiddenField, RadioField, SelectChoice, SelectField, StringField
from wtforms import FileField, ValidationError
from wtforms.validators import DataRequired, Length, Optional

from portal.forms import PortalForm, errors
from portal.auth.forms import FinnishDateField
from portal.plans.forms import CommaDecimalField
from portal.i18n import lazy_gettext as _l
from portal.plans.rules import Problem

STATUSES = [
    SelectChoice("present", _l("Paikalla")),
    SelectChoice("part", _l("Osan päivää")),
    SelectChoice("absent", _l("Poissa")),
]
REASONS = [
    SelectChoice("", "–"),
    SelectChoice("ill", _l("Sairas")),
    SelectChoice("other", _l("Muu syy")),
    SelectChoice("not_said", _l("Ei kerro syytä")),
]


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class RowForm(Form):
    person_id = HiddenField()
    status = RadioField(_l("Läsnäolo"), choices=STATUSES, validate_choice=False)
    hours = CommaDecimalField(_l("Tunnit, jos osan päivää"), validators=[Optional()],
                              render_kw={"inputmode": "decimal", "autocomplete": "off"})
    absence_reason = SelectField(_l("Poissaolon syy"), choices=REASONS, validate_choice=False)

    def validate_status(self, field: Field) -> None:
        if field.data not in (None, "", "None", "present", "part", "absent"):
            field.data = ""


class DayListForm(PortalForm):
    rows = FieldList(FormField(RowForm), min_entries=0, max_entries=200)
    correction_reason = StringField(
        _l("Syy korjaukseen"), description=_l("Kirjoita syy, jos muutat jo tallennettua merkintää."),
        filters=[_strip], validators=[Optional(), Length(max=200, message=errors.TEXT_TOO_LONG)])

    def apply_problems(self, problems: list[tuple[int, Problem]]) -> None:
        """Show the domain's problems next to their rows' fields."""
        for index, problem in problems:
            message = errors.problem_message(problem.code, problem.values)
            if index < 0:
                target = self.correction_reason if problem.field == "correction_reason" else None
                if target is None and len(self.rows):
                    target = self.rows[0].form.status
                if target is not None:
                    target.errors = [message]
                continue
            getattr(self.rows[index].form, problem.field).errors = [message]

    @property
    def error_list(self) -> list[tuple[str, str]]:
        """Each row's errors by field id, then the correction reason."""
        found = [(field.id, str(field.errors[0])) for entry in self.rows for field in entry.form
                 if field.errors and isinstance(field.errors, list)]
        if self.correction_reason.errors:
            found.append((self.correction_reason.id, str(self.correction_reason.errors[0])))
        return found


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


class ImportForm(PortalForm):
    file = FileField(_l("Tiedosto"), description=_l("JSON-tiedosto asiakas\u00adtieto\u00adjärjestelmästä."))

    def validate_file(self, field: Field) -> None:
        if not getattr(field.data, "filename", ""):
            raise ValidationError(errors.CHOOSE_FILE)


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
