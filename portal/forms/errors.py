"""Every error message a form can show, in one place.

Messages say what to do, in plain words, and are translated when shown.
A domain's problems (portal.plans.rules.Problem) become messages next to
their fields with `apply_problems`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal.i18n import lazy_gettext as _l

if TYPE_CHECKING:
    from portal.forms import PortalForm
    from portal.plans.rules import Problem

WRITE_FEEDBACK = _l("Kirjoita palautteesi.")
FEEDBACK_TOO_LONG = _l("Palaute on liian pitkä. Kirjoita enintään %(max)s merkkiä.", max=4000)
PAGE_TOO_LONG = _l("Kirjoita lyhyempi sivun nimi tai osoite.")
CONTACT_FORMAT = _l(
    "Kirjoita sähköposti muodossa nimi@esimerkki.fi tai puhelinnumero numeroina."
)
FORM_EXPIRED = _l("Lomake on vanhentunut.")
# A rate limit: the form is shown again with what the person wrote, so nothing is lost.
TOO_MANY_SENT = _l("Lähetit monta lomaketta lyhyessä ajassa. Odota tunti ja lähetä lomake sitten uudelleen.")

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
SEARCH_TOO_LONG = _l("Kirjoita enintään 100 merkkiä.")

# The test identity provider's sign-in form.
CHOOSE_PERSON_OR_CODE = _l("Valitse henkilö tai kirjoita henkilö\u00adtunnus.")
PERSON_AND_CODE = _l("Valitse henkilö tai kirjoita henkilö\u00adtunnus. Älä tee molempia.")
CHECK_IDENTITY_CODE = _l("Tarkista henkilö\u00adtunnus. Siinä on virhe.")
CHOOSE_LEVEL = _l("Valitse tunnistuksen taso.")

# Plans, schedules and absences (issue 9).
WRITE_DATE = _l("Kirjoita päivämäärä muodossa 31.12.2027.")
ENDS_BEFORE_START = _l("Loppupäivä on ennen alkupäivää. Tarkista päivämäärät.")
FIRST_AGREEMENT = _l("Ensimmäinen sopimus on %(months)s kuukautta. Tarkista loppupäivä.")
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
MEMBER_END_PAST = _l("Viimeinen päivä ei voi olla mennyt päivä. Valitse tämä päivä tai myöhempi.")
CHOOSE_GROUP_MEMBER = _l("Valitse asiakas, joka on nyt ryhmässä.")
ALREADY_GROUP_MEMBER = _l("Asiakas on jo tässä ryhmässä.")
SLOT_START_PAST = _l("Ensimmäinen päivä ei voi olla mennyt päivä. Valitse tämä päivä tai myöhempi.")
SLOT_END_BEFORE_START = _l("Viimeinen päivä on ennen ensimmäistä päivää. Valitse myöhempi päivä.")
SLOT_ENDED = _l("Tämä aika on jo päättynyt. Lataa sivu uudelleen.")

# Problem codes from the domain (portal.plans.rules.Problem) to messages.
PROBLEMS = {
    "ends_before_start": ENDS_BEFORE_START,
    "period_length": PERIOD_LENGTH,
    "first_agreement": FIRST_AGREEMENT,
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


def apply_problems(form: PortalForm, problems: list[Problem]) -> None:
    """Show the domain's problems next to their fields."""
    for problem in problems:
        getattr(form, problem.field).errors = [problem_message(problem.code, problem.values)]


PROBLEMS.update({
    "time_order": TIME_ORDER,
    "guide": CHOOSE_GUIDE,
    "client": CHOOSE_CLIENT,
    "change_past": CHANGE_PAST,
    "change_no_slot": CHANGE_NO_SLOT,
    "member_end_past": MEMBER_END_PAST,
    "member": CHOOSE_GROUP_MEMBER,
    "already_member": ALREADY_GROUP_MEMBER,
    "slot_start_past": SLOT_START_PAST,
    "slot_end_past": MEMBER_END_PAST,  # the same words fit a weekly time's last day
    "slot_end_before_start": SLOT_END_BEFORE_START,
    "slot_ended": SLOT_ENDED,
})
# The self-assessment.
CHOOSE_ONE = _l("Valitse yksi vaihtoehto. Voit myös valita: En halua vastata.")
CHOOSE_AT_LEAST_ONE = _l("Valitse vähintään yksi vaihtoehto. Voit myös valita: En halua vastata.")
WRITE_ANSWER_OR_SKIP = _l("Kirjoita vastaus. Voit myös valita: En halua vastata.")
COMMENT_TOO_LONG = _l("Kommentti on liian pitkä. Kirjoita enintään %(max)s merkkiä.", max=1000)


def answer_too_long(limit: int) -> object:
    return _l("Vastaus on liian pitkä. Kirjoita enintään %(max)s merkkiä.", max=limit)


# Attendance and money (issue 10).
ATTENDANCE_FUTURE = _l("Et voi merkitä tulevaa päivää. Valitse tämä päivä tai aiempi.")
ATTENDANCE_DUPLICATE = _l("Asiakas on listalla kahdesti. Lataa sivu uudelleen.")
ATTENDANCE_NOT_EXPECTED = _l("Asiakas ei ole tässä ryhmässä tänä päivänä. Lataa sivu uudelleen.")
ATTENDANCE_CHOOSE = _l("Valitse paikalla, osan päivää tai poissa.")
ATTENDANCE_OUTSIDE_PERIOD = _l("Asiakkaan palvelu ei ole voimassa tänä päivänä.")
ATTENDANCE_HOURS = _l("Kirjoita tunnit numeroina väliltä 0,5–%(max)s.")
ATTENDANCE_REASON = _l("Valitse poissaolon syy.")
ATTENDANCE_WEEK_LIMIT = _l("Asiakkaalla on jo %(days)s päivää tällä viikolla. Enempää ei voi merkitä.")
CORRECTION_REASON = _l("Kirjoita syy korjaukseen.")

PROBLEMS.update({
    "attendance_future": ATTENDANCE_FUTURE,
    "attendance_duplicate": ATTENDANCE_DUPLICATE,
    "attendance_not_expected": ATTENDANCE_NOT_EXPECTED,
    "attendance_choose": ATTENDANCE_CHOOSE,
    "attendance_outside_period": ATTENDANCE_OUTSIDE_PERIOD,
    "attendance_hours": ATTENDANCE_HOURS,
    "attendance_reason": ATTENDANCE_REASON,
    "attendance_week_limit": ATTENDANCE_WEEK_LIMIT,
    "correction_reason": CORRECTION_REASON,
})

MONTH_NOT_OVER = _l("Voit sulkea kuukauden vasta, kun se on päättynyt.")
MONTH_CLOSED_ALREADY = _l("Kuukausi on jo suljettu.")
CORRECTION_REASON_CLOSED = _l("Kuukausi on jo suljettu. Kirjoita syy korjaukseen.")
PROBLEMS.update({
    "month_not_over": MONTH_NOT_OVER,
    "month_closed_already": MONTH_CLOSED_ALREADY,
    "correction_reason_closed": CORRECTION_REASON_CLOSED,
})

BENEFIT_OUTSIDE_PERIOD = _l("Asiakkaalla ei ole kuntouttavaa työtoimintaa sinä päivänä.")
BENEFIT_SAME_DAY = _l("Samalle päivälle on jo tieto. Valitse toinen päivä.")
CHOOSE_BENEFIT = _l("Valitse, mitä asiakas saa.")
PROBLEMS.update({"benefit_outside_period": BENEFIT_OUTSIDE_PERIOD, "benefit_same_day": BENEFIT_SAME_DAY})
CHOOSE_FILE = _l("Valitse tiedosto.")
RATE_HOURS = _l("Kirjoita tunnit väliltä 1–12.")
RATE_AMOUNT = _l("Kirjoita summa väliltä 0–200 euroa, enintään 2 desimaalia.")
RATE_DATES = _l("Loppupäivä on ennen alkupäivää. Tarkista päivämäärät.")
RATE_OVERLAP = _l("Samalle ajalle on jo määrä. Valitse toinen päivä.")
RATE_KIND = _l("Tämä raha ei kuulu tähän palveluun.")
PROBLEMS.update({"rate_amount": RATE_AMOUNT, "rate_dates": RATE_DATES, "rate_overlap": RATE_OVERLAP,
                 "rate_kind": RATE_KIND})


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

# Passkeys on the client's own phone (issue 20).
PASSKEY_TRY_AGAIN = _l("Kirjautuminen ei onnistunut. Yritä uudelleen.")
PASSKEY_NOT_IN_USE = _l("Tätä avainta ei voi enää käyttää. Kirjaudu toisella tavalla.")
PASSKEY_EASY_LOGIN_ENDED = _l("Helppo kirjautuminen on lopetettu. Pyydä ohjaajalta apua.")
PASSKEY_COPIED = _l("Tätä avainta ei voi käyttää. Pyydä ohjaajalta apua.")
PASSKEY_NOT_ADDED = _l("Avaimen lisääminen ei onnistunut. Yritä uudelleen.")
PASSKEY_ALREADY_ADDED = _l("Tämä avain on jo lisätty.")
PASSKEY_NEEDS_JAVASCRIPT = _l("Avain tarvitsee JavaScriptin. Kirjaudu toisella tavalla.")
PASSKEY_ON_KIOSK = _l("Tämä on yhteinen laite. Lisää avain omalla puhelimellasi.")
WRITE_ENROLMENT_CODE = _l("Kirjoita koodi, jonka sait ohjaajalta.")
ENROLMENT_CODE_UNKNOWN = _l("Tarkista koodi. Siinä on 10 numeroa.")
ENROLMENT_CODE_EXPIRED = _l("Koodi on vanhentunut. Pyydä ohjaajalta uusi koodi.")
ENROLMENT_CODE_USED = _l("Koodi on jo käytetty. Pyydä ohjaajalta uusi koodi.")
ENROLMENT_CODE_TOO_MANY = _l("Kirjoitit monta väärää koodia. Odota 15 minuuttia ja yritä sitten uudelleen.")
