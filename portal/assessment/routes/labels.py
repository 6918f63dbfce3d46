"""Display names for the self-assessment's stored codes, translated when shown."""

from portal.i18n import lazy_gettext as _l

CHANGE_NAMES = {
    "better": _l("Parempi kuin viime kerralla"),
    "same": _l("Sama kuin viime kerralla"),
    "lower": _l("Vaikeampaa kuin viime kerralla"),
}

OCCASION_NAMES = {
    "start": _l("Alussa"),
    "follow_up": _l("Seuranta"),
    "end": _l("Lopussa"),
    "requested": _l("Ohjaajan pyytämä"),
    "extra": _l("Oma valinta"),
}

LABELS = {"change_names": CHANGE_NAMES, "occasion_names": OCCASION_NAMES}
