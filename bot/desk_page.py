"""The managers' desk tab: its built pages (web/dist) at /tabs/queue and /tabs/config, its
hashed assets under /tabs/assets/, with headers that let Teams, and only Microsoft 365's hosts,
frame it."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

from settings import ROOT

DIST = ROOT / "web" / "dist"
BUILD_COMMAND = "npm ci && npm run build:web"
# Microsoft's list for tabs (learn.microsoft.com, "Prerequisites" of a Teams tab): Teams, the
# Microsoft 365 app and Outlook, and *.cloud.microsoft where all of them are moving.
FRAME_ANCESTORS = ("'self'", "https://teams.microsoft.com", "https://*.teams.microsoft.com",
                   "https://*.cloud.microsoft", "https://*.microsoft365.com",
                   "https://*.office.com", "https://outlook.office.com",
                   "https://outlook.office365.com", "https://outlook-sdf.office.com",
                   "https://outlook-sdf.office365.com")
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
    "font-src 'self'",
    # TeamsJS fetches Microsoft's list of valid Teams hosts from its CDN (in Teams only).
    "connect-src 'self' https://res.cdn.office.net", "base-uri 'none'", "form-action 'self'",
    "frame-ancestors " + " ".join(FRAME_ANCESTORS)))
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    # A new build changes the asset names the page points at: always ask again for the page.
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
# esbuild names every asset after its content's hash, so an asset never changes under its name.
ASSET_HEADERS = {"Cache-Control": "public, max-age=31536000, immutable",
                 "X-Content-Type-Options": "nosniff"}
ASSET_NAME = re.compile(r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9]+){1,3}$")
CONTENT_TYPES = {".js": "text/javascript", ".css": "text/css", ".map": "application/json",
                 ".txt": "text/plain", ".svg": "image/svg+xml", ".png": "image/png",
                 ".woff2": "font/woff2"}
dist_key = web.AppKey("desk_dist", Path)


def add_desk_page_routes(app: web.Application, dist: Path = DIST) -> None:
    """Serve the desk's pages and assets from ``dist`` (built by ``npm run build:web``)."""
    app[dist_key] = dist
    app.router.add_get("/tabs/queue", _page("queue.html"))
    app.router.add_get("/tabs/config", _page("config.html"))
    app.router.add_get("/tabs/assets/{name}", asset)


def _page(name: str) -> Callable[[web.Request], Awaitable[web.Response]]:
    """A handler answering the built page ``name``, or the 503 that says to build it."""
    async def page(request: web.Request) -> web.Response:
        path = request.app[dist_key] / name
        try:
            body = path.read_bytes()
        except OSError:
            return unbuilt()
        return web.Response(body=body, content_type="text/html", charset="utf-8",
                            headers=PAGE_HEADERS)
    return page


async def asset(request: web.Request) -> web.StreamResponse:
    """One built file by its hashed name; nothing outside dist/assets can be named."""
    name = request.match_info["name"]
    suffix = Path(name).suffix
    if not ASSET_NAME.match(name) or suffix not in CONTENT_TYPES:
        raise web.HTTPNotFound(text="No such asset")
    path = request.app[dist_key] / "assets" / name
    if not path.is_file():
        if not (request.app[dist_key] / "queue.html").is_file():
            return unbuilt()
        raise web.HTTPNotFound(text="No such asset")
    return web.FileResponse(path, headers={**ASSET_HEADERS,
                                           "Content-Type": CONTENT_TYPES[suffix]})


def unbuilt() -> web.Response:
    """The front end was never built here: say so, and how to build it."""
    body = ("<!doctype html><html lang=\"en\"><meta charset=\"utf-8\">"
            "<title>The desk is not built</title>"
            "<h1>The desk is not built on this server</h1>"
            "<p>The bot serves the desk from <code>web/dist</code>, which is missing. Build it "
            f"in the project's folder with <code>{BUILD_COMMAND}</code> (<code>make demo</code> "
            "and <code>make test</code> do it for you), then reload this page.</p></html>")
    return web.Response(status=503, body=body.encode(), content_type="text/html",
                        charset="utf-8", headers={**PAGE_HEADERS, "Retry-After": "60"})
