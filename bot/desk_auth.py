"""Who is looking at the managers' desk: the tab's Teams SSO token, checked as an Entra ID
access token, and the roles its person holds (bot/roles.py: one rule for cards and tab).

The token (from `microsoftTeams.authentication.getAuthToken`) must be RS256-signed by a key the
tenant publishes at its OpenID metadata (TAB_OPENID_METADATA_URL; fetched over aiohttp, kept,
fetched again for an unknown key id at most once a minute: bot/edge/signing_keys.KeySet), issued by
an allowed tenant in v1 (`https://sts.windows.net/{tid}/`) or v2
(`https://login.microsoftonline.com/{tid}/v2.0`) form, for the app's client id or its
Application ID URI, and not expired. Anything else is 401. Without MicrosoftAppId (the demo) no
token is asked: the viewer is the Agents Playground's user, a manager and FTCHelp agent."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any

import jwt
from aiohttp import web

from bot.edge.signing_keys import KeySet, UnknownSigningKey
from bot.roles import Roles
from settings import Settings

log = logging.getLogger(__name__)
# The Playground's current user (.m365agentsplayground.yml; storage/sample_data.ALEX).
DEMO_USER_ID = "00000000-0000-0000-0000-0000000000020"
DEMO_USER_NAME = "Alex Wilber"
_ISSUERS = (re.compile(r"^https://sts\.windows\.net/(?P<tid>[0-9a-fA-F-]{36})/$"),
            re.compile(r"^https://login\.microsoftonline\.com/(?P<tid>[0-9a-fA-F-]{36})/v2\.0$"))
LEEWAY_SECONDS = 60  # clock skew allowed between Entra and this host
KEY_RETRY_SECONDS = 60.0


@dataclass(frozen=True)
class Viewer:
    id: str            # AAD object id (lower case); in demo mode the Playground user's id
    name: str
    is_manager: bool   # member of the FTA managers' channel, or an admin
    is_ftchelp: bool   # member of the FTCHelp channel, or an admin
    is_admin: bool     # in ADMIN_AAD_IDS
    demo: bool         # no MicrosoftAppId: no token asked, acting as the Playground's user


class Unauthorized(Exception):
    """The token is missing or not one this app accepts; the message says which check
    failed (for the log and the 401's body; never the token)."""


def unauthorized(reason: str) -> web.HTTPUnauthorized:
    return web.HTTPUnauthorized(text=json.dumps({"error": reason}),
                                content_type="application/json",
                                headers={"WWW-Authenticate": "Bearer"})


class TabTokens:
    """Checks the tab's bearer tokens; gives the token's claims."""

    def __init__(self, settings: Settings, keys: KeySet | None = None) -> None:
        self._audiences = sorted({a for a in (settings.app_id, settings.tab_client_id,
                                               settings.tab_app_id_uri) if a})
        self._tenants = {t.lower() for t in settings.allowed_tenant_ids} | (
            {settings.app_tenant_id.lower()} if settings.app_tenant_id else set())
        self._keys = keys or KeySet(settings.tab_openid_metadata_url,
                                    settings.openid_timeout_seconds,
                                    retry_seconds=KEY_RETRY_SECONDS)

    async def claims(self, authorization: str) -> dict[str, Any]:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("a bearer token is required")
        try:
            header = jwt.get_unverified_header(token.strip())
        except jwt.PyJWTError:
            raise Unauthorized("the token is malformed") from None
        if header.get("alg") != "RS256":
            raise Unauthorized("the token must be signed with RS256")
        try:
            key = await self._keys.get(header.get("kid"))
        except UnknownSigningKey:
            raise Unauthorized("the token's signing key is not published") from None
        except Exception as error:  # the metadata unreachable and no keys kept
            log.warning("tab token keys unavailable: %s", type(error).__name__)
            raise Unauthorized("the signing keys cannot be read now") from None
        try:
            claims: dict[str, Any] = jwt.decode(
                token.strip(), key.public_key, algorithms=["RS256"], audience=self._audiences,
                leeway=LEEWAY_SECONDS, options={"require": ["exp", "iss", "aud", "oid"]})
        except jwt.ExpiredSignatureError:
            raise Unauthorized("the token has expired") from None
        except jwt.InvalidAudienceError:
            raise Unauthorized("the token is for another application") from None
        except jwt.PyJWTError:
            raise Unauthorized("the token is not valid") from None
        self._check_issuer(claims)
        return claims

    def _check_issuer(self, claims: dict[str, Any]) -> None:
        issuer, tenant = str(claims.get("iss") or ""), str(claims.get("tid") or "").lower()
        found = next((m for m in (p.match(issuer) for p in _ISSUERS) if m), None)
        if found is None or found["tid"].lower() != tenant:
            raise Unauthorized("the token's issuer is not Entra ID's for its tenant")
        if self._tenants and tenant not in self._tenants:
            raise Unauthorized("the token's tenant is not allowed")


class DeskAuth:
    """Turns a request into its Viewer: the token's person and the roles they hold."""

    def __init__(self, settings: Settings, roles: Roles, tokens: TabTokens | None = None
                 ) -> None:
        self._demo = settings.anonymous
        self._roles = roles
        self._tokens = tokens if tokens is not None or self._demo else TabTokens(settings)

    async def viewer(self, request: web.Request) -> Viewer:
        if self._demo:
            return Viewer(DEMO_USER_ID, DEMO_USER_NAME, is_manager=True, is_ftchelp=True,
                          is_admin=self._roles.is_admin_id(DEMO_USER_ID), demo=True)
        assert self._tokens is not None
        try:
            claims = await self._tokens.claims(request.headers.get("Authorization", ""))
        except Unauthorized as refused:
            log.info("desk request refused: %s", refused)
            raise unauthorized(str(refused)) from None
        object_id = str(claims["oid"]).lower()
        name = str(claims.get("name") or claims.get("preferred_username") or "")[:256]
        return Viewer(object_id, name, is_manager=await self._roles.is_manager(object_id),
                      is_ftchelp=await self._roles.is_ftchelp(object_id),
                      is_admin=self._roles.is_admin_id(object_id), demo=False)


desk_auth_key = web.AppKey("desk_auth", DeskAuth)
_viewer_key = web.RequestKey("desk_viewer", Viewer)


async def viewer_of(request: web.Request) -> Viewer:
    """The viewer of a /api/* request; raises web.HTTPUnauthorized (401 JSON) otherwise.
    Once per request: a handler that asks again gets the same answer."""
    found = request.get(_viewer_key)
    if found is not None:
        return found
    viewer = await request.app[desk_auth_key].viewer(request)
    request[_viewer_key] = viewer
    return viewer
