"""What the provider's profile rules (portal.test_idp.profile) use of the
provider: its settings, state store, the portal's published keys, its
signing, and the logouts waiting to be sent. The provider
(portal.test_idp.server.Provider) has these parts; the rules name this type,
so neither module imports the other's."""

from __future__ import annotations

from typing import Any, Protocol

from portal.auth.keys import PortalKeys
from portal.settings import Settings
from portal.test_idp.state import Client
from portal.test_idp.store import Store


class ProviderParts(Protocol):
    settings: Settings
    store: Store
    portal_keys: PortalKeys
    pending_logouts: list[tuple[Client, str, str]]
    backchannel_transport: Any

    def sign(self, claims: dict[str, Any], typ: str = "JWT") -> str: ...
