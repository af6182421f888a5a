"""Settings come from the environment and a bad value is named clearly."""

from __future__ import annotations

import pytest

from settings import DEFAULT_DATABASE_URL, Settings, SettingsError

APP_ID = "11111111-2222-3333-4444-555555555555"


def test_defaults_run_on_sqlite_in_anonymous_mode() -> None:
    settings = Settings.from_env({})
    assert settings.port == 3978
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.anonymous


def test_a_postgres_url_switches_the_database_with_no_other_change() -> None:
    url = "postgresql+asyncpg://bot@db:5432/fta"
    assert Settings.from_env({"DATABASE_URL": url}).database_url == url


def test_credentials_use_botbuilder_names() -> None:
    settings = Settings.from_env({"MicrosoftAppId": "app", "MicrosoftAppPassword": "secret",
                                  "MicrosoftAppType": "SingleTenant",
                                  "MicrosoftAppTenantId": "tenant"})
    assert (settings.app_id, settings.app_type, settings.app_tenant_id) == (
        "app", "SingleTenant", "tenant")
    assert not settings.anonymous


def test_the_password_never_appears_in_the_repr() -> None:
    settings = Settings.from_env({"MicrosoftAppId": "app", "MicrosoftAppPassword": "s3cret",
                                  "MicrosoftAppTenantId": "tenant"})
    assert "s3cret" not in repr(settings)


@pytest.mark.parametrize(("env", "named"), [
    ({"PORT": "eighty"}, "PORT"),
    ({"PORT": "70000"}, "PORT"),
    ({"PORT": "\u00b2"}, "PORT"),  # isdigit, which int() refuses
    ({"DATABASE_URL": "postgresql://db/fta"}, "DATABASE_URL"),
    ({"MicrosoftAppType": "Multi"}, "MicrosoftAppType"),
    ({"MicrosoftAppId": "app", "MicrosoftAppTenantId": "t"}, "MicrosoftAppPassword"),
    ({"MicrosoftAppId": "a", "MicrosoftAppPassword": "p", "MicrosoftAppType": "SingleTenant"},
     "MicrosoftAppTenantId"),
    ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
    ({"TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL": "https://login.example/openid"},
     "TO_BOT_FROM_CHANNEL_TOKEN_ISSUER"),
    ({"REQUEST_WEIGHTS": "discovery_workshop=0"}, "REQUEST_WEIGHTS"),
    ({"REQUEST_WEIGHTS": "discovery_workshop=\u00b3"}, "REQUEST_WEIGHTS"),
    ({"OFFER_TIMEOUT_HOURS": "soon"}, "OFFER_TIMEOUT_HOURS"),
    ({"ACCOUNT_TEAM_CHANNELS": "enterprise"}, "ACCOUNT_TEAM_CHANNELS"),
    ({"PLAYBOOK_BASE_URL": "http://playbooks"}, "PLAYBOOK_BASE_URL"),
    ({"DEFAULT_TIMEZONE": "Mars/Olympus"}, "DEFAULT_TIMEZONE"),
    ({"DEFAULT_COUNTRY": "USA"}, "DEFAULT_COUNTRY"),
    ({"ADMIN_AAD_IDS": "pat@contoso.com"}, "ADMIN_AAD_IDS"),
    # 0.5 turns would have become 0 and refused every turn; 2.5 tries, 2 without a word.
    ({"MAX_CONCURRENT_TURNS": "0.5"}, "MAX_CONCURRENT_TURNS"),
    ({"OUTBOX_MAX_ATTEMPTS": "2.5"}, "OUTBOX_MAX_ATTEMPTS"),
    ({"OUTBOX_TENANT_RATE": "0"}, "OUTBOX_TENANT_RATE"),
    ({"FILE_HOSTS": "https://contoso.sharepoint.com"}, "FILE_HOSTS"),
    ({"ALLOWED_CHANNEL_IDS": ","}, "ALLOWED_CHANNEL_IDS"),
    ({"FIRST_CONTACT_BUSINESS_DAYS": "0"}, "FIRST_CONTACT_BUSINESS_DAYS"),
    ({"PUBLIC_HOST": "https://fta-bot.contoso.com/desk"}, "PUBLIC_HOST"),
    ({"PUBLIC_HOST": "fta-bot.contoso.com:8443"}, "PUBLIC_HOST"),
    ({"FTCHELP_SLA_BUSINESS_DAYS": "0"}, "FTCHELP_SLA_BUSINESS_DAYS"),
    ({"FTCHELP_SLA_BUSINESS_DAYS": "one"}, "FTCHELP_SLA_BUSINESS_DAYS"),
    ({"LATE_LANE_RESERVE_POINTS": "-1"}, "LATE_LANE_RESERVE_POINTS"),
    ({"LATE_LANE_RESERVE_POINTS": "2.5"}, "LATE_LANE_RESERVE_POINTS"),
    ({"LATE_LANE_RESERVE_POINTS": "\u00b3"}, "LATE_LANE_RESERVE_POINTS"),
    ({"LATE_LANE_HOLD_HOURS": "a week"}, "LATE_LANE_HOLD_HOURS"),
    ({"LATE_LANE_HOLD_HOURS": "inf"}, "LATE_LANE_HOLD_HOURS"),
    ({"QUEUE_LIGHTER_FIRST_HOURS": "nan"}, "QUEUE_LIGHTER_FIRST_HOURS"),
])
def test_a_bad_value_is_refused_naming_the_setting(env, named) -> None:
    with pytest.raises(SettingsError, match=named):
        Settings.from_env(env)


def test_task_3298_is_chased_after_three_business_days_unless_set_otherwise() -> None:
    assert Settings.from_env({}).first_contact_business_days == 3
    assert Settings.from_env({"FIRST_CONTACT_BUSINESS_DAYS": "5"}
                             ).first_contact_business_days == 5


def test_ftchelps_sla_is_one_business_day_unless_set_otherwise() -> None:
    assert Settings.from_env({}).ftchelp_sla_business_days == 1.0
    assert Settings.from_env({"FTCHELP_SLA_BUSINESS_DAYS": "0.5"}
                             ).ftchelp_sla_business_days == 0.5


def test_a_late_request_is_held_a_week_keeping_three_points_free_unless_set_otherwise() -> None:
    default = Settings.from_env({})
    assert (default.late_lane_hold_hours, default.late_lane_reserve_points) == (168.0, 3)
    unheld = Settings.from_env({"LATE_LANE_HOLD_HOURS": "0", "LATE_LANE_RESERVE_POINTS": "0"})
    assert (unheld.late_lane_hold_hours, unheld.late_lane_reserve_points) == (0.0, 0)


def test_requests_due_within_a_day_go_lighter_first_unless_set_otherwise() -> None:
    assert Settings.from_env({}).queue_lighter_first_hours == 24.0
    assert Settings.from_env({"QUEUE_LIGHTER_FIRST_HOURS": "0"}).queue_lighter_first_hours == 0
    with pytest.raises(SettingsError, match="QUEUE_LIGHTER_FIRST_HOURS"):
        Settings.from_env({"QUEUE_LIGHTER_FIRST_HOURS": "soon"})


def test_settings_are_frozen() -> None:
    settings = Settings.from_env({})
    with pytest.raises(AttributeError):
        settings.port = 1  # type: ignore[misc]


def test_the_most_specific_account_team_channel_wins() -> None:
    from settings import account_team_channel

    channels = Settings.from_env({"ACCOUNT_TEAM_CHANNELS":
                                  "enterprise/NA=c1; EMEA=c2; smc=c3; *=c4"}
                                 ).account_team_channels
    assert account_team_channel(channels, "enterprise", "NA") == "c1"
    assert account_team_channel(channels, "smc", "EMEA") == "c3"
    assert account_team_channel(channels, "enterprise", "EMEA") == "c2"
    assert account_team_channel(channels, "education", "APAC") == "c4"


def test_admins_are_entra_object_ids_read_in_any_case() -> None:
    settings = Settings.from_env({"ADMIN_AAD_IDS": " 6B1C2F9E-0000-4000-8000-000000000001 ,"})
    assert settings.admin_aad_ids == frozenset({"6b1c2f9e-0000-4000-8000-000000000001"})


def test_files_are_kept_from_microsoft_365_hosts_unless_told_otherwise() -> None:
    assert "sharepoint.com" in Settings.from_env({}).file_hosts
    assert Settings.from_env({"FILE_HOSTS": "*.SharePoint.com, files.contoso.com"}).file_hosts \
        == ("sharepoint.com", "files.contoso.com")


def test_a_managed_identity_needs_no_secret_and_no_tenant_id() -> None:
    settings = Settings.from_env({"MicrosoftAppId": APP_ID,
                                  "MicrosoftAppType": "UserAssignedMSI"})
    assert settings.managed_identity and settings.graph_enabled and not settings.anonymous


def test_the_default_app_type_is_single_tenant() -> None:
    settings = Settings.from_env({"MicrosoftAppId": APP_ID, "MicrosoftAppPassword": "secret",
                                  "MicrosoftAppTenantId": "tenant-id"})
    assert settings.app_type == "SingleTenant"
    with pytest.raises(SettingsError, match="set MicrosoftAppType=MultiTenant"):
        Settings.from_env({"MicrosoftAppId": APP_ID, "MicrosoftAppPassword": "secret"})


def test_the_public_host_is_a_bare_host_name_even_when_given_as_a_url() -> None:
    assert Settings.from_env({"PUBLIC_HOST": "https://FTA-Bot.contoso.com/"}).public_host == \
        "fta-bot.contoso.com"
    assert Settings.from_env({}).public_host == ""


def test_the_tabs_sso_audience_follows_its_own_registration_when_it_has_one() -> None:
    bot = {"MicrosoftAppId": "bot-app", "MicrosoftAppPassword": "x",
           "MicrosoftAppTenantId": "t", "PUBLIC_HOST": "fta.contoso.com"}
    same = Settings.from_env(bot)
    assert (same.tab_client_id, same.tab_app_id_uri) == ("bot-app", "api://fta.contoso.com/bot-app")
    own = Settings.from_env({**bot, "TAB_CLIENT_ID": "tab-app"})
    assert (own.tab_client_id, own.tab_app_id_uri) == ("tab-app", "api://fta.contoso.com/tab-app")
