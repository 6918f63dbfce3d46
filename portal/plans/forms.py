"""The plan's forms: the staff's plan editor (period, days and hours,
meetings, contact, goals), the client's own thoughts on a goal, and how a
period ended and what comes next."""

from __future__ import annotations

from wtforms import (
    Field,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Length, Optional, StopValidation

from portal.forms import PortalForm, errors
from portal.forms.fields import DATE_KW, CommaDecimalField, FinnishDateField, int_or_zero, strip
from portal.i18n import lazy_gettext as _l
from portal.models import GoalStatus, NextStep, PeriodEnding
from portal.plans.outcomes import NOTE_MAX
from portal.plans.records import GoalDraft, PlanDraft

GOAL_SLOTS = 3  # empty goal fields offered at least
MAX_GOALS = 12

STATUS_NAMES = {
    GoalStatus.STARTING.value: _l("Ei vielä alkanut"),
    GoalStatus.ON_THE_WAY.value: _l("Menossa"),
    GoalStatus.REACHED.value: _l("Saavutettu"),
    GoalStatus.CHANGED.value: _l("Muutettu"),
}


class WholeNumberField(IntegerField):
    def process_formdata(self, valuelist: list[str]) -> None:
        text = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not text:
            return
        if not (text.isascii() and text.isdigit()) or len(text) > 3:  # "²" is a digit to str.isdigit
            raise ValueError(str(errors.WRITE_NUMBER))
        self.data = int(text)


class GoalForm(Form):
    client_words = StringField(_l("Tavoite asiakkaan sanoin"), filters=[strip],
                               validators=[Optional(), Length(max=500, message=errors.TEXT_TOO_LONG)])
    staff_words = TextAreaField(_l("Tavoite työntekijän sanoin"), filters=[strip],
                                validators=[Optional(), Length(max=1000, message=errors.TEXT_TOO_LONG)])
    status = SelectField(_l("Tilanne"), choices=[SelectChoice(value, name) for value, name in STATUS_NAMES.items()],
                         validate_choice=False,
                         validators=[DataRequired(message=errors.CHOOSE_STATUS)])
    follow_up = TextAreaField(_l("Seurannan muistiinpanot"), filters=[strip],
                              validators=[Optional(), Length(max=2000, message=errors.TEXT_TOO_LONG)])

    def validate_status(self, field: Field) -> None:
        if field.data not in STATUS_NAMES:
            raise ValidationError(errors.CHOOSE_STATUS)


class NumberRequired:
    """A number is written. (InputRequired takes a field of only spaces for
    one, and the number is then missing.)"""

    field_flags = {"required": True}

    def __call__(self, _form: PortalForm, field: Field) -> None:
        if field.data is None:  # an unreadable number has its own message already
            raise StopValidation() if field.errors else StopValidation(str(errors.WRITE_NUMBER))


class PlanForm(PortalForm):
    starts_on = FinnishDateField(_l("Jakso alkaa"), description=_l("Kirjoita päivämäärä näin: 31.12.2027."),
                                 validators=[DataRequired(message=errors.WRITE_DATE)], render_kw=DATE_KW)
    ends_on = FinnishDateField(_l("Jakso päättyy"), validators=[DataRequired(message=errors.WRITE_DATE)],
                               render_kw=DATE_KW)
    days_per_week = WholeNumberField(_l("Päiviä viikossa"), validators=[NumberRequired()],
                                 render_kw={"inputmode": "numeric", "autocomplete": "off"})
    hours_per_day = CommaDecimalField(_l("Tunteja päivässä"), validators=[NumberRequired()],
                                      render_kw={"inputmode": "decimal", "autocomplete": "off"})
    next_review_on = FinnishDateField(_l("Seuraava arviointi (vapaaehtoinen)"), validators=[Optional()],
                                      render_kw=DATE_KW)
    network_meeting_on = FinnishDateField(_l("Verkostotapaaminen (vapaaehtoinen)"), validators=[Optional()],
                                          render_kw=DATE_KW)
    contact_person_id = SelectField(_l("Yhteyshenkilö"), coerce=int_or_zero, validate_choice=False,
                                    validators=[DataRequired(message=errors.CHOOSE_CONTACT)])
    contact_phone = StringField(_l("Yhteyshenkilön puhelinnumero"), filters=[strip],
                                validators=[Optional(), Length(max=40, message=errors.TEXT_TOO_LONG)],
                                render_kw={"autocomplete": "off", "inputmode": "tel"})
    goals = FieldList(FormField(GoalForm), min_entries=GOAL_SLOTS, max_entries=MAX_GOALS)

    def validate(self, extra_validators=None) -> bool:  # type: ignore[no-untyped-def,override]
        valid = super().validate(extra_validators)
        if not any(goal.form.client_words.data for goal in self.goals):
            self.goals[0].form.client_words.errors = [str(errors.WRITE_GOAL)]
            valid = False
        return valid

    @property
    def error_list(self) -> list[tuple[str, str]]:
        found = [pair for pair in super().error_list if not pair[0].startswith("goals")]
        for goal in self.goals:
            found += [(field.id, str(field.errors[0])) for field in goal.form if field.errors]
        return found

    def draft(self) -> PlanDraft:
        return PlanDraft(
            starts_on=self.starts_on.data, ends_on=self.ends_on.data, days_per_week=self.days_per_week.data,
            hours_per_day=self.hours_per_day.data, next_review_on=self.next_review_on.data,
            network_meeting_on=self.network_meeting_on.data, contact_person_id=self.contact_person_id.data,
            contact_phone=self.contact_phone.data or "",
            goals=[GoalDraft(goal.form.client_words.data or "", goal.form.staff_words.data or "",
                             goal.form.status.data, goal.form.follow_up.data or "") for goal in self.goals],
        )


class ThoughtForm(PortalForm):
    text = TextAreaField(
        _l("Omat ajatukseni"),
        description=_l("Kirjoita, miten tavoite on sinusta mennyt."),
        validators=[DataRequired(message=errors.WRITE_THOUGHT), Length(max=2000, message=errors.TEXT_TOO_LONG)],
        filters=[strip],
    )


# How a period ended and what comes next ------------------------------------

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


class OutcomeForm(PortalForm):
    period_id = SelectField(_l("Jakso"), coerce=_id_or_none,
                            validate_choice=False, validators=[DataRequired(message=errors.CHOOSE_PERIOD)])
    ended_on = FinnishDateField(_l("Päättymispäivä"), description=_l("Kirjoita päivämäärä näin: 31.12.2027."),
                                validators=[DataRequired(message=errors.WRITE_DATE)],
                                render_kw=DATE_KW)
    ending = RadioField(_l("Miten jakso päättyi?"), choices=[SelectChoice(k, v) for k, v in ENDING_NAMES.items()],
                        validate_choice=False, validators=[DataRequired(message=errors.CHOOSE_ENDING)])
    next_step = RadioField(_l("Mikä on seuraava askel?"),
                           choices=[SelectChoice(k, v) for k, v in NEXT_STEP_NAMES.items()],
                           validate_choice=False, validators=[DataRequired(message=errors.CHOOSE_NEXT_STEP)])
    note = TextAreaField(_l("Tarkennus asiakkaalle (vapaaehtoinen)"),
                         description=_l("Asiakas näkee tämän tekstin."), filters=[strip],
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
