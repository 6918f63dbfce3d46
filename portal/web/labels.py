"""Display names for stored codes (services, roles, log actions), translated when shown."""

from portal.i18n import lazy_gettext as _l

SERVICE_NAMES = {
    "day_activity": _l("Päivä\u00adtoiminta"),
    "work_activity": _l("Työ\u00adtoiminta"),
    "open_work_activity": _l("Avotyö\u00adtoiminta"),
    "rehabilitative_work": _l("Kuntouttava työ\u00adtoiminta"),
}

ROLE_NAMES = {
    "client": _l("asiakas"),
    "delegate": _l("valtuutettu"),
    "instructor": _l("ohjaaja"),
    "job_coach": _l("työvalmentaja"),
    "social_instructor": _l("sosiaali\u00adohjaaja"),
    "unit_manager": _l("palveluesimies"),
    "staff": _l("työntekijä"),
}

ACTION_NAMES = {
    "read": _l("Katsoi"),
    "change": _l("Muutti"),
    "print": _l("Tulosti"),
}

OBJECT_NAMES = {
    "client_start_page": _l("oma sivu"),
    "client_list": _l("asiakaslista"),
    "client_mandates": _l("valtuutukset"),
    "mandate_list": _l("valtuutukset"),
    "mandate": _l("valtuutus"),
    "access_log": _l("lokitiedot"),
    "client_week": _l("viikko"),
    "plan": _l("suunnitelma"),
    "goal_thought": _l("omat ajatukset tavoitteesta"),
    "absence_notice": _l("poissaoloilmoitus"),
    "calendar_feed": _l("kalenteri puhelimessa"),
    "staff_start_page": _l("päivän ryhmät"),
    "group_members": _l("ryhmän asiakkaat"),
    "group_slot": _l("ryhmän viikoittainen aika"),
    "assessment": _l("oma arvio"),
    "assessment_list": _l("arviolista"),
    "assessment_queue": _l("arviolista"),
    "assessment_request": _l("arviopyyntö"),
    "attendance": _l("läsnäolot"),
    "money": _l("rahat"),
    "money_statement": _l("kuukauden rahat tulostettavana"),
    "money_report": _l("toimintakeskuksen kuukauden rahat"),
    "benefit_status": _l("etuus"),
    "import": _l("tuodut tiedot"),
    "rate": _l("rahan määrä"),
    "client_feedback": _l("palaute"),
    "my_data": _l("omat tiedot"),
    "easy_login": _l("helppo kirjautuminen"),
    "easy_login_enrolment": _l("helpon kirjautumisen käyttöönotto"),
    "easy_login_code_opened": _l("lukitun numerokoodin avaus"),
    "easy_login_ended": _l("helpon kirjautumisen lopetus"),
    "easy_login_passkey": _l("avain puhelimessa"),
    "easy_login_passkey_removed": _l("avaimen poisto puhelimesta"),
    "easy_login_passkeys": _l("avaimet puhelimessa"),
    "easy_login_help_approved": _l("kirjautumisen vahvistus kioskilla"),
    "easy_login_help_rejected": _l("kirjautumisen vahvistus kioskilla"),
    "notification_settings": _l("muistutusten asetukset"),
    "notification_contact": _l("osoite muistutuksille"),
    "notification_choices": _l("muistutusten valinnat"),
    "kiosk_help_requests": _l("kioskin pyynnöt"),
    "message": _l("viesti"),
    "message_thread": _l("viestit"),
    "message_threads": _l("viestilista"),
    "message_inbox": _l("toimintakeskuksen viestilista"),
    "message_thread_assigned": _l("kuka hoitaa viestin"),
    "message_thread_done": _l("viestin käsittely"),
    "message_thread_sensitive": _l("viestin luottamuksellisuus"),
    "bulletin": _l("tiedote"),
    "bulletin_removed": _l("tiedotteen poisto"),
}

# The client's own easy-login story ("Kuka on katsonut tietojani"), by
# (action, object type); %(who)s is a staff member's name, %(kiosk)s a kiosk's.
EASY_LOGIN_HAPPENINGS = {
    ("login", "easy_login_code"): _l("Kirjauduit numerokoodilla kioskilla %(kiosk)s."),
    ("login", "easy_login_passkey"): _l("Kirjauduit puhelimella."),
    ("login", "easy_login_instructor"): _l("Ohjaaja vahvisti kirjautumisesi kioskilla %(kiosk)s."),
    ("login_failed", "easy_login_code"): _l("Väärä numerokoodi kioskilla %(kiosk)s."),
    ("change", "easy_login_code_locked"): _l("Numerokoodi meni lukkoon. Koodi oli väärin 5 kertaa."),
    ("refused", "easy_login_code_locked"): _l("Joku kokeili lukossa olevaa numerokoodia kioskilla %(kiosk)s."),
    ("change", "easy_login_code"): _l("Valitsit uuden numerokoodin."),
    ("change", "easy_login_kiosk_list"): _l("Muutit kioskin listan valintoja."),
    ("change", "easy_login_enrolment"): _l("%(who)s antoi käyttöönottokoodin."),
    ("change", "easy_login_code_opened"): _l("%(who)s avasi lukitun numerokoodin."),
    ("change", "easy_login_ended"): _l("%(who)s lopetti helpon kirjautumisen."),
    ("change", "easy_login_passkey"): _l("Lisäsit avaimen puhelimeen."),
    ("change", "easy_login_passkey_removed"): _l("%(who)s poisti avaimen puhelimesta."),
    ("request", "easy_login_help"): _l("Kioskilla %(kiosk)s joku pyysi ohjaajaa vahvistamaan kirjautumisesi."),
    ("request", "easy_login_help_cancelled"): _l("Pyyntö ohjaajalle peruuntui kioskilla %(kiosk)s."),
    ("change", "easy_login_help_approved"): _l("%(who)s vahvisti kirjautumisesi kioskilla %(kiosk)s."),
    ("change", "easy_login_help_rejected"): _l("%(who)s ei vahvistanut kirjautumistasi kioskilla %(kiosk)s."),
    ("refused", "easy_login_passkey_sign_count"): _l("Joku kokeili avaintasi, mutta avain näytti kopioidulta."),
}

BENEFITS = {
    "unemployment_benefit": _l("Työttömyysetuus"),
    "social_assistance": _l("Toimeentulotuki"),
    "neither": _l("Ei kumpaakaan"),
}

MONEY_KINDS = {
    "work_share": _l("Työosuusraha"),
    "expense_compensation": _l("Kulukorvaus"),
    "activity_money": _l("Toimintaraha"),
}

ABSENCE_REASONS = {
    "ill": _l("Sairas"),
    "other": _l("Muu syy"),
    "not_said": _l("Ei kerro syytä"),
}


def easy_login_sentence(happening: object) -> str:
    """One line of the client's easy-login story; '' for events it does not tell."""
    text = EASY_LOGIN_HAPPENINGS.get((getattr(happening, "action", ""), getattr(happening, "object_type", "")))
    if text is None:
        return ""
    return str(text) % {"who": getattr(happening, "actor_name", "") or "–",
                        "kiosk": getattr(happening, "kiosk_name", "") or "–"}
