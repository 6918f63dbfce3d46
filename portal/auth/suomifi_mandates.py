"""Suomi.fi-valtuudet (Suomi.fi e-Authorizations) as a mandate source.

Switched on with PORTAL_MANDATE_SOURCE=suomifi. The REST API authenticates
each call with an HMAC-SHA256 over the request path and a timestamp
(header X-AsiointivaltuudetAuthorization); the AuthorizationList call tells
whether an agent may act for a principal on the portal's issue codes. This
machine cannot reach the service, so only the signing is tested here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlmodel import Session

from portal.auth.mandates import ActiveMandate, DatabaseMandates


@dataclass(frozen=True)
class SuomiFiConfig:
    base_url: str
    client_id: str
    client_secret: str
    issue_codes: tuple[str, ...]


def config_from_environment() -> SuomiFiConfig:
    import os

    return SuomiFiConfig(
        base_url=os.environ.get("PORTAL_SUOMIFI_MANDATES_URL", ""),
        client_id=os.environ.get("PORTAL_SUOMIFI_MANDATES_CLIENT_ID", ""),
        client_secret=os.environ.get("PORTAL_SUOMIFI_MANDATES_SECRET", ""),
        issue_codes=tuple(os.environ.get("PORTAL_SUOMIFI_MANDATES_ISSUES", "").split(",")),
    )


def authorization_header(config: SuomiFiConfig, path_and_query: str, now: datetime | None = None) -> str:
    timestamp = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    digest = hmac.new(config.client_secret.encode(), (path_and_query + " " + timestamp).encode(), hashlib.sha256)
    return f"{config.client_id} {timestamp} {base64.b64encode(digest.digest()).decode()}"


class SuomiFiMandates:
    """Mandates from Suomi.fi-valtuudet, plus guardianships recorded by staff.

    The list call needs the agent's browser session with the service, so the
    portal asks at login and keeps the answer on the login session; until that
    flow is configured this source serves the recorded guardianships only.
    """

    def __init__(self, config: SuomiFiConfig) -> None:
        self.config = config
        self._recorded = DatabaseMandates()

    def for_agent(self, session: Session, *, agent_person_id: int, today: date) -> list[ActiveMandate]:
        return [
            mandate
            for mandate in self._recorded.for_agent(session, agent_person_id=agent_person_id, today=today)
            if mandate.basis != "client_granted"
        ]
