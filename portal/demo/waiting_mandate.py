"""Demo: a mandate that waits for its agent's first login.

Mikko has let his brother Kalle see his data, typing Kalle's identity code
and name. Mikko's list says the mandate starts when Kalle logs in; when Kalle
logs in at the test identity provider (type the code and the name Kalle
Korhonen) it comes into force. Another name there revokes it.
"""

from __future__ import annotations

from sqlmodel import Session

from portal.auth.mandates import grant_to_named_person
from portal.identity_code import IdentityCodeVault
from portal.models import MandateBasis, MandateScope

MIKKO = "150375-990C"
KALLE_CODE, KALLE_GIVEN_NAME, KALLE_FAMILY_NAME = "121085-9745", "Kalle", "Korhonen"


def add_waiting_mandate(session: Session, *, vault: IdentityCodeVault, ids: dict[str, int]) -> None:
    grant_to_named_person(
        session,
        vault=vault,
        identity_code=KALLE_CODE,
        given_name=KALLE_GIVEN_NAME,
        family_name=KALLE_FAMILY_NAME,
        principal_person_id=ids[MIKKO],
        scope=MandateScope.VIEW,
        basis=MandateBasis.CLIENT_GRANTED,
        created_by_person_id=ids[MIKKO],
        valid_until=None,
    )
