"""The forms of messages and bulletins, their words and error messages.

Every message form carries a token (`key`, portal.messages.threads.new_key):
a double submit posts the same token twice and is saved once.
"""

from __future__ import annotations

from wtforms import Field, HiddenField, RadioField, SelectChoice, SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Length

from portal import i18n
from portal.forms import PortalForm
from portal.forms.fields import FinnishDateField
from portal.i18n import lazy_gettext as _l
from portal.web.ids import parse_id
from portal.messages import bulletins, threads
from portal.schedule import calendar_days

TOPIC_NAMES = {
    "absence": _l("En pääse tulemaan"),
    "money": _l("Rahat"),
    "tasks": _l("Työtehtävät"),
    "other": _l("Muu asia"),
}
assert tuple(TOPIC_NAMES) == threads.TOPICS

CHOOSE_TOPIC = _l("Valitse, mistä asiasta kirjoitat.")
WRITE_MESSAGE = _l("Kirjoita viesti.")
FORM_USED = _l("Lomake on vanhentunut. Lähetä viesti uudelleen.")
TOO_MANY_MESSAGES = _l("Lähetit monta viestiä lyhyessä ajassa. Odota hetki ja lähetä viesti sitten uudelleen.")
CHOOSE_WORKER = _l("Valitse työntekijä listasta.")
WRITE_TITLE = _l("Kirjoita otsikko.")
TITLE_TOO_LONG = _l("Otsikko on liian pitkä. Kirjoita enintään %(max)s merkkiä.", max=bulletins.TITLE_MAX)
WRITE_BULLETIN = _l("Kirjoita tiedote.")
BULLETIN_TOO_LONG = _l("Tiedote on liian pitkä. Kirjoita enintään %(max)s merkkiä.", max=bulletins.TEXT_MAX)
CHOOSE_AUDIENCE = _l("Valitse, kenelle tiedote on.")
WRITE_LAST_DAY = _l("Kirjoita viimeinen päivä muodossa 31.12.2027.")
LAST_DAY_RANGE = _l("Viimeinen päivä on tänään tai enintään vuoden päästä.")
WHOLE_UNIT = "unit"


def too_long(count: int) -> str:
    return i18n.gettext("Viesti on liian pitkä. Liikaa merkkejä: %(count)s. Voit kirjoittaa enintään %(max)s merkkiä.",
                        count=i18n.format_number(count), max=i18n.format_number(threads.TEXT_MAX))


def _text(value: object) -> object:
    """Line ends as one character (a browser sends two), no spaces around."""
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


class _MessageForm(PortalForm):
    key = HiddenField()

    def validate_text(self, field: Field) -> None:
        if not field.data:
            raise ValidationError(WRITE_MESSAGE)
        if len(field.data) > threads.TEXT_MAX:  # the text stays in the field: nothing is lost
            raise ValidationError(too_long(len(field.data) - threads.TEXT_MAX))

    def validate_key(self, field: Field) -> None:
        if not threads.valid_key(field.data):
            field.data = threads.new_key()  # the form shown again gets a good one
            raise ValidationError(FORM_USED)

    def validate(self, extra_validators: object = None) -> bool:
        valid = super().validate(extra_validators)  # type: ignore[arg-type]
        if self.key.errors and not self.text.errors:  # type: ignore[attr-defined]
            self.text.errors = [FORM_USED]  # type: ignore[attr-defined]  # told where the person can see it
        return valid

    def fresh(self) -> None:
        """A new token for a form shown anew (a new message is a new form)."""
        if not threads.valid_key(self.key.data):
            self.key.data = threads.new_key()

    @property
    def error_list(self) -> list[tuple[str, str]]:
        # The token's error is told at the text field: the token is hidden.
        return [pair for pair in super().error_list if pair[0] != self.key.id]


class NewThreadForm(_MessageForm):
    topic = RadioField(_l("Mistä asiasta kirjoitat?"), validate_choice=False,
                       choices=[SelectChoice(key, label) for key, label in TOPIC_NAMES.items()])
    text = TextAreaField(_l("Viesti"), filters=[_text],
                         description=_l("Voit kirjoittaa enintään 5 000 merkkiä. Et voi lähettää liitteitä, "
                                        "esimerkiksi kuvia."),
                         render_kw={"rows": 8})

    def validate_topic(self, field: Field) -> None:
        if field.data not in TOPIC_NAMES:
            raise ValidationError(CHOOSE_TOPIC)


class ReplyForm(_MessageForm):
    text = TextAreaField(_l("Vastaus"), filters=[_text],
                         description=_l("Voit kirjoittaa enintään 5 000 merkkiä. Et voi lähettää liitteitä."),
                         render_kw={"rows": 6})


class StaffReplyForm(_MessageForm):
    text = TextAreaField(_l("Vastaus asiakkaalle"), filters=[_text],
                         description=_l("Asiakas näkee vastauksen ja nimesi. Älä kirjoita toisten asiakkaiden asioita."),
                         render_kw={"rows": 6})


class AssignForm(PortalForm):
    worker = SelectField(_l("Kuka hoitaa?"), validate_choice=False)

    def offer(self, workers: list[tuple[int, str]]) -> None:
        self.worker.choices = [SelectChoice("", _l("Ei kukaan"))] + [
            SelectChoice(str(person_id), name) for person_id, name in workers]

    def validate_worker(self, field: Field) -> None:
        # Only the shape here: whether the person works in the thread's unit is the domain's check.
        if field.data != "" and parse_id(field.data) is None:
            raise ValidationError(CHOOSE_WORKER)

    @property
    def worker_id(self) -> int | None:
        return int(self.worker.data) if self.worker.data else None


class SwitchForm(PortalForm):
    """A button that turns something on or off (done, sensitive): `on` is "1" or "0"."""

    on = HiddenField()

    def validate_on(self, field: Field) -> None:
        if field.data not in ("0", "1"):
            raise ValidationError("on")  # only a changed page sends anything else: the answer is a 400 page

    @property
    def value(self) -> bool:
        return self.on.data == "1"


class ButtonForm(PortalForm):
    """A button alone (remove a bulletin): the CSRF token is the whole form."""


class BulletinForm(PortalForm):
    audience = SelectField(_l("Kenelle tiedote on?"), validate_choice=False)
    title = StringField(_l("Otsikko"), filters=[_text],
                        validators=[DataRequired(message=WRITE_TITLE), Length(max=bulletins.TITLE_MAX, message=TITLE_TOO_LONG)])
    text = TextAreaField(_l("Tiedote"), filters=[_text],
                         description=_l("Kirjoita selkeästi ja lyhyesti. Tiedote ei saa kertoa kenenkään asiakkaan asioita."),
                         validators=[DataRequired(message=WRITE_BULLETIN),
                                     Length(max=bulletins.TEXT_MAX, message=BULLETIN_TOO_LONG)],
                         render_kw={"rows": 5})
    expires_on = FinnishDateField(_l("Viimeinen päivä, jolloin tiedote näkyy"),
                                  description=_l("Kirjoita päivämäärä näin: 31.12.2027."),
                                  validators=[DataRequired(message=WRITE_LAST_DAY)],
                                  render_kw={"autocomplete": "off", "inputmode": "numeric"})

    def validate_expires_on(self, field: Field) -> None:
        day = calendar_days.today()
        if field.data is not None and not day <= field.data <= day + bulletins.LONGEST:
            raise ValidationError(LAST_DAY_RANGE)

    def offer(self, groups: list[tuple[int, str]]) -> None:
        self.audience.choices = [SelectChoice(WHOLE_UNIT, _l("Koko toimintakeskus"))] + [
            SelectChoice(str(group_id), name) for group_id, name in groups]

    def validate_audience(self, field: Field) -> None:
        if field.data not in {choice.value for choice in self.audience.choices}:  # type: ignore[union-attr]
            raise ValidationError(CHOOSE_AUDIENCE)

    @property
    def group_id(self) -> int | None:
        return None if self.audience.data == WHOLE_UNIT else int(self.audience.data)  # type: ignore[arg-type]
