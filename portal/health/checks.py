"""What "ready" means: the database answers, its schema is at the newest
migration, and the process has its keys. Each check says yes or no, never
why: the answer goes to anyone who asks (the reason is logged, without
detail that could carry data)."""

from __future__ import annotations

import functools
import logging

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Engine

from portal.access_log.keys import LogKeys, current_keys
from portal.auth.keys import PortalKeys
from portal.migrate import alembic_config
from portal.settings import Settings, SettingsError

log = logging.getLogger("portal.health")


@functools.cache
def head_revisions() -> frozenset[str]:
    """The newest migrations this code knows (read from the files once)."""
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def database_at_head(engine: Engine) -> bool:
    """The database answers, and its schema is the one this code expects."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
        current = MigrationContext.configure(connection).get_current_heads()
    return frozenset(current) == head_revisions()


def keys_configured(settings: Settings, portal_keys: PortalKeys) -> bool:
    """The settings pass their production checks, the access log's key is
    this process's, and the portal's OpenID Connect keys can be read."""
    try:
        settings.check()
    except SettingsError:
        return False
    if current_keys() != LogKeys.from_secret(settings.access_log_key):
        return False
    published = {key["use"] for key in portal_keys.public_jwks()["keys"]}
    return published == {"sig", "enc"}


def failing_check(engine: Engine, settings: Settings, portal_keys: PortalKeys) -> str | None:
    """The name of the first check that fails, or None when ready."""
    checks = {
        "database": lambda: database_at_head(engine),
        "keys": lambda: keys_configured(settings, portal_keys),
    }
    for name, check in checks.items():
        try:
            if not check():
                return name
        except Exception:  # any error means "not ready", never a 500
            return name
    return None
