"""What a notification says: one short line, a link into the portal and the
stop link, in the recipient's language. Nothing personal: no name, no
message text, no health or money details. A text message fits one SMS
segment: the Finnish and Swedish letters ä, ö and å are in the GSM 7-bit
alphabet, so a text stays within 160 characters (`sms_segments`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from portal import i18n
from portal.i18n import lazy_gettext as _l
from portal.notifications.models import Category

SERVICE = "Oma työtoiminta"
# The category's name on the settings page, the stop page and in the e-mail's subject.
NAMES = {
    Category.TOMORROW.value: _l("Muistutus huomisesta"),
    Category.NEW_MESSAGE.value: _l("Uusi viesti"),
    Category.ASSESSMENT_DUE.value: _l("Itsearviointi on ajankohtainen"),
    Category.MONEY_READY.value: _l("Kuukauden rahat ovat valmiina"),
    Category.CONFIRMATION_CODE.value: _l("Vahvistuskoodi"),
    Category.ACCESSIBILITY_ANSWER.value: _l("Vastaus palautteeseesi saavutettavuudesta"),
}
HINTS = {
    Category.TOMORROW.value: _l("Saat muistutuksen illalla ennen toimintapäivää."),
    Category.NEW_MESSAGE.value: _l("Saat ilmoituksen, kun sinulle tulee viesti."),
    Category.ASSESSMENT_DUE.value: _l("Saat ilmoituksen, kun on aika tehdä oma arvio."),
    Category.MONEY_READY.value: _l("Saat ilmoituksen, kun kuukauden rahat ovat valmiina."),
}
LINES = {
    Category.TOMORROW.value: _l("Huomenna on toimintapäiväsi."),
    Category.NEW_MESSAGE.value: _l("Sinulle on uusi viesti Oma työtoiminnassa."),
    Category.ASSESSMENT_DUE.value: _l("Nyt on aika tehdä oma arvio."),
    Category.MONEY_READY.value: _l("Kuukauden rahat ovat valmiina."),
}
PATHS = {
    Category.TOMORROW.value: "/week",
    Category.NEW_MESSAGE.value: "/home",
    Category.ASSESSMENT_DUE.value: "/assessment",
    Category.MONEY_READY.value: "/money",
}
CODE_LINE = _l("Vahvistuskoodisi on %(code)s.")
CODE_VALID = _l("Koodi on voimassa 15 minuuttia.")
CODE_NOT_ASKED = _l("Et pyytänyt koodia? Silloin voit jättää viestin huomiotta.")
OPEN = _l("Katso palvelussa")
STOP = _l("Lopeta")
WHY = _l("Sait tämän viestin, koska valitsit nämä ilmoitukset.")
STOP_THESE = _l("Lopeta nämä ilmoitukset")
NO_REPLY = _l("Älä lähetä vastausta tähän osoitteeseen.")


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str  # the e-mail's text part, or the text message
    html: str  # the e-mail's HTML part ("" for a text message)


def render(*, category: str, channel: str, language: str, base_url: str, stop_url: str = "", subject: str = "",
           body: str = "") -> Rendered:
    """A notification's words. `body` is an answer's text or a code."""
    with i18n.language(language):
        if category == Category.CONFIRMATION_CODE.value:
            lines = [str(CODE_LINE) % {"code": body}, str(CODE_VALID), str(CODE_NOT_ASKED)]
            return _rendered(str(NAMES[category]), channel, lines, link=None, stop=None, language=language)
        if category == Category.ACCESSIBILITY_ANSWER.value:
            return _rendered(subject or str(NAMES[category]), channel, [body, str(NO_REPLY)], link=None, stop=None,
                             language=language)
        link = base_url + PATHS[category]
        return _rendered(str(NAMES[category]), channel, [str(LINES[category])], link=link, stop=stop_url or None,
                         language=language)


def _rendered(subject: str, channel: str, lines: list[str], *, link: str | None, stop: str | None,
              language: str) -> Rendered:
    if channel == "sms":
        said = " ".join(lines)
        # The service is named once: in the line itself, or before it.
        parts = [said if "Oma työtoimin" in said else f"{SERVICE}: {said}"]
        if link:
            parts.append(link.rsplit("/", 1)[0] or link)  # the portal's address: a text message has little room
        if stop:
            parts.append(f"{STOP}: {stop}")
        return Rendered(subject, " ".join(parts), "")
    text = "\n\n".join(lines)
    html = "".join(f"<p>{escape(line)}</p>" for line in lines)
    if link:
        text += f"\n\n{OPEN}: {link}"
        html += f'<p><a href="{escape(link)}">{escape(str(OPEN))}</a></p>'
    if stop:
        text += f"\n\n{WHY}\n{STOP_THESE}: {stop}"
        html += f'<p>{escape(str(WHY))}<br><a href="{escape(stop)}">{escape(str(STOP_THESE))}</a></p>'
    text += f"\n\n-- \n{SERVICE}\n"
    page = (f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8"><title>{escape(subject)}</title>'
            f"</head><body>{html}<p>{SERVICE}</p></body></html>")
    return Rendered(subject, text, page)


# GSM 03.38: the 7-bit default alphabet, and the extension table whose
# characters take two septets (an escape and the character).
GSM7_BASIC = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                 "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXTENSION = set("^{}\\[~]|€\f")


@dataclass(frozen=True)
class Segments:
    encoding: str  # "gsm7" or "ucs2"
    units: int  # septets (gsm7) or UTF-16 code units (ucs2)
    count: int  # how many SMS segments the text takes


def sms_segments(text: str) -> Segments:
    if all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in text):
        units = len(text) + sum(char in GSM7_EXTENSION for char in text)
        return Segments("gsm7", units, 1 if units <= 160 else math.ceil(units / 153))
    units = len(text.encode("utf-16-le")) // 2
    return Segments("ucs2", units, 1 if units <= 70 else math.ceil(units / 67))
