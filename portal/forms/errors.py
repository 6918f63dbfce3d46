"""Every error message a form can show, in one place.

Messages say what to do, in plain words, and are translated when shown.
"""

from portal.i18n import lazy_gettext as _l

WRITE_FEEDBACK = _l("Kirjoita palautteesi.")
FEEDBACK_TOO_LONG = _l("Palaute on liian pitkä. Kirjoita enintään %(max)s merkkiä.", max=4000)
PAGE_TOO_LONG = _l("Kirjoita lyhyempi sivun nimi tai osoite.")
CONTACT_FORMAT = _l(
    "Kirjoita sähköposti muodossa nimi@esimerkki.fi tai puhelinnumero numeroina."
)
FORM_EXPIRED = _l("Lomake on vanhentunut.")
