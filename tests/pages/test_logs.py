"""JSON log lines: each request's line names its id, route template, status
and duration, and no identity code, token or typed text reaches any line
while people log in and post forms."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from portal import logs
from portal.demo import DEMO_PEOPLE
from tests.support.helpers import csrf_token
from tests.support.login_flow import authenticate, login

TYPED_CODE = "311299-999E"  # typed at the provider and into the mandate form
FREE_TEXT = "Salainen palaute Kissa Kuusi"
TYPED_NAME = "Salamatkustaja"


@pytest.fixture
def log_lines() -> Iterator[Callable[[], list[str]]]:
    """Every line the server writes at INFO and above, formatted as in production."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.json_formatter())
    handler.addFilter(logs.RequestContext())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield lambda: stream.getvalue().splitlines()
    root.removeHandler(handler)
    root.setLevel(level)


def drive(idp_client) -> set[str]:  # type: ignore[no-untyped-def]
    """Logins, form posts and failures; returns every secret the browser saw or typed."""
    secrets = {person.identity_code for person in DEMO_PEOPLE} | {TYPED_CODE, FREE_TEXT, TYPED_NAME}
    back = authenticate(idp_client, "010280-952L")  # Aino, a client
    query = parse_qs(urlsplit(back.headers["location"]).query)
    secrets |= {query["code"][0], query["state"][0]}
    assert idp_client.get(back.headers["location"], follow_redirects=False).status_code == 303
    # The same code again: a failed login.
    assert idp_client.get(back.headers["location"], follow_redirects=False).status_code == 400
    token = csrf_token(idp_client.get("/feedback"))
    secrets.add(token)
    feedback = idp_client.post("/feedback", data={"csrf_token": token, "mood": "4", "about": "service",
                                                  "text": FREE_TEXT}, follow_redirects=False)
    assert feedback.status_code == 303
    page = idp_client.get("/settings/mandates")
    token = csrf_token(page)
    granted = idp_client.post("/settings/mandates", data={
        "csrf_token": token, "identity_code": TYPED_CODE, "given_name": TYPED_NAME, "family_name": "Ystävä",
        "scope": "view"}, follow_redirects=False)
    assert granted.status_code == 303
    refused = idp_client.post("/settings/mandates", data={
        "csrf_token": token, "identity_code": "010280-952K", "given_name": TYPED_NAME, "family_name": FREE_TEXT,
        "scope": "view"})
    assert refused.status_code == 400
    secrets |= {cookie.value for cookie in idp_client.cookies.jar}
    assert idp_client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code in (303, 200)
    # A staff member, and someone typing an identity code and a name at the provider.
    assert login(idp_client, "300883-9617", audience="staff").status_code == 303
    secrets |= {cookie.value for cookie in idp_client.cookies.jar}
    assert idp_client.get("/staff").status_code == 200
    assert idp_client.get(f"/login/callback?state={FREE_TEXT}&code={TYPED_CODE}").status_code == 400
    return {secret for secret in secrets if len(secret) >= 6}


def test_no_identity_code_token_or_typed_text_reaches_a_log_line(idp_client, log_lines) -> None:
    secrets = drive(idp_client)
    lines = log_lines()
    written = "\n".join(lines)
    assert len(lines) > 20
    leaked = sorted(secret for secret in secrets if secret in written)
    assert leaked == []
    # Nor the forms of a code that a line might carry without its dash.
    assert all(code.replace("-", "") not in written for code in secrets if code[6:7] == "-")


def test_each_request_line_names_its_id_route_status_and_duration(idp_client, log_lines) -> None:
    drive(idp_client)
    records = [json.loads(line) for line in log_lines()]  # every line is one JSON object
    requests = [record for record in records if record["logger"] == "portal.requests"]
    assert requests
    for record in requests:
        assert {"time", "level", "message", "request_id", "route", "method", "status", "duration_ms"} <= set(record)
        assert record["route"].startswith("/") or record["route"] == "(no route)"
    # A line written inside a request carries that request's id and route.
    [failed, *_] = [record for record in records if record["message"].startswith("login failed")]
    [its_request] = [record for record in requests if record["request_id"] == failed["request_id"]]
    assert failed["route"] == its_request["route"] == "/login/callback" and its_request["status"] == 400
