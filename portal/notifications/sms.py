"""Text messages through an operator's gateway, behind one small interface.

`SmsGateway` is what the sender needs: a `connection()` whose function
delivers one text to an E.164 number and returns the gateway's id for it,
or raises DeliveryFailed. `HttpSmsGateway` speaks a generic HTTP gateway:

    POST PORTAL_SMS_URL
    Authorization: Basic PORTAL_SMS_USER:PORTAL_SMS_PASSWORD (when a user is set)
    Content-Type: application/json
    {"to": "+358401234567", "text": "…", "from": PORTAL_SMS_SENDER, "reference": "<stable id>"}

    2xx: taken (a JSON body's "id" is kept as the reference); 408, 429 and
    5xx: tried again later; other 4xx: refused for good (parked).

`reference` is the same on every try of one notification, so a gateway that
drops repeats by it never sends one twice. For an operator with another
API, write a class with the same `name` and `connection()` (see the README,
"Text messages") and return it from `portal.notifications.sender.transports`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from hashlib import sha256

import httpx2 as httpx

from portal.notifications.delivery import Deliver, Delivered, DeliveryFailed, Outgoing, Transport

TIMEOUT_SECONDS = 15
SmsGateway = Transport  # the interface: `name` and `connection()`


def reference(key: str) -> str:
    return sha256(key.encode()).hexdigest()[:32]


class HttpSmsGateway:
    name = "http_sms"

    def __init__(self, *, url: str, user: str = "", password: str = "", sender: str = "",
                 transport: httpx.BaseTransport | None = None) -> None:
        self.url, self.user, self.password, self.sender = url, user, password, sender
        self.transport = transport

    @contextmanager
    def connection(self) -> Iterator[Deliver]:
        auth = httpx.BasicAuth(self.user, self.password) if self.user else None
        with httpx.Client(timeout=TIMEOUT_SECONDS, auth=auth, transport=self.transport) as client:
            def deliver(outgoing: Outgoing) -> Delivered:
                body = {"to": outgoing.to, "text": outgoing.text, "reference": reference(outgoing.key)}
                if self.sender:
                    body["from"] = self.sender
                try:
                    response = client.post(self.url, json=body)
                except httpx.TimeoutException:
                    raise DeliveryFailed("sms_timeout") from None
                except httpx.HTTPError:
                    raise DeliveryFailed("sms_unreachable") from None
                status = response.status_code
                if 200 <= status < 300:
                    try:
                        found = response.json()
                        gateway_id = str(found.get("id", "")) if isinstance(found, dict) else ""
                    except ValueError:
                        gateway_id = ""
                    return Delivered(gateway_id[:200] or reference(outgoing.key))
                raise DeliveryFailed(f"sms_http_{status}", permanent=400 <= status < 500 and status not in (408, 429))

            yield deliver
