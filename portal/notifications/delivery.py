"""What a transport gets and gives back: the common part of e-mail, text
messages and the development outbox."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Outgoing:
    notification_id: int
    key: str  # the outbox row's unique key: a stable reference for the provider
    channel: str
    to: str
    language: str
    subject: str
    text: str
    html: str  # "" for a text message
    stop_url: str = ""
    category: str = ""


@dataclass(frozen=True)
class Delivered:
    reference: str = ""  # the provider's id for it (an SMTP Message-ID, a gateway's id)
    copy: str | None = None  # development: the text as it would have gone, kept in the row


class DeliveryFailed(Exception):
    """The provider did not take it. `code` is short and has nothing
    personal in it (it goes to the row and the log); `permanent` means trying
    again cannot help (a refused address): the row is parked at once."""

    def __init__(self, code: str, *, permanent: bool = False) -> None:
        super().__init__(code)
        self.code = code[:60]
        self.permanent = permanent


Deliver = Callable[[Outgoing], Delivered]


class Transport(Protocol):
    """One channel's way out. `connection()` opens what a batch shares (an
    SMTP connection, an HTTP client) and gives a function that delivers one."""

    name: str

    def connection(self) -> AbstractContextManager[Deliver]: ...


class DevelopmentOutbox:
    """Sends nothing: the text stays in the outbox row, for the staff's
    outbox page (development, and tests that do not need a real server)."""

    name = "development"

    @contextmanager
    def connection(self) -> Iterator[Deliver]:
        def deliver(outgoing: Outgoing) -> Delivered:
            return Delivered("development", copy=outgoing.text)

        yield deliver
