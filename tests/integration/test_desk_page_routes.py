"""The desk tab's pages and assets over HTTP: HTML that Microsoft 365 may frame, hashed assets
cached for good, nothing outside the build reachable, a 503 that says how to build."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from aiohttp import web

from bot.desk_page import DIST, add_desk_page_routes


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "queue.html").write_text(
        '<!doctype html><title>FTA desk</title><script type="module" '
        'src="/tabs/assets/main-ABC123.js"></script>')
    (tmp_path / "config.html").write_text("<!doctype html><title>Add the FTA desk</title>")
    (tmp_path / "assets" / "main-ABC123.js").write_text("console.log('desk')")
    (tmp_path / "assets" / "main-ABC123.css").write_text("body{}")
    (tmp_path / "secret.txt").write_text("not an asset")
    return tmp_path


async def client_for(aiohttp_client, dist: Path):  # type: ignore[no-untyped-def]
    app = web.Application()
    add_desk_page_routes(app, dist)
    return await aiohttp_client(app)


def directives(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    policy = response.headers["Content-Security-Policy"]
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in policy.split("; ")}


async def test_the_page_is_html_that_teams_and_microsoft_365_may_frame(aiohttp_client,
                                                                      dist: Path) -> None:
    client = await client_for(aiohttp_client, dist)
    response = await client.get("/tabs/queue")
    assert response.status == 200
    assert response.content_type == "text/html"
    assert "<title>FTA desk</title>" in await response.text()
    policy = directives(response)
    ancestors = policy["frame-ancestors"].split()
    assert {"https://teams.microsoft.com", "https://*.teams.microsoft.com",
            "https://*.cloud.microsoft", "https://*.office.com"} <= set(ancestors)
    assert "*" not in ancestors  # nobody else may frame it
    assert policy["script-src"] == "'self'" and policy["default-src"] == "'none'"
    assert "X-Frame-Options" not in response.headers  # it would stop Teams framing the page
    assert response.headers["Cache-Control"] == "no-cache"


async def test_the_configuration_page_is_served(aiohttp_client, dist: Path) -> None:
    client = await client_for(aiohttp_client, dist)
    response = await client.get("/tabs/config")
    assert response.status == 200
    assert "Add the FTA desk" in await response.text()
    assert "frame-ancestors" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(("name", "content_type"), [
    ("main-ABC123.js", "text/javascript"), ("main-ABC123.css", "text/css")])
async def test_an_asset_is_served_with_its_type_and_cached_for_good(
        aiohttp_client, dist: Path, name: str, content_type: str) -> None:
    client = await client_for(aiohttp_client, dist)
    response = await client.get(f"/tabs/assets/{name}")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith(content_type)
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", [
    "/tabs/assets/missing-XYZ.js", "/tabs/assets/..%2Fsecret.txt", "/tabs/assets/%2e%2e",
    "/tabs/assets/..%2F..%2Fqueue.html", "/tabs/assets/main-ABC123.exe", "/tabs/assets/.js"])
async def test_nothing_outside_the_built_assets_can_be_named(aiohttp_client, dist: Path,
                                                              path: str) -> None:
    client = await client_for(aiohttp_client, dist)
    response = await client.get(path)
    assert response.status == 404
    assert "not an asset" not in await response.text()


@pytest.mark.parametrize("path", ["/tabs/queue", "/tabs/config", "/tabs/assets/main-ABC123.js"])
async def test_an_unbuilt_desk_answers_503_saying_how_to_build_it(aiohttp_client,
                                                                  tmp_path: Path,
                                                                  path: str) -> None:
    client = await client_for(aiohttp_client, tmp_path / "dist")
    response = await client.get(path)
    assert response.status == 503
    assert response.content_type == "text/html"
    assert "npm run build:web" in await response.text()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_app_serves_the_built_desk_and_every_asset_it_names(bot) -> None:
    response = await bot.get("/tabs/queue")
    if not (DIST / "queue.html").exists():
        assert response.status == 503
        pytest.skip("the desk is not built here: run `npm run build:web` (make test does)")
    assert response.status == 200 and response.content_type == "text/html"
    page = await response.text()
    names = re.findall(r'(?:src|href)="/tabs/assets/([^"]+)"', page)
    assert any(name.endswith(".js") for name in names)
    assert any(name.endswith(".css") for name in names)
    for name in names:
        asset = await bot.get(f"/tabs/assets/{name}")
        assert asset.status == 200, name
