"""The client's absence notice and their own thoughts on a goal."""

from __future__ import annotations

from datetime import date, timedelta

from wtforms import Field, RadioField, SelectChoice, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Length, Optional

from portal.forms import PortalForm, errors
from portal.auth.forms import FinnishDateField
from portal.i18n import lazy_gettext as _l
from portal.plans.rules import Problem

REASONS = [
    SelectChoice("ill", _l("Olen sairas")),
    SelectChoice("other", _l("Muu syy")),
    SelectChoice("not_said", _l("En halua kertoa")),
]


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def apply_problems(form: PortalForm, problems: list[Problem]) -> None:
    """Show the domain's problems next to their fields."""
    for problem in problems:
        getattr(form, problem.field).errors = [errors.problem_message(problem.code, problem.values)]


class AbsenceForm(PortalForm):
    starts_on = FinnishDateField(
        _l("Minä päivänä et pääse?"),
        description=_l("Kirjoita päivämäärä näin: 31.12.2027."),
        validators=[DataRequired(message=errors.WRITE_DATE)],
        render_kw={"autocomplete": "off", "inputmode": "numeric"},
    )
    ends_on = FinnishDateField(
        _l("Viimeinen päivä, jolloin et pääse (vapaaehtoinen)"),
        description=_l("Jätä tyhjäksi, jos et pääse vain yhtenä päivänä."),
        validators=[Optional()],
        render_kw={"autocomplete": "off", "inputmode": "numeric"},
    )
    reason = RadioField(
        _l("Miksi et pääse?"),
        choices=REASONS,
        validators=[DataRequired(message=errors.CHOOSE_REASON)],
        validate_choice=False,
    )
    message = TextAreaField(
        _l("Viesti ohjaajalle (vapaaehtoinen)"),
        validators=[Optional(), Length(max=500, message=errors.TEXT_TOO_LONG)],
        filters=[_strip],
    )

    def validate_reason(self, field: Field) -> None:
        if field.data not in {choice.value for choice in REASONS}:
            raise ValidationError(errors.CHOOSE_REASON)

    @property
    def last_day(self) -> date:
        return self.ends_on.data or self.starts_on.data

    @staticmethod
    def default_day(today: date) -> date:
        return today + timedelta(days=1)


class ThoughtForm(PortalForm):
    text = TextAreaField(
        _l("Omat ajatukseni"),
        description=_l("Kirjoita, miten tavoite on sinusta mennyt."),
        validators=[DataRequired(message=errors.WRITE_THOUGHT), Length(max=2000, message=errors.TEXT_TOO_LONG)],
        filters=[_strip],
    )
