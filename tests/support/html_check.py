"""The Nu HTML Checker (vnu, from the vnu-jar npm package in tests/support/html_checker/)
as a local service: every HTML page the live portal serves to a browser test
is sent to it after the test, and any error fails the test (tests/browser/conftest.py's
`served_html_is_valid`)."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.browser import free_port

JAR = Path(__file__).resolve().parent / "html_checker" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# What differs between two servings of one page: form tokens and the session's seconds left.
VARYING = re.compile(rb'(name="csrf_token"[^>]*value=")[^"]*|(data-session-seconds=")\d+')


class Checker:
    def __init__(self, url: str) -> None:
        self.url = url
        self.checked: set[str] = set()

    def errors(self, html: bytes) -> list[str]:
        request = urllib.request.Request(self.url, data=html, method="POST",
                                         headers={"Content-Type": "text/html; charset=utf-8"})
        with urllib.request.urlopen(request, timeout=60) as answer:
            messages = json.load(answer)["messages"]
        return [f"line {message.get('lastLine', '?')}: {message['message']}"
                for message in messages if message["type"] in {"error", "non-document-error"}]

    def problems(self, pages: list[tuple[str, bytes]]) -> list[str]:
        """Errors in pages not checked before (a page served again alike is checked once)."""
        found = []
        for path, body in pages:
            key = hashlib.sha256(VARYING.sub(rb"\1\2", body)).hexdigest()
            if key in self.checked:
                continue
            self.checked.add(key)
            found.extend(f"{path}: {error}" for error in self.errors(body) if f"{path}: {error}" not in found)
        return found


@contextmanager
def running() -> Iterator[Checker]:
    port = free_port()
    process = subprocess.Popen(
        ["java", "-Xss1m", "-Dnu.validator.servlet.bind-address=127.0.0.1", "-cp", str(JAR),
         "nu.validator.servlet.Main", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    assert process.stdout is not None
    try:
        for line in process.stdout:  # it says so when it listens
            if "Checker service started" in line:
                break
        else:
            raise RuntimeError("the HTML checker did not start")
        threading.Thread(target=process.stdout.read, daemon=True).start()  # drain what it prints later
        yield Checker(f"http://127.0.0.1:{port}/?out=json")
    finally:
        process.terminate()
        process.wait(timeout=30)
