"""Production refuses unsafe settings."""

from __future__ import annotations

import pytest

from portal.settings import Settings, SettingsError

SAFE = {
    "PORTAL_ENV": "production",
    "PORTAL_SECRET_KEY": "s" * 40,
    "PORTAL_IDENTITY_KEY": "i" * 40,
    "PORTAL_ACCESS_LOG_KEY": "a" * 40,
    "PORTAL_BASE_URL": "https://portal.example",
    "PORTAL_CLIENT_OIDC_DISCOVERY_URL": "https://tunnistus.example/.well-known/openid-configuration",
    "PORTAL_STAFF_OIDC_DISCOVERY_URL": "https://login.example/.well-known/openid-configuration",
    "PORTAL_CLIENT_OIDC_CLIENT_SECRET": "c" * 40,
    "PORTAL_STAFF_OIDC_CLIENT_SECRET": "t" * 40,
}


def test_safe_production_settings_start() -> None:
    settings = Settings.from_environment(SAFE)
    assert settings.production and settings.secure_cookies


@pytest.mark.parametrize(
    "change",
    [
        {"PORTAL_SECRET_KEY": ""},
        {"PORTAL_SECRET_KEY": "short"},
        {"PORTAL_IDENTITY_KEY": ""},
        {"PORTAL_ACCESS_LOG_KEY": ""},
        {"PORTAL_ACCESS_LOG_KEY": "short"},
        {"PORTAL_TEST_IDP": "on"},
        {"PORTAL_CLOCK_START": "2026-12-09T10:00+02:00"},
        {"PORTAL_BASE_URL": "http://portal.example"},
        {"PORTAL_CLIENT_OIDC_DISCOVERY_URL": ""},
        {"PORTAL_STAFF_OIDC_CLIENT_SECRET": ""},
    ],
)
def test_production_refuses_unsafe_settings(change) -> None:
    environ = {key: value for key, value in {**SAFE, **change}.items() if value}
    with pytest.raises(SettingsError):
        Settings.from_environment(environ)


def test_development_defaults_and_port_variable() -> None:
    settings = Settings.from_environment({"PORT": "8123"})
    assert settings.port == 8123 and not settings.production and not settings.secure_cookies


def test_unknown_environment_is_refused() -> None:
    with pytest.raises(SettingsError):
        Settings.from_environment({"PORTAL_ENV": "prod"})


def test_no_proxy_is_trusted_by_default() -> None:
    """X-Forwarded-For from 127.0.0.1 was believed (uvicorn's default): a local
    proxy could spoof the address behind rate limits and the access log."""
    import argparse

    import uvicorn

    from portal.cli import uvicorn_options

    args = argparse.Namespace(host=None, port=None, workers=None)
    options = uvicorn_options(Settings.from_environment({}), args)
    assert options["proxy_headers"] is False
    config = uvicorn.Config("portal.app:create_app", **options)  # type: ignore[arg-type]
    assert config.forwarded_allow_ips == ""

    trusted = Settings.from_environment({"PORTAL_TRUSTED_PROXIES": "10.0.0.5, 10.0.0.6"})
    assert trusted.trusted_proxies == ("10.0.0.5", "10.0.0.6")
    options = uvicorn_options(trusted, args)
    assert options["proxy_headers"] is True and options["forwarded_allow_ips"] == "10.0.0.5,10.0.0.6"


def test_forwarded_for_counts_only_from_a_trusted_proxy() -> None:
    import argparse
    import asyncio

    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    from portal.cli import uvicorn_options

    seen = []

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        seen.append(scope["client"][0])

    def client_address(environ: dict[str, str]) -> str:
        options = uvicorn_options(Settings.from_environment(environ), argparse.Namespace(host=None, port=None, workers=None))
        wrapped = ProxyHeadersMiddleware(app, trusted_hosts=options["forwarded_allow_ips"]) if options["proxy_headers"] else app  # type: ignore[arg-type]
        scope = {"type": "http", "client": ("127.0.0.1", 5000), "headers": [(b"x-forwarded-for", b"203.0.113.9")]}
        asyncio.run(wrapped(scope, None, None))  # type: ignore[arg-type]
        return seen[-1]

    assert client_address({}) == "127.0.0.1"
    assert client_address({"PORTAL_TRUSTED_PROXIES": "127.0.0.1"}) == "203.0.113.9"
def test_the_ftn_profile_needs_no_client_secret_in_production() -> None:
    environ = {key: value for key, value in SAFE.items() if key != "PORTAL_CLIENT_OIDC_CLIENT_SECRET"}
    settings = Settings.from_environment({**environ, "PORTAL_CLIENT_OIDC_PROFILE": "ftn"})
    registration = settings.oidc_client("client")
    assert registration.auth_method == "private_key_jwt"
    assert registration.signed_requests and registration.encrypted_tokens
    assert registration.backchannel_logout_uri == "https://portal.example/login/backchannel-logout"
    assert settings.oidc_client("staff").auth_method == "client_secret_basic"
    assert settings.jwks_url == "https://portal.example/.well-known/jwks.json"


def test_profile_auth_method_and_algorithms_come_from_the_environment() -> None:
    settings = Settings.from_environment({
        "PORTAL_STAFF_OIDC_PROFILE": "ftn",
        "PORTAL_STAFF_OIDC_AUTH_METHOD": "client_secret_post",
        "PORTAL_OIDC_ALGORITHMS": "PS256, ES256",
        "PORTAL_OIDC_SIGNING_ALGORITHM": "ES256",
    })
    staff = settings.oidc_client("staff")
    assert staff.auth_method == "client_secret_post" and staff.encrypted_tokens
    assert settings.oidc_algorithms == ("PS256", "ES256") and settings.oidc_signing_algorithm == "ES256"
    assert "http://ftn.ficora.fi/2017/loa3" in settings.accepted_loa


@pytest.mark.parametrize(
    "change",
    [
        {"PORTAL_CLIENT_OIDC_PROFILE": "saml"},
        {"PORTAL_CLIENT_OIDC_AUTH_METHOD": "none"},
        {"PORTAL_OIDC_ALGORITHMS": "HS256"},
        {"PORTAL_OIDC_ALGORITHMS": ""},
        {"PORTAL_OIDC_SIGNING_ALGORITHM": "none"},
    ],
)
def test_unknown_profiles_methods_and_algorithms_are_refused(change) -> None:
    with pytest.raises(SettingsError):
        Settings.from_environment(change)


def test_the_oidc_keys_command_shows_and_rotates(tmp_path, capsys, monkeypatch) -> None:
    from portal import cli

    monkeypatch.setenv("PORTAL_DATA_DIR", str(tmp_path))
    cli.main(["oidc-keys", "show"])
    shown = capsys.readouterr().out
    assert shown.count("(signs now)") == 1 and "enc RSA-OAEP-256" in shown
    cli.main(["oidc-keys", "rotate"])
    rotated = capsys.readouterr().out
    assert rotated.count("sig RS256") == 2 and rotated.count("enc RSA-OAEP-256") == 2
