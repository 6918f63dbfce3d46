"""The pictures a client chooses to find themselves on the kiosk's list.

Simple SVG symbols of our own (static/symbols/NAME.svg); each name is a
word anyone knows, said aloud with the picture."""

from __future__ import annotations

from portal.i18n import lazy_gettext as _l

SYMBOLS = {
    "sun": _l("Aurinko"),
    "moon": _l("Kuu"),
    "star": _l("Tähti"),
    "heart": _l("Sydän"),
    "tree": _l("Puu"),
    "flower": _l("Kukka"),
    "fish": _l("Kala"),
    "house": _l("Talo"),
    "car": _l("Auto"),
    "ball": _l("Pallo"),
    "cup": _l("Muki"),
    "key": _l("Avain"),
}


def is_symbol(name: str) -> bool:
    return name in SYMBOLS
