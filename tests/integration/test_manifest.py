"""The Teams manifest validates against Microsoft's schema (offline) and the icons are right."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import jsonschema
import pytest
from PIL import Image

from app import package
from settings import ROOT, Settings, SettingsError

MANIFEST = ROOT / "manifest" / "manifest.json"
SCHEMAS = ROOT / "node_modules" / "@microsoft" / "app-manifest" / "build" / "json-schemas"


def official_schema(manifest: dict) -> dict:
    version = manifest["$schema"].split("/teams/")[1].split("/")[0]
    path = SCHEMAS / "teams" / version / "MicrosoftTeams.schema.json"
    if not path.exists():
        pytest.skip(f"{path} missing: run `npm ci` (make test does)")
    return json.loads(path.read_text())


def validate(manifest: dict) -> None:
    jsonschema.Draft4Validator(official_schema(manifest)).validate(manifest)


def test_the_manifest_is_valid_against_its_official_schema() -> None:
    manifest = json.loads(MANIFEST.read_text())
    assert float(manifest["manifestVersion"]) >= 1.17
    validate(manifest)


def test_the_validator_really_refuses_a_broken_manifest() -> None:
    manifest = json.loads(MANIFEST.read_text())
    del manifest["bots"][0]["scopes"]
    with pytest.raises(jsonschema.ValidationError):
        validate(manifest)


def test_the_bot_works_in_personal_team_and_group_chat_with_a_command_list() -> None:
    [bot] = json.loads(MANIFEST.read_text())["bots"]
    assert set(bot["scopes"]) == {"personal", "team", "groupChat"}
    titles = {c["title"] for c in bot["commandLists"][0]["commands"]}
    assert {"request FTA", "my requests", "help"} <= titles


def test_the_color_icon_is_192_square() -> None:
    assert Image.open(ROOT / "manifest" / "color.png").size == (192, 192)


def test_the_outline_icon_is_32_square_white_on_transparent() -> None:
    icon = Image.open(ROOT / "manifest" / "outline.png").convert("RGBA")
    assert icon.size == (32, 32)
    pixels = [icon.getpixel((x, y)) for x in range(32) for y in range(32)]
    drawn = {pixel for pixel in pixels if pixel[3] > 0}
    assert drawn and all(pixel[:3] == (255, 255, 255) for pixel in drawn)
    assert any(pixel[3] == 0 for pixel in pixels)


def test_the_desk_is_a_personal_tab_and_a_channel_tab() -> None:
    manifest = json.loads(MANIFEST.read_text())
    [desk] = manifest["staticTabs"]
    assert desk["name"] == "Desk" and desk["scopes"] == ["personal"]
    assert desk["contentUrl"].endswith("/tabs/queue")
    [channel] = manifest["configurableTabs"]
    assert channel["scopes"] == ["team"] and channel["configurationUrl"].endswith("/tabs/config")
    assert "resource" in manifest["webApplicationInfo"]


APP_ID = "11111111-2222-3333-4444-555555555555"


def built_package(tmp_path: Path, **settings: str) -> dict:
    out = package(Settings(app_id=APP_ID, app_password="secret", **settings),
                  tmp_path / "app.zip")
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        return json.loads(archive.read("manifest.json"))


def test_the_package_fills_in_the_app_id(tmp_path: Path) -> None:
    manifest = built_package(tmp_path, public_host="fta-bot.contoso.com")

    assert manifest["id"] == APP_ID and manifest["bots"][0]["botId"] == APP_ID
    validate(manifest)


def test_the_package_points_the_tabs_and_sso_at_the_public_host(tmp_path: Path) -> None:
    manifest = built_package(tmp_path, public_host="fta-bot.contoso.com")

    [desk] = manifest["staticTabs"]
    assert desk["contentUrl"] == "https://fta-bot.contoso.com/tabs/queue"
    assert desk["websiteUrl"] == "https://fta-bot.contoso.com/tabs/queue"
    assert manifest["configurableTabs"][0]["configurationUrl"] == \
        "https://fta-bot.contoso.com/tabs/config"
    assert manifest["webApplicationInfo"] == {
        "id": APP_ID, "resource": f"api://fta-bot.contoso.com/{APP_ID}"}
    assert manifest["validDomains"] == ["fta-bot.contoso.com"]
    assert "example.com" not in json.dumps(manifest)  # no placeholder left behind
    validate(manifest)


def test_a_tab_registration_of_its_own_is_the_sso_resource(tmp_path: Path) -> None:
    """A bot running as a managed identity cannot expose an API: the tab's SSO then has an app
    registration of its own (TAB_CLIENT_ID), and the manifest names that one."""
    tab = "99999999-8888-7777-6666-555555555555"
    manifest = built_package(tmp_path, public_host="fta-bot.contoso.com", tab_client_id=tab)

    assert manifest["bots"][0]["botId"] == APP_ID
    assert manifest["webApplicationInfo"] == {
        "id": tab, "resource": f"api://fta-bot.contoso.com/{tab}"}
    validate(manifest)


def test_the_package_needs_an_app_id(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="MicrosoftAppId"):
        package(Settings(public_host="fta-bot.contoso.com"), tmp_path / "app.zip")


def test_the_package_needs_the_public_host(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="PUBLIC_HOST"):
        package(Settings(app_id=APP_ID, app_password="secret"), tmp_path / "app.zip")
