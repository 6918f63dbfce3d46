"""Who wrote a message, in words: "Helena Virtanen Ainon puolesta".

Finnish puts the client's first name in the genitive. The rule here covers
the usual first names (a vowel at the end: Aino → Ainon, Mikko → Mikon);
for a name it is not sure of, the text names the client without inflecting
("Helena Virtanen henkilön Tuomas Laine puolesta"), never a wrong form.
"""

from __future__ import annotations

import re

from portal import i18n
from portal.models import Person

VOWELS = "aeiouyäö"
# kk, pp, tt before the last vowel weaken in the genitive (Mikko → Mikon, Pekka → Pekan, Matti → Matin).
_DOUBLE = re.compile(rf"(kk|pp|tt)[{VOWELS}]$")
# Other consonant pairs that may weaken (Sointu → Soinnun): not sure, so not inflected.
_UNSURE = re.compile(rf"(nt|nk|mp|lt|rt|lk|ht|lp|rp|rk)[{VOWELS}]$")


def finnish_genitive(given_name: str) -> str | None:
    name = given_name.strip()
    lower = name.lower()
    if len(name) < 2 or " " in name or "-" in name or lower[-1] not in VOWELS or _UNSURE.search(lower):
        return None
    if _DOUBLE.search(lower):
        return name[:-2] + name[-1] + "n"
    return name + "n"


def full_name(person: Person | None) -> str:
    return f"{person.given_name} {person.family_name}" if person is not None else ""


def written_by(author: Person, on_behalf_of: Person | None) -> str:
    """The author's name, and for whom when a delegate wrote."""
    if on_behalf_of is None:
        return full_name(author)
    if i18n.get_locale() == "fi":
        genitive = finnish_genitive(on_behalf_of.given_name)
        if genitive is not None:
            return i18n.gettext("%(agent)s %(client)s puolesta", agent=full_name(author), client=genitive)
    return i18n.gettext("%(agent)s henkilön %(client)s puolesta", agent=full_name(author),
                        client=full_name(on_behalf_of))
