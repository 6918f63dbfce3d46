"""The test provider behind several workers or instances: what one of them
hands out (codes, tokens, sign-ins), any other one answers for, because it
lives in the shared database (issue 21: with `--workers 2`, 15 of 20 logins
failed when /test-idp/token reached the other worker)."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator

import httpx2 as httpx
import pytest
from sqlmodel import select

from portal.app import create_app
from portal.db import transaction
from portal.demo import load_demo_data
from portal.identity_code import IdentityCodeVault
from portal.models import TestIdpEntry
from portal.settings import Settings
from portal.test_idp import state
from tests.support.login_flow import login
from tests.support.page_sanity import CheckedClient
from tests.support.relying_party import BASE_URL, Login, redeem, sign_in

CLIENT_CODE = "010280-952L"  # a demo client


@pytest.fixture
def two_instances(settings: Settings) -> Iterator[tuple[CheckedClient, CheckedClient]]:
    """Two app instances on one database and one data folder, as two
    processes behind a load balancer. Instance A's back-channel calls to the
    provider (discovery, token, JWKS, userinfo) reach instance B."""
    idp_settings = dataclasses.replace(settings, test_idp=True)
    first, second = create_app(idp_settings), create_app(idp_settings)
    for provider in first.state.oidc.values():
        provider.transport = httpx.ASGITransport(app=second)
    with transaction(first.state.engine) as session:
        load_demo_data(session, vault=IdentityCodeVault(settings.identity_key))
    with (CheckedClient(first, base_url=BASE_URL, raise_server_exceptions=False) as a,
          CheckedClient(second, base_url=BASE_URL, raise_server_exceptions=False) as b):
        yield a, b
    first.state.engine.dispose()
    second.state.engine.dispose()


def test_a_login_completes_when_authorize_and_token_reach_different_instances(two_instances) -> None:
    browser, other = two_instances
    # The browser signs in at instance A; A's callback redeems the code and
    # reads userinfo at instance B.
    callback = login(browser, CLIENT_CODE)
    assert callback.status_code == 303, callback.text[:300]
    assert callback.headers["location"] in ("/home", "/choose")
    assert browser.get("/home").status_code == 200
    with transaction(other.app.state.engine) as session:
        entries = session.exec(select(TestIdpEntry)).all()
        kinds = sorted(entry.kind for entry in entries)
        assert kinds == ["code", "sign_in", "token"]
        # Codes and tokens are stored hashed; the sign-in only encrypted.
        assert all(CLIENT_CODE not in f"{entry.key} {entry.details} {entry.subject}" for entry in entries)
        [code] = [entry for entry in entries if entry.kind == "code"]
        assert code.used


def test_a_code_redeemed_at_one_instance_is_used_up_at_the_other(two_instances, settings) -> None:
    first, second = two_instances
    idp_settings = dataclasses.replace(settings, test_idp=True)
    request = Login(idp_settings)
    code = sign_in(first, request)
    answer = redeem(second, request, code)
    assert answer.status_code == 200
    access_token = answer.json()["access_token"]
    assert first.get("/test-idp/userinfo", headers={"Authorization": f"Bearer {access_token}"}).status_code == 200
    # The replay, at the first instance, is refused and revokes the token
    # its first use gave (RFC 6749, 4.1.2).
    replay = redeem(first, request, code)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    assert second.get("/test-idp/userinfo", headers={"Authorization": f"Bearer {access_token}"}).status_code == 401


def test_of_many_redeemers_racing_for_one_code_exactly_one_gets_it(two_instances, settings) -> None:
    first, second = two_instances
    code = sign_in(first, Login(dataclasses.replace(settings, test_idp=True)))
    stores = [first.app.state.test_idp.store, second.app.state.test_idp.store] * 4
    barrier = threading.Barrier(len(stores))
    won: list[state.AuthorizationCode] = []

    def redeem_in_thread(store) -> None:  # type: ignore[no-untyped-def]
        barrier.wait()
        if (redeemed := store.redeem_code(code, settings.client_oidc_client_id)) is not None:
            won.append(redeemed)

    threads = [threading.Thread(target=redeem_in_thread, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1
    assert won[0].sign_in.identity_code == CLIENT_CODE


def test_expired_entries_are_removed_when_new_ones_are_written(two_instances, settings, monkeypatch) -> None:
    first, _second = two_instances
    idp_settings = dataclasses.replace(settings, test_idp=True)
    sign_in(first, Login(idp_settings))
    issued = state.now()
    monkeypatch.setattr(state, "now", lambda: issued + state.CODE_LIFETIME + 1)
    sign_in(first, Login(idp_settings))
    with transaction(first.app.state.engine) as session:
        assert len(session.exec(select(TestIdpEntry)).all()) == 1
