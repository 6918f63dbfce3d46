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
DEVELOPMENT_OIDC_SECRET = "development-oidc-secret"
DEVELOPMENT_ACCESS_LOG_KEY = "development-access-log-key-do-not-use-in-production"

# eIDAS levels of assurance; the portal accepts substantial and high.
LOA_LOW = "http://eidas.europa.eu/LoA/low"
LOA_SUBSTANTIAL = "http://eidas.europa.eu/LoA/substantial"
LOA_HIGH = "http://eidas.europa.eu/LoA/high"
# The Finnish trust network's (FTN) levels: loa2 is substantial, loa3 high.
LOA_FTN_SUBSTANTIAL = "http://ftn.ficora.fi/2017/loa2"
LOA_FTN_HIGH = "http://ftn.ficora.fi/2017/loa3"

# How the portal logs in at a provider. "basic" is OpenID Connect with a
# client secret; "ftn" is the trust network's profile (Traficom 213/2023 S,
# also Suomi.fi e-Identification's OIDC interface): private_key_jwt, signed
# request objects (JAR) and encrypted ID tokens and userinfo.
PROFILES = ("basic", "ftn")
AUTH_METHODS = ("client_secret_basic", "client_secret_post", "private_key_jwt")
SIGNING_ALGORITHMS = ("RS256", "PS256", "ES256")


# The connection pool holds more than this (portal.db), so a request with an
# open transaction never waits for a connection.
MAX_DATABASE_TRANSACTIONS = 16


class SettingsError(RuntimeError):
    """The configuration is unsafe or invalid; the portal must not start."""


def _list(value: str | None, default: tuple[str, ...]) -> tuple[str, ...]:
    if value is None:
        return default
    return tuple(item.strip() for item in value.split(",") if item.strip())


@dataclass(frozen=True)
class OidcClient:
    """One registration of the portal at a provider, and how it logs in there."""

    audience: str
    discovery_url: str
    client_id: str
    client_secret: str
    auth_method: str
    signed_requests: bool  # JAR: the authorization request as a signed JWT
    encrypted_tokens: bool  # the ID token and userinfo must come encrypted (JWE)
    redirect_uri: str
    post_logout_redirect_uri: str
    backchannel_logout_uri: str


def transactions_for(database_url: str) -> int:
    """How many ordinary requests of a process work with the database at once,
    unless PORTAL_DATABASE_TRANSACTIONS says otherwise.

    SQLite works inside the process, under Python's interpreter lock: a second
    thread only adds switching (at 16 users /home used 6.0 ms of CPU a view
    with two and 4.5 ms with one). PostgreSQL works in a process of its own: while
    one request waits for it (a commit's WAL flush, a long read) another can
    run (with two workers, "who has processed my data" served 272 and 186
    req/s with two, 201 and 117 with one)."""
    return 1 if database_url.startswith("sqlite") else 2


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
    # Keys the access log's MACs and seals; never stored in the database.
    access_log_key: str = DEVELOPMENT_ACCESS_LOG_KEY
    # Signed checkpoints of the sealed chain's head, one JSON line each
    # (default: data_dir/access-log-checkpoints.jsonl); ship it elsewhere.
    access_log_checkpoints: Path | None = None
    access_log_seal_seconds: float = 2.0  # 0: no sealer in this process
    # Ordinary requests with an open transaction at once, per process; None: by
    # the database (transactions_for). Reports, exports and imports have a lane of their own.
    database_transactions: int | None = None
    base_url: str = "http://127.0.0.1:8000"
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    max_body_bytes: int = 1_000_000
    test_idp: bool = False
    clock_start: str = ""  # PORTAL_CLOCK_START: tests and demos only (portal.clock)
    test_idp_algorithm: str = "RS256"  # how the test provider signs its tokens
    data_dir: Path = field(default_factory=lambda: PROJECT_DIR / "var")
    # OpenID Connect: clients log in through Suomi.fi e-Identification (or the
    # test identity provider), staff through the organisation's provider.
    # An empty discovery URL means the bundled test provider at /test-idp.
    client_oidc_discovery_url: str = ""
    client_oidc_client_id: str = "portal-client"
    client_oidc_client_secret: str = DEVELOPMENT_OIDC_SECRET
    staff_oidc_discovery_url: str = ""
    staff_oidc_client_id: str = "portal-staff"
    staff_oidc_client_secret: str = DEVELOPMENT_OIDC_SECRET
    claim_identity_code: str = "urn:oid:1.2.246.21"  # nationalIdentificationNumber
    claim_given_name: str = "urn:oid:2.5.4.42"  # givenName
    claim_family_name: str = "urn:oid:2.5.4.4"  # sn
    client_oidc_profile: str = "basic"
    client_oidc_auth_method: str = ""  # empty: the profile's
    staff_oidc_profile: str = "basic"
    staff_oidc_auth_method: str = ""
    # Algorithms accepted in the providers' signatures, and the portal's own
    # key's algorithm (client assertions and request objects).
    oidc_algorithms: tuple[str, ...] = SIGNING_ALGORITHMS
    oidc_signing_algorithm: str = "RS256"
    accepted_loa: tuple[str, ...] = (LOA_SUBSTANTIAL, LOA_HIGH, LOA_FTN_SUBSTANTIAL, LOA_FTN_HIGH)
    mandate_source: str = "database"  # or "suomifi" (Suomi.fi-valtuudet)
    # Addresses of reverse proxies whose X-Forwarded-For is believed. Empty:
    # the connecting address is the client's, whatever the headers say.
    trusted_proxies: tuple[str, ...] = ()
    # Prometheus metrics at /metrics for whoever sends this bearer token;
    # empty: no metrics endpoint at all (portal.metrics).
    metrics_token: str = ""
    log_format: str = "json"  # or "text", for a person at a terminal (portal.logs)
    # Notifications (portal.notifications): e-mail over SMTP, text messages
    # through an HTTP gateway. Neither configured (development): nothing goes
    # out, and the staff's outbox page shows what would have been sent.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = ""
    smtp_starttls: bool = True
    sms_url: str = ""
    sms_user: str = ""
    sms_password: str = ""
    sms_sender: str = ""  # the name or number the gateway shows as the sender
    notify_seconds: float = 30.0  # how often a server process sends due notifications; 0: never (cron runs `portal notify`)
    notify_keep_days: int = 180  # sent and cancelled notifications older than this are deleted

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @property
    def test_idp_issuer(self) -> str:
        return f"{self.base_url}/test-idp"

    def discovery_url(self, audience: str) -> str:
        """The provider's discovery document for 'client' or 'staff' logins."""
        configured = self.client_oidc_discovery_url if audience == "client" else self.staff_oidc_discovery_url
        return configured or f"{self.test_idp_issuer}/.well-known/openid-configuration"

    def oidc_client(self, audience: str) -> OidcClient:
        """The portal's registration at the provider of 'client' or 'staff' logins."""
        client = audience == "client"
        profile = self.client_oidc_profile if client else self.staff_oidc_profile
        method = self.client_oidc_auth_method if client else self.staff_oidc_auth_method
        ftn = profile == "ftn"
        prefix = "" if client else "/staff"
        return OidcClient(
            audience=audience,
            discovery_url=self.discovery_url(audience),
            client_id=self.client_oidc_client_id if client else self.staff_oidc_client_id,
            client_secret=self.client_oidc_client_secret if client else self.staff_oidc_client_secret,
            auth_method=method or ("private_key_jwt" if ftn else "client_secret_basic"),
            signed_requests=ftn,
            encrypted_tokens=ftn,
            redirect_uri=f"{self.base_url}{prefix}/login/callback",
            post_logout_redirect_uri=f"{self.base_url}{prefix}/logged-out",
            backchannel_logout_uri=f"{self.base_url}{prefix}/login/backchannel-logout",
        )

    @property
    def jwks_url(self) -> str:
        return f"{self.base_url}/.well-known/jwks.json"

    @property
    def checkpoint_path(self) -> Path:
        return self.access_log_checkpoints or self.data_dir / "access-log-checkpoints.jsonl"

    def __post_init__(self) -> None:
        if self.database_transactions is None:
            object.__setattr__(self, "database_transactions", transactions_for(self.database_url))

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
            access_log_key=env.get("PORTAL_ACCESS_LOG_KEY", defaults.access_log_key),
            access_log_checkpoints=(
                Path(env["PORTAL_ACCESS_LOG_CHECKPOINTS"]) if env.get("PORTAL_ACCESS_LOG_CHECKPOINTS") else None
            ),
            access_log_seal_seconds=float(
                env.get("PORTAL_ACCESS_LOG_SEAL_SECONDS", defaults.access_log_seal_seconds)
            ),
            database_transactions=(
                int(env["PORTAL_DATABASE_TRANSACTIONS"]) if env.get("PORTAL_DATABASE_TRANSACTIONS") else None
            ),
            base_url=env.get("PORTAL_BASE_URL", defaults.base_url).rstrip("/"),
            host=env.get("PORTAL_HOST", defaults.host),
            port=int(env.get("PORT") or env.get("PORTAL_PORT") or defaults.port),
            workers=int(env.get("PORTAL_WORKERS", defaults.workers)),
            max_body_bytes=int(env.get("PORTAL_MAX_BODY_BYTES", defaults.max_body_bytes)),
            test_idp=_flag(env.get("PORTAL_TEST_IDP"), defaults.test_idp),
            clock_start=env.get("PORTAL_CLOCK_START", "").strip(),
            test_idp_algorithm=env.get("PORTAL_TEST_IDP_ALGORITHM", defaults.test_idp_algorithm),
            data_dir=Path(env.get("PORTAL_DATA_DIR", defaults.data_dir)),
            client_oidc_discovery_url=env.get("PORTAL_CLIENT_OIDC_DISCOVERY_URL", ""),
            client_oidc_client_id=env.get("PORTAL_CLIENT_OIDC_CLIENT_ID", defaults.client_oidc_client_id),
            client_oidc_client_secret=env.get(
                "PORTAL_CLIENT_OIDC_CLIENT_SECRET", defaults.client_oidc_client_secret
            ),
            staff_oidc_discovery_url=env.get("PORTAL_STAFF_OIDC_DISCOVERY_URL", ""),
            staff_oidc_client_id=env.get("PORTAL_STAFF_OIDC_CLIENT_ID", defaults.staff_oidc_client_id),
            staff_oidc_client_secret=env.get(
                "PORTAL_STAFF_OIDC_CLIENT_SECRET", defaults.staff_oidc_client_secret
            ),
            claim_identity_code=env.get("PORTAL_OIDC_CLAIM_IDENTITY_CODE", defaults.claim_identity_code),
            claim_given_name=env.get("PORTAL_OIDC_CLAIM_GIVEN_NAME", defaults.claim_given_name),
            claim_family_name=env.get("PORTAL_OIDC_CLAIM_FAMILY_NAME", defaults.claim_family_name),
            accepted_loa=_list(env.get("PORTAL_OIDC_ACCEPTED_LOA"), defaults.accepted_loa),
            client_oidc_profile=env.get("PORTAL_CLIENT_OIDC_PROFILE", defaults.client_oidc_profile),
            client_oidc_auth_method=env.get("PORTAL_CLIENT_OIDC_AUTH_METHOD", ""),
            staff_oidc_profile=env.get("PORTAL_STAFF_OIDC_PROFILE", defaults.staff_oidc_profile),
            staff_oidc_auth_method=env.get("PORTAL_STAFF_OIDC_AUTH_METHOD", ""),
            oidc_algorithms=_list(env.get("PORTAL_OIDC_ALGORITHMS"), defaults.oidc_algorithms),
            oidc_signing_algorithm=env.get("PORTAL_OIDC_SIGNING_ALGORITHM", defaults.oidc_signing_algorithm),
            mandate_source=env.get("PORTAL_MANDATE_SOURCE", defaults.mandate_source),
            trusted_proxies=tuple(
                value.strip() for value in env.get("PORTAL_TRUSTED_PROXIES", "").split(",") if value.strip()
            ),
            metrics_token=env.get("PORTAL_METRICS_TOKEN", "").strip(),
            log_format=env.get("PORTAL_LOG_FORMAT", defaults.log_format).strip().lower(),
            smtp_host=env.get("PORTAL_SMTP_HOST", "").strip(),
            smtp_port=int(env.get("PORTAL_SMTP_PORT") or defaults.smtp_port),
            smtp_user=env.get("PORTAL_SMTP_USER", ""),
            smtp_password=env.get("PORTAL_SMTP_PASSWORD", ""),
            smtp_from=env.get("PORTAL_SMTP_FROM", "").strip(),
            smtp_starttls=_flag(env.get("PORTAL_SMTP_STARTTLS"), defaults.smtp_starttls),
            sms_url=env.get("PORTAL_SMS_URL", "").strip(),
            sms_user=env.get("PORTAL_SMS_USER", ""),
            sms_password=env.get("PORTAL_SMS_PASSWORD", ""),
            sms_sender=env.get("PORTAL_SMS_SENDER", "").strip(),
            notify_seconds=float(env.get("PORTAL_NOTIFY_SECONDS", defaults.notify_seconds)),
            notify_keep_days=int(env.get("PORTAL_NOTIFY_KEEP_DAYS", defaults.notify_keep_days)),
        )
        settings.check()
        return settings

    def check(self) -> None:
        if self.environment not in {"development", "production"}:
            raise SettingsError("PORTAL_ENV must be 'development' or 'production'.")
        if not 1 <= (self.database_transactions or 0) <= MAX_DATABASE_TRANSACTIONS:
            raise SettingsError(f"PORTAL_DATABASE_TRANSACTIONS is from 1 to {MAX_DATABASE_TRANSACTIONS}.")
        if {self.client_oidc_profile, self.staff_oidc_profile} - set(PROFILES):
            raise SettingsError("PORTAL_CLIENT_OIDC_PROFILE and PORTAL_STAFF_OIDC_PROFILE are 'basic' or 'ftn'.")
        if {self.client_oidc_auth_method, self.staff_oidc_auth_method} - {"", *AUTH_METHODS}:
            raise SettingsError(f"The OIDC auth method is one of: {', '.join(AUTH_METHODS)}.")
        if not self.oidc_algorithms or set(self.oidc_algorithms) - set(SIGNING_ALGORITHMS):
            raise SettingsError(f"PORTAL_OIDC_ALGORITHMS lists some of: {', '.join(SIGNING_ALGORITHMS)}.")
        if self.test_idp_algorithm not in SIGNING_ALGORITHMS:
            raise SettingsError(f"PORTAL_TEST_IDP_ALGORITHM is one of: {', '.join(SIGNING_ALGORITHMS)}.")
        if self.oidc_signing_algorithm not in SIGNING_ALGORITHMS:
            raise SettingsError(f"PORTAL_OIDC_SIGNING_ALGORITHM is one of: {', '.join(SIGNING_ALGORITHMS)}.")
        if self.log_format not in ("json", "text"):
            raise SettingsError("PORTAL_LOG_FORMAT is 'json' or 'text'.")
        if self.smtp_host and "@" not in self.smtp_from:
            raise SettingsError("Set PORTAL_SMTP_FROM to the address the e-mails come from.")
        if self.notify_seconds < 0:
            raise SettingsError("PORTAL_NOTIFY_SECONDS is 0 (off) or more.")
        if self.notify_keep_days < 1:
            raise SettingsError("PORTAL_NOTIFY_KEEP_DAYS is 1 or more.")
        if not self.production:
            return
        if self.secret_key == DEVELOPMENT_SECRET_KEY or len(self.secret_key) < 32:
            raise SettingsError("Set PORTAL_SECRET_KEY to a random value of 32 characters or more.")
        if self.identity_key == DEVELOPMENT_IDENTITY_KEY or len(self.identity_key) < 32:
            raise SettingsError("Set PORTAL_IDENTITY_KEY to a random value of 32 characters or more.")
        if self.access_log_key == DEVELOPMENT_ACCESS_LOG_KEY or len(self.access_log_key) < 32:
            raise SettingsError("Set PORTAL_ACCESS_LOG_KEY to a random value of 32 characters or more.")
        if self.metrics_token and len(self.metrics_token) < 32:
            raise SettingsError("Set PORTAL_METRICS_TOKEN to a random value of 32 characters or more, or leave it unset.")
        if self.test_idp:
            raise SettingsError("The test identity provider must be off in production.")
        if self.clock_start:
            raise SettingsError("PORTAL_CLOCK_START is for tests and demos: unset it in production.")
        if not self.client_oidc_discovery_url or not self.staff_oidc_discovery_url:
            raise SettingsError("Set PORTAL_CLIENT_OIDC_DISCOVERY_URL and PORTAL_STAFF_OIDC_DISCOVERY_URL.")
        for audience in ("client", "staff"):  # private_key_jwt needs no secret
            registration = self.oidc_client(audience)
            if registration.auth_method != "private_key_jwt" and registration.client_secret == DEVELOPMENT_OIDC_SECRET:
                raise SettingsError("Set the OIDC client secrets.")
        if not self.base_url.startswith("https://"):
            raise SettingsError("PORTAL_BASE_URL must use https in production.")
        if self.smtp_host and not self.smtp_starttls:
            raise SettingsError("PORTAL_SMTP_STARTTLS must be on in production: e-mail leaves encrypted.")
        if self.sms_url and not self.sms_url.startswith("https://"):
            raise SettingsError("PORTAL_SMS_URL must use https in production.")
