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
