"""The staff's form for how a period ended and what comes next."""

from __future__ import annotations

from wtforms import Field, RadioField, SelectChoice, SelectField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Length, Optional

from portal.forms import PortalForm, errors
from portal.auth.forms import FinnishDateField
from portal.i18n import lazy_gettext as _l
from portal.models import NextStep, PeriodEnding
from portal.plans.outcomes import NOTE_MAX

ENDING_NAMES = {
    PeriodEnding.AS_PLANNED.value: _l("Jakso päättyi suunnitellusti"),
    PeriodEnding.EARLY.value: _l("Jakso päättyi etuajassa"),
}
NEXT_STEP_NAMES = {
    NextStep.STUDIES.value: _l("Opiskelu"),
    NextStep.JOB_COACHING.value: _l("Työvalmennus"),
    NextStep.WORK_TRIAL.value: _l("Työkokeilu"),
    NextStep.PAY_SUBSIDISED_WORK.value: _l("Palkkatuettu työ"),
    NextStep.PAID_WORK.value: _l("Palkkatyö"),
    NextStep.PENSION_ASSESSMENT.value: _l("Eläkkeen selvittäminen"),
    NextStep.VOCATIONAL_REHABILITATION.value: _l("Ammatillinen kuntoutus"),
    NextStep.SOCIAL_REHABILITATION.value: _l("Sosiaalinen kuntoutus"),
    NextStep.SUBSTANCE_REHABILITATION.value: _l("Päihdekuntoutus"),
    NextStep.OTHER.value: _l("Muu"),
}


def _id_or_none(value: object) -> int | None:
    text = str(value) if value is not None else ""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class OutcomeForm(PortalForm):
    period_id = SelectField(_l("Jakso"), coerce=_id_or_none,
                            validate_choice=False, validators=[DataRequired(message=errors.CHOOSE_PERIOD)])
    ended_on = FinnishDateField(_l("Päättymispäivä"), description=_l("Kirjoita päivämäärä näin: 31.12.2027."),
                                validators=[DataRequired(message=errors.WRITE_DATE)],
                                render_kw={"autocomplete": "off", "inputmode": "numeric"})
    ending = RadioField(_l("Miten jakso päättyi?"), choices=[SelectChoice(k, v) for k, v in ENDING_NAMES.items()],
                        validate_choice=False, validators=[DataRequired(message=errors.CHOOSE_ENDING)])
    next_step = RadioField(_l("Mikä on seuraava askel?"),
                           choices=[SelectChoice(k, v) for k, v in NEXT_STEP_NAMES.items()],
                           validate_choice=False, validators=[DataRequired(message=errors.CHOOSE_NEXT_STEP)])
    note = TextAreaField(_l("Tarkennus asiakkaalle (vapaaehtoinen)"),
                         description=_l("Asiakas näkee tämän tekstin."), filters=[_strip],
                         validators=[Optional(), Length(max=NOTE_MAX, message=errors.TEXT_TOO_LONG)])

    def validate_period_id(self, field: Field) -> None:
        if field.data not in {choice.value for choice in field.choices}:  # type: ignore[union-attr]
            raise ValidationError(errors.CHOOSE_PERIOD)

    def validate_ending(self, field: Field) -> None:
        if field.data not in ENDING_NAMES:
            raise ValidationError(errors.CHOOSE_ENDING)

    def validate_next_step(self, field: Field) -> None:
        if field.data not in NEXT_STEP_NAMES:
            raise ValidationError(errors.CHOOSE_NEXT_STEP)
