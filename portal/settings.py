"""Settings from environment variables, with safe development defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent

# Development-only secrets. Production refuses to start with any of them.
DEVELOPMENT_SECRET_KEY = "development-secret-key-do-not-use-in-production"
DEVELOPMENT_IDENTITY_KEY = "development-identity-key-do-not-use-in-production"


class SettingsError(RuntimeError):
    """The configuration is unsafe or invalid; the portal must not start."""


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True, kw_only=True)
class Settings:
    environment: str = "development"
    database_url: str = "sqlite:///var/portal.sqlite3"
    secret_key: str = DEVELOPMENT_SECRET_KEY
    identity_key: str = DEVELOPMENT_IDENTITY_KEY
    base_url: str = "http://127.0.0.1:8000"
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    max_body_bytes: int = 1_000_000
    test_idp: bool = False
    data_dir: Path = field(default_factory=lambda: PROJECT_DIR / "var")

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        defaults = cls()
        settings = cls(
            environment=env.get("PORTAL_ENV", defaults.environment),
            database_url=env.get("PORTAL_DATABASE_URL", defaults.database_url),
            secret_key=env.get("PORTAL_SECRET_KEY", defaults.secret_key),
            identity_key=env.get("PORTAL_IDENTITY_KEY", defaults.identity_key),
            base_url=env.get("PORTAL_BASE_URL", defaults.base_url).rstrip("/"),
            host=env.get("PORTAL_HOST", defaults.host),
            port=int(env.get("PORT") or env.get("PORTAL_PORT") or defaults.port),
            workers=int(env.get("PORTAL_WORKERS", defaults.workers)),
            max_body_bytes=int(env.get("PORTAL_MAX_BODY_BYTES", defaults.max_body_bytes)),
            test_idp=_flag(env.get("PORTAL_TEST_IDP"), defaults.test_idp),
            data_dir=Path(env.get("PORTAL_DATA_DIR", defaults.data_dir)),
        )
        settings.check()
        return settings

    def check(self) -> None:
        if self.environment not in {"development", "production"}:
            raise SettingsError("PORTAL_ENV must be 'development' or 'production'.")
        if not self.production:
            return
        if self.secret_key == DEVELOPMENT_SECRET_KEY or len(self.secret_key) < 32:
            raise SettingsError("Set PORTAL_SECRET_KEY to a random value of 32 characters or more.")
        if self.identity_key == DEVELOPMENT_IDENTITY_KEY or len(self.identity_key) < 32:
            raise SettingsError("Set PORTAL_IDENTITY_KEY to a random value of 32 characters or more.")
        if self.test_idp:
            raise SettingsError("The test identity provider must be off in production.")
        if not self.base_url.startswith("https://"):
            raise SettingsError("PORTAL_BASE_URL must use https in production.")
