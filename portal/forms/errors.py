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

IDENTITY_CODE_INVALID = _l("Tarkista henkilötunnus. Kirjoita se muodossa 010280-123A.")
WRITE_GIVEN_NAME = _l("Kirjoita etunimi.")
WRITE_FAMILY_NAME = _l("Kirjoita sukunimi.")
NAME_TOO_LONG = _l("Kirjoita enintään 100 merkkiä.")
NAME_MISMATCH = _l("Nimi ei vastaa henkilötunnusta. Tarkista sukunimi.")
CHOOSE_SCOPE = _l("Valitse, mitä henkilö saa tehdä.")
DATE_FORMAT = _l("Kirjoita päivämäärä muodossa 31.12.2027.")
DATE_IN_PAST = _l("Päivämäärä ei voi olla menneisyydessä.")
CHOOSE_PERSON = _l("Valitse henkilö.")
SEARCH_TOO_LONG = _l("Kirjoita enintään 100 merkkiä.")

# The test identity provider's sign-in form.
CHOOSE_PERSON_OR_CODE = _l("Valitse henkilö tai kirjoita henkilötunnus.")
PERSON_AND_CODE = _l("Valitse henkilö tai kirjoita henkilötunnus. Älä tee molempia.")
CHECK_IDENTITY_CODE = _l("Tarkista henkilötunnus. Siinä on virhe.")
CHOOSE_LEVEL = _l("Valitse tunnistuksen taso.")
