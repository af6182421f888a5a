"""Settings from the environment: one frozen object, validated once at start-up."""

from __future__ import annotations

import math
import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.balancer import POLICY_NAMES
from domain.forms import whole_number
from domain.links import DOMAIN, MICROSOFT_365_FILE_HOSTS

ROOT = Path(__file__).resolve().parent
DEFAULT_DATABASE_URL = f"sqlite+aiosqlite:///{ROOT / 'var' / 'fta.db'}"
APP_TYPES = ("MultiTenant", "SingleTenant", "UserAssignedMSI")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class SettingsError(ValueError):
    """A setting has a value the app cannot run with; the message names the setting."""


@dataclass(frozen=True)
class Settings:
    port: int = 3978
    host: str = "127.0.0.1"
    database_url: str = DEFAULT_DATABASE_URL
    app_id: str = ""
    app_password: str = field(default="", repr=False)
    app_type: str = "SingleTenant"  # new multi-tenant Azure Bots stopped in July 2025
    app_tenant_id: str = ""
    # The host name Teams reaches the bot at (the tabs' pages, the SSO Application ID URI)
    public_host: str = ""
    log_level: str = "INFO"
    log_format: str = "json"
    ftchelp_channel_id: str = ""
    default_timezone: str = "UTC"
    default_country: str = "US"
    faq_path: Path = ROOT / "domain" / "faq.yaml"
    managers_channel_id: str = ""
    offer_timeout_hours: float = 4.0
    sla_reminder_hours: tuple[float, ...] = (24.0, 4.0)
    worker_interval_seconds: float = 30.0
    outbox_max_attempts: int = 8
    outbox_backoff_seconds: float = 1.0
    outbox_tenant_rate: int = 30
    outbox_send_timeout_seconds: float = 15.0
    outbox_lease_seconds: float = 60.0
    service_url_max_calls: int = 16
    service_url_failures_to_open: int = 5
    service_url_pause_seconds: float = 30.0
    retention_days: float = 365.0
    max_concurrent_turns: int = 10
    turn_queue_seconds: float = 3.0
    openid_metadata_url: str = ""
    token_issuer: str = ""
    openid_timeout_seconds: float = 5.0
    login_url: str = ""
    oauth_scope: str = ""
    allowed_tenant_ids: frozenset[str] = frozenset()
    allowed_channel_ids: frozenset[str] = frozenset({"msteams"})
    file_hosts: tuple[str, ...] = MICROSOFT_365_FILE_HOSTS
    admin_aad_ids: frozenset[str] = frozenset()
    account_team_channels: tuple[tuple[str, str], ...] = ()
    graph_base_url: str = "https://graph.microsoft.com/v1.0"
    graph_authority: str = ""
    graph_client_id: str = ""
    graph_client_secret: str = field(default="", repr=False)
    identity_endpoint: str = ""  # msal reads it (and IDENTITY_HEADER) from the environment
    ftav2_attendees: tuple[str, ...] = ()
    assignment_mail_sender: str = ""
    call_search_business_days: int = 5
    first_contact_business_days: int = 3
    ftchelp_sla_business_days: float = 1.0  # FTCHelp's own SLA on a ticket
    playbook_base_url: str = ""
    ftop_sync_url: str = ""
    balancer_policy: str = "skilled"
    balancer_load_band: float = 0.10
    balancer_scarcity_weight: float = 0.5
    # The deadline queue's late lane (domain/queue.py): a request past its deadline is held
    # this long, taking only an FTA who keeps the reserve free after it; then it takes any room
    # the requests that can still meet their deadline leave (7 days: 5 business days)
    late_lane_hold_hours: float = 168.0
    late_lane_reserve_points: int = 3
    # Requests that can still meet their deadline and are due within the same this-many hours
    # go lighter engagement first (domain/queue.py); 0: earliest deadline first, always
    queue_lighter_first_hours: float = 24.0
    # The look-ahead's re-match of the waiting queue (bot/lookahead.py), minutes apart; 0:
    # off, the worker then serves the queue one request at a time at every tick
    # Off by default: in the simulator it gained no SLA over serving the queue as capacity frees,
    # and while on, the worker leaves waiting requests to it (docs/benchmarks.md).
    lookahead_minutes: float = 0.0
    # The managers' desk (bot/desk_auth.py, bot/members.py): the tab's SSO tokens are Entra ID
    # tokens checked against this tenant's published keys, for this audience (besides app_id).
    tab_client_id: str = ""  # the tab's Entra app registration; MicrosoftAppId by default
    tab_app_id_uri: str = ""
    tab_openid_metadata_url: str = ""
    roles_cache_seconds: float = 600.0  # channel rosters (who manages, who is FTCHelp) kept
    managers_timezone: str = "UTC"  # the weekly digest goes out Monday 09:00 there
    weekly_digest: bool = True  # WEEKLY_DIGEST=off: no Monday digest to the managers' channel
    request_weights: tuple[tuple[str, int], ...] = (
        ("discovery_workshop", 3), ("ecif_review", 2), ("migration_exception", 1),
        ("engage_before_license", 1))

    @property
    def managed_identity(self) -> bool:
        """Outbound tokens come from a user-assigned managed identity, not a secret."""
        return self.app_type == "UserAssignedMSI"

    @property
    def graph_enabled(self) -> bool:
        """Scheduling through Microsoft Graph needs app credentials: the managed identity, or
        an authority and a client secret."""
        if self.managed_identity:
            return bool(self.graph_client_id)
        return bool(self.graph_authority and self.graph_client_id and self.graph_client_secret)

    @property
    def anonymous(self) -> bool:
        """No app id: the bot accepts unauthenticated traffic (local use, the Playground)."""
        return not self.app_id

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read every setting from ``env`` (default ``os.environ``) or raise SettingsError."""
        env = os.environ if env is None else env
        _refuse_the_old_default(env)
        settings = cls(
            port=_port(env.get("PORT", "3978")),
            host=env.get("HOST", "127.0.0.1"),
            database_url=_database_url(env.get("DATABASE_URL", DEFAULT_DATABASE_URL)),
            app_id=env.get("MicrosoftAppId", "").strip(),
            app_password=env.get("MicrosoftAppPassword", ""),
            app_type=_one_of("MicrosoftAppType", env.get("MicrosoftAppType", "SingleTenant"),
                             APP_TYPES),
            app_tenant_id=env.get("MicrosoftAppTenantId", "").strip(),
            public_host=_public_host(env.get("PUBLIC_HOST", "")),
            log_level=_one_of("LOG_LEVEL", env.get("LOG_LEVEL", "INFO").upper(), LOG_LEVELS),
            log_format=_one_of("LOG_FORMAT", env.get("LOG_FORMAT", "json").lower(),
                               ("json", "text")),
            ftchelp_channel_id=env.get("FTCHELP_CHANNEL_ID", "").strip(),
            default_timezone=_timezone(env.get("DEFAULT_TIMEZONE", "UTC")),
            default_country=_country(env.get("DEFAULT_COUNTRY", "US")),
            faq_path=Path(env.get("FAQ_PATH", str(ROOT / "domain" / "faq.yaml"))),
            managers_channel_id=env.get("FTA_MANAGERS_CHANNEL_ID", "").strip(),
            offer_timeout_hours=_positive("OFFER_TIMEOUT_HOURS",
                                          env.get("OFFER_TIMEOUT_HOURS", "4")),
            sla_reminder_hours=tuple(_positive("SLA_REMINDER_HOURS", part) for part in
                                     env.get("SLA_REMINDER_HOURS", "24,4").split(",") if part),
            worker_interval_seconds=_positive("WORKER_INTERVAL_SECONDS",
                                              env.get("WORKER_INTERVAL_SECONDS", "30")),
            outbox_max_attempts=_count("OUTBOX_MAX_ATTEMPTS",
                                       env.get("OUTBOX_MAX_ATTEMPTS", "8")),
            outbox_backoff_seconds=_positive("OUTBOX_BACKOFF_SECONDS",
                                             env.get("OUTBOX_BACKOFF_SECONDS", "1")),
            outbox_tenant_rate=_count("OUTBOX_TENANT_RATE",
                                      env.get("OUTBOX_TENANT_RATE", "30")),
            outbox_send_timeout_seconds=_positive(
                "OUTBOX_SEND_TIMEOUT_SECONDS", env.get("OUTBOX_SEND_TIMEOUT_SECONDS", "15")),
            outbox_lease_seconds=_positive("OUTBOX_LEASE_SECONDS",
                                           env.get("OUTBOX_LEASE_SECONDS", "60")),
            openid_timeout_seconds=_positive(
                "OPENID_METADATA_TIMEOUT_SECONDS",
                env.get("OPENID_METADATA_TIMEOUT_SECONDS", "5")),
            service_url_max_calls=_count("SERVICE_URL_MAX_CALLS",
                                         env.get("SERVICE_URL_MAX_CALLS", "16")),
            service_url_failures_to_open=_count(
                "SERVICE_URL_FAILURES_TO_OPEN", env.get("SERVICE_URL_FAILURES_TO_OPEN", "5")),
            service_url_pause_seconds=_positive(
                "SERVICE_URL_PAUSE_SECONDS", env.get("SERVICE_URL_PAUSE_SECONDS", "30")),
            retention_days=_positive("RETENTION_DAYS", env.get("RETENTION_DAYS", "365")),
            max_concurrent_turns=_count("MAX_CONCURRENT_TURNS",
                                        env.get("MAX_CONCURRENT_TURNS", "10")),
            turn_queue_seconds=_positive("TURN_QUEUE_SECONDS",
                                         env.get("TURN_QUEUE_SECONDS", "3")),
            request_weights=_weights(env.get("REQUEST_WEIGHTS", "")),
            balancer_policy=_one_of("BALANCER_POLICY", env.get("BALANCER_POLICY", "skilled"),
                                    POLICY_NAMES),
            balancer_load_band=_positive("BALANCER_LOAD_BAND",
                                         env.get("BALANCER_LOAD_BAND", "0.10")),
            balancer_scarcity_weight=_positive("BALANCER_SCARCITY_WEIGHT",
                                               env.get("BALANCER_SCARCITY_WEIGHT", "0.5")),
            late_lane_hold_hours=_off_or_positive("LATE_LANE_HOLD_HOURS",
                                                  env.get("LATE_LANE_HOLD_HOURS", "168")),
            late_lane_reserve_points=_points("LATE_LANE_RESERVE_POINTS",
                                             env.get("LATE_LANE_RESERVE_POINTS", "3")),
            queue_lighter_first_hours=_off_or_positive(
                "QUEUE_LIGHTER_FIRST_HOURS", env.get("QUEUE_LIGHTER_FIRST_HOURS", "24")),
            lookahead_minutes=_off_or_positive("LOOKAHEAD_MINUTES",
                                               env.get("LOOKAHEAD_MINUTES", "0")),
            account_team_channels=_channels(env.get("ACCOUNT_TEAM_CHANNELS", "")),
            graph_base_url=_https("GRAPH_BASE_URL", env.get(
                "GRAPH_BASE_URL", "https://graph.microsoft.com/v1.0"), allow_loopback_http=True),
            graph_authority=_https("GRAPH_AUTHORITY", env.get("GRAPH_AUTHORITY") or (
                f"https://login.microsoftonline.com/{env['MicrosoftAppTenantId']}"
                if env.get("MicrosoftAppTenantId") else "")),
            graph_client_id=env.get("GRAPH_CLIENT_ID", env.get("MicrosoftAppId", "")).strip(),
            graph_client_secret=env.get("GRAPH_CLIENT_SECRET",
                                        env.get("MicrosoftAppPassword", "")),
            identity_endpoint=_https("IDENTITY_ENDPOINT", env.get("IDENTITY_ENDPOINT", ""),
                                     allow_loopback_http=True),
            ftav2_attendees=tuple(a.strip() for a in env.get("FTAV2_ATTENDEES", "").split(",")
                                  if a.strip()),
            assignment_mail_sender=env.get("ASSIGNMENT_MAIL_SENDER", "").strip(),
            first_contact_business_days=_count(
                "FIRST_CONTACT_BUSINESS_DAYS", env.get("FIRST_CONTACT_BUSINESS_DAYS", "3")),
            ftchelp_sla_business_days=_positive(
                "FTCHELP_SLA_BUSINESS_DAYS", env.get("FTCHELP_SLA_BUSINESS_DAYS", "1")),
            openid_metadata_url=env.get("TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL", "").strip(),
            token_issuer=env.get("TO_BOT_FROM_CHANNEL_TOKEN_ISSUER", "").strip(),
            login_url=env.get("TO_CHANNEL_FROM_BOT_LOGIN_URL", "").strip(),
            oauth_scope=env.get("TO_CHANNEL_FROM_BOT_OAUTH_SCOPE", "").strip(),
            allowed_tenant_ids=frozenset(t.strip().lower() for t in env.get(
                "ALLOWED_TENANT_IDS", "").split(",") if t.strip()),
            allowed_channel_ids=_names("ALLOWED_CHANNEL_IDS",
                                       env.get("ALLOWED_CHANNEL_IDS", "msteams")),
            file_hosts=_hosts("FILE_HOSTS", env.get("FILE_HOSTS", ",".join(
                MICROSOFT_365_FILE_HOSTS))),
            admin_aad_ids=_object_ids("ADMIN_AAD_IDS", env.get("ADMIN_AAD_IDS", "")),
            playbook_base_url=_https("PLAYBOOK_BASE_URL", env.get("PLAYBOOK_BASE_URL", "")),
            ftop_sync_url=_https("FTOP_SYNC_URL", env.get("FTOP_SYNC_URL", ""),
                                 allow_loopback_http=True),
            tab_client_id=_tab_client_id(env),
            tab_app_id_uri=env.get("TAB_APP_ID_URI", "").strip() or _app_id_uri(env),
            tab_openid_metadata_url=_https("TAB_OPENID_METADATA_URL", env.get(
                "TAB_OPENID_METADATA_URL", "") or _tenant_metadata(env), allow_loopback_http=True),
            weekly_digest=_one_of("WEEKLY_DIGEST", env.get("WEEKLY_DIGEST", "on").lower(),
                                  ("on", "off")) == "on",
            roles_cache_seconds=_positive("ROLES_CACHE_SECONDS",
                                          env.get("ROLES_CACHE_SECONDS", "600")),
            managers_timezone=_timezone(env.get("MANAGERS_TIMEZONE")
                                        or env.get("DEFAULT_TIMEZONE", "UTC"),
                                        "MANAGERS_TIMEZONE"),
        )
        settings._check_credentials()
        return settings

    def _check_credentials(self) -> None:
        if self.app_id and not self.app_password and self.app_type != "UserAssignedMSI":
            raise SettingsError("MicrosoftAppPassword is required when MicrosoftAppId is set")
        if self.openid_metadata_url and not self.token_issuer:
            # botbuilder's parameterized authentication refuses every token without it.
            raise SettingsError("TO_BOT_FROM_CHANNEL_TOKEN_ISSUER is required with "
                                "TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL (public cloud: "
                                "https://api.botframework.com)")
        if self.app_type == "SingleTenant" and self.app_id and not self.app_tenant_id:
            raise SettingsError("MicrosoftAppTenantId is required when MicrosoftAppType is "
                                "SingleTenant")


def _refuse_the_old_default(env: Mapping[str, str]) -> None:
    """An app id with neither a type nor a tenant ran multi-tenant under the old default."""
    if env.get("MicrosoftAppId", "").strip() and not env.get("MicrosoftAppType") and \
            not env.get("MicrosoftAppTenantId", "").strip():
        raise SettingsError(
            "MicrosoftAppType now defaults to SingleTenant (new multi-tenant Azure Bots cannot "
            "be created since July 2025). This bot has no MicrosoftAppTenantId, as the old "
            "MultiTenant default allowed: set MicrosoftAppType=MultiTenant to keep running "
            "as before, or set MicrosoftAppTenantId for a single-tenant registration")


def _object_ids(name: str, value: str) -> frozenset[str]:
    """Comma-separated Entra ID (AAD) object ids, each a GUID."""
    ids = frozenset(part.strip().lower() for part in value.split(",") if part.strip())
    for found in ids:
        try:
            uuid.UUID(found)
        except ValueError:
            raise SettingsError(f"{name}: {found!r} is not an Entra object id (a GUID)") from None
    return ids


def _names(name: str, value: str) -> frozenset[str]:
    """Comma-separated Bot Framework channel ids (msteams, webchat, emulator...)."""
    names = frozenset(part.strip().lower() for part in value.split(",") if part.strip())
    if not names:
        raise SettingsError(f"{name} needs at least one channel id, such as msteams")
    return names


def _hosts(name: str, value: str) -> tuple[str, ...]:
    """Comma-separated host names; each allows itself and its subdomains ("*." may lead)."""
    hosts = tuple(part.strip().lower().removeprefix("*.") for part in value.split(",")
                  if part.strip())
    for host in hosts:
        if not DOMAIN.match(host):
            raise SettingsError(f"{name}: {host!r} is not a host name like sharepoint.com")
    return hosts


def _public_host(raw: str) -> str:
    """A bare host name (fta-bot.contoso.com); a URL's scheme and a trailing slash are
    forgiven, anything else (a path, a port, spaces) is refused."""
    host = raw.strip().lower().removeprefix("https://").rstrip("/")
    if host and not DOMAIN.match(host):
        raise SettingsError(f"PUBLIC_HOST: {raw!r} is not a host name like fta-bot.contoso.com")
    return host


def _port(raw: str) -> int:
    port = whole_number(raw, digits=5)
    if port is None or not 0 < port < 65536:
        raise SettingsError(f"PORT must be a number from 1 to 65535, not {raw!r}")
    return port


def _database_url(raw: str) -> str:
    if not raw.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        raise SettingsError("DATABASE_URL must start with sqlite+aiosqlite:// or "
                            "postgresql+asyncpg:// (an async driver)")
    return raw


def _one_of(name: str, raw: str, allowed: tuple[str, ...]) -> str:
    if raw not in allowed:
        raise SettingsError(f"{name} must be one of {', '.join(allowed)}, not {raw!r}")
    return raw


def _timezone(raw: str, name: str = "DEFAULT_TIMEZONE") -> str:
    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(f"{name} must be an IANA time zone such as "
                            f"Europe/Paris, not {raw!r}") from None
    return raw


def _tab_client_id(env: Mapping[str, str]) -> str:
    """The Entra app registration the desk tab's SSO tokens are issued for: its own
    (`TAB_CLIENT_ID`, needed when the bot is a managed identity, which cannot expose an API),
    else the bot's."""
    return (env.get("TAB_CLIENT_ID", "").strip() or env.get("MicrosoftAppId", "").strip())


def _app_id_uri(env: Mapping[str, str]) -> str:
    """The tab's Application ID URI as the manifest's webApplicationInfo names it:
    api://{public host}/{tab client id}; empty while either is unknown."""
    host = _public_host(env.get("PUBLIC_HOST", ""))
    client_id = _tab_client_id(env)
    return f"api://{host}/{client_id}" if host and client_id else ""


def _tenant_metadata(env: Mapping[str, str]) -> str:
    """Entra ID's OpenID metadata for the app's tenant (every tenant's keys are the same set;
    "common" when the app is multi-tenant)."""
    tenant = env.get("MicrosoftAppTenantId", "").strip() or "common"
    return f"https://login.microsoftonline.com/{tenant}/v2.0/.well-known/openid-configuration"


def _country(raw: str) -> str:
    if len(raw) != 2 or not raw.isalpha():
        raise SettingsError(f"DEFAULT_COUNTRY must be a two-letter ISO country code, not {raw!r}")
    return raw.upper()


def _count(name: str, raw: str) -> int:
    """A whole number of at least 1 (a number of tries, turns, sends per second)."""
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise SettingsError(f"{name} must be a whole number of at least 1, not {raw!r}")
    return value


def _positive(name: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = -1
    if not 0 < value < math.inf:  # nan and inf too: a timedelta of either fails at start-up
        raise SettingsError(f"{name} must be a positive number (of hours or seconds), "
                            f"not {raw!r}")
    return value


def _points(name: str, raw: str) -> int:
    """A whole number of points, 0 or more."""
    try:
        value = int(raw)
    except ValueError:  # "2.5", "three", and "\u00b3", which str.isdigit admits
        value = -1
    if value < 0:
        raise SettingsError(f"{name} must be a whole number of points (0 or more), not {raw!r}")
    return value


def _off_or_positive(name: str, raw: str) -> float:
    """A positive number (of hours or minutes), or 0 for off."""
    return 0.0 if raw.strip() in ("0", "0.0") else _positive(name, raw)


def _weights(raw: str) -> tuple[tuple[str, int], ...]:
    """REQUEST_WEIGHTS like 'discovery_workshop=3,ecif_review=2' over the defaults."""
    weights = dict(Settings.request_weights)
    for part in filter(None, (p.strip() for p in raw.split(","))):
        key, _, value = part.partition("=")
        weight = whole_number(value.strip())
        if key.strip() not in weights or not weight:  # None or 0
            raise SettingsError(f"REQUEST_WEIGHTS entries look like discovery_workshop=3 "
                                f"with a type from {', '.join(weights)}; {part!r} is not one")
        weights[key.strip()] = weight
    return tuple(weights.items())


def _channels(raw: str) -> tuple[tuple[str, str], ...]:
    """ACCOUNT_TEAM_CHANNELS like 'enterprise/NA=19:a@thread.tacv2;EMEA=19:b...;*=19:c...'."""
    pairs = []
    for part in filter(None, (p.strip() for p in raw.split(";"))):
        key, _, channel = part.partition("=")
        if not key.strip() or not channel.strip():
            raise SettingsError("ACCOUNT_TEAM_CHANNELS entries look like segment/region=channel "
                                f"id (or region=, segment=, *=); {part!r} is not one")
        pairs.append((key.strip(), channel.strip()))
    return tuple(pairs)


def _https(name: str, raw: str, allow_loopback_http: bool = False) -> str:
    raw = raw.strip()
    loopback = raw.startswith(("http://127.0.0.1", "http://localhost"))
    if raw and not raw.startswith("https://") and not (allow_loopback_http and loopback):
        raise SettingsError(f"{name} must be an https:// URL, not {raw!r}")
    return raw


def account_team_channel(channels: tuple[tuple[str, str], ...], segment: str,
                         region: str) -> str:
    """The most specific channel configured for a request: segment/region, segment, region, *."""
    table = dict(channels)
    for key in (f"{segment}/{region}", segment, region, "*"):
        if key in table:
            return table[key]
    return ""
