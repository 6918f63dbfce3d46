"""The staff's schedule forms: a weekly time, a client into a group, a change."""

from __future__ import annotations

import re
from datetime import time
from typing import Self

from starlette.requests import Request

from wtforms import BooleanField, Field, RadioField, SelectChoice, SelectField, StringField, ValidationError
from wtforms.validators import DataRequired, Length, Optional

from portal.forms import PortalForm, errors, without_untyped
from portal.forms.mandate import FinnishDateField
from portal.forms.plan import _int_or_zero
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
DATE_KW = {"autocomplete": "off", "inputmode": "numeric"}


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class ClockField(StringField):
    """A time of day typed as 9.00, 9:00 or 9."""

    def process_formdata(self, valuelist: list[str]) -> None:
        text = (valuelist[0] if valuelist else "").strip()
        self.raw_text = text
        self.data = None
        if not text:
            return
        match = _CLOCK.match(text)
        if not match:
            raise ValueError(str(errors.WRITE_TIME))
        self.data = time(int(match.group(1)), int(match.group(2) or 0))

    def _value(self) -> str:
        if isinstance(self.data, time):
            return f"{self.data.hour}.{self.data.minute:02d}"
        return getattr(self, "raw_text", "") or ""


class SlotForm(PortalForm):
    weekday = SelectField(_l("Viikonpäivä"), choices=WEEKDAYS, validate_choice=False,
                          validators=[DataRequired(message=errors.CHOOSE_GROUP_DAY)])
    starts_at = ClockField(_l("Alkaa kello"), description=_l("Esimerkiksi 9.00."),
                           validators=[DataRequired(message=errors.WRITE_TIME)], render_kw={"autocomplete": "off"})
    ends_at = ClockField(_l("Päättyy kello"), validators=[DataRequired(message=errors.WRITE_TIME)],
                         render_kw={"autocomplete": "off"})
    activity = StringField(_l("Toiminta"), filters=[_strip], validators=[
        DataRequired(message=errors.WRITE_ACTIVITY), Length(max=100, message=errors.TEXT_TOO_LONG)])
    place = StringField(_l("Paikka"), filters=[_strip], validators=[
        DataRequired(message=errors.WRITE_PLACE), Length(max=100, message=errors.TEXT_TOO_LONG)])
    guide_person_id = SelectField(_l("Ohjaaja"), coerce=_int_or_zero, validate_choice=False)
    valid_from = FinnishDateField(_l("Ensimmäinen päivä (vapaaehtoinen)"),
                                  description=_l("Jätä tyhjäksi, jos aika alkaa tänään."),
                                  validators=[Optional()], render_kw=DATE_KW)

    def validate_weekday(self, field: Field) -> None:
        if field.data not in {choice.value for choice in WEEKDAYS}:
            raise ValidationError(errors.CHOOSE_GROUP_DAY)


class MemberForm(PortalForm):
    """Adds a client to a group: one of the unit's clients listed on the page (a page
    of 50, narrowed by MemberSearchForm), from a day on."""

    person_id = RadioField(_l("Asiakas"), coerce=_int_or_zero, validate_choice=False,
                           validators=[DataRequired(message=errors.CHOOSE_CLIENT)])
    starts_on = FinnishDateField(_l("Ryhmässä alkaen"), description=_l("Kirjoita päivämäärä näin: 31.12.2027."),
                                 validators=[DataRequired(message=errors.WRITE_DATE)], render_kw=DATE_KW)


class MemberSearchForm(PortalForm):
    """The group page's search for a client to add: the start of the family name, as
    on the staff client list. A GET form: it changes nothing, so it has no token."""

    class Meta:
        csrf = False

    name = StringField(
        _l("Hae nimellä"),
        description=_l("Kirjoita sukunimen alku, esimerkiksi Virt."),
        validators=[Optional(), Length(max=100, message=errors.SEARCH_TOO_LONG)],
        filters=[_strip],
    )

    @classmethod
    def from_query(cls, request: Request) -> Self:
        return cls(formdata=without_untyped(request.query_params))  # as a posted form: shown back in its field


class MemberEndForm(PortalForm):
    """Ends a client's time in a group. The row stays, so the history stays."""

    person_id = SelectField(_l("Asiakas"), coerce=_int_or_zero, validate_choice=False,
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
    activity = StringField(_l("Uusi toiminta (vapaaehtoinen)"), filters=[_strip],
                           validators=[Optional(), Length(max=100, message=errors.TEXT_TOO_LONG)])
    place = StringField(_l("Uusi paikka (vapaaehtoinen)"), filters=[_strip],
                        validators=[Optional(), Length(max=100, message=errors.TEXT_TOO_LONG)])
    note = StringField(_l("Muutos sanoin"), description=_l("Asiakas näkee tämän tekstin."), filters=[_strip],
                       validators=[DataRequired(message=errors.WRITE_CHANGE_NOTE),
                                   Length(max=200, message=errors.TEXT_TOO_LONG)])

    def validate_scope(self, field: Field) -> None:
        if field.data not in ("day", "week"):
            field.data = "day"
