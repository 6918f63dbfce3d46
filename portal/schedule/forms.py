"""The schedule's forms: the staff's (a weekly time, a client into a group, a
change) and the client's absence notice."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

from wtforms import BooleanField, Field, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms import ValidationError
from wtforms.validators import DataRequired, Length, Optional

from portal.clients.forms import NameSearchForm
from portal.forms import PortalForm, errors
from portal.forms.fields import DATE_KW, FinnishDateField, TypedTextField, int_or_zero, strip
from portal.i18n import lazy_gettext as _l

WEEKDAYS = [
    SelectChoice("0", _l("maanantai")),
    SelectChoice("1", _l("tiistai")),
    SelectChoice("2", _l("keskiviikko")),
    SelectChoice("3", _l("torstai")),
    SelectChoice("4", _l("perjantai")),
    SelectChoice("5", _l("lauantai")),
    SelectChoice("6", _l("sunnuntai")),
]
_CLOCK = re.compile(r"^([01]?\d|2[0-3])(?:[.:]([0-5]\d))?$")


class ClockField(TypedTextField):
    """A time of day typed as 9.00, 9:00 or 9."""

    value_type = time

    def parse(self, text: str) -> time:
        match = _CLOCK.match(text)
        if not match:
            raise ValueError(str(errors.WRITE_TIME))
        return time(int(match.group(1)), int(match.group(2) or 0))

    def show(self, value: time) -> str:
        return f"{value.hour}.{value.minute:02d}"


class SlotForm(PortalForm):
    weekday = SelectField(_l("Viikonpäivä"), choices=WEEKDAYS, validate_choice=False,
                          validators=[DataRequired(message=errors.CHOOSE_GROUP_DAY)])
    starts_at = ClockField(_l("Alkaa kello"), description=_l("Esimerkiksi 9.00."),
                           validators=[DataRequired(message=errors.WRITE_TIME)], render_kw={"autocomplete": "off"})
    ends_at = ClockField(_l("Päättyy kello"), validators=[DataRequired(message=errors.WRITE_TIME)],
                         render_kw={"autocomplete": "off"})
    activity = StringField(_l("Toiminta"), filters=[strip], validators=[
        DataRequired(message=errors.WRITE_ACTIVITY), Length(max=100, message=errors.TEXT_TOO_LONG)])
    place = StringField(_l("Paikka"), filters=[strip], validators=[
        DataRequired(message=errors.WRITE_PLACE), Length(max=100, message=errors.TEXT_TOO_LONG)])
    guide_person_id = SelectField(_l("Ohjaaja"), coerce=int_or_zero, validate_choice=False)
    valid_from = FinnishDateField(_l("Ensimmäinen päivä (vapaaehtoinen)"),
                                  description=_l("Jätä tyhjäksi, jos aika alkaa tänään."),
                                  validators=[Optional()], render_kw=DATE_KW)

    def validate_weekday(self, field: Field) -> None:
        if field.data not in {choice.value for choice in WEEKDAYS}:
            raise ValidationError(errors.CHOOSE_GROUP_DAY)


class MemberForm(PortalForm):
    """Adds a client to a group: one of the unit's clients listed on the page (a page
    of 50, narrowed by MemberSearchForm), from a day on."""

    person_id = RadioField(_l("Asiakas"), coerce=int_or_zero, validate_choice=False,
                           validators=[DataRequired(message=errors.CHOOSE_CLIENT)])
    starts_on = FinnishDateField(_l("Ryhmässä alkaen"), description=_l("Kirjoita päivämäärä näin: 31.12.2027."),
                                 validators=[DataRequired(message=errors.WRITE_DATE)], render_kw=DATE_KW)


class MemberSearchForm(NameSearchForm):
    """The group page's search for a client to add: the start of the family
    name, as on the staff client list."""


class MemberEndForm(PortalForm):
    """Ends a client's time in a group. The row stays, so the history stays."""

    person_id = SelectField(_l("Asiakas"), coerce=int_or_zero, validate_choice=False,
                            validators=[DataRequired(message=errors.CHOOSE_GROUP_MEMBER)])
    ends_on = FinnishDateField(_l("Viimeinen päivä ryhmässä"), description=_l("Kirjoita päivämäärä näin: 31.12.2027."),
                               validators=[DataRequired(message=errors.WRITE_DATE)], render_kw=DATE_KW)


class SlotEndForm(PortalForm):
    """Ends one weekly time of a group. The row stays, so the history stays."""

    ends_on = FinnishDateField(_l("Viimeinen päivä"), description=_l("Kirjoita päivämäärä näin: 31.12.2027."),
                               validators=[DataRequired(message=errors.WRITE_DATE)], render_kw=DATE_KW)


class ChangeForm(PortalForm):
    on_date = FinnishDateField(_l("Päivä"), description=_l("Kirjoita päivämäärä näin: 31.12.2027."),
                               validators=[DataRequired(message=errors.WRITE_DATE)], render_kw=DATE_KW)
    scope = RadioField(_l("Mitä muutos koskee?"), choices=[
        SelectChoice("day", _l("Vain tätä päivää")),
        SelectChoice("week", _l("Koko viikkoa")),
    ], default="day", validate_choice=False)
    cancelled = BooleanField(_l("Ryhmällä ei ole toimintaa"))
    starts_at = ClockField(_l("Uusi alkamisaika (vapaaehtoinen)"), validators=[Optional()],
                           render_kw={"autocomplete": "off"})
    ends_at = ClockField(_l("Uusi päättymisaika (vapaaehtoinen)"), validators=[Optional()],
                         render_kw={"autocomplete": "off"})
    activity = StringField(_l("Uusi toiminta (vapaaehtoinen)"), filters=[strip],
                           validators=[Optional(), Length(max=100, message=errors.TEXT_TOO_LONG)])
    place = StringField(_l("Uusi paikka (vapaaehtoinen)"), filters=[strip],
                        validators=[Optional(), Length(max=100, message=errors.TEXT_TOO_LONG)])
    note = StringField(_l("Muutos sanoin"), description=_l("Asiakas näkee tämän tekstin."), filters=[strip],
                       validators=[DataRequired(message=errors.WRITE_CHANGE_NOTE),
                                   Length(max=200, message=errors.TEXT_TOO_LONG)])

    def validate_scope(self, field: Field) -> None:
        if field.data not in ("day", "week"):
            field.data = "day"


# The client's absence notice ------------------------------------------------

REASONS = [
    SelectChoice("ill", _l("Olen sairas")),
    SelectChoice("other", _l("Muu syy")),
    SelectChoice("not_said", _l("En halua kertoa")),
]


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
        filters=[strip],
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
