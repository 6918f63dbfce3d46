"""Interop: the portal logs in through panva's oidc-provider (OpenID
Certified, from npm), in the basic profile and the trust network's (FTN)
profile, with key rotation on both sides and back-channel logout."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from sqlmodel import Session, select

from portal.models import AccessEvent
from portal.settings import LOA_FTN_HIGH, LOA_HIGH, LOA_LOW, LOA_SUBSTANTIAL
from tests.support.browser import free_port
from tests.support.interop import certified_provider, live_portal, login, logout_at_provider, portal_settings

AINO = "010280-952L"


@pytest.fixture(scope="module")
def ports() -> tuple[int, int]:
    return free_port(), free_port()  # the portal's and the provider's


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    return tmp_path_factory.mktemp("interop")  # one portal key store for the module, as in a deployment


@pytest.fixture(scope="module", params=["RS256", "PS256", "ES256"])
def provider(request, ports) -> Iterator[tuple[str, str]]:  # type: ignore[no-untyped-def]
    # a port of its own: the tests below start their own provider on ports[1]
    with certified_provider(free_port(), f"http://127.0.0.1:{ports[0]}", request.param) as issuer:
        yield issuer, request.param


@pytest.mark.parametrize(
    ("client_id", "changes"),
    [
        ("basic-secret-basic", {}),  # JSON userinfo, a secret that needs form encoding
        ("basic-secret-post", {"client_oidc_auth_method": "client_secret_post"}),  # userinfo as a signed JWT
        ("ftn", {"client_oidc_profile": "ftn"}),  # private_key_jwt, JAR, encrypted ID token and userinfo
    ],
    ids=["basic: client_secret_basic", "basic: client_secret_post, userinfo JWT", "ftn"],
)
def test_login_through_the_certified_provider(provider, ports, folder, client_id, changes) -> None:
    issuer, _algorithm = provider
    settings = portal_settings(folder, ports[0], issuer, client_id, **changes)
    with live_portal(settings) as (url, _app):
        browser, page, _seconds = login(url, issuer, AINO, LOA_SUBSTANTIAL)
        with closing(browser):
            assert page.status_code == 200, page.text[:500]
            assert str(page.url) == f"{url}/home"
            assert "Aino Virtanen" in page.text or "Aino" in page.text


@pytest.mark.parametrize("client_id", ["basic-secret-basic", "ftn"])
def test_a_weak_level_of_assurance_is_refused(ports, folder, client_id) -> None:
    with certified_provider(ports[1], f"http://127.0.0.1:{ports[0]}") as issuer:
        changes = {"client_oidc_profile": "ftn"} if client_id == "ftn" else {}
        with live_portal(portal_settings(folder, ports[0], issuer, client_id, **changes)) as (url, _app):
            browser, page, _ = login(url, issuer, AINO, LOA_LOW)
            browser.close()
    assert page.status_code == 403 and "Tunnistustapa ei ole tarpeeksi vahva." in page.text


@pytest.mark.parametrize("level", [LOA_HIGH, LOA_FTN_HIGH])
def test_ftn_and_eidas_levels_through_the_ftn_profile(ports, folder, level) -> None:
    with certified_provider(ports[1], f"http://127.0.0.1:{ports[0]}") as issuer:
        settings = portal_settings(folder, ports[0], issuer, "ftn", client_oidc_profile="ftn")
        with live_portal(settings) as (url, _app):
            browser, page, _ = login(url, issuer, AINO, level)
            browser.close()
    assert page.status_code == 200 and str(page.url).endswith("/home")


def test_the_portal_rotates_its_keys_between_logins(ports, folder) -> None:
    with certified_provider(ports[1], f"http://127.0.0.1:{ports[0]}") as issuer:
        settings = portal_settings(folder, ports[0], issuer, "ftn", client_oidc_profile="ftn")
        with live_portal(settings) as (url, app):
            first, page, _ = login(url, issuer, AINO, LOA_SUBSTANTIAL)
            first.close()
            assert page.status_code == 200
            old_signing = app.state.portal_keys.signing_key().kid  # type: ignore[attr-defined]
            new_kids = app.state.portal_keys.rotate()  # type: ignore[attr-defined]
            # The provider holds the JWKS it fetched: it encrypts to the old
            # key, which the portal keeps; the old key signs until the new one
            # has been published for the JWKS cache time.
            second, page, _ = login(url, issuer, AINO, LOA_SUBSTANTIAL)
            second.close()
            assert page.status_code == 200 and str(page.url).endswith("/home"), page.text[:500]
            assert app.state.portal_keys.signing_key().kid == old_signing  # type: ignore[attr-defined]
            assert set(new_kids) <= {key["kid"] for key in app.state.portal_keys.public_jwks()["keys"]}  # type: ignore[attr-defined]


@pytest.mark.parametrize("client_id", ["basic-secret-basic", "ftn"])
def test_the_provider_rotates_its_keys(ports, folder, client_id) -> None:
    changes = {"client_oidc_profile": "ftn"} if client_id == "ftn" else {}
    portal_url = f"http://127.0.0.1:{ports[0]}"
    with live_portal(portal_settings(folder, ports[0], f"http://127.0.0.1:{ports[1]}", client_id, **changes)) as (
        url, _app,
    ):
        for generation in (1, 2):  # the same issuer, a new signing key (kid gen-2-RS256)
            with certified_provider(ports[1], portal_url, "RS256", generation) as issuer:
                browser, page, _ = login(url, issuer, AINO, LOA_SUBSTANTIAL)
                browser.close()
                assert page.status_code == 200 and str(page.url).endswith("/home"), (generation, page.text[:300])


@pytest.mark.parametrize("client_id", ["basic-secret-basic", "ftn"])
def test_logging_out_at_the_provider_ends_the_portal_session(ports, folder, client_id) -> None:
    changes = {"client_oidc_profile": "ftn"} if client_id == "ftn" else {}
    with certified_provider(ports[1], f"http://127.0.0.1:{ports[0]}") as issuer:
        with live_portal(portal_settings(folder, ports[0], issuer, client_id, **changes)) as (url, app):
            browser, page, _ = login(url, issuer, AINO, LOA_SUBSTANTIAL)
            with closing(browser):
                assert page.status_code == 200
                ended = logout_at_provider(browser, issuer)
                assert ended.status_code == 200
                assert browser.get(f"{url}/home", follow_redirects=False).status_code == 403
            with Session(app.state.engine) as session:  # type: ignore[attr-defined]
                roles = session.exec(select(AccessEvent.actor_role).where(AccessEvent.action == "logout")).all()
            assert "identity_provider" in roles


@pytest.mark.parametrize("client_id", ["basic-secret-basic", "ftn"])
def test_logging_out_at_the_portal_returns_from_the_provider(ports, folder, client_id) -> None:
    import re

    changes = {"client_oidc_profile": "ftn"} if client_id == "ftn" else {}
    with certified_provider(ports[1], f"http://127.0.0.1:{ports[0]}") as issuer:
        with live_portal(portal_settings(folder, ports[0], issuer, client_id, **changes)) as (url, _app):
            browser, page, _ = login(url, issuer, AINO, LOA_SUBSTANTIAL)
            with closing(browser):
                form = re.search(r'<form[^>]*action="/logout".*?name="csrf_token" value="([^"]+)"', page.text, re.S)
                assert form, page.text[:300]
                # the provider accepts the id_token_hint (signed, also in the FTN profile) and asks to confirm
                confirm = browser.post(f"{url}/logout", data={"csrf_token": form.group(1)})
                xsrf = re.search(r'name="xsrf" value="([^"]+)"', confirm.text)
                assert xsrf and str(confirm.url).startswith(issuer), confirm.text[:300]
                done = browser.post(f"{issuer}/session/end/confirm", data={"xsrf": xsrf.group(1), "logout": "yes"})
                assert str(done.url) == f"{url}/logged-out" and done.status_code == 200
