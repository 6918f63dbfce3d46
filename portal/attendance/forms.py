"""Attendance's forms: the staff's day list (one row per expected client,
saved with one button) and the unit manager's file upload."""

from __future__ import annotations

from wtforms import Field, FieldList, Form, FormField, HiddenField, RadioField, SelectChoice, SelectField, StringField
from wtforms import FileField, ValidationError
from wtforms.validators import Length, Optional

from portal.forms import PortalForm, errors
from portal.forms.fields import CommaDecimalField, strip
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
        filters=[strip], validators=[Optional(), Length(max=200, message=errors.TEXT_TOO_LONG)])

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


class ImportForm(PortalForm):
    file = FileField(_l("Tiedosto"), description=_l("JSON-tiedosto asiakas\u00adtieto\u00adjärjestelmästä."))

    def validate_file(self, field: Field) -> None:
        if not getattr(field.data, "filename", ""):
            raise ValidationError(errors.CHOOSE_FILE)
