"""A local Entra ID for the tab's SSO tokens: an RSA key of our own, the tenant's OpenID
metadata and its JWKS, served by aiohttp on loopback; and tokens shaped like the ones
`authentication.getAuthToken` gives a tab (v1 or v2 issuer, the user's oid, name and tid)."""

from __future__ import annotations

import json
import time
from typing import Any

import jwt
from aiohttp import web
from aiohttp.test_utils import TestServer
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

TENANT = "00000000-0000-0000-0000-000000000001"  # the tenant tests/support/activities uses
APP_ID = "11111111-2222-3333-4444-555555555555"
APP_ID_URI = f"api://fta.contoso.com/{APP_ID}"


def v1_issuer(tenant: str = TENANT) -> str:
    return f"https://sts.windows.net/{tenant}/"


def v2_issuer(tenant: str = TENANT) -> str:
    return f"https://login.microsoftonline.com/{tenant}/v2.0"


class LocalEntra:
    def __init__(self, kid: str = "entra-key") -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = kid
        self.key_requests = 0
        self.server: TestServer | None = None
        self._published: list[dict[str, Any]] = [self._jwk(self.key, kid)]

    @staticmethod
    def _jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
        return {**json.loads(RSAAlgorithm.to_jwk(key.public_key())), "kid": kid, "use": "sig"}

    def rotate(self, kid: str) -> rsa.RSAPrivateKey:
        """Publish a new key (besides the old): what Entra does before signing with it."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._published.append(self._jwk(key, kid))
        return key

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("")).rstrip("/")

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/{TENANT}/v2.0/.well-known/openid-configuration"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/{tenant}/v2.0/.well-known/openid-configuration", self._metadata)
        app.router.add_get("/discovery/v2.0/keys", self._keys)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()

    def token(self, oid: str, name: str = "Megan Bowen", *, audience: str = APP_ID_URI,
              issuer: str | None = None, tenant: str = TENANT, expires_in: int | None = 3600,
              key: Any = None, kid: str | None = None, algorithm: str = "RS256",
              **claims: Any) -> str:
        """A token for the tab; ``expires_in=None`` leaves ``exp`` out, as a forger might."""
        now = int(time.time())
        body = {"aud": audience, "iss": issuer or v2_issuer(tenant), "tid": tenant,
                "oid": oid, "name": name, "iat": now, "nbf": now - 5, "ver": "2.0",
                "scp": "access_as_user", **claims}
        if expires_in is not None:
            body["exp"] = now + expires_in
        if algorithm == "none":
            return jwt.encode(body, None, algorithm="none", headers={"kid": kid or self.kid})
        return jwt.encode(body, key or self.key, algorithm=algorithm,
                          headers={"kid": kid or self.kid})

    async def _metadata(self, request: web.Request) -> web.Response:
        tenant = request.match_info["tenant"]
        return web.json_response({
            "issuer": v2_issuer(tenant), "jwks_uri": f"{self.url}/discovery/v2.0/keys",
            "id_token_signing_alg_values_supported": ["RS256"]})

    async def _keys(self, request: web.Request) -> web.Response:
        self.key_requests += 1
        return web.json_response({"keys": self._published})
