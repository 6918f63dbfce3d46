"""A real SMTP server (aiosmtpd) and a small HTTP SMS gateway, in the test
process, for the notifications' tests and benchmark."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Inbox:
    """aiosmtpd's handler: keeps what arrived, parsed."""

    def __init__(self, parse: bool = True) -> None:
        self.parse = parse
        self.count = 0
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, _server, _session, envelope) -> str:  # type: ignore[no-untyped-def]  # noqa: N802
        with self.lock:
            self.count += 1
        if not self.parse:  # the benchmark: count only
            return "250 OK"
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        with self.lock:
            self.messages.append(parsed)  # type: ignore[arg-type]
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()
            self.envelopes.clear()


@contextmanager
def smtp_server(parse: bool = True) -> Iterator[tuple[int, Inbox]]:
    inbox = Inbox(parse)
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


class Gateway:
    """What the SMS gateway got, and how many of the next requests it fails."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.accepted: list[dict] = []
        self.fail_next = 0
        self.fail_status = 503
        self.lock = threading.Lock()

    def clear(self) -> None:
        with self.lock:
            self.requests.clear()
            self.accepted.clear()
            self.fail_next, self.fail_status = 0, 503


@contextmanager
def sms_gateway() -> Iterator[tuple[str, Gateway]]:
    gateway = Gateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
            with gateway.lock:
                gateway.requests.append({**body, "authorization": self.headers.get("Authorization", "")})
                failing = gateway.fail_next > 0
                if failing:
                    gateway.fail_next -= 1
                else:
                    gateway.accepted.append(body)
                    number = len(gateway.accepted)
            status = gateway.fail_status if failing else 200
            answer = b'{"error": "busy"}' if failing else json.dumps({"id": f"gw-{number}"}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *_args) -> None:  # type: ignore[no-untyped-def]
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/send", gateway
    finally:
        server.shutdown()
        server.server_close()
