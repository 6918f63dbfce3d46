"""Display names for stored codes (services, roles, log actions), translated when shown."""

from portal.i18n import lazy_gettext as _l

SERVICE_NAMES = {
    "day_activity": _l("Päivätoiminta"),
    "work_activity": _l("Työtoiminta"),
    "open_work_activity": _l("Avotyötoiminta"),
    "rehabilitative_work": _l("Kuntouttava työtoiminta"),
}

ROLE_NAMES = {
    "client": _l("asiakas"),
    "delegate": _l("valtuutettu"),
    "instructor": _l("ohjaaja"),
    "job_coach": _l("työvalmentaja"),
    "social_instructor": _l("sosiaaliohjaaja"),
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
    "assessment": _l("oma arvio"),
    "assessment_list": _l("arviolista"),
    "assessment_queue": _l("arviolista"),
    "assessment_request": _l("arviopyyntö"),
}
