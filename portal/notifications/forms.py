"""The notifications' forms: an address, a confirmation code, the choices,
and the buttons that only post (remove, stop, retry)."""

from __future__ import annotations

from wtforms import BooleanField, Field, StringField, ValidationError
from wtforms.validators import InputRequired

from portal.forms import PortalForm
from portal.i18n import lazy_gettext as _l
from portal.notifications import contacts
from portal.notifications.models import Category
from portal.notifications.texts import HINTS, NAMES

WRITE_EMAIL = _l("Kirjoita sähköpostiosoite.")
EMAIL_FORMAT = _l("Kirjoita sähköpostiosoite muodossa nimi@esimerkki.fi.")
WRITE_MOBILE = _l("Kirjoita matkapuhelimen numero.")
MOBILE_FORMAT = _l("Kirjoita matkapuhelimen numero, esimerkiksi 040 123 4567.")
WRITE_CODE = _l("Kirjoita vahvistuskoodi.")
CODE_FORMAT = _l("Koodissa on 6 numeroa. Kirjoita vain numeroita.")
CODE_EXPIRED = _l("Koodi on vanhentunut. Pyydä uusi koodi.")
CODE_TOO_MANY = _l("Kirjoitit väärän koodin liian monta kertaa. Pyydä uusi koodi.")
CODE_NOTHING = _l("Pyydä ensin koodi.")
CODES_LIMITED = _l("Pyysit liian monta koodia. Odota tunti ja yritä sitten uudelleen.")


class EmailForm(PortalForm):
    address = StringField(_l("Sähköpostiosoite"), description=_l("Lähetämme osoitteeseen koodin."),
                          validators=[InputRequired(WRITE_EMAIL)],
                          render_kw={"autocomplete": "email", "inputmode": "email", "spellcheck": "false",
                                     "maxlength": contacts.EMAIL_MAX})

    def validate_address(self, field: Field) -> None:
        try:
            field.data = contacts.normalise_email(field.data or "")
        except contacts.InvalidAddress:
            raise ValidationError(EMAIL_FORMAT) from None


class MobileForm(PortalForm):
    address = StringField(_l("Matkapuhelimen numero"),
                          description=_l("Esimerkiksi 040 123 4567. Lähetämme numeroon koodin."),
                          validators=[InputRequired(WRITE_MOBILE)],
                          render_kw={"autocomplete": "tel", "inputmode": "tel", "maxlength": 30})

    def validate_address(self, field: Field) -> None:
        try:
            field.data = contacts.normalise_mobile(field.data or "")
        except contacts.InvalidAddress:
            raise ValidationError(MOBILE_FORMAT) from None


class CodeForm(PortalForm):
    code = StringField(_l("Vahvistuskoodi"), description=_l("Kirjoita 6 numeroa, jotka sait viestissä."),
                       validators=[InputRequired(WRITE_CODE)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 12,
                                  "class": "code-input"})

    def validate_code(self, field: Field) -> None:
        text = "".join((field.data or "").split())
        if not text.isascii() or not text.isdigit() or len(text) != contacts.CODE_DIGITS:
            raise ValidationError(CODE_FORMAT)
        field.data = text


class ChoicesForm(PortalForm):
    tomorrow = BooleanField(NAMES[Category.TOMORROW.value], description=HINTS[Category.TOMORROW.value])
    new_message = BooleanField(NAMES[Category.NEW_MESSAGE.value], description=HINTS[Category.NEW_MESSAGE.value])
    assessment_due = BooleanField(NAMES[Category.ASSESSMENT_DUE.value],
                                  description=HINTS[Category.ASSESSMENT_DUE.value])
    money_ready = BooleanField(NAMES[Category.MONEY_READY.value], description=HINTS[Category.MONEY_READY.value])

    def chosen(self) -> set[str]:
        return {category.value for category in Category if category.value in self._fields
                and self._fields[category.value].data}


class ButtonForm(PortalForm):
    """A button that only posts: remove an address, stop a category, send again."""
