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

IDENTITY_CODE_INVALID = _l("Tarkista henkilö\u00adtunnus. Kirjoita se muodossa 010280-123A.")
WRITE_GIVEN_NAME = _l("Kirjoita etunimi.")
WRITE_FAMILY_NAME = _l("Kirjoita sukunimi.")
NAME_TOO_LONG = _l("Kirjoita enintään 100 merkkiä.")
OWN_IDENTITY_CODE = _l("Tämä on oma henkilötunnuksesi. Kirjoita toisen henkilön henkilötunnus.")
CLIENTS_OWN_IDENTITY_CODE = _l("Tämä on asiakkaan oma henkilötunnus. Kirjoita edunvalvojan henkilötunnus.")
CHOOSE_SCOPE = _l("Valitse, mitä henkilö saa tehdä.")
DATE_FORMAT = _l("Kirjoita päivämäärä muodossa 31.12.2027.")
DATE_IN_PAST = _l("Päivämäärä ei voi olla menneisyydessä.")
CHOOSE_PERSON = _l("Valitse henkilö.")

# The test identity provider's sign-in form.
CHOOSE_PERSON_OR_CODE = _l("Valitse henkilö tai kirjoita henkilö\u00adtunnus.")
PERSON_AND_CODE = _l("Valitse henkilö tai kirjoita henkilö\u00adtunnus. Älä tee molempia.")
CHECK_IDENTITY_CODE = _l("Tarkista henkilö\u00adtunnus. Siinä on virhe.")
CHOOSE_LEVEL = _l("Valitse tunnistuksen taso.")

# Plans, schedules and absences (issue 9).
WRITE_DATE = _l("Kirjoita päivämäärä muodossa 31.12.2027.")
ENDS_BEFORE_START = _l("Loppupäivä on ennen alkupäivää. Tarkista päivämäärät.")
PERIOD_LENGTH = _l("Jakso voi olla %(min)s–%(max)s kuukautta. Tarkista loppupäivä.")
DAYS_RANGE = _l("Kirjoita päivien määrä väliltä %(min)s–%(max)s.")
HOURS_RANGE = _l("Kirjoita tuntien määrä väliltä %(min)s–%(max)s.")
WRITE_NUMBER = _l("Kirjoita luku numeroina, esimerkiksi 4 tai 5,5.")
PLAN_OVERLAP = _l("Asiakkaalla on jo suunnitelma näille päiville. Valitse toiset päivät.")
CHOOSE_CONTACT = _l("Valitse yhteyshenkilö listasta.")
WRITE_GOAL = _l("Kirjoita ainakin yksi tavoite.")
TEXT_TOO_LONG = _l("Teksti on liian pitkä. Kirjoita enintään %(max)s merkkiä.")
CHOOSE_STATUS = _l("Valitse tavoitteen tilanne.")
WRITE_THOUGHT = _l("Kirjoita ajatuksesi.")
ABSENCE_PAST = _l("Et voi ilmoittaa mennyttä päivää. Valitse tämä päivä tai myöhempi.")
ABSENCE_TOO_FAR = _l("Voit ilmoittaa poissaolon enintään %(weeks)s viikkoa etukäteen.")
ABSENCE_OUTSIDE_PERIOD = _l("Palvelusi ei ole voimassa näinä päivinä. Tarkista päivämäärät.")
ABSENCE_ATTENDED = _l("Ohjaaja on jo merkinnyt sinut paikalle. Valitse toinen päivä.")
ABSENCE_ALREADY = _l("Olet jo ilmoittanut poissaolon tälle päivälle.")
CHOOSE_REASON = _l("Valitse syy.")
CHOOSE_GROUP_DAY = _l("Valitse viikonpäivä.")
WRITE_TIME = _l("Kirjoita kellonaika muodossa 9.00.")
TIME_ORDER = _l("Loppuaika on ennen alkuaikaa. Tarkista kellonajat.")
WRITE_ACTIVITY = _l("Kirjoita toiminta.")
WRITE_PLACE = _l("Kirjoita paikka.")
CHOOSE_CLIENT = _l("Valitse asiakas listasta.")
CHOOSE_GUIDE = _l("Valitse ohjaaja listasta.")
CHANGE_PAST = _l("Muutos ei voi olla menneellä päivällä.")
CHANGE_NO_SLOT = _l("Ryhmällä ei ole toimintaa sinä päivänä. Valitse toinen päivä.")
WRITE_CHANGE_NOTE = _l("Kerro muutos sanoin.")

# Problem codes from the domain (portal.plans.rules.Problem) to messages.
PROBLEMS = {
    "ends_before_start": ENDS_BEFORE_START,
    "period_length": PERIOD_LENGTH,
    "days": DAYS_RANGE,
    "hours": HOURS_RANGE,
    "overlap": PLAN_OVERLAP,
    "contact": CHOOSE_CONTACT,
    "absence_past": ABSENCE_PAST,
    "absence_too_far": ABSENCE_TOO_FAR,
    "absence_outside_period": ABSENCE_OUTSIDE_PERIOD,
    "absence_attended": ABSENCE_ATTENDED,
    "absence_already": ABSENCE_ALREADY,
}


def problem_message(code: str, values: tuple[tuple[str, object], ...] = ()) -> str:
    """The translated message for a domain problem, with its numbers filled in."""
    from portal import i18n

    message = PROBLEMS[code]
    return i18n.gettext(message._args[0], **{name: i18n.format_number(value) if not isinstance(value, str) else value  # type: ignore[arg-type]
                                            for name, value in values})


PROBLEMS.update({
    "time_order": TIME_ORDER,
    "guide": CHOOSE_GUIDE,
    "client": CHOOSE_CLIENT,
    "change_past": CHANGE_PAST,
    "change_no_slot": CHANGE_NO_SLOT,
})

# Feedback (issue 11).
CHOOSE_FACE = _l("Valitse yksi kasvo.")
CHOOSE_ABOUT = _l("Valitse, mistä annat palautetta.")
FEEDBACK_TEXT_TOO_LONG = _l("Teksti on liian pitkä. Kirjoita enintään %(max)s merkkiä.", max=2000)
WRITE_ANSWER = _l("Kirjoita vastaus.")
CHOOSE_PERIOD = _l("Valitse jakso.")
CHOOSE_ENDING = _l("Valitse, miten jakso päättyi.")
CHOOSE_NEXT_STEP = _l("Valitse seuraava askel.")
OUTCOME_OUTSIDE_PERIOD = _l("Päivä ei ole jakson aikana. Tarkista päivämäärä.")
PROBLEMS["outcome_outside_period"] = OUTCOME_OUTSIDE_PERIOD
