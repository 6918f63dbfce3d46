"""Production refuses unsafe settings."""

from __future__ import annotations

import pytest

from portal.settings import Settings, SettingsError

SAFE = {
    "PORTAL_ENV": "production",
    "PORTAL_SECRET_KEY": "s" * 40,
    "PORTAL_IDENTITY_KEY": "i" * 40,
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
        {"PORTAL_TEST_IDP": "on"},
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
